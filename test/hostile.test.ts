// Issue 23: hostile input. Each numbered shape of the issue, generated here, through the CLI as CI
// runs it (dist/cli.js): what a user sees (exit code, report, stderr, the bytes on disk). A shape
// that hangs again is caught by spawnSync's timeout, not by a timed assertion.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeTree } from './support/files';
import { HOSTILE, aliasBomb, consoleHeavy, garbledPython, manyFetches, manyStages } from './support/hostile';
import { ConfigLoader, parseConfigFile } from '../server/src/engine/config-file';
import { fixAll } from '../server/src/engine/fix-all';
import { checkText } from '../server/src/engine/check';
import { EMPTY_CONFIG, compileGlobs, globProblem } from '../server/src/engine/config';
import { registry } from '../server/src/rules';

const CLI = path.resolve(__dirname, '..', 'dist', 'cli.js');
/** Far above what any of these takes now (a second or two), far below what they took before (minutes). */
const KILL_AFTER_MS = 60_000;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  signal: NodeJS.Signals | null;
}

function run(args: string[], cwd: string): Run {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: KILL_AFTER_MS, maxBuffer: 64 * 1024 * 1024 });
  assert.equal(r.signal, null, `prodready ${args.join(' ')} did not finish in ${KILL_AFTER_MS / 1000} s`);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, signal: r.signal };
}

interface JsonFinding {
  ruleId: string;
  file: string;
  line: number;
  message: string;
  fixes: Array<{ title: string; safe: boolean }>;
}

function json(r: Run): JsonFinding[] {
  return (JSON.parse(r.stdout) as { findings: JsonFinding[] }).findings;
}

const tmp = (name: string) => fs.mkdtempSync(path.join(os.tmpdir(), `prodready-${name}-`));
const shape = (name: string) => HOSTILE.find((h) => h.name === name)!;
const GOT = 'import got from "got";\n\nexport async function load() {\n  return got("https://api.example.com/items");\n}\n';
const GOT_FIXED_LINE = '  return got("https://api.example.com/items", { timeout: { request: 10_000 } });';

describe('issue 23: hostile input', () => {
  let dir: string;
  before(() => {
    dir = tmp('hostile');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('1, 2: a document too deep for the parser or the rules gets one skipped-file notice; nothing crashes, no rule fails', () => {
    const ws = path.join(dir, 'deep');
    const deep = ['deep ECS task definition', '700 nested arrays', '2,000-term concatenation', '1,000-step then chain'].map(shape);
    writeTree(ws, Object.fromEntries(deep.map((h) => [h.file, h.text])));
    const r = run(['check', '.', '--format', 'json'], ws);
    assert.equal(r.stderr, '', 'no "rule ... failed" line, no stack trace');
    assert.equal(r.code, 0);
    const findings = json(r);
    assert.deepEqual(findings.map((f) => [f.file, f.ruleId, f.line]).sort(), deep.map((h) => [h.file, 'skipped-file', 1]).sort());
    for (const f of findings) assert.match(f.message, /^Not analysed: (it is nested too deeply for the parser|its syntax is nested over 350 levels deep)/);
  });

  test('2: the same code at a normal depth is analysed', () => {
    const ws = path.join(dir, 'shallow');
    writeTree(ws, { 'arrays.ts': `const x = ${'['.repeat(40)}${']'.repeat(40)};\nfetch('http://x/a');\n` });
    const findings = json(run(['check', '.', '--format', 'json'], ws));
    assert.deepEqual(findings.map((f) => [f.ruleId, f.line]), [['http-call-without-timeout', 2]]);
  });

  test('3: a Helm line of 40 actions then x{{b}} is analysed (was exponential)', () => {
    const ws = path.join(dir, 'helm');
    const h = shape('Helm line of 40 actions');
    writeTree(ws, { [h.file]: h.text });
    const r = run(['check', '.', '--format', 'json'], ws);
    assert.equal(r.stderr, '');
    assert.deepEqual(json(r).map((f) => f.ruleId).sort(), ['missing-liveness-probe', 'missing-resource-limits']);
  });

  test('4: merge keys that fan out (six anchors of ten merges) are searched once per map, in manifests and compose', () => {
    const ws = path.join(dir, 'merge');
    const k8s = shape('merge-key fan-out (manifest)');
    const compose = shape('merge-key fan-out (compose)');
    writeTree(ws, { [k8s.file]: k8s.text, [compose.file]: compose.text });
    const r = run(['check', '.', '--format', 'json'], ws);
    assert.equal(r.stderr, '');
    assert.deepEqual(
      json(r).map((f) => `${f.file} ${f.ruleId}`).sort(),
      ['compose.yaml compose-missing-healthcheck', 'deploy.yaml missing-liveness-probe', 'deploy.yaml missing-resource-limits'],
    );
  });

  test('5: an ignore comment followed by 200,000 blanks (JS, YAML, Dockerfile) and 80,000 unclosed {{. are read in linear time', () => {
    const ws = path.join(dir, 'blanks');
    const shapes = HOSTILE.filter((h) => h.name.startsWith('ignore comment') || h.name === '80,000 unclosed {{.');
    writeTree(ws, Object.fromEntries(shapes.map((h) => [h.file, h.text])));
    const r = run(['check', '.', '--format', 'json'], ws);
    assert.equal(r.stderr, '');
    const findings = json(r);
    // The trailing `x` reads as a second rule id; the named rule is still suppressed where it fires.
    assert.ok(!findings.some((f) => f.ruleId === 'console-log' || f.ruleId === 'dockerfile-missing-healthcheck'), JSON.stringify(findings));
    for (const file of ['blanks.ts', 'Dockerfile']) {
      assert.ok(findings.some((f) => f.file === file && f.ruleId === 'unused-ignore' && /unknown rule: x/.test(f.message)), file);
    }
    assert.ok(findings.some((f) => f.file === 'unclosed.yaml' && f.ruleId === 'missing-liveness-probe'));
  });

  test('6: 10,000 findings in one file: every one has its fix title, without re-analysing the file per finding', () => {
    const ws = path.join(dir, 'many');
    writeTree(ws, { 'calls.ts': manyFetches(10_000) });
    const findings = json(run(['check', '.', '--format', 'json'], ws));
    assert.equal(findings.length, 10_000);
    assert.ok(findings.every((f) => f.ruleId === 'http-call-without-timeout' && f.fixes.length === 1 && f.fixes[0].safe));
  });

  test('6: a console-heavy service (1,000 routes, 2,000 findings with fixes) is analysed within the per-file budget, fix titles without re-work per finding', () => {
    // Fuzz input #330 of seed 23: every finding's fixes re-derived the file's role and re-walked the
    // whole file, minutes for a few hundred KB. The kill timeout catches that; the budget (CPU time) not
    // expiring shows the rules themselves all ran.
    const ws = path.join(dir, 'console-heavy');
    writeTree(ws, { 'src/server.js': consoleHeavy(1000) });
    const r = run(['check', '.', '--format', 'json'], ws);
    assert.equal(r.stderr, '');
    const findings = json(r);
    assert.deepEqual(findings.filter((f) => f.ruleId === 'skipped-file').map((f) => f.message), [], 'no rule skipped over the time budget');
    const count = (id: string) => findings.filter((f) => f.ruleId === id).length;
    assert.equal(count('console-log'), 1000);
    assert.equal(count('interpolated-log-message'), 1000);
    assert.equal(findings.length, 2000);
    const console0 = findings.find((f) => f.ruleId === 'console-log' && f.line === 9)!;
    assert.match(console0.message, /console/i);
    assert.ok(console0.fixes.length > 0 && console0.fixes.every((f) => f.title.length > 0));
    assert.ok(findings.every((f) => f.fixes.length > 0), 'every finding has its fix titles');
  });

  test('Python the parser forks on without end (9 KB of `>-` lines) gets a skipped-file notice; the service module beside it keeps its finding', () => {
    // Fuzz input #9378 of seed 23 at stop 16: tree-sitter's parse alone took 8.9 s for 46 KB; this shape, 90 s.
    const ws = path.join(dir, 'garbled-python');
    writeTree(ws, { 'garbled.py': garbledPython(3000), 'app.py': 'import requests\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/")\ndef root():\n    return requests.get("http://inventory/items").json()\n' });
    const r = run(['check', '.', '--format', 'json'], ws);
    assert.equal(r.stderr, '');
    const findings = json(r);
    assert.deepEqual(
      findings.map((f) => `${f.file}:${f.line} ${f.ruleId}`),
      ['app.py:9 http-call-without-timeout', 'app.py:9 hardcoded-service-url', 'garbled.py:1 skipped-file'],
    );
    assert.match(findings[2].message, /^Not analysed: the Python parser gave up on it/);
  });

  test('6: a Dockerfile of 5,000 stages is read in one pass: the final stage\'s finding, no rule over the budget', () => {
    // Fuzz input #330 of seed 23 at stop 16 (a Dockerfile repeated to 1,554 stages): each stage filtered
    // every instruction of the file, in the Dockerfile facts and again in the health check rule.
    const ws = path.join(dir, 'stages');
    writeTree(ws, { Dockerfile: manyStages(5000) });
    const r = run(['check', '.', '--format', 'json'], ws);
    assert.equal(r.stderr, '');
    const findings = json(r);
    assert.deepEqual(findings.map((f) => `${f.ruleId}@${f.line}`), ['dockerfile-missing-healthcheck@14998']);
  });

  test('6: a file over its kind\'s size cap gets one skipped-file notice before any parse; one just under it is analysed', () => {
    // Parse-bound inputs of the fuzz (1 MB of TypeScript, 0.6 MB of manifests took over a second to parse):
    // each kind has a cap (limits.ts), under prodready.maxFileSizeKb.
    const ws = path.join(dir, 'caps');
    // `bytes` long exactly: the code, then comment lines.
    const padded = (head: string, comment: string, bytes: number) => (head + `${comment} padding padding padding padding\n`.repeat(bytes / 20)).slice(0, bytes);
    const js = (bytes: number) => padded("fetch('http://x/a');\n", '//', bytes);
    const manifest = (bytes: number) => padded('apiVersion: v1\nkind: Pod\nmetadata:\n  name: api\nspec:\n  containers:\n    - name: api\n      image: shop/api:1.2.3\n', '#', bytes);
    writeTree(ws, { 'big.ts': js(520 * 1024), 'under.ts': js(500 * 1024), 'big.yaml': manifest(260 * 1024), 'under.yaml': manifest(250 * 1024) });
    const r = run(['check', '.', '--format', 'json'], ws);
    assert.equal(r.stderr, '');
    const findings = json(r);
    const of = (file: string) => findings.filter((f) => f.file === file);
    assert.deepEqual(of('big.ts').map((f) => [f.ruleId, f.line]), [['skipped-file', 1]]);
    assert.match(of('big.ts')[0].message, /^Not analysed: the file is 520 KB, over the 512 KB prodready analyses in a JavaScript\/TypeScript file/);
    assert.deepEqual(of('under.ts').map((f) => [f.ruleId, f.line]), [['http-call-without-timeout', 1]]);
    assert.deepEqual(of('big.yaml').map((f) => [f.ruleId, f.line]), [['skipped-file', 1]]);
    assert.match(of('big.yaml')[0].message, /^Not analysed: the file is 260 KB, over the 256 KB prodready analyses in a Kubernetes manifest file/);
    assert.ok(of('under.yaml').some((f) => f.ruleId === 'missing-liveness-probe' && f.line === 7), JSON.stringify(of('under.yaml')));
  });

  test('6: no skipped-file notice on an oversized file no rule would read (vendored, generated, front-end, a CRD); service code and workloads keep theirs', () => {
    const ws = path.join(dir, 'caps-roles');
    const padded = (head: string, comment: string, bytes: number) => (head + `${comment} padding padding padding padding\n`.repeat(bytes / 20)).slice(0, bytes);
    const big = 520 * 1024;
    const crd = 'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: clusters.db.example.com\n';
    writeTree(ws, {
      'static/vendor/chart.bundle.js': padded('/*! Chart.js */\n', '//', big),
      'src/generated/root.ts': padded('// @ts-nocheck\nconst $protobuf = require("protobufjs/minimal");\n', '//', big),
      'src/api/ApiApi.ts': padded('/* tslint:disable */\n/**\n * NOTE: This class is auto generated by OpenAPI Generator.\n */\n', '//', big),
      'web/icons.tsx': padded("import type { SVGAttributes } from 'react';\nexport const Icon = (p: SVGAttributes<SVGElement>) => null;\n", '//', big),
      'chart/crds/clusters.yaml': padded(crd, '#', 260 * 1024),
      'deploy/operator-crds.yaml': padded(`---\n${crd}`, '#', 260 * 1024),
      'src/server.ts': padded("fetch('http://x/a');\n", '//', big),
      'deploy/api.yaml': padded('apiVersion: v1\nkind: Pod\nmetadata:\n  name: api\nspec:\n  containers:\n    - name: api\n      image: shop/api:1.2.3\n', '#', 260 * 1024),
    });
    const r = run(['check', '.', '--format', 'json'], ws);
    assert.equal(r.stderr, '');
    assert.deepEqual(json(r).map((f) => `${f.file}:${f.line} ${f.ruleId}`).sort(), ['deploy/api.yaml:1 skipped-file', 'src/server.ts:1 skipped-file']);
  });

  test('6: nested async function expressions, whose parse doubles at each level, are skipped past the cap; a few levels are analysed', () => {
    // Fuzz inputs #2268 and #6510 of seed 23: 4-5 KB of unclosed `fp(async function (...) {` took TypeScript's parser over 10 s.
    const ws = path.join(dir, 'async');
    const unclosed = "const fp = require('fastify-plugin')\nmodule.exports = fp(async function orders (fastify, opts) {\n  fetch('http://x/a')\n".repeat(20);
    const nested = (depth: number) => {
      let body = "  await fetch('http://x/a');\n";
      for (let i = 0; i < depth; i++) body = `handle('level ${i}', async function () {\n${body}});\n`;
      return body;
    };
    writeTree(ws, { 'unclosed.js': unclosed, 'three.js': nested(3) });
    const r = run(['check', '.', '--format', 'json'], ws);
    assert.equal(r.stderr, '');
    const findings = json(r);
    const unclosedFindings = findings.filter((f) => f.file === 'unclosed.js');
    assert.deepEqual(unclosedFindings.map((f) => [f.ruleId, f.line]), [['skipped-file', 1]]);
    assert.match(unclosedFindings[0].message, /^Not analysed: its `async function` expressions nest \d+ deep, and each level doubles the time TypeScript's parser takes/);
    assert.deepEqual(findings.filter((f) => f.file === 'three.js').map((f) => [f.ruleId, f.line]), [['http-call-without-timeout', 4]]);
  });

  test('7: --fix leaves a file that does not parse around the finding alone, says so once per run, and is idempotent', () => {
    const ws = path.join(dir, 'broken');
    const broken = 'import got from "got";\ngot(`${a(b}`);\n';
    writeTree(ws, { 'broken.ts': broken, 'good.ts': GOT });
    for (let i = 0; i < 2; i++) {
      const r = run(['check', '.', '--fix'], ws);
      assert.equal(fs.readFileSync(path.join(ws, 'broken.ts'), 'utf8'), broken, 'the broken file is unchanged');
      assert.equal(r.stderr, 'prodready: broken.ts:2: fix "Add timeout: { request: 10_000 }" [http-call-without-timeout] not applied: the code around it does not parse\n');
      assert.match(r.stdout, /^broken\.ts:2:1: warning got request without a timeout/m);
      assert.equal(r.code, 1);
    }
    assert.ok(fs.readFileSync(path.join(ws, 'good.ts'), 'utf8').includes(GOT_FIXED_LINE), 'the good file was fixed');
  });

  test('8: --fix writes only its edits: Latin-1 bytes, mode, hard links and symlinks are kept; read-only and outside-the-root files are not written', () => {
    const ws = path.join(dir, 'bytes');
    const outside = tmp('outside');
    try {
      writeTree(ws, { 'hard.ts': GOT, 'target.ts': GOT, 'ro.ts': GOT });
      const latin1 = Buffer.concat([Buffer.from(GOT), Buffer.from('// caf'), Buffer.from([0xe9]), Buffer.from('\n')]);
      fs.writeFileSync(path.join(ws, 'latin1.ts'), latin1);
      fs.chmodSync(path.join(ws, 'hard.ts'), 0o640);
      fs.linkSync(path.join(ws, 'hard.ts'), path.join(outside, 'hard-link.ts'));
      fs.symlinkSync('target.ts', path.join(ws, 'link.ts'));
      fs.chmodSync(path.join(ws, 'ro.ts'), 0o444);
      writeTree(outside, { 'far.ts': GOT });
      fs.symlinkSync(outside, path.join(ws, 'elsewhere'));

      const r = run(['check', '.', 'link.ts', 'elsewhere', '--fix'], ws);
      const fixed = latin1.toString('latin1').replace('  return got("https://api.example.com/items");', GOT_FIXED_LINE);
      assert.deepEqual(fs.readFileSync(path.join(ws, 'latin1.ts')), Buffer.from(fixed, 'latin1'), 'the 0xE9 byte is still 0xE9');
      const hard = fs.statSync(path.join(ws, 'hard.ts'));
      assert.equal(hard.mode & 0o777, 0o640);
      assert.equal(hard.nlink, 2, 'still a hard link');
      assert.ok(fs.readFileSync(path.join(outside, 'hard-link.ts'), 'utf8').includes(GOT_FIXED_LINE), 'both names see the fix');
      assert.ok(fs.lstatSync(path.join(ws, 'link.ts')).isSymbolicLink(), 'the symlink is still a symlink');
      assert.ok(fs.readFileSync(path.join(ws, 'target.ts'), 'utf8').includes(GOT_FIXED_LINE));
      assert.equal(fs.readFileSync(path.join(ws, 'ro.ts'), 'utf8'), GOT, 'read-only: untouched');
      assert.equal(fs.statSync(path.join(ws, 'ro.ts')).mode & 0o777, 0o444);
      assert.equal(fs.readFileSync(path.join(outside, 'far.ts'), 'utf8'), GOT, 'outside the root: untouched');
      assert.match(r.stderr, /^prodready: ro\.ts: not fixed, it is read-only$/m);
      assert.match(r.stderr, /^prodready: elsewhere\/far\.ts: not fixed, it resolves to .*far\.ts, outside the root /m);
      assert.match(r.stdout, /^ro\.ts:4:10: warning/m, 'what was not fixed is still reported');
      assert.equal(fs.readdirSync(ws).filter((f) => f.includes('.prodready-')).length, 0, 'no temporary file left');
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  test('9: FIFOs named package.json and .gitignore, .gitignore -> /dev/zero and a name that is not UTF-8 do not stop the run', () => {
    const ws = path.join(dir, 'special');
    writeTree(ws, { 'svc/api.ts': GOT, 'other/api.ts': GOT });
    assert.equal(spawnSync('mkfifo', [path.join(ws, 'svc', 'package.json'), path.join(ws, '.gitignore')]).status, 0, 'mkfifo');
    fs.symlinkSync('/dev/zero', path.join(ws, 'other', '.gitignore'));
    fs.writeFileSync(Buffer.concat([Buffer.from(`${ws}/caf`), Buffer.from([0xe9]), Buffer.from('.js')]), "fetch('http://x');\n");
    const r = run(['check', '.'], ws);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^other\/api\.ts:4:10: warning got request without a timeout/m);
    assert.match(r.stdout, /^svc\/api\.ts:4:10: warning got request without a timeout/m);
    assert.match(r.stdout, /2 problems \(2 warnings\) in 2 files/);
    assert.equal(r.stderr, 'prodready: caf\u00e9.js: skipped, its name is not UTF-8\n');
  });

  test('10: an alias bomb in .prodready.yaml is a located problem; pathological extglobs are refused; 10,000 exclude globs are compiled once', () => {
    const bomb = aliasBomb();
    const parsed = parseConfigFile(bomb, '/w/.prodready.yaml', registry);
    assert.equal(parsed.unusable, true);
    assert.equal(parsed.problems.length, 1);
    assert.match(parsed.problems[0].message, /^\.prodready\.yaml cannot be read: .*alias/i);
    assert.equal(bomb.slice(parsed.problems[0].start, parsed.problems[0].end), '*a', 'located on the first alias');

    assert.match(globProblem('@(+(a)|a*)+c') ?? '', /nests an extglob in another/);
    assert.match(globProblem('*(a*)') ?? '', /repeats a group holding `\*`/);
    for (const fine of ['legacy/**', '**/*.@(js|ts)', '!(*.spec).ts', 'src/{a,b}/**']) assert.equal(globProblem(fine), undefined, fine);
    const withBad = parseConfigFile('exclude:\n  - "legacy/**"\n  - "@(+(a)|a*)+c"\n', '/w/.prodready.yaml', registry);
    assert.deepEqual(withBad.config.exclude, ['legacy/**']);
    assert.match(withBad.problems[0].message, /^This exclude glob nests an extglob in another .* it is not used/);

    const globs = Array.from({ length: 10_000 }, (_, i) => `dir${i}/**/*.js`);
    const excluded = compileGlobs([...globs, '**/generated/**']);
    assert.equal(excluded('dir9999/a/b.js'), true);
    assert.equal(excluded('dir9999/a/b.ts'), false);
    assert.equal(excluded('src/generated/x.ts'), true);
    assert.equal(excluded('src/x.ts'), false);

    const ws = path.join(dir, 'globs');
    writeTree(ws, {
      '.prodready.yaml': `exclude:\n${[...globs, 'legacy/**'].map((g) => `  - "${g}"`).join('\n')}\n`,
      ...Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`src/f${i}.ts`, GOT])),
      'legacy/old.ts': GOT,
    });
    const r = run(['check', '.', '--format', 'json'], ws);
    const files = new Set(json(r).map((f) => f.file));
    assert.equal(files.size, 50);
    assert.ok(!files.has('legacy/old.ts'));
  });

  test('one poisoned file among good ones: the report and exit code are those of the good ones', () => {
    const good = path.join(dir, 'good-only');
    const mixed = path.join(dir, 'mixed');
    // Good files whose findings do not fail the run, so that a poisoned file could only change the exit code for the worse.
    const goodFiles = { 'api/client.ts': GOT.replace('("https://api.example.com/items")', '("https://api.example.com/items", { timeout: { request: 5000 } })'), 'api/Dockerfile': 'FROM node:20-slim\nCMD ["node", "server.js"]\n' };
    writeTree(good, goodFiles);
    writeTree(mixed, goodFiles);
    // The shapes that used to end the run (exit 2, no report) or silence every rule of their file.
    const poisons = HOSTILE.filter((h) => /deep|nested|concatenation|then chain|ignore comment/.test(h.name));
    assert.equal(poisons.length, 7);
    for (const h of poisons) writeTree(mixed, { [`poison/${h.file}`]: h.text });
    const clean = run(['check', '.', '--format', 'json'], good);
    const poisoned = run(['check', '.', '--format', 'json'], mixed);
    assert.equal(poisoned.code, clean.code);
    assert.equal(poisoned.stderr, '');
    assert.deepEqual(
      json(poisoned).filter((f) => !f.file.startsWith('poison/')),
      json(clean),
    );
  });
});

describe('fix-all in passes', () => {
  test('150 independent fixes whose own edits share a point (`,` then the property) are all applied, and a second run applies none', () => {
    const env = { registry, configs: new ConfigLoader(registry, { frozen: true }), baseConfig: EMPTY_CONFIG };
    const call = (i: number) => `async function f${i}(token) {\n\tconst res = await axios.post("https://auth/${i}", {\n\t\ttoken\n\t}, {\n\t\theaders: { "x": "y" }\n\t});\n\treturn res.data;\n}\n`;
    const text = `const axios = require("axios");\n\n${Array.from({ length: 150 }, (_, i) => call(i)).join('\n')}`;
    const input = { path: '/w/src/calls.js', relativePath: 'src/calls.js', rootDir: '/w', text };
    const once = fixAll(input, env);
    assert.equal(once.applied, 150, 'more than the 100 passes one fix at a time would allow');
    assert.deepEqual(once.rolledBack, []);
    assert.equal((once.text.match(/\t\ttimeout: 10_000/g) ?? []).length, 150);
    assert.equal(fixAll({ ...input, text: once.text }, env).applied, 0);
  });
});

describe('YAML duplicate keys', () => {
  test('found in linear time by the engine, and the notice names the real line and column (it said line 0, column 0)', () => {
    const env = { registry, configs: new ConfigLoader(registry, { frozen: true }), baseConfig: EMPTY_CONFIG };
    const text = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n  name: y\n';
    const r = checkText({ path: '/w/pod.yaml', relativePath: 'pod.yaml', rootDir: '/w', text }, env);
    assert.deepEqual(
      r.findings.map((f) => [f.ruleId, f.message]),
      [['unparsable-file', 'YAML syntax error at line 5, column 3: Map keys must be unique. This document is not checked.']],
    );
  });
});
