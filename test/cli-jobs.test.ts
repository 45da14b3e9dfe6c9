// `check --jobs N`, `--shard K/N` and `merge`, as CI runs them (the bundled dist/cli.js): more
// threads or more machines give the report one thread on one machine gives.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseShard, shardOf, stableHash } from '../server/src/cli/shard';
import { jobsFor, planChunks } from '../server/src/cli/jobs';
import { writeTree } from './support/files';

const CLI = path.resolve(__dirname, '..', 'dist', 'cli.js');
const WORKSPACES = ['test/workspaces/e2e', 'test/workspaces/parity', 'test/fixtures'].map((w) => path.resolve(__dirname, '..', w));

function run(args: string[], cwd: string) {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 64 * 1024 * 1024 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The report without its one figure that differs from run to run. */
const stable = (stdout: string) => stdout.replace(/"durationMs": \d+/, '"durationMs": 0');

describe('check --jobs', () => {
  for (const workspace of WORKSPACES) {
    const name = path.relative(path.resolve(__dirname, '..'), workspace);
    // The fixtures (400 files) once, the small workspaces in every format.
    for (const format of name === 'test/fixtures' ? ['json'] : ['json', 'sarif', 'text']) {
      test(`${name}, ${format}: --jobs 2 writes what --jobs 1 writes, stdout, stderr and exit code`, () => {
        const one = run(['check', '.', '--format', format, '--jobs', '1'], workspace);
        const two = run(['check', '.', '--format', format, '--jobs', '2'], workspace);
        assert.ok(one.stdout.length > 0);
        if (format === 'json') assert.ok(JSON.parse(one.stdout).findings.length > 0, 'the workspace has findings to compare');
        assert.equal(stable(two.stdout), stable(one.stdout));
        assert.equal(two.stderr, one.stderr);
        assert.equal(two.code, one.code);
      });
    }
  }

  describe('on a workspace with a broken config and unreadable files', () => {
    let dir: string;
    before(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prodready-jobs-'));
      const files: Record<string, string> = {};
      for (let i = 0; i < 40; i++) files[`a/f${String(i).padStart(2, '0')}.js`] = `const axios = require('axios');\naxios.get('http://x/${i}');\nconsole.log('n', ${i});\n`;
      files['b/.prodready.yaml'] = 'rules: [nope\n';
      files['b/late.js'] = "console.log('x');\n";
      writeTree(dir, files);
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    test('the first broken config in file order stops the run with exit 2, as with one job', () => {
      const one = run(['check', '.', '--format', 'json', '--jobs', '1'], dir);
      const three = run(['check', '.', '--format', 'json', '--jobs', '3'], dir);
      assert.equal(one.code, 2);
      assert.match(one.stderr, /b\/\.prodready\.yaml/);
      assert.equal(three.code, one.code);
      assert.equal(three.stderr, one.stderr);
      assert.equal(three.stdout, '');
    });
  });

  describe('on a workspace whose big files sit together between small ones', () => {
    let dir: string;
    before(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prodready-jobs-'));
      const files: Record<string, string> = {};
      for (let i = 0; i < 60; i++) files[`a/f${String(i).padStart(2, '0')}.js`] = `const axios = require('axios');\naxios.get('http://x/${i}');\n`;
      // Three bundles of ~300 KB, each with a finding at its end (they are checked first, printed in their place).
      for (const name of ['x', 'y', 'z']) files[`b/${name}.bundle.js`] = `${'var n = 1;\n'.repeat(30_000)}require('axios').get('http://x/${name}');\n`;
      for (let i = 0; i < 20; i++) files[`c/g${String(i).padStart(2, '0')}.js`] = `const axios = require('axios');\naxios.post('http://y/${i}');\n`;
      writeTree(dir, files);
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    test('the report is the one of one job, in the files\' order', () => {
      const one = run(['check', '.', '--format', 'json', '--jobs', '1'], dir);
      const two = run(['check', '.', '--format', 'json', '--jobs', '2'], dir);
      assert.match(one.stdout, /b\/y\.bundle\.js/, 'a bundle has a finding');
      assert.equal(stable(two.stdout), stable(one.stdout));
      assert.equal(two.stderr, one.stderr);
      assert.equal(two.code, one.code);
    });
  });

  test('chunks keep the files\' order; a big file is a chunk of its own and goes out first, the biggest first', () => {
    const sizes: Record<string, number> = { big1: 400_000, big2: 900_000 };
    const files = Array.from({ length: 100 }, (_, i) => (i === 30 ? 'big1' : i === 70 ? 'big2' : `small${i}`));
    const { chunks, queue } = planChunks(files, 2, (f) => sizes[f] ?? 2_000);
    assert.deepEqual(chunks.flat(), files, 'every file once, in order');
    assert.ok(chunks.every((c) => c.length <= 16));
    const big2 = chunks.findIndex((c) => c.includes('big2'));
    const big1 = chunks.findIndex((c) => c.includes('big1'));
    assert.deepEqual(chunks[big2], ['big2']);
    assert.deepEqual(chunks[big1], ['big1']);
    assert.deepEqual(queue.slice(0, 2), [big2, big1]);
    assert.deepEqual([...queue].sort((a, b) => a - b), chunks.map((_, i) => i), 'every chunk handed out once');
    assert.deepEqual(queue.slice(2), queue.slice(2).slice().sort((a, b) => a - b), 'the rest in order');
  });

  test('--jobs takes a whole number >= 1', () => {
    const r = run(['check', '.', '--jobs', '0'], WORKSPACES[0]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--jobs takes a whole number >= 1, not '0'/);
  });

  test('without --jobs: every core but one, and one thread per 100 files at most; --jobs as given', () => {
    assert.equal(jobsFor(5000, undefined, 2), 1, 'on 2 cores one job is faster than two');
    assert.equal(jobsFor(5000, undefined, 8), 7);
    assert.equal(jobsFor(350, undefined, 8), 3);
    assert.equal(jobsFor(50, undefined, 8), 1);
    assert.equal(jobsFor(5000, undefined, 1), 1);
    assert.equal(jobsFor(5000, 2, 2), 2);
    assert.equal(jobsFor(3, 8, 2), 3);
  });
});

describe('check --shard and merge', () => {
  test('parseShard reads K/N with 1 <= K <= N only', () => {
    assert.deepEqual(parseShard('2/4'), { index: 2, count: 4 });
    for (const bad of ['0/4', '5/4', '1/0', '1', 'a/b', '1/2/3', '-1/2']) assert.equal(parseShard(bad), undefined, bad);
  });

  test('the hash is FNV-1a of the root-relative path: the same part on every machine', () => {
    assert.equal(stableHash(''), 0x811c9dc5);
    assert.equal(stableHash('a'), 0xe40c292c);
    assert.equal(shardOf('src/server.ts', 1), 1);
  });

  for (const workspace of WORKSPACES) {
    const name = path.relative(path.resolve(__dirname, '..'), workspace);
    for (const format of name === 'test/fixtures' ? (['json'] as const) : (['json', 'sarif'] as const)) {
      test(`${name}, ${format}: the merge of 3 shards is the unsharded report`, () => {
        const whole = run(['check', '.', '--format', format, '--fail-on', 'none'], workspace);
        assert.equal(whole.code, 0);
        const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'prodready-shards-'));
        try {
          const parts: string[] = [];
          let files = 0;
          for (let k = 1; k <= 3; k++) {
            const part = run(['check', '.', '--format', format, '--fail-on', 'none', '--shard', `${k}/3`, '--jobs', String(k)], workspace);
            assert.equal(part.code, 0, part.stderr);
            if (format === 'json') files += JSON.parse(part.stdout).summary.files;
            const file = path.join(tmp, `part-${k}.${format}`);
            fs.writeFileSync(file, part.stdout);
            parts.push(file);
          }
          if (format === 'json') assert.equal(files, JSON.parse(whole.stdout).summary.files, 'every file is in exactly one shard');
          const merged = run(['merge', ...parts.reverse()], workspace);
          assert.equal(merged.code, 0, merged.stderr);
          assert.equal(stable(merged.stdout), stable(whole.stdout));
          // The same part twice is two reports of one file: refused, not counted twice.
          if (format === 'json' && JSON.parse(fs.readFileSync(parts[0], 'utf8')).findings.length > 0) {
            const twice = run(['merge', parts[0], parts[0]], workspace);
            assert.equal(twice.code, 2);
            assert.match(twice.stderr, /the reports overlap/);
          }
        } finally {
          fs.rmSync(tmp, { recursive: true, force: true });
        }
      });
    }
  }

  test('a cross-file finding is the same in the shard that holds the file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prodready-shard-x-'));
    try {
      // The server is in one part, its SIGTERM handler (in another file) may be in another.
      const files: Record<string, string> = { 'package.json': '{"name":"svc","private":true,"scripts":{"start":"node server.js"}}' };
      files['server.js'] = "const http = require('http');\nhttp.createServer(() => {}).listen(3000);\n";
      files['shutdown.js'] = "process.on('SIGTERM', () => process.exit(0));\n";
      writeTree(dir, files);
      assert.notEqual(shardOf('server.js', 2), shardOf('shutdown.js', 2), 'the two files are in different parts');
      const rules = (stdout: string) => JSON.parse(stdout).findings.filter((f: { file: string }) => f.file === 'server.js').map((f: { ruleId: string }) => f.ruleId);
      const alone = run(['check', 'server.js', 'package.json', '--format', 'json', '--fail-on', 'none', '--root', '.'], dir);
      fs.rmSync(path.join(dir, 'shutdown.js'));
      const without = run(['check', '.', '--format', 'json', '--fail-on', 'none'], dir);
      assert.ok(rules(without.stdout).includes('missing-sigterm-handler'), 'without the other file the server is flagged');
      fs.writeFileSync(path.join(dir, 'shutdown.js'), files['shutdown.js']);
      const part = run(['check', '.', '--format', 'json', '--fail-on', 'none', '--shard', `${shardOf('server.js', 2)}/2`], dir);
      assert.ok(!rules(part.stdout).includes('missing-sigterm-handler'), 'the handler in the other part is still known');
      assert.deepEqual(rules(part.stdout), rules(alone.stdout));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('merge refuses mixed formats and files that are not reports', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prodready-merge-'));
    try {
      const json = run(['check', '.', '--format', 'json', '--fail-on', 'none'], WORKSPACES[0]).stdout;
      const sarif = run(['check', '.', '--format', 'sarif', '--fail-on', 'none'], WORKSPACES[0]).stdout;
      writeTree(dir, { 'a.json': json, 'b.sarif': sarif, 'c.txt': 'hello' });
      const mixed = run(['merge', 'a.json', 'b.sarif'], dir);
      assert.equal(mixed.code, 2);
      assert.match(mixed.stderr, /merge reports of one format/);
      const junk = run(['merge', 'c.txt'], dir);
      assert.equal(junk.code, 2);
      assert.match(junk.stderr, /c\.txt: not a JSON or SARIF report/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
