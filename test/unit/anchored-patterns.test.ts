// Every AnchoredPattern the engine makes answers as its regular expression does: tested at its
// anchors' occurrences in a fresh text, and in an open document whose occurrences are carried from
// version to version across random edits. Every LiteralGuard's literals are held by each match of its
// expression, and an open document never rules out a text its expression matches.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ANCHORED_PATTERNS, AnchoredPattern, LITERAL_GUARDS, type LiteralGuard } from '../../server/src/engine/anchored';
import { prepare } from '../../server/src/engine/source';
import type { ParsedDocument } from '../../server/src/engine/document';
import { mulberry32 } from '../support/random';
import { sampleOf } from '../support/regex-sample';
// The modules that make the engine's patterns.
import '../../server/src/engine/model/service-facts';
import '../../server/src/engine/model/js-signals';
import '../../server/src/engine/model/static-folders';
import '../../server/src/engine/workspace-index';
import '../../server/src/engine/model/python-role';
import '../../server/src/rules/logging/print-call';
import '../../server/src/rules/calls/constructions';

const PUNCTUATION = [' ', '  ', '\n', '\t', '.', '. ', '(', ' (', '[', '{', "'", '"', '`', '/', "'/", '$', 'x', '_', '-', ':', 'a.b', ''];

/**
 * Pieces of random texts: strings the pattern's expression may match (`sampleOf`), the words it is
 * made of (its anchors, its source's runs of letters, the characters it escapes) and punctuation,
 * so that texts match now at one alternative, now at several, now nowhere, or nearly.
 */
function piecesOf(pattern: AnchoredPattern | LiteralGuard, seed: number): () => string {
  const source = pattern.pattern.source;
  const anchors = 'anchors' in pattern ? pattern.anchors : pattern.literals;
  const letters = source.replace(/\\[A-Za-z]/g, ' ').match(/[A-Za-z@][\w@-]*/g) ?? [];
  const escaped = [...source.matchAll(/\\([^A-Za-z0-9])/g)].map((m) => m[1]);
  const words = [...new Set([...anchors, ...letters, ...escaped])];
  const next = mulberry32(seed);
  return () => {
    const r = next();
    if (r < 0.2) return sampleOf(pattern.pattern, next);
    const list = r < 0.6 ? words : PUNCTUATION;
    return list[Math.floor(next() * list.length)];
  };
}

const docOf = (text: string, previous?: ParsedDocument) =>
  (prepare({ path: '/w/server.js', relativePath: 'server.js', text, live: true }, undefined, previous) as { doc: ParsedDocument }).doc;

const fresh = (text: string) => (needle: string) => {
  const out: number[] = [];
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + 1)) out.push(at);
  return out;
};

test('the engine makes its anchored patterns (the ones tested below)', () => {
  assert.ok(ANCHORED_PATTERNS.length >= 10, `${ANCHORED_PATTERNS.length} patterns`);
});

/** A pattern's seed, from its expression: adding a pattern (or loading modules in another order) changes no other pattern's texts. */
const seedOf = (pattern: { pattern: RegExp }): number => {
  let h = 2166136261;
  for (const c of pattern.pattern.source) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  return h;
};

test('each anchored pattern, tried at its anchors, answers as its expression on random texts', () => {
  for (const pattern of ANCHORED_PATTERNS) {
    const piece = piecesOf(pattern, seedOf(pattern));
    const next = mulberry32(seedOf(pattern));
    let matched = 0;
    /** Per anchor, the texts that match at its occurrences and no other anchor's: had it been left out, those would fail. */
    const alone = new Map(pattern.anchors.map((a) => [a, 0]));
    for (let i = 0; i < 5000; i++) {
      const text = Array.from({ length: 1 + Math.floor(next() * 12) }, piece).join('');
      const expected = pattern.pattern.test(text);
      if (expected) matched++;
      assert.equal(pattern.matchesAt(text, fresh(text)), expected, `${pattern.pattern} on ${JSON.stringify(text)}`);
      if (expected) {
        const at = pattern.anchors.filter((a) => pattern.matchesAt(text, (b) => (b === a ? fresh(text)(a) : [])));
        if (at.length === 1) alone.set(at[0], alone.get(at[0])! + 1);
      }
    }
    for (const [anchor, count] of alone) assert.ok(count > 0, `${pattern.pattern}: no random text matches at ${JSON.stringify(anchor)} alone`);
    // The texts are made to match now and then: a test that never sees a match (or a miss) proves nothing.
    assert.ok(matched > 250 && matched < 4750, `${pattern.pattern}: ${matched} of 5,000 random texts match`);
  }
});

test('an open document answers each anchored pattern as its expression across random edits', () => {
  for (const pattern of ANCHORED_PATTERNS) {
    const pick = piecesOf(pattern, seedOf(pattern) + 100);
    const next = mulberry32(seedOf(pattern) + 100);
    for (let run = 0; run < 10; run++) {
      let text = Array.from({ length: 10 }, pick).join('');
      let doc = docOf(text);
      for (let step = 0; step < 60; step++) {
        // Not every version is asked: an answer may be missing one version back.
        if (next() < 0.8) assert.equal(doc.testAnchored(pattern), pattern.pattern.test(text), `${pattern.pattern}, run ${run}, step ${step}: ${JSON.stringify(text)}`);
        const start = Math.floor(next() * (text.length + 1));
        const end = Math.min(text.length, start + Math.floor(next() * 8));
        text = text.slice(0, start) + (next() < 0.3 ? '' : pick() + pick()) + text.slice(end);
        doc = docOf(text, doc);
      }
    }
  }
});

test('occurrences carried across random edits are every occurrence of the needle', () => {
  const next = mulberry32(7);
  const pieces = ['ab', 'a', 'b', 'aba', ' ', '\n', 'ba', ''];
  const pick = () => pieces[Math.floor(next() * pieces.length)];
  for (let run = 0; run < 30; run++) {
    let text = Array.from({ length: 12 }, pick).join('');
    let doc = docOf(text);
    for (let step = 0; step < 80; step++) {
      for (const needle of ['ab', 'aba', 'a']) if (next() < 0.7) assert.deepEqual(doc.occurrences(needle), fresh(text)(needle), `run ${run}, step ${step}, ${needle} in ${JSON.stringify(text)}`);
      const start = Math.floor(next() * (text.length + 1));
      const end = Math.min(text.length, start + Math.floor(next() * 5));
      text = text.slice(0, start) + pick() + pick() + text.slice(end);
      doc = docOf(text, doc);
    }
  }
});

test('the listen prefilter, its dot a lookbehind, answers as the expression it replaced', () => {
  const before = /\.\s*(?:listen|start)\s*\(|\bserve\s*\(/;
  const listen = ANCHORED_PATTERNS.find((p) => p.anchors.join() === 'listen,start,serve')!;
  const pieces = ['.', ' ', '\n', 'listen', 'start', 'serve', '(', 'x', 'app', ')', ''];
  const next = mulberry32(3);
  let matched = 0;
  for (let i = 0; i < 5000; i++) {
    const text = Array.from({ length: 1 + Math.floor(next() * 7) }, () => pieces[Math.floor(next() * pieces.length)]).join('');
    if (before.test(text)) matched++;
    assert.equal(listen.pattern.test(text), before.test(text), JSON.stringify(text));
  }
  assert.ok(matched > 50, `${matched} matches`);
});

test('every match of each literal guard holds one of its literals', () => {
  assert.ok(LITERAL_GUARDS.length >= 4, `${LITERAL_GUARDS.length} guards`);
  for (const [n, guard] of LITERAL_GUARDS.entries()) {
    const all = new RegExp(guard.pattern.source, 'g');
    const piece = piecesOf(guard, 200 + n);
    const next = mulberry32(200 + n);
    let matches = 0;
    for (let i = 0; i < 5000; i++) {
      const text = Array.from({ length: 1 + Math.floor(next() * 10) }, piece).join('');
      for (const match of text.matchAll(all)) {
        matches++;
        assert.ok(guard.literals.some((literal) => match[0].includes(literal)), `${guard.pattern}: ${JSON.stringify(match[0])} holds none of its literals`);
      }
    }
    assert.ok(matches > 500, `${guard.pattern}: ${matches} matches`);
  }
});

test('an open document says a guarded expression may match wherever it does, across random edits', () => {
  for (const [n, guard] of LITERAL_GUARDS.entries()) {
    const once = new RegExp(guard.pattern.source);
    const pick = piecesOf(guard, 300 + n);
    const next = mulberry32(300 + n);
    let ruledOut = 0;
    for (let run = 0; run < 10; run++) {
      let text = Array.from({ length: 6 }, pick).join('');
      let doc = docOf(text);
      for (let step = 0; step < 60; step++) {
        const may = doc.mayMatch(guard);
        if (!may) ruledOut++;
        assert.ok(may || !once.test(text), `${guard.pattern}, run ${run}, step ${step}: ruled out, yet matches ${JSON.stringify(text)}`);
        const start = Math.floor(next() * (text.length + 1));
        const end = Math.min(text.length, start + Math.floor(next() * 12));
        text = text.slice(0, start) + (next() < 0.4 ? '' : pick()) + text.slice(end);
        doc = docOf(text, doc);
      }
    }
    // Texts the guard rules out are seen too: a guard that always says "may" proves nothing here.
    assert.ok(ruledOut > 20, `${guard.pattern}: ruled out ${ruledOut} times`);
  }
});
