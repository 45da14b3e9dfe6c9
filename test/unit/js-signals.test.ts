// The project model's browser-global signal (engine/model/js-signals.ts): an open document finds the
// identifiers that may name a browser global where the names occur in its text, any other document
// goes through every identifier. Both must give the same answer, on every text: random texts built
// from the names in every place a name can be (a use, a declaration, a property, a string, a comment,
// part of a longer name, a template), and random edit sequences of them as a person types.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ParsedDocument } from '../../server/src/engine/document';
import { jsSignals } from '../../server/src/engine/model/js-signals';
import { mulberry32 } from '../support/random';

const NAMES = ['window', 'document', 'localStorage', 'navigator', 'location', '$', 'jQuery', 'alert', 'history', 'chrome'];
const PLACES = [
  (n: string) => `${n}.foo();\n`,
  (n: string) => `${n}('x');\n`,
  (n: string) => `${n}[k] = 1;\n`,
  (n: string) => `if (typeof ${n} !== 'undefined') go();\n`,
  (n: string) => `const ${n} = make();\n`,
  (n: string) => `function f(${n}) { return ${n}.x; }\n`,
  (n: string) => `import { ${n} } from 'lib';\n`,
  (n: string) => `obj.${n}.bar();\n`,
  (n: string) => `const s = '${n}.x';\n`,
  (n: string) => `// ${n}.x\n`,
  (n: string) => `/** @see ${n}.y */\nfunction g() {}\n`,
  (n: string) => `my${n}.z();\n`,
  (n: string) => `${n}2.z();\n`,
  (n: string) => `const t = \`\${${n}.a}\`;\n`,
  (n: string) => `class C { ${n}() { return this.${n}; } }\n`,
  (n: string) => `const o = { ${n} };\n`,
  (n: string) => `\u00a0${n}.w();\n`,
  (n: string) => `é${n}.v();\n`,
];

function randomText(rand: () => number, parts: number): string {
  let text = '';
  for (let i = 0; i < parts; i++) text += PLACES[Math.floor(rand() * PLACES.length)](NAMES[Math.floor(rand() * NAMES.length)]);
  return text;
}

const signal = (text: string, live: boolean, previous?: ParsedDocument) => {
  const doc = new ParsedDocument({ path: '/p/app.js', relativePath: 'app.js', text, kind: 'js', version: 1, live }, previous);
  return { doc, globals: jsSignals(doc).browserGlobals };
};

test('an open document finds the same browser globals as a walk of every identifier, on random texts', () => {
  const rand = mulberry32(4711);
  let nonEmpty = 0;
  for (let i = 0; i < 300; i++) {
    const text = randomText(rand, 1 + Math.floor(rand() * 8));
    const expected = signal(text, false).globals;
    assert.deepEqual(signal(text, true).globals, expected, `text ${i}:\n${text}`);
    if (expected.length > 0) nonEmpty++;
  }
  assert.ok(nonEmpty > 100, `${nonEmpty} texts used a browser global`);
});

test('and after every keystroke of random edits (the occurrences carried from version to version)', () => {
  const rand = mulberry32(815);
  for (let session = 0; session < 10; session++) {
    let text = randomText(rand, 12);
    let previous: ParsedDocument | undefined;
    for (let step = 0; step < 60; step++) {
      const at = Math.floor(rand() * (text.length + 1));
      if (rand() < 0.3 && text.length > 0) text = text.slice(0, at) + text.slice(at + 1 + Math.floor(rand() * 5));
      else {
        const piece = rand() < 0.5 ? NAMES[Math.floor(rand() * NAMES.length)] : ['.', '(', ' ', '\n', "'", '/', 'x', 'const ', 'typeof '][Math.floor(rand() * 9)];
        text = text.slice(0, at) + piece + text.slice(at);
      }
      const live = signal(text, true, previous);
      assert.deepEqual(live.globals, signal(text, false).globals, `session ${session}, step ${step}:\n${text}`);
      previous = live.doc;
    }
  }
});

test('a name written with a unicode escape is not read as a browser global, open or not', () => {
  // The text test before the walk looks for the names as written; both ways agree.
  const text = 'const x = 1;\n\\u0077indow.open(url);\n';
  assert.deepEqual(signal(text, true).globals, []);
  assert.deepEqual(signal(text, false).globals, []);
  assert.deepEqual(signal('window.open(url);\n', true).globals, [{ name: 'window', offset: 0 }]);
});
