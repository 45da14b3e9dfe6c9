// The count of what TypeScript's parser reads (limits.ts, the guard against nested `async function`
// expressions) made again from the previous version's scan must be the count a full scan makes, on
// any edit: that is what lets a keystroke read a few KB instead of the file.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { jsParseScan, type JsCostScan } from '../../server/src/engine/limits';
import { mulberry32 } from '../support/random';

/** Balanced statements the texts are made of: expressions, declarations, strings, templates, regular expressions, comments. */
const STATEMENTS = [
  'const a = async function () { return 1; };\n', 'foo(async function (x) { return [async function () { return x; }]; });\n',
  'async function declared() { await fetch(url); }\n', 'export async function exported() { return `${a + `${b}`}`; }\n',
  "const s = '{' + \"(async function\" + `(${c}`;\n", 'const r = /[{(]/g;\n', 'x = y / 2 / z;\n',
  '// async function in a comment (\n', '/* { async function */\n', 'if (a) { b(); } else { c(); }\n',
  'for (;async function () {};) {}\n', 'const n = 1;\n', 'class K { async m() { return async function () {}; } }\n',
];

/** What an edit inserts: a statement, or one character that moves the state (a bracket, a quote, a slash). */
const INSERTS = [...STATEMENTS, '(', ')', '{', '}', '[', ']', '`', "'", '"', '/', '*', ' ', '\n', ';', 'a', 'async function '];

function randomText(next: () => number, statements: number): string {
  let text = '';
  for (let i = 0; i < statements; i++) text += STATEMENTS[Math.floor(next() * STATEMENTS.length)];
  return text;
}

function edit(next: () => number, text: string): string {
  const at = Math.floor(next() * (text.length + 1));
  const remove = next() < 0.4 ? Math.floor(next() * 12) : 0;
  const insert = next() < 0.8 ? INSERTS[Math.floor(next() * INSERTS.length)] : '';
  return text.slice(0, at) + insert + text.slice(at + remove);
}

const summary = (scan: JsCostScan, limit: number) =>
  scan.cost > limit ? { over: true } : { over: false, cost: scan.cost, depth: scan.depth, complete: scan.complete };

test('a count made from the previous version is the full count, over random edit sequences', () => {
  for (let seed = 1; seed <= 20; seed++) {
    const next = mulberry32(seed);
    // Long enough for checkpoints (every 4 KB) and a limit some texts go over.
    let text = randomText(next, 600 + Math.floor(next() * 900));
    // Mostly over the text's length several times, sometimes near it: both sides of the limit.
    const limit = text.length * (next() < 0.2 ? 1.5 : 40);
    let scan = jsParseScan(text, limit);
    for (let step = 0; step < 40; step++) {
      text = edit(next, text);
      const incremental = jsParseScan(text, limit, scan);
      const full = jsParseScan(text, limit);
      assert.deepEqual(summary(incremental, limit), summary(full, limit), `seed ${seed}, edit ${step}`);
      if (!full.complete) continue;
      // What the next edit starts from: each checkpoint's cost and depth are those of the text before it.
      if (step % 20 === 0) {
        for (const c of incremental.checkpoints) {
          const before = jsParseScan(text.slice(0, c.pos), Infinity, undefined, { exact: true });
          assert.deepEqual([c.cost, c.depthBefore], [before.cost, before.depth], `seed ${seed}, edit ${step}: checkpoint at ${c.pos}`);
        }
      }
      scan = incremental;
    }
  }
});

test('an edit far from the nesting re-reads only near the edit, and the count still sees the nesting', () => {
  const nested = 'x = async function () { return async function () { return async function () { return 1; }; }; };\n';
  const filler = 'const value = compute(1, 2);\n'.repeat(4000);
  const text = filler + nested + filler;
  const limit = 512 * 1024;
  const first = jsParseScan(text, limit);
  assert.equal(first.depth, 3);
  const edited = text.slice(0, 100) + 'z' + text.slice(100);
  const again = jsParseScan(edited, limit, first);
  const full = jsParseScan(edited, limit);
  assert.equal(again.cost, full.cost);
  assert.equal(again.depth, 3);
  // The checkpoints past the edit are the previous version's, moved by one character.
  const last = first.checkpoints[first.checkpoints.length - 1];
  assert.ok(again.checkpoints.some((c) => c.pos === last.pos + 1 && c.cost === last.cost + 1));
});

test('the scan does not take up the previous count where the token before differs (a keyword or a name before a `/`)', () => {
  // `instanceof` ends exactly at the first checkpoint; after it `/ async function ... /g` is a regular
  // expression, after a name (`xnstanceof`) a division by an `async function` expression: the same
  // brackets either way, but not the same count.
  const filler = 'let v = 0;\n'.repeat(372); // 4,092 characters
  const tail = ' / async function () { return 1; } /g;\n'.repeat(50);
  const text = filler.slice(0, 4090 - 4) + 'a = ' + 'instanceof' + tail;
  const limit = 512 * 1024;
  const first = jsParseScan(text, limit);
  assert.ok(first.checkpoints.some((c) => c.pos === 4100), 'a checkpoint right after `instanceof`');
  const edited = text.slice(0, 4090) + 'x' + text.slice(4091);
  const full = jsParseScan(edited, limit);
  assert.notEqual(full.cost, first.cost + 0, 'the edit changes the count');
  assert.deepEqual(summary(jsParseScan(edited, limit, first), limit), summary(full, limit));
});
