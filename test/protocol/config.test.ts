// Configuration and suppression through the real protocol: settings, .prodready.yaml, inline
// ignores and their code actions, each taking effect without a restart.

import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { TestClient, applyWorkspaceEdit, fileUri, messageOf } from './client';
import { writeTree as write } from '../support/files';

const RULE = 'dockerfile-missing-healthcheck';
const DOCKERFILE = 'FROM node:20-slim\nCMD ["node", "server.js"]\n';


const codes = (d: Diagnostic[]) => d.map((x) => `${x.range.start.line}:${x.code}`);

describe('settings take effect without a restart', () => {
  let dir: string;
  let client: TestClient;
  let settings: Record<string, unknown> = {};

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prodready-settings-'));
    client = new TestClient({ folders: [dir], settings: () => settings });
    await client.initialize();
  });
  after(() => {
    client.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function reconfigure(next: Record<string, unknown>, uri: string, predicate: (d: Diagnostic[]) => boolean) {
    const seen = client.count(uri);
    settings = next;
    await client.changeConfiguration();
    return client.waitFor(uri, predicate, { after: seen });
  }

  test('enable: false clears the diagnostics, true brings them back', async () => {
    const uri = fileUri(path.join(dir, 'Dockerfile'));
    await client.open(uri, 'dockerfile', DOCKERFILE);
    await client.waitFor(uri, (d) => d.length === 1);
    // wait for the answer to the new settings: a re-publish from the background index may come first
    assert.deepEqual(await reconfigure({ enable: false }, uri, (d) => d.length === 0), []);
    assert.deepEqual(codes(await reconfigure({}, uri, (d) => d.length > 0)), [`0:${RULE}`]);
  });

  test('rules: severity and off', async () => {
    const uri = fileUri(path.join(dir, 'Dockerfile'));
    assert.equal((await reconfigure({ rules: { [RULE]: 'warning' } }, uri, (d) => d[0]?.severity === 2))[0].severity, 2);
    assert.deepEqual(await reconfigure({ rules: { [RULE]: { severity: 'off' } } }, uri, (d) => d.length === 0), []);
    await reconfigure({}, uri, (d) => d.length > 0);
  });

  test('rules: options from settings (a lower maxMs makes a 15 s timeout too long)', async () => {
    const uri = fileUri(path.join(dir, 'src', 'client.ts'));
    await client.open(uri, 'typescript', "import axios from 'axios';\nexport const get = () => axios.get('/x', { timeout: 15_000 });\n");
    assert.deepEqual(await client.waitFor(uri, () => true), []);
    const d = await reconfigure({ rules: { 'http-call-without-timeout': { options: { maxMs: 5000 } } } }, uri, (x) => x.length === 1);
    assert.match(messageOf(d[0]), /Timeout of 15 s is above the 5 s limit \(option maxMs\)/);
    assert.deepEqual(await reconfigure({}, uri, () => true), []);
  });

  test('exclude: a matching file is not analysed', async () => {
    const uri = fileUri(path.join(dir, 'Dockerfile'));
    assert.deepEqual(await reconfigure({ exclude: ['Docker*'] }, uri, () => true), []);
    await reconfigure({}, uri, (d) => d.length > 0);
  });

  test('maxFileSizeKb: a larger file is skipped, with one diagnostic saying so', async () => {
    const uri = fileUri(path.join(dir, 'Dockerfile'));
    const d = await reconfigure({ maxFileSizeKb: 0.01 }, uri, (x) => x.length === 1 && x[0].code === 'skipped-file');
    assert.match(messageOf(d[0]), /over the 0\.0 MB limit/);
    await reconfigure({}, uri, (x) => x.length > 0 && x[0].code === RULE);
  });

  test('run: onSave waits for the save; onType does not', async () => {
    const uri = fileUri(path.join(dir, 'Dockerfile'));
    settings = { run: 'onSave' };
    await client.changeConfiguration();
    let seen = client.count(uri);
    await client.change(uri, 2, [{ text: `${DOCKERFILE}HEALTHCHECK NONE\n` }]);
    await client.connection.sendNotification('textDocument/didSave', { textDocument: { uri } });
    const afterSave = await client.waitFor(uri, (_d, p) => p.version === 2, { after: seen });
    assert.deepEqual(afterSave, []);
    // Only the save produced a publication for version 2: nothing was published on the change itself.
    assert.equal(client.published.get(uri)!.slice(seen).filter((p) => p.version === 2).length, 1);

    settings = {};
    await client.changeConfiguration();
    seen = client.count(uri);
    await client.change(uri, 3, [{ text: DOCKERFILE }]);
    assert.equal((await client.waitFor(uri, (_d, p) => p.version === 3, { after: seen })).length, 1);
  });

  test('scope: workspace shows files nobody opened, and follows them on disk', async () => {
    write(dir, { 'svc/Dockerfile': DOCKERFILE, 'svc/worker.Dockerfile': 'FROM x\nHEALTHCHECK NONE\n' });
    const unopened = fileUri(path.join(dir, 'svc', 'Dockerfile'));
    settings = { scope: 'workspace' };
    await client.changeConfiguration();
    assert.deepEqual(codes(await client.waitFor(unopened, (d) => d.length > 0)), [`0:${RULE}`]);
    assert.equal(client.count(fileUri(path.join(dir, 'svc', 'worker.Dockerfile'))), 0, 'a clean file gets no publication');

    const seen = client.count(unopened);
    fs.writeFileSync(path.join(dir, 'svc', 'Dockerfile'), `${DOCKERFILE}HEALTHCHECK NONE\n`);
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: unopened, type: 2 }] });
    assert.deepEqual(await client.waitFor(unopened, () => true, { after: seen }), []);

    const created = path.join(dir, 'svc', 'batch.Dockerfile');
    fs.writeFileSync(created, DOCKERFILE);
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(created), type: 1 }] });
    await client.waitFor(fileUri(created), (d) => d.length === 1);
    fs.rmSync(created);
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(created), type: 3 }] });
    assert.deepEqual(await client.waitFor(fileUri(created), () => true, { after: 1 }), []);

    settings = {};
    await client.changeConfiguration();
  });
});

describe('.prodready.yaml', () => {
  let dir: string;
  let other: string;
  let client: TestClient;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prodready-config-'));
    other = fs.mkdtempSync(path.join(os.tmpdir(), 'prodready-config-b-'));
    write(dir, {
      '.prodready.yaml': `rules:\n  ${RULE}: error\n`,
      'api/Dockerfile': DOCKERFILE,
      'legacy/.prodready.yaml': `rules:\n  ${RULE}: hint\n`,
      'legacy/Dockerfile': DOCKERFILE,
    });
    write(other, { '.prodready.yaml': `rules:\n  ${RULE}: warning\n`, 'Dockerfile': DOCKERFILE });
    client = new TestClient({ folders: [dir, other] });
    await client.initialize();
  });
  after(() => {
    client.kill();
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(other, { recursive: true, force: true });
  });

  test('the nearest file wins in a nested folder; each root of a multi-root workspace has its own', async () => {
    const api = fileUri(path.join(dir, 'api', 'Dockerfile'));
    const legacy = fileUri(path.join(dir, 'legacy', 'Dockerfile'));
    const second = fileUri(path.join(other, 'Dockerfile'));
    for (const uri of [api, legacy, second]) await client.open(uri, 'dockerfile', DOCKERFILE);
    assert.equal((await client.waitFor(api, (d) => d.length === 1))[0].severity, 1);
    assert.equal((await client.waitFor(legacy, (d) => d.length === 1))[0].severity, 4);
    assert.equal((await client.waitFor(second, (d) => d.length === 1))[0].severity, 2);
  });

  test('a change to the file takes effect on the watched-file event', async () => {
    const api = fileUri(path.join(dir, 'api', 'Dockerfile'));
    const seen = client.count(api);
    fs.writeFileSync(path.join(dir, '.prodready.yaml'), `exclude: ["api/**"]\n`);
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(path.join(dir, '.prodready.yaml')), type: 2 }] });
    // Open manifests are re-published when the index's answers change (a build finishing), so the next
    // publication may still be the old state: wait for the one the config change makes.
    assert.deepEqual(await client.waitFor(api, (d) => d.length === 0, { after: seen }), []);
  });

  test('commands: the effective configuration of a file, and a one-off workspace scan', async () => {
    const legacyFile = path.join(dir, 'legacy', 'Dockerfile');
    const effective = (await client.connection.sendRequest('workspace/executeCommand', {
      command: 'prodready.effectiveConfiguration',
      arguments: [fileUri(legacyFile)],
    })) as { configFiles: Array<{ path: string }>; rules: Record<string, { severity: string }>; exclude: string[] };
    assert.deepEqual(
      effective.configFiles.map((f) => path.relative(dir, f.path)),
      ['.prodready.yaml', path.join('legacy', '.prodready.yaml')],
    );
    assert.equal(effective.rules[RULE].severity, 'hint');
    assert.equal(effective.rules['http-call-without-timeout'].severity, 'warning');
    assert.deepEqual((effective.rules['http-call-without-timeout'] as { options?: unknown }).options, { defaultMs: 10000, maxMs: 30000, includeTests: false });

    write(other, { 'worker/Dockerfile': DOCKERFILE });
    const scanned = (await client.connection.sendRequest('workspace/executeCommand', { command: 'prodready.scanWorkspace' })) as {
      files: number;
      withFindings: number;
    };
    assert.ok(scanned.files >= 1 && scanned.withFindings >= 1, JSON.stringify(scanned));
    const unopened = await client.waitFor(fileUri(path.join(other, 'worker', 'Dockerfile')), (d) => d.length === 1);
    assert.equal(unopened[0].severity, 2, "the other folder's config applies to its files");
  });

  test('a malformed file gets diagnostics on itself, and the last good configuration stays in effect', async () => {
    const configPath = path.join(dir, '.prodready.yaml');
    const configUri = fileUri(configPath);
    const api = fileUri(path.join(dir, 'api', 'Dockerfile'));
    const broken = `rules:\n  ${RULE}: [error\nexclude: nope\n`;
    fs.writeFileSync(configPath, broken);
    const seen = client.count(api);
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: configUri, type: 2 }] });
    const onConfig = await client.waitFor(configUri, (d) => d.length > 0);
    assert.equal(onConfig.length, 1);
    assert.equal(onConfig[0].code, 'invalid-config');
    assert.match(messageOf(onConfig[0]), /is not valid YAML \(line \d+, column \d+\).*The last valid configuration stays in effect/s);
    assert.deepEqual(await client.waitFor(api, () => true, { after: seen }), [], 'still excluded by the last good file');

    await client.open(configUri, 'yaml', `rules:\n  no-such-rule: off\n  ${RULE}: loud\n`);
    const open = await client.waitFor(configUri, (d) => d.length === 2);
    assert.deepEqual(open.map(messageOf), [
      "Unknown rule id 'no-such-rule'.",
      'Bad severity "loud": use one of error, warning, information, hint, off.',
    ]);
    assert.deepEqual(open.map((d) => d.range.start.line), [1, 2]);

    // Closed again, the file's problems as saved on disk (the YAML error) come back.
    const beforeClose = client.count(configUri);
    await client.close(configUri);
    const onDisk = await client.waitFor(configUri, (d) => d.length === 1, { after: beforeClose });
    assert.match(messageOf(onDisk[0]), /is not valid YAML/);
  });
});

describe('inline suppressions and their code actions', () => {
  let dir: string;
  let client: TestClient;
  let settings: Record<string, unknown> = {};

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prodready-ignore-'));
    client = new TestClient({ folders: [dir], settings: () => settings });
    await client.initialize();
  });
  after(() => {
    client.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('next-line, file and line forms suppress; an unused one is a hint', async () => {
    const cases: Array<[string, string, string[]]> = [
      ['next.Dockerfile', `# prodready-ignore-next-line ${RULE} -- a worker, nothing to probe\n${DOCKERFILE}`, []],
      ['file.Dockerfile', `# prodready-ignore-file ${RULE}\n${DOCKERFILE}`, []],
      ['unused.Dockerfile', `# prodready-ignore-next-line ${RULE}\nFROM x\nHEALTHCHECK NONE\n`, ['0:unused-ignore']],
      ['unknown.Dockerfile', `# prodready-ignore-file no-such-rule\nFROM x\nHEALTHCHECK NONE\n`, ['0:unused-ignore']],
      ['src/line.ts', 'export const ping = () => fetch(`/ping`); // prodready-ignore-line http-call-without-timeout -- a local sidecar\n', []],
      ['src/jsx.tsx', "import React from 'react';\nexport const A = () => (\n  <div>\n    {/* prodready-ignore-next-line console-log */}\n    {String(1)}\n  </div>\n);\n", ['3:unused-ignore']],
    ];
    for (const [name, text, expected] of cases) {
      const uri = fileUri(path.join(dir, name));
      await client.open(uri, name.endsWith('.ts') ? 'typescript' : name.endsWith('.tsx') ? 'typescriptreact' : 'dockerfile', text);
      assert.deepEqual(codes(await client.waitFor(uri, () => true)), expected, name);
    }
    const unused = client.published.get(fileUri(path.join(dir, 'unused.Dockerfile')))!.at(-1)!.diagnostics[0];
    assert.equal(unused.severity, 4 /* Hint */);
    assert.equal(messageOf(unused), `prodready-ignore-next-line ${RULE} suppresses nothing here: remove it.`);
  });

  test('"Ignore <rule> for this line" inserts a comment that works, and merges into an existing one', async () => {
    const uri = fileUri(path.join(dir, 'Dockerfile'));
    const text = `# syntax=docker/dockerfile:1\nFROM node:20 AS build\nRUN make\n\n  FROM node:20-slim\nCMD ["node"]\n`;
    await client.open(uri, 'dockerfile', text);
    const [diagnostic] = await client.waitFor(uri, (d) => d.length === 1);
    const actions = await client.codeActions(uri, [diagnostic]);
    assert.deepEqual(
      actions.map((a) => a.title),
      [
        // Nothing says which port the app listens on: no check is offered on a guess.
        `Ignore ${RULE} for this line`,
        `Ignore ${RULE} for this file`,
      ],
    );
    const line = applyWorkspaceEdit(text, uri, actions[0].edit!);
    assert.equal(line, `# syntax=docker/dockerfile:1\nFROM node:20 AS build\nRUN make\n\n  # prodready-ignore-next-line ${RULE}\n  FROM node:20-slim\nCMD ["node"]\n`);
    const file = applyWorkspaceEdit(text, uri, actions[1].edit!);
    assert.equal(file, `# syntax=docker/dockerfile:1\n# prodready-ignore-file ${RULE}\nFROM node:20 AS build\nRUN make\n\n  FROM node:20-slim\nCMD ["node"]\n`, 'parser directives stay first');

    let seen = client.count(uri);
    await client.change(uri, 2, [{ text: line }]);
    assert.deepEqual(await client.waitFor(uri, (_d, p) => p.version === 2, { after: seen }), []);

    // An existing ignore comment above the line gets the rule added to it.
    const merged = `# prodready-ignore-next-line some-other-rule -- kept\nFROM node:20-slim\nCMD ["node", "server.js"]\n`;
    seen = client.count(uri);
    await client.change(uri, 3, [{ text: merged }]);
    const published = await client.waitFor(uri, (d, p) => p.version === 3 && d.some((x) => x.code === RULE), { after: seen });
    assert.deepEqual(codes(published), ['0:unused-ignore', `1:${RULE}`]);
    const again = published[1];
    const ignore = (await client.codeActions(uri, [again])).find((a) => a.title === `Ignore ${RULE} for this line`)!;
    assert.equal(applyWorkspaceEdit(merged, uri, ignore.edit!), `# prodready-ignore-next-line some-other-rule, ${RULE} -- kept\nFROM node:20-slim\nCMD ["node", "server.js"]\n`);
  });

  test('source.fixAll.prodready applies the safe fixes only', async () => {
    const uri = fileUri(path.join(dir, 'src', 'calls.ts'));
    const text = [
      "import axios from 'axios';",
      '',
      'export async function load(id: string) {',
      '  const res = await fetch(`/items/${id}`);',
      '  await axios.get(`/audit/${id}`, { timeout: 90_000 });',
      '  return res.json();',
      '}',
      '',
    ].join('\n');
    await client.open(uri, 'typescript', text);
    const d = await client.waitFor(uri, (x) => x.length === 2);
    const actions = await client.codeActions(uri, [], ['source.fixAll.prodready']);
    assert.deepEqual(actions.map((a) => [a.title, a.kind]), [['Fix all safe prodready problems (1)', 'source.fixAll.prodready']]);
    const fixed = applyWorkspaceEdit(text, uri, actions[0].edit!);
    assert.equal(fixed.split('\n')[3], '  const res = await fetch(`/items/${id}`, { signal: AbortSignal.timeout(10_000) });');
    assert.equal(fixed.split('\n')[4], '  await axios.get(`/audit/${id}`, { timeout: 90_000 });', 'the unsafe fix (a value someone chose) is left alone');
    // The unsafe fix is still offered one at a time, never preferred.
    const one = await client.codeActions(uri, [d.find((x) => x.range.start.line === 4)!]);
    assert.ok(one.some((a) => a.title.endsWith('(unsafe)') && a.isPreferred !== true));
  });

  test('requireReason: an ignore without a reason suppresses nothing and says why; the action adds a reason', async () => {
    write(dir, { 'strict/.prodready.yaml': 'requireReason: true\n' });
    const uri = fileUri(path.join(dir, 'strict', 'Dockerfile'));
    const text = `# prodready-ignore-next-line ${RULE}\n${DOCKERFILE}`;
    await client.open(uri, 'dockerfile', text);
    const d = await client.waitFor(uri, (x) => x.length === 2);
    assert.deepEqual(codes(d), ['0:ignore-without-reason', `1:${RULE}`]);
    assert.match(messageOf(d[0]), /has no reason, and this project requires one/);
    const action = (await client.codeActions(uri, [d[1]])).find((a) => a.title === `Ignore ${RULE} for this file`)!;
    const fixed = applyWorkspaceEdit(text, uri, action.edit!);
    assert.equal(fixed.split('\n')[0], `# prodready-ignore-file ${RULE} -- why this is fine`);
  });
});

describe('the project model in the editor: roles: overrides and the explain command', () => {
  let dir: string;
  let client: TestClient;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prodready-roles-'));
    write(dir, {
      'package.json': '{"name":"shop","private":true,"scripts":{"start":"node src/app.js"}}',
      'src/app.js': "const express = require('express');\nconst app = express();\napp.use(express.static('web-assets'));\nprocess.on('SIGTERM', () => process.exit(0));\napp.listen(3000);\n",
      'web-assets/cart.js': "console.log('cart');\n",
    });
    client = new TestClient({ folders: [dir] });
    await client.initialize();
  });
  after(() => {
    client.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a file in a statically served folder is browser code; roles: makes it service code, and back', async () => {
    const uri = fileUri(path.join(dir, 'web-assets', 'cart.js'));
    await client.open(uri, 'javascript', "console.log('cart');\n");
    // Once the workspace index knows src/app.js serves the folder (at once, or when its build finishes).
    assert.deepEqual(await client.waitFor(uri, (d) => d.length === 0), []);

    const explained = (await client.connection.sendRequest('workspace/executeCommand', { command: 'prodready.explain', arguments: [uri] })) as {
      text: string;
      explanation: { role: { role: string; evidence?: { line?: number } } };
    };
    assert.equal(explained.explanation.role.role, 'browser');
    assert.equal(explained.explanation.role.evidence?.line, 3);
    assert.match(explained.text, /web-assets\/cart\.js: browser .*\n {2}why: lies in `web-assets`, which src\/app\.js:3 serves to browsers as static files/);

    const configPath = path.join(dir, '.prodready.yaml');
    let seen = client.count(uri);
    fs.writeFileSync(configPath, 'roles:\n  "web-assets/**": service\n');
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(configPath), type: 1 }] });
    const flagged = await client.waitFor(uri, (d) => d.length === 1, { after: seen });
    assert.equal(flagged[0].code, 'console-log');

    seen = client.count(uri);
    fs.rmSync(configPath);
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(configPath), type: 3 }] });
    assert.deepEqual(await client.waitFor(uri, () => true, { after: seen }), []);
  });
});
