// ParsedDocument.includes, which an open document's next version answers from the previous
// version's answer and a search around the edit, against String.prototype.includes on random edits.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prepare } from '../../server/src/engine/source';
import type { ParsedDocument } from '../../server/src/engine/document';
import { mulberry32 } from '../support/random';
import { shutdownFacts } from '../../server/src/rules/shutdown/shutdown-facts';

const NEEDLES = ['SIGTERM', 'ab', 'a', 'TERM', 'stoppable', 'SIGTERMSIGTERM'];
const PIECES = ['SIG', 'TERM', 'SIGTERM', 'a', 'b', 'ab', ' ', '\n', 'stop', 'pable', ''];

const docOf = (text: string, previous?: ParsedDocument) =>
  (prepare({ path: '/w/server.js', relativePath: 'server.js', text, live: true }, undefined, previous) as { doc: ParsedDocument }).doc;

test('includes equals the text search on 4,000 random edits, each version asked some needles', () => {
  for (let seed = 1; seed <= 40; seed++) {
    const next = mulberry32(seed);
    const pick = () => PIECES[Math.floor(next() * PIECES.length)];
    let text = Array.from({ length: 12 }, pick).join('');
    let doc = docOf(text);
    for (let step = 0; step < 100; step++) {
      // Each version answers some of the needles (not always the same ones: an answer may be missing one version back).
      for (const needle of NEEDLES) {
        if (next() < 0.7) assert.equal(doc.includes(needle), text.includes(needle), `seed ${seed}, step ${step}, ${needle} in ${JSON.stringify(text)}`);
      }
      const start = Math.floor(next() * (text.length + 1));
      const end = Math.min(text.length, start + Math.floor(next() * 6));
      text = text.slice(0, start) + pick() + pick() + text.slice(end);
      doc = docOf(text, doc);
    }
  }
});

test('typing SIGTERM into an open document is seen by the next version, deleting it too', () => {
  const one = docOf("process.on('SIGTER', stop);\n");
  assert.equal(shutdownFacts(one).handlesSigterm, false);
  const two = docOf("process.on('SIGTERM', stop);\n", one);
  assert.equal(shutdownFacts(two).handlesSigterm, true);
  const three = docOf("process.on('SIGTEM', stop);\n", two);
  assert.equal(shutdownFacts(three).handlesSigterm, false);
});
