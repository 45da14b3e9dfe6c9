// The line index of a document's next version, made from the previous version's (LineIndex.afterEdit),
// against one made from the text alone: on random edits of texts full of \n, \r\n and lone \r.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { LineIndex } from '../../server/src/engine/lines';
import { minimalEdit } from '../../server/src/engine/edits';
import { prepare } from '../../server/src/engine/source';
import type { ParsedDocument } from '../../server/src/engine/document';
import { mulberry32 } from '../support/random';

const PIECES = ['\n', '\r\n', '\r', 'a', 'bc', ' ', 'x\ny', '\r\r\n', '\n\n', ''];

function starts(index: LineIndex): number[] {
  return [...index.startOffsets()];
}

describe('LineIndex.afterEdit', () => {
  test('equals a fresh index on 3,000 random edits (insertions, deletions, replacements at any offset)', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const next = mulberry32(seed);
      const pick = () => PIECES[Math.floor(next() * PIECES.length)];
      let text = Array.from({ length: 40 }, pick).join('');
      let index = new LineIndex(text);
      index.startOffsets();
      for (let step = 0; step < 100; step++) {
        const start = Math.floor(next() * (text.length + 1));
        const end = Math.min(text.length, start + Math.floor(next() * 4));
        const after = text.slice(0, start) + pick() + pick() + text.slice(end);
        const derived = LineIndex.afterEdit(index, after, minimalEdit(text, after));
        assert.deepEqual(starts(derived), starts(new LineIndex(after)), `seed ${seed}, step ${step}: ${JSON.stringify(text)} -> ${JSON.stringify(after)}`);
        // Positions read through it are those of the new text.
        const probe = Math.floor(next() * (after.length + 1));
        assert.deepEqual(derived.positionAt(probe), new LineIndex(after).positionAt(probe));
        text = after;
        index = derived;
      }
    }
  });

  test('a previous index whose starts were never made gives a fresh scan', () => {
    const before = new LineIndex('a\nb\n');
    const derived = LineIndex.afterEdit(before, 'a\nxb\nc', minimalEdit('a\nb\n', 'a\nxb\nc'));
    assert.deepEqual(starts(derived), [0, 2, 5]);
  });

  test("an open document's next version reports lines of its own text (through the parse's line map)", () => {
    const first = 'const a = 1;\r\nconsole.log(a);\r\n';
    const second = 'const a = 1;\r\n\r\n// note\nconsole.log(a);\r\n';
    const one = (prepare({ path: '/w/a.js', relativePath: 'a.js', text: first, live: true }) as { doc: ParsedDocument }).doc;
    one.sourceFile;
    const two = (prepare({ path: '/w/a.js', relativePath: 'a.js', text: second, live: true }, undefined, one) as { doc: ParsedDocument }).doc;
    const call = second.indexOf('console');
    assert.deepEqual(two.lines.positionAt(call), { line: 3, character: 0 });
    assert.deepEqual(two.sourceFile.getLineAndCharacterOfPosition(call), { line: 3, character: 0 });
  });
});
