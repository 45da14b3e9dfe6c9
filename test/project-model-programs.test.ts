// The project model on the code rules' remaining classes from the real-world review (issue 14), end
// to end through the CLI: a command line package whose `bin` points at build output (novu's CLI: its
// commands and the local dev server they start), an import cycle between a command and its entry
// point, a module only a front-end package imports by package name, a published library's listen wrapper, and a server on an ephemeral port. Every "not
// flagged" below was a finding before this change; the service beside them still is.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeTree } from './support/files';

const CLI = path.resolve(__dirname, '..', 'dist', 'cli.js');

function cli(args: string[], cwd: string) {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function findings(cwd: string): string[] {
  const { stdout, stderr, code } = cli(['check', '--format', 'json', '--fail-on', 'none'], cwd);
  assert.equal(code, 0, stderr);
  return (JSON.parse(stdout).findings as Array<{ ruleId: string; file: string; line: number }>).map((f) => `${f.file}:${f.line} ${f.ruleId}`).sort();
}

const WORKSPACE: Record<string, string> = {
  // A command line package: `bin` names the compiled entry point, the source is src/index.ts (no `#!`
  // in the source: tsc keeps it only when written, and many CLIs add it in the build).
  'packages/cli/package.json': JSON.stringify({ name: 'acme-cli', version: '1.0.0', bin: { acme: './dist/src/index.js' }, dependencies: { commander: '12' } }),
  'packages/cli/src/index.ts': "import { dev } from './commands';\nexport const config = { api: 'https://api.acme.dev' };\ndev();\n",
  'packages/cli/src/commands/index.ts': "export * from './dev';\n",
  'packages/cli/src/commands/dev/index.ts': "export { dev } from './dev';\n",
  // The command imports the entry point's config back: an import cycle.
  'packages/cli/src/commands/dev/dev.ts': [
    "import { config } from '../../index';",
    "import { DevServer } from '../../dev-server';",
    'export async function dev() {',
    '  new DevServer().start();',
    '  const res = await fetch(`${config.api}/tunnel`);',
    "  console.log('tunnel', await res.text());",
    '}',
    '',
  ].join('\n'),
  'packages/cli/src/dev-server/index.ts': "export { DevServer } from './http-server';\n",
  'packages/cli/src/dev-server/http-server.ts': [
    "import * as http from 'http';",
    'export class DevServer {',
    '  start() {',
    "    const server = http.createServer((req, res) => res.end('ok'));",
    '    server.listen(2022);',
    '  }',
    '}',
    '',
  ].join('\n'),
  // A published library (its package.json shaped for publishing) whose class wraps listen.
  'packages/rpc/package.json': JSON.stringify({ name: '@acme/rpc', version: '1.0.0', main: 'dist/index.js', types: 'dist/index.d.ts', dependencies: { express: '4' } }),
  'packages/rpc/src/server.ts': [
    "import express from 'express';",
    'export class Server {',
    '  router = express();',
    '  listen(port: number) {',
    '    return this.router.listen(port);',
    '  }',
    '}',
    '',
  ].join('\n'),
  // A module of a shared package that only a front-end package imports, by the package's name.
  'packages/lib/package.json': JSON.stringify({ name: '@acme/lib', private: true }),
  'packages/lib/upload/get-file.ts': "export const getFile = async (url: string) => (await fetch(url)).blob();\n",
  'apps/web/package.json': JSON.stringify({ name: 'web', private: true, dependencies: { react: '18' }, devDependencies: { vite: '5' } }),
  'apps/web/src/upload.tsx': "import { useState } from 'react';\nimport { getFile } from '@acme/lib/upload/get-file';\nexport const useDownload = () => useState(() => getFile('/api/files/1'));\n",
  // The service: what must still be flagged. Its worker starts a loopback proxy on an ephemeral port.
  'services/api/package.json': JSON.stringify({ name: 'api', private: true, scripts: { start: 'node src/main.js' } }),
  'services/api/src/main.js': [
    "const express = require('express');",
    "const { proxyUrl } = require('./proxy');",
    'const app = express();',
    "app.get('/', async (req, res) => res.send(await (await fetch('http://billing/charge')).text()));",
    'app.listen(3000);',
    'proxyUrl();',
    '',
  ].join('\n'),
  'services/api/src/proxy.js': [
    "const http = require('http');",
    'exports.proxyUrl = () => new Promise((resolve) => {',
    "  const server = http.createServer((req, res) => res.end('ok'));",
    "  server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${server.address().port}`));",
    '});',
    '',
  ].join('\n'),
};

describe('the project model: command line packages, libraries and ephemeral servers', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prodready-programs-'));
    writeTree(dir, WORKSPACE);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('only the service is flagged', () => {
    assert.deepEqual(findings(dir), [
      'services/api/src/main.js:4 hardcoded-service-url',
      'services/api/src/main.js:4 http-call-without-timeout',
      'services/api/src/main.js:5 missing-sigterm-handler',
    ]);
  });

  test('explain says the compiled `bin` entry makes the source a command line program, and what only it imports one too', () => {
    const entry = cli(['explain', 'packages/cli/src/index.ts'], dir);
    assert.equal(entry.code, 0, entry.stderr);
    assert.match(entry.stdout, /^packages\/cli\/src\/index\.ts: script .*\n {2}why: its package\.json `bin` installs it \(or the file built from it\) as a command line program/);
    // Five imports from the entry point, through the cycle the command closes with it.
    const server = cli(['explain', 'packages/cli/src/dev-server/http-server.ts'], dir);
    assert.equal(server.code, 0, server.stderr);
    const shared = cli(['explain', 'packages/lib/upload/get-file.ts'], dir);
    assert.match(shared.stdout, /^packages\/lib\/upload\/get-file\.ts: browser .*\n {2}why: imported only by front-end code: apps\/web\/src\/upload\.tsx/);
    assert.match(server.stdout, /^packages\/cli\/src\/dev-server\/http-server\.ts: script .*\n {2}why: imported only by one-off programs \(command line tools, scripts\): packages\/cli\/src\/dev-server\/index\.ts/);
  });
});
