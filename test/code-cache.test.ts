// The bundle's loader (server/src/start.ts): `prodready check` through dist/cli.js starts from a V8
// code cache after the first run, writes the same report with or without it, replaces a cache V8
// rejects, and never uses a folder another user could write to.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const CLI = path.resolve(__dirname, '..', 'dist', 'cli.js');
const WORKSPACE = path.resolve(__dirname, 'workspaces', 'e2e');

function run(cache: string, args: string[] = []) {
  const result = spawnSync(process.execPath, [CLI, 'check', '.', '--format', 'json', '--fail-on', 'none', ...args], {
    cwd: WORKSPACE,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', PRODREADY_CODE_CACHE: cache },
  });
  assert.equal(result.status, 0, result.stderr);
  return { stdout: result.stdout.replace(/"durationMs": \d+/, '"durationMs": 0'), stderr: result.stderr };
}

const cacheFiles = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.cache')) : []);

describe('the code cache of dist/engine.js', () => {
  let dir: string;
  let plain: { stdout: string; stderr: string };
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prodready-cc-'));
    plain = run('off');
    assert.ok(JSON.parse(plain.stdout).findings.length > 0, 'the workspace has findings to compare');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('the first run writes the cache; the next one starts from it and writes the same report', () => {
    const folder = path.join(dir, 'cache');
    const first = run(folder);
    assert.deepEqual(first, plain);
    const [file] = cacheFiles(folder);
    assert.ok(file, 'a cache file was written');
    assert.ok(fs.statSync(path.join(folder, file)).size > 1024 * 1024, 'it holds the compiled engine');
    assert.equal((fs.statSync(folder).mode & 0o777).toString(8), '700', 'the folder is the user\'s own');
    const bytes = fs.readFileSync(path.join(folder, file));
    const second = run(folder);
    assert.deepEqual(second, plain);
    assert.deepEqual(cacheFiles(folder), [file]);
    assert.ok(fs.readFileSync(path.join(folder, file)).equals(bytes), 'V8 took the cache: it was not written again');
  });

  test('--jobs 2 workers load through the cache too, and the report is the one of one job', () => {
    const folder = path.join(dir, 'jobs');
    run(folder);
    assert.deepEqual(run(folder, ['--jobs', '2']), run('off', ['--jobs', '2']));
    assert.equal(run(folder, ['--jobs', '2']).stdout, plain.stdout);
  });

  test('a cache V8 rejects (a corrupt file) changes nothing in the report and is replaced', () => {
    const folder = path.join(dir, 'corrupt');
    run(folder);
    const [file] = cacheFiles(folder);
    const full = path.join(folder, file);
    const garbage = Buffer.alloc(fs.statSync(full).size, 0x5a);
    fs.writeFileSync(full, garbage);
    assert.deepEqual(run(folder), plain);
    const rewritten = fs.readFileSync(full);
    assert.ok(!rewritten.equals(garbage), 'the rejected cache was written again');
    assert.deepEqual(run(folder), plain);
    assert.ok(fs.readFileSync(full).equals(rewritten), 'and the new one was taken');
  });

  test('a folder others may write to is not used: no cache is read or written there', () => {
    const folder = path.join(dir, 'shared');
    fs.mkdirSync(folder);
    fs.chmodSync(folder, 0o777);
    assert.deepEqual(run(folder), plain);
    assert.deepEqual(cacheFiles(folder), []);
  });
});
