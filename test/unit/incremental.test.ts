// Issue 22: what the server computes after each keystroke from the previous version (incremental
// parse, statement-level lists and heights kept in engine/incremental.ts) must equal a full analysis
// of the same text. Random edit sequences (seeded: a failure names its seed and step, and reruns
// the same) over real fixtures of every rule family that reads JS/TS, and over Python ones.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ts } from 'ts-morph';
import { registry } from '../../server/src/rules';
import { ConfigLoader } from '../../server/src/engine/config-file';
import { EMPTY_CONFIG } from '../../server/src/engine/config';
import { checkText, type CheckEnvironment } from '../../server/src/engine/check';
import { ParsedDocument } from '../../server/src/engine/document';
import { kindSet, nodesOfKinds, treeDepth } from '../../server/src/engine/incremental';
import { initPython } from '../../server/src/engine/python';
import { mulberry32 } from '../support/random';

const FIXTURES = path.join(__dirname, '..', 'fixtures');

/** A seeded generator, so that a failing sequence can be replayed. */
const random = mulberry32;

/** What people type: characters, words, whole lines that add or remove calls, imports, handlers. */
const SNIPPETS = [
  'a', ' ', '\n', ';', '(', ')', '{', '}', "'", '"', '`', '/', '*', '.', ',',
  'console.log("x");\n',
  "import axios from 'axios';\n",
  "const http = require('node:http');\n",
  "process.on('SIGTERM', () => server.close());\n",
  "app.get('/healthz', (req, res) => res.send('ok'));\n",
  'await fetch(url);\n',
  "const password = 'hunter2-secret-value';\n",
  'function f() {\n  return 1;\n}\n',
  'class A { m() { return axios.get(u); } }\n',
  'server.listen(8080);\n',
  '// prodready-ignore-next-line console-log: reason\n',
  "import { helper } from './lib/helper';\n",
  "const util = require('../util');\n",
  'const file = process.argv[2];\n',
  "import React from 'react';\n",
  "app.use(express.static('public'));\n",
  'if (DEBUG) console.log(state);\n',
  '// eslint-disable-next-line no-console\n',
];
const PY_SNIPPETS = ['a', ' ', '\n', ':', '(', ')', "'", '    ', 'print("x")\n', 'import requests\n', 'requests.get(url)\n', 'def f():\n    return 1\n', "logger.info(f'x {y}')\n", 'signal.signal(signal.SIGTERM, stop)\n'];

function edit(text: string, rand: () => number, python: boolean): string {
  const at = Math.floor(rand() * (text.length + 1));
  const choice = rand();
  if (choice < 0.3 && text.length > 0) {
    const length = 1 + Math.floor(rand() * Math.min(40, text.length - Math.min(at, text.length - 1)));
    const start = Math.min(at, text.length - 1);
    return text.slice(0, start) + text.slice(start + length);
  }
  const snippets = python ? PY_SNIPPETS : SNIPPETS;
  const inserted = snippets[Math.floor(rand() * snippets.length)];
  // Typing happens at the cursor, often several keystrokes at the same place.
  return text.slice(0, at) + inserted + text.slice(at);
}

function sourceFiles(dir: string, python: boolean): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(p, python));
    else if (!/\.fixed\./.test(entry.name) && (python ? /\.py$/ : /\.[cm]?[jt]sx?$/).test(entry.name)) out.push(p);
  }
  return out.sort();
}

function comparable(result: ReturnType<typeof checkText>): unknown {
  return { findings: result.findings, suppressed: result.suppressed.map((s) => ({ ...s })), crashes: result.crashes.map((c) => c.ruleId) };
}

function env(): CheckEnvironment {
  return { registry, configs: new ConfigLoader(registry, { frozen: true }), baseConfig: EMPTY_CONFIG };
}

/** Types `steps` random edits into `file`, checking each version against a fresh full analysis. */
function replay(file: string, seed: number, steps: number): void {
  const python = file.endsWith('.py');
  const rand = random(seed);
  const environment = env();
  const rootDir = path.dirname(file);
  const input = (text: string, version: number, live: boolean) => ({ path: file.split(path.sep).join('/'), relativePath: path.basename(file), rootDir, text, version, live });
  let text = fs.readFileSync(file, 'utf8');
  let previous: ParsedDocument | undefined;
  for (let step = 0; step <= steps; step++) {
    if (step > 0) text = edit(text, rand, python);
    const incremental = checkText(input(text, step + 1, true), environment, previous);
    const full = checkText(input(text, step + 1, false), environment);
    const where = `${path.relative(FIXTURES, file)}, seed ${seed}, step ${step}`;
    assert.deepEqual(comparable(incremental), comparable(full), `incremental and full analysis differ: ${where}`);
    if (!python && incremental.doc && full.doc) {
      for (const set of [kindSet(ts.SyntaxKind.CallExpression), kindSet(ts.SyntaxKind.Identifier), kindSet(ts.SyntaxKind.VariableDeclaration, ts.SyntaxKind.FunctionDeclaration, ts.SyntaxKind.ClassDeclaration)]) {
        const kept: string[] = nodesOfKinds(incremental.doc.sourceFile, set).map((n) => `${n.kind}@${n.getStart()}-${n.end}`);
        const walked: string[] = nodesOfKinds(full.doc.sourceFile, set).map((n) => `${n.kind}@${n.getStart()}-${n.end}`);
        assert.deepEqual(kept, walked, `node lists differ: ${where}`);
      }
      assert.equal(treeDepth(incremental.doc.sourceFile, 350), treeDepth(full.doc.sourceFile, 350), `depths differ: ${where}`);
    }
    full.doc?.dispose();
    if (previous && previous !== incremental.doc) previous.dispose();
    previous = incremental.doc;
  }
  previous?.dispose();
}

describe('incremental analysis equals a full analysis (issue 22)', () => {
  const jsFiles = sourceFiles(FIXTURES, false);
  const pyFiles = sourceFiles(FIXTURES, true);

  test('the fixtures hold JS/TS and Python sources to edit', () => {
    assert.ok(jsFiles.length >= 20, `${jsFiles.length} JS/TS fixtures`);
    assert.ok(pyFiles.length >= 5, `${pyFiles.length} Python fixtures`);
  });

  test('random edit sequences in every JS/TS fixture', () => {
    jsFiles.forEach((file, i) => replay(file, 22_000 + i, 6));
  });

  test('random edit sequences in Python fixtures', async () => {
    assert.ok(await initPython());
    pyFiles.forEach((file, i) => replay(file, 23_000 + i, 5));
  });

  test('a long session in one file (kept statements survive many versions)', () => {
    const file = jsFiles.find((f) => /http-call-without-timeout|server/.test(f)) ?? jsFiles[0];
    replay(file, 4242, 120);
  });

  test('credentials kept per statement: a literal a kept statement reported is reported once, as a full analysis does', () => {
    // A's walk reports the token in `cfg` by its shape; B's `new Pool(cfg)` reaches the same literal
    // as the `password` option and skips it, reported. Edits in B re-walk B while A is taken from the
    // previous version, which must still count the literal as reported, or B reports it a second time.
    const base = [
      "const { Pool } = require('pg');",
      "const cfg = { host: 'db', password: 'ghp_R8x2kQ7mZ4vN1pL6tY9wB3cH5jD0sF2gA7eK' };",
      'const pool = new Pool(cfg), other = foo();',
      '',
    ].join('\n');
    const environment = env();
    const input = (text: string, version: number, live: boolean) => ({ path: '/virtual/db.js', relativePath: 'db.js', rootDir: '/virtual', text, version, live });
    let previous: ParsedDocument | undefined;
    let text = base;
    for (let step = 0; step < 6; step++) {
      if (step > 0) text = text.replace('foo();', `foo${'o'.repeat(step)}();`);
      const incremental = checkText(input(text, step + 1, true), environment, previous);
      const full = checkText(input(text, step + 1, false), environment);
      assert.deepEqual(comparable(incremental), comparable(full), `step ${step}`);
      assert.equal(full.findings.filter((f) => f.ruleId === 'hardcoded-credential').length, 1, `step ${step}: one finding for the one secret`);
      previous = incremental.doc;
    }
  });

  test('credentials kept per statement: a statement is walked again when an import elsewhere makes its callee a client', () => {
    // Without a client module named in the file the walk resolves nothing (only `fetch` can be a
    // client), so the kept statement recorded no name: the require typed below it must still count.
    const call = "function connect() {\n  return new Pool({ host: 'db', password: 'Wh1sky-Tango-42' });\n}\n";
    // (TypeScript re-parses the statements either side of an edit: the function has one on each side.)
    const top = `'use strict';\n${call}const retries = 3;\n`;
    const texts = [top, `${top}const { Pool } = require('pg');\n`, `${top}const { Pool } = require('./pool');\n`, `${top}const { Pool } = require('./pool'); // not 'pg'\n`, top];
    const environment = env();
    const input = (text: string, version: number, live: boolean) => ({ path: '/virtual/connect.js', relativePath: 'connect.js', rootDir: '/virtual', text, version, live });
    let previous: ParsedDocument | undefined;
    texts.forEach((text, step) => {
      const incremental = checkText(input(text, step + 1, true), environment, previous);
      const full = checkText(input(text, step + 1, false), environment);
      assert.deepEqual(comparable(incremental), comparable(full), `step ${step}`);
      previous = incremental.doc;
    });
    const second = checkText(input(texts[1], 9, false), environment);
    assert.deepEqual(second.findings.filter((f) => f.ruleId === 'hardcoded-credential').map((f) => f.message.slice(0, 80)), ['A credential is written into the code: the `password` option of pg (`Wh…`). Anyo']);
  });

  test('an edit inside a deep function body of a UMD-style bundle', () => {
    // One top-level statement around everything, as in rxjs.umd.js: the kept units are the inner statements.
    const body = Array.from({ length: 40 }, (_, i) => `  function f${i}(a) { if (a) { return fetch(u${i}); } return console.log(a); }\n`).join('');
    const text = `(function (global, factory) { factory(global); })(this, function (exports) {\n${body}});\n`;
    const file = '/virtual/bundle.umd.js';
    const rand = random(7);
    let current = text;
    let previous: ParsedDocument | undefined;
    for (let step = 0; step < 60; step++) {
      current = edit(current, rand, false);
      const live = new ParsedDocument({ path: file, relativePath: 'bundle.umd.js', text: current, kind: 'js', version: step, live: true }, previous);
      const fresh = new ParsedDocument({ path: file, relativePath: 'bundle.umd.js', text: current, kind: 'js', version: step });
      const set = kindSet(ts.SyntaxKind.CallExpression, ts.SyntaxKind.ReturnStatement);
      assert.deepEqual(
        nodesOfKinds(live.sourceFile, set).map((n) => `${n.kind}@${n.pos}-${n.end}`),
        nodesOfKinds(fresh.sourceFile, set).map((n) => `${n.kind}@${n.pos}-${n.end}`),
        `step ${step}`,
      );
      assert.equal(treeDepth(live.sourceFile, 350), treeDepth(fresh.sourceFile, 350), `step ${step}`);
      previous = live;
    }
  });
});
