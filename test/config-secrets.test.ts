// hardcoded-credential never prints what it found: every report format of the bundled CLI, run on
// the config fixtures, is searched for each secret the rule reported (read back from the source at
// the finding's range), and none may appear.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const CLI = path.resolve(__dirname, '..', 'dist', 'cli.js');
const WORKSPACES = ['service', 'manifests', 'python'].map((ws) => path.resolve(__dirname, 'fixtures', 'config', ws));

function check(cwd: string, format: string): string {
  const result = spawnSync(process.execPath, [CLI, 'check', '.', '--format', format, '--fail-on', 'none'], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout;
}

interface JsonFinding {
  ruleId: string;
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  message: string;
}

for (const cwd of WORKSPACES) {
  test(`no secret of ${path.basename(cwd)} appears in the text, json or sarif report`, () => {
    const json = JSON.parse(check(cwd, 'json')) as { findings: JsonFinding[] };
    const secrets = json.findings
      .filter((f) => f.ruleId === 'hardcoded-credential')
      .map((f) => {
        assert.equal(f.line, f.endLine, `${f.file}:${f.line}: a secret on one line`);
        const line = fs.readFileSync(path.join(cwd, f.file), 'utf8').split(/\r?\n/)[f.line - 1];
        const secret = line.slice(f.column - 1, f.endColumn - 1).replace(/^['"`]|['"`]$/g, '');
        assert.match(f.message, new RegExp(`\`${secret.slice(0, 2).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}…\``), `${f.file}:${f.line}: the message shows the masked secret`);
        return secret;
      });
    // Every credential the fixtures expect was reported (so the search below has something to find).
    const expected = fixtureFiles(cwd).reduce((n, file) => n + (fs.readFileSync(file, 'utf8').match(/expect:[^\n]*hardcoded-credential/g) ?? []).length, 0);
    assert.equal(secrets.length, expected);
    assert.ok(secrets.every((s) => s.length >= 8), `secrets read back: ${secrets.map((s) => s.length).join(', ')}`);
    for (const format of ['text', 'json', 'sarif']) {
      const out = format === 'json' ? JSON.stringify(json) : check(cwd, format);
      for (const secret of secrets) assert.ok(!out.includes(secret), `the ${format} report contains a secret starting ${secret.slice(0, 2)}`);
    }
  });
}

function fixtureFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const abs = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'test' ? [] : fixtureFiles(abs);
    return /\.fixed\./.test(e.name) ? [] : [abs];
  });
}
