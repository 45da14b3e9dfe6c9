// Layer 2, workspace rules: a SIGTERM handler in a file the user never opened decides whether the
// server file is flagged. The server learns about it from the disk (its background index) and from
// file-change notifications, and re-publishes the open file's diagnostics when the answer changes.

import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { TestClient, applyWorkspaceEdit, fileUri } from './client';

const RULE = 'missing-sigterm-handler';
const CREATED = 1;
const DELETED = 3;

const SERVER_TS = `import express from 'express';

const app = express();
app.get('/health', (_req, res) => res.json({ status: 'ok' }));

app.listen(Number(process.env.PORT ?? 3000));
`;

const SHUTDOWN_TS = `import type { Server } from 'node:http';

export function drainOnSigterm(server: Server): void {
  process.on('SIGTERM', () => {
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(1), 10_000).unref();
  });
}
`;

const flagged = (d: Diagnostic[]) => d.filter((x) => x.code === RULE);

describe('workspace rule over stdio: missing-sigterm-handler', () => {
  let dir: string;
  let client: TestClient;
  const serverFile = () => path.join(dir, 'services', 'api', 'src', 'server.ts');
  const handlerFile = () => path.join(dir, 'services', 'api', 'src', 'shutdown.ts');
  const serverUri = () => fileUri(serverFile());

  const notify = (changes: Array<{ file: string; type: number }>) =>
    client.connection.sendNotification('workspace/didChangeWatchedFiles', {
      changes: changes.map((c) => ({ uri: fileUri(c.file), type: c.type })),
    });

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prodready-workspace-'));
    for (const pkg of ['api', 'worker']) {
      fs.mkdirSync(path.join(dir, 'services', pkg, 'src'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'services', pkg, 'package.json'), JSON.stringify({ name: pkg, private: true }));
    }
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'platform', private: true, workspaces: ['services/*'] }));
    fs.writeFileSync(serverFile(), SERVER_TS);
    // A dependency's own SIGTERM handler must not count: node_modules is never indexed.
    fs.mkdirSync(path.join(dir, 'services', 'api', 'node_modules', 'lib'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'services', 'api', 'node_modules', 'lib', 'index.js'), "process.on('SIGTERM', () => {});\n");
    client = new TestClient({ folders: [dir] });
    await client.initialize();
  });

  after(() => {
    client.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('opening only the server file shows the finding on the listen call', async () => {
    await client.open(serverUri(), 'typescript', SERVER_TS);
    const diagnostics = await client.waitFor(serverUri(), (d) => flagged(d).length > 0);
    const [finding] = flagged(diagnostics);
    assert.deepEqual(finding.range, { start: { line: 5, character: 4 }, end: { line: 5, character: 10 } });
    assert.match(finding.message as string, /nothing in its package handles SIGTERM/);
  });

  test('a handler file created on disk in the same package clears it, without being opened', async () => {
    const seen = client.count(serverUri());
    fs.writeFileSync(handlerFile(), SHUTDOWN_TS);
    await notify([{ file: handlerFile(), type: CREATED }]);
    const diagnostics = await client.waitFor(serverUri(), (d) => flagged(d).length === 0, { after: seen });
    assert.deepEqual(flagged(diagnostics), []);
  });

  test('deleting the handler file brings the finding back', async () => {
    const seen = client.count(serverUri());
    fs.rmSync(handlerFile());
    await notify([{ file: handlerFile(), type: DELETED }]);
    const diagnostics = await client.waitFor(serverUri(), (d) => flagged(d).length === 1, { after: seen });
    assert.equal(flagged(diagnostics)[0].range.start.line, 5);
  });

  test('a handler in another package of the monorepo does not count', async () => {
    const other = path.join(dir, 'services', 'worker', 'src', 'main.ts');
    fs.writeFileSync(other, SHUTDOWN_TS);
    await notify([{ file: other, type: CREATED }]);
    // Notifications are handled in order: the edit below is analysed after the file change.
    const seen = client.count(serverUri());
    await client.change(serverUri(), 2, [{ range: { start: { line: 6, character: 0 }, end: { line: 6, character: 0 } }, text: '\n' }]);
    const diagnostics = await client.waitFor(serverUri(), (_d, p) => p.version === 2, { after: seen });
    assert.equal(flagged(diagnostics).length, 1);
  });

  test('moving that handler into the same package (a rename) clears the finding', async () => {
    const from = path.join(dir, 'services', 'worker', 'src', 'main.ts');
    const seen = client.count(serverUri());
    fs.renameSync(from, handlerFile());
    await client.connection.sendNotification('workspace/didRenameFiles', {
      files: [{ oldUri: fileUri(from), newUri: fileUri(handlerFile()) }],
    });
    const diagnostics = await client.waitFor(serverUri(), (d) => flagged(d).length === 0, { after: seen });
    assert.deepEqual(flagged(diagnostics), []);
    fs.rmSync(handlerFile());
    const again = client.count(serverUri());
    await notify([{ file: handlerFile(), type: DELETED }]);
    await client.waitFor(serverUri(), (d) => flagged(d).length === 1, { after: again });
  });

  test('an unsaved handler in another open document counts while it is open', async () => {
    const uri = fileUri(handlerFile());
    const seen = client.count(serverUri());
    await client.open(uri, 'typescript', SHUTDOWN_TS);
    await client.waitFor(serverUri(), (d) => flagged(d).length === 0, { after: seen });
    // Closed without saving: the file is not on disk, so the finding returns.
    const again = client.count(serverUri());
    await client.close(uri);
    await client.waitFor(serverUri(), (d) => flagged(d).length === 1, { after: again });
  });

  test('the quick fix drains the server on SIGTERM and the finding goes away', async () => {
    const current = client.published.get(serverUri())!.at(-1)!;
    const [finding] = flagged(current.diagnostics);
    const actions = await client.codeActions(serverUri(), [finding]);
    const fix = actions.find((a) => a.isPreferred);
    assert.ok(fix?.edit, `no preferred fix among ${JSON.stringify(actions.map((a) => a.title))}`);
    const text = `${SERVER_TS}\n`; // as the edit in the monorepo test left it
    const fixed = applyWorkspaceEdit(text, serverUri(), fix.edit);
    assert.match(fixed, /const server = app\.listen\(/);
    assert.match(fixed, /process\.on\('SIGTERM', \(\) => \{\n {2}process\.stderr\.write/);
    const seen = client.count(serverUri());
    await client.change(serverUri(), 3, [{ text: fixed }]);
    const diagnostics = await client.waitFor(serverUri(), (_d, p) => p.version === 3, { after: seen });
    assert.deepEqual(flagged(diagnostics), []);
  });
});

describe('workspace rule over stdio, scope "workspace": files nobody opened', () => {
  let dir: string;
  let client: TestClient;
  const serverFile = () => path.join(dir, 'src', 'server.ts');
  const handlerFile = () => path.join(dir, 'src', 'shutdown.ts');

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prodready-workspace-scope-'));
    fs.mkdirSync(path.join(dir, 'src'));
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'api', private: true }));
    fs.writeFileSync(serverFile(), SERVER_TS);
    client = new TestClient({ folders: [dir], settings: () => ({ scope: 'workspace' }) });
    await client.initialize();
  });

  after(() => {
    client.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the server file is flagged without being opened, and follows a handler created and deleted on disk', async () => {
    const uri = fileUri(serverFile());
    await client.waitFor(uri, (d) => flagged(d).length === 1);

    let seen = client.count(uri);
    fs.writeFileSync(handlerFile(), SHUTDOWN_TS);
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(handlerFile()), type: CREATED }] });
    await client.waitFor(uri, (d) => flagged(d).length === 0, { after: seen });

    seen = client.count(uri);
    fs.rmSync(handlerFile());
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(handlerFile()), type: DELETED }] });
    await client.waitFor(uri, (d) => flagged(d).length === 1, { after: seen });
  });
});

describe('workspace rule over stdio, no folder open: the file\'s own package is indexed', () => {
  let dir: string;
  let client: TestClient;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prodready-loose-'));
    fs.mkdirSync(path.join(dir, '.git'));
    fs.mkdirSync(path.join(dir, 'src'));
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'api', private: true }));
    fs.writeFileSync(path.join(dir, 'src', 'server.ts'), SERVER_TS);
    client = new TestClient({ folders: [] });
    await client.initialize();
  });

  after(() => {
    client.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a lone server file is flagged, and a handler created next to it clears the finding', async () => {
    const uri = fileUri(path.join(dir, 'src', 'server.ts'));
    await client.open(uri, 'typescript', SERVER_TS);
    await client.waitFor(uri, (d) => flagged(d).length === 1);
    const seen = client.count(uri);
    const handler = path.join(dir, 'src', 'shutdown.ts');
    fs.writeFileSync(handler, SHUTDOWN_TS);
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(handler), type: CREATED }] });
    await client.waitFor(uri, (d) => flagged(d).length === 0, { after: seen });
  });
});

describe('workspace facts over stdio: a logger exported by a module nobody opened', () => {
  let dir: string;
  let client: TestClient;
  const loggerFile = () => path.join(dir, 'src', 'logger.ts');
  const ordersFile = () => path.join(dir, 'src', 'orders.ts');
  const ORDERS_TS = "import { logger } from './logger';\n\nexport function pay(id: string) {\n  logger.info(`order ${id} paid`);\n}\n";
  const interpolated = (d: Diagnostic[]) => d.filter((x) => x.code === 'interpolated-log-message');

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prodready-logger-module-'));
    fs.mkdirSync(path.join(dir, 'src'));
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'orders', private: true }));
    fs.writeFileSync(loggerFile(), "import pino from 'pino';\n\nexport const logger = pino();\n");
    fs.writeFileSync(ordersFile(), ORDERS_TS);
    client = new TestClient({ folders: [dir] });
    await client.initialize();
  });

  after(() => {
    client.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the imported pino logger is recognised, and a change to its module on disk is followed', async () => {
    const uri = fileUri(ordersFile());
    await client.open(uri, 'typescript', ORDERS_TS);
    const diagnostics = await client.waitFor(uri, (d) => interpolated(d).length === 1);
    assert.deepEqual(interpolated(diagnostics)[0].range, { start: { line: 3, character: 14 }, end: { line: 3, character: 32 } });

    const seen = client.count(uri);
    fs.writeFileSync(loggerFile(), 'export const logger = console;\n');
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(loggerFile()), type: 2 }] });
    await client.waitFor(uri, (d) => interpolated(d).length === 0, { after: seen });
  });
});
