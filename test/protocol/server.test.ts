// Layer 2: the bundled server over the real protocol, as any LSP client sees it.

import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { TestClient, applyWorkspaceEdit, fileUri, messageOf } from './client';

const RULE = 'dockerfile-missing-healthcheck';
const DOCKERFILE = 'FROM node:20-slim\nWORKDIR /app\nCOPY . .\nEXPOSE 3000\nCMD ["node", "server.js"]\n';

describe('language server over stdio', () => {
  let dir: string;
  let client: TestClient;
  let settings: Record<string, unknown> = {};

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prodready-protocol-'));
    client = new TestClient({ folders: [dir], settings: () => settings });
    const init = await client.initialize();
    assert.equal(init.serverInfo?.name, 'prodready');
  });

  after(() => {
    client.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a diagnostic appears after didOpen, on the final FROM, with its rule and docs link', async () => {
    const uri = fileUri(path.join(dir, 'Dockerfile'));
    await client.open(uri, 'dockerfile', DOCKERFILE);
    const diagnostics = await client.waitFor(uri, (d) => d.length > 0);
    assert.equal(diagnostics.length, 1);
    const [d] = diagnostics;
    assert.equal(d.code, RULE);
    assert.equal(d.source, 'prodready');
    assert.equal(d.severity, 3 /* Information */);
    assert.deepEqual(d.range, { start: { line: 0, character: 0 }, end: { line: 0, character: 17 } });
    assert.match(messageOf(d), /final stage has no HEALTHCHECK/);
    assert.match(d.codeDescription?.href ?? '', /docs\/rules\/dockerfile-missing-healthcheck\.md$/);
    assert.deepEqual(d.data, { ruleId: RULE });
  });

  test('the diagnostic moves with an incremental edit, and goes away when the problem does', async () => {
    const uri = fileUri(path.join(dir, 'Dockerfile'));
    let seen = client.count(uri);
    await client.change(uri, 2, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '# syntax=docker/dockerfile:1\n\n' }]);
    const moved = await client.waitFor(uri, (_d, p) => p.version === 2, { after: seen });
    assert.equal(moved.length, 1);
    assert.equal(moved[0].range.start.line, 2);

    seen = client.count(uri);
    await client.change(uri, 3, [{ range: { start: { line: 6, character: 0 }, end: { line: 6, character: 0 } }, text: 'HEALTHCHECK NONE\n' }]);
    const gone = await client.waitFor(uri, (_d, p) => p.version === 3, { after: seen });
    assert.deepEqual(gone, []);
  });

  test('a quick fix from the diagnostic applies and the diagnostic goes away', async () => {
    const file = path.join(dir, 'api.Dockerfile');
    const uri = fileUri(file);
    await client.open(uri, 'dockerfile', DOCKERFILE);
    const diagnostics = await client.waitFor(uri, (d) => d.length === 1);
    const actions = await client.codeActions(uri, diagnostics);
    const fix = actions.find((a) => a.title.startsWith('Add HEALTHCHECK'));
    assert.ok(fix, `no fix among ${actions.map((a) => a.title).join(', ')}`);
    assert.equal(fix.kind, 'quickfix');
    assert.match(fix.title, /\(unsafe\)$/, 'the health check fix is marked unsafe in its title');
    const fixed = applyWorkspaceEdit(DOCKERFILE, uri, fix.edit!);
    assert.equal(
      fixed,
      // node:20-slim has no curl: the check is made with node itself.
      'FROM node:20-slim\nWORKDIR /app\nCOPY . .\nEXPOSE 3000\nHEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \\\n' +
        `  CMD ["node", "-e", "fetch('http://localhost:3000/').then(() => process.exit(0), () => process.exit(1))"]\n` +
        'CMD ["node", "server.js"]\n',
    );
    const seen = client.count(uri);
    await client.change(uri, 2, [{ text: fixed }]);
    assert.deepEqual(await client.waitFor(uri, (_d, p) => p.version === 2, { after: seen }), []);
  });

  test('per-rule severity set through configuration takes effect without a restart', async () => {
    const uri = fileUri(path.join(dir, 'worker.Dockerfile'));
    settings = { rules: { [RULE]: 'error' } };
    await client.changeConfiguration();
    await client.open(uri, 'dockerfile', DOCKERFILE);
    const asError = await client.waitFor(uri, (d) => d.length === 1);
    assert.equal(asError[0].severity, 1 /* Error */);

    const seen = client.count(uri);
    settings = { rules: { [RULE]: 'off' } };
    await client.changeConfiguration();
    assert.deepEqual(await client.waitFor(uri, () => true, { after: seen }), []);
    settings = {};
    await client.changeConfiguration();
  });

  test('closing a document clears its diagnostics', async () => {
    const uri = fileUri(path.join(dir, 'closing.Dockerfile'));
    await client.open(uri, 'dockerfile', DOCKERFILE);
    await client.waitFor(uri, (d) => d.length === 1);
    const seen = client.count(uri);
    await client.close(uri);
    assert.deepEqual(await client.waitFor(uri, () => true, { after: seen }), []);
  });
});

describe('bad input never takes the server down', () => {
  let dir: string;
  let client: TestClient;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prodready-robust-'));
    client = new TestClient({ folders: [dir] });
    await client.initialize();
  });

  after(() => {
    client.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const cases: Array<{ name: string; file: string; languageId: string; text: () => string; expect: (d: Diagnostic[]) => void }> = [
    {
      name: 'invalid YAML: one clear diagnostic',
      file: 'deploy.yaml',
      languageId: 'yaml',
      text: () => 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  labels: [unclosed\nspec: {\n',
      expect: (d) => {
        assert.equal(d.length, 1);
        assert.equal(d[0].code, 'unparsable-file');
        assert.match(messageOf(d[0]), /^YAML syntax error at line \d+, column \d+/);
      },
    },
    {
      name: 'a binary file: at most one diagnostic, saying why',
      file: 'blob.yaml',
      languageId: 'yaml',
      text: () => 'apiVersion: v1\nkind: Pod\n' + '\u0000\u0001\u0002\u00ff'.repeat(64),
      expect: (d) => {
        assert.equal(d.length, 1);
        assert.match(messageOf(d[0]), /binary data/);
      },
    },
    {
      name: 'a 5 MB file: not analysed, and it says so',
      file: 'huge.ts',
      languageId: 'typescript',
      text: () => 'export const x = 1;\n'.repeat(5 * 1024 * 1024 / 20 + 10),
      expect: (d) => {
        assert.equal(d.length, 1);
        assert.match(messageOf(d[0]), /Not analysed: the file is 5\.0 MB, over the 2\.0 MB limit/);
      },
    },
    { name: 'an empty file: nothing', file: 'Dockerfile', languageId: 'dockerfile', text: () => '', expect: (d) => assert.deepEqual(d, []) },
    {
      name: 'half-typed code: no crash',
      file: 'half.ts',
      languageId: 'typescript',
      text: () => "import axios from 'axios';\nconst api = axios.create({ baseURL: 'x', \nfetch(`${\nprocess.on('SIG",
      expect: (d) => assert.ok(d.length <= 1),
    },
  ];

  for (const c of cases) {
    test(c.name, async () => {
      const uri = fileUri(path.join(dir, c.file));
      await client.open(uri, c.languageId, c.text());
      c.expect(await client.waitFor(uri, () => true));
    });
  }

  test('the server still answers afterwards, and shuts down cleanly', async () => {
    const uri = fileUri(path.join(dir, 'after.Dockerfile'));
    await client.open(uri, 'dockerfile', DOCKERFILE);
    assert.equal((await client.waitFor(uri, (d) => d.length === 1))[0].code, RULE);
    assert.equal(await client.shutdown(), 0);
    assert.doesNotMatch(client.stderr, /Error/);
  });
});
