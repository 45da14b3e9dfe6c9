// Issue 23 over the protocol: what an editor sees for hostile input, and that the server stays
// useful (or exits so the client restarts it) instead of going deaf.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { TestClient, fileUri, messageOf } from './client';
import { HOSTILE, aliasBomb } from '../support/hostile';

describe('hostile input over LSP', () => {
  let dir: string;
  let client: TestClient;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prodready-lsp-hostile-'));
    client = new TestClient({ folders: [dir] });
    await client.initialize();
  });
  after(() => {
    client.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a .prodready.yaml alias bomb open in the editor gets a located diagnostic, not only a log line', async () => {
    const uri = fileUri(path.join(dir, '.prodready.yaml'));
    const text = aliasBomb();
    await client.open(uri, 'yaml', text);
    const diagnostics = await client.waitFor(uri, (d) => d.length > 0);
    assert.equal(diagnostics.length, 1);
    assert.equal(diagnostics[0].code, 'invalid-config');
    assert.equal(diagnostics[0].severity, 1);
    assert.deepEqual(diagnostics[0].range.start, { line: 1, character: 7 }, 'on the first alias: `*a` in `b: &b [*a,...`');
    assert.match(messageOf(diagnostics[0]), /cannot be read: .*alias/i);
    await client.close(uri);
  });

  test('a document too deep for the rules gets one skipped-file diagnostic, and the next file is analysed as usual', async () => {
    const deep = HOSTILE.find((h) => h.name === '700 nested arrays')!;
    const deepUri = fileUri(path.join(dir, deep.file));
    await client.open(deepUri, 'typescript', deep.text);
    const d = await client.waitFor(deepUri, (x) => x.length > 0);
    assert.deepEqual(d.map((x) => x.code), ['skipped-file']);
    assert.match(messageOf(d[0]), /^Not analysed: /);
    const uri = fileUri(path.join(dir, 'ok.ts'));
    await client.open(uri, 'typescript', "fetch('http://x/a');\n");
    assert.deepEqual((await client.waitFor(uri, (x) => x.length > 0)).map((x) => x.code), ['http-call-without-timeout']);
    assert.ok(!client.logs.some((l) => /failed on/.test(l)), client.logs.join('\n'));
  });

  test('a framing error from the client: the server says why on stderr and exits, so the client can restart it', async () => {
    client.writeRaw('Content-Length: many\r\n\r\n{}');
    assert.equal(await client.exitCode, 1);
    assert.match(client.stderr, /^prodready: the client's message framing is broken \(Content-Length value must be a number\. Got many\); exiting so that the client can start a new server$/m);
  });
});

describe('the protocol clients of the tests and the bench', () => {
  test('a client whose server dies in the middle of a message exits (it waited for the rest for ever)', () => {
    // A client process reading a "server" that writes half a message and exits: with vscode-jsonrpc's
    // partial-message timer left on, it re-arms every 10 s and the client never ends.
    const halfMessage = 'Content-Length: 100\r\n\r\n{"jsonrpc"';
    const server = `process.stdout.write(${JSON.stringify(halfMessage)})`;
    const client = [
      "const { spawn } = require('node:child_process');",
      "const { createMessageConnection, StreamMessageWriter } = require('vscode-jsonrpc/node');",
      `const { serverOutputReader } = require(${JSON.stringify(path.join(__dirname, '..', 'support', 'lsp-reader.ts'))});`,
      `const server = spawn(process.execPath, ['-e', ${JSON.stringify(server)}], { stdio: ['pipe', 'pipe', 'inherit'] });`,
      'const connection = createMessageConnection(serverOutputReader(server.stdout), new StreamMessageWriter(server.stdin));',
      'connection.listen();',
      "server.on('exit', () => { connection.dispose(); console.log('server gone'); });",
    ].join('\n');
    const started = Date.now();
    const run = spawnSync(process.execPath, ['--import', 'tsx', '-e', client], { encoding: 'utf8', timeout: 15_000 });
    assert.equal(run.signal, null, `the client was still running after ${Date.now() - started} ms`);
    assert.equal(run.stdout.trim(), 'server gone', run.stderr);
    assert.ok(Date.now() - started < 10_000);
  });
});
