// missing-sigterm-handler from the command line: the bundled CLI builds the workspace index from
// the paths it scans (and the rest of their packages), so CI agrees with the editor.

import { test, describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const CLI = path.resolve(__dirname, '..', '..', 'dist', 'cli.js');
const RULE = 'missing-sigterm-handler';

const SERVER = "import express from 'express';\n\nconst app = express();\napp.listen(3000);\n";
const HANDLER = "process.on('SIGTERM', () => process.exit(0));\n";

interface JsonReport {
  findings: Array<{ ruleId: string; file: string; line: number; column: number }>;
}

function check(cwd: string, ...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, 'check', ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function shutdownFindings(cwd: string, ...paths: string[]): string[] {
  const { stdout, stderr } = check(cwd, ...paths, '--format', 'json');
  assert.equal(stderr, '');
  const report = JSON.parse(stdout) as JsonReport;
  return report.findings.filter((f) => f.ruleId === RULE).map((f) => `${f.file}:${f.line}:${f.column}`);
}

describe('prodready check: missing-sigterm-handler across files', () => {
  let dir: string;
  const write = (files: Record<string, string>) => {
    for (const [name, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      fs.writeFileSync(path.join(dir, name), text);
    }
  };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prodready-cli-shutdown-'));
    fs.mkdirSync(path.join(dir, '.git')); // the repository boundary for package lookups
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a monorepo: the handler counts in its own package only', () => {
    write({
      'package.json': '{"private":true,"workspaces":["packages/*"]}',
      'packages/api/package.json': '{}',
      'packages/api/src/main.ts': SERVER,
      'packages/worker/package.json': '{}',
      'packages/worker/src/main.ts': HANDLER,
      'packages/gateway/package.json': '{}',
      'packages/gateway/src/server.ts': SERVER,
      'packages/gateway/src/shutdown.ts': HANDLER,
    });
    assert.deepEqual(shutdownFindings(dir, '.'), ['packages/api/src/main.ts:4:5']);
    const { code } = check(dir, '.');
    assert.equal(code, 1);
  });

  test('checking one file still sees the handler next to it in its package', () => {
    write({ 'package.json': '{}', 'src/server.ts': SERVER, 'src/shutdown.ts': HANDLER });
    assert.deepEqual(shutdownFindings(dir, 'src/server.ts'), []);
    fs.rmSync(path.join(dir, 'src', 'shutdown.ts'));
    assert.deepEqual(shutdownFindings(dir, 'src/server.ts'), ['src/server.ts:4:5']);
  });

  test('--fix drains the first server; the package then handles SIGTERM, as the editor would say', () => {
    write({ 'package.json': '{}', 'src/a.ts': SERVER, 'src/b.ts': SERVER });
    assert.deepEqual(shutdownFindings(dir, '.'), ['src/a.ts:4:5', 'src/b.ts:4:5']);
    const fixed = check(dir, '.', '--fix');
    assert.equal(fixed.code, 0, fixed.stdout + fixed.stderr);
    assert.match(fs.readFileSync(path.join(dir, 'src', 'a.ts'), 'utf8'), /const server = app\.listen\(3000\);\n\nprocess\.on\('SIGTERM'/);
    assert.equal(fs.readFileSync(path.join(dir, 'src', 'b.ts'), 'utf8'), SERVER);
    assert.deepEqual(shutdownFindings(dir, '.'), []);
  });
});
