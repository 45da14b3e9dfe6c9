// Layer 1: rule fixtures. Every finding must be expected, every expectation met, and every fix
// must match its golden file, still parse, and leave no fixable finding behind.

import { before, test, describe } from 'node:test';
import { initPython } from '../server/src/engine/python';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  FixtureRunner,
  describeFinding,
  fixtureWorkspaces,
  goldenPathFor,
  isGolden,
  readExpectations,
  syntaxErrors,
} from './support/fixtures';
import { workspaceFactsForFixture } from './support/workspace';


// The Python parser loads asynchronously, once, before any test reads a tree.
before(async () => {
  assert.ok(await initPython(), 'the Python parser must load');
});

for (const ws of fixtureWorkspaces()) {
  describe(`fixtures ${path.relative(path.resolve(__dirname, 'fixtures'), ws.root)}`, () => {
    const runner = new FixtureRunner(ws.root, workspaceFactsForFixture(ws));
    for (const file of ws.files) {
      if (isGolden(file)) continue;
      const doc = runner.load(file);
      const name = path.relative(ws.root, file);
      if (!doc) {
        // A file prodready does not analyse is fine, unless it expects findings.
        const text = fs.readFileSync(file, 'utf8');
        if (/\bexpect:/.test(text)) {
          test(name, () => assert.fail(`${name} has expect: comments but prodready does not analyse it`));
        }
        continue;
      }

      test(name, () => {
        const expected = readExpectations(doc.text);
        const findings = runner.run(doc);
        const unexpected = findings.filter(
          (f) => !expected.some((e) => e.ruleId === f.ruleId && e.line === doc.lines.positionAt(f.start).line),
        );
        const unmet = expected.filter(
          (e) =>
            !findings.some(
              (f) =>
                f.ruleId === e.ruleId &&
                doc.lines.positionAt(f.start).line === e.line &&
                (e.messageIncludes === undefined || f.message.includes(e.messageIncludes)),
            ),
        );
        assert.deepEqual(
          {
            unexpected: unexpected.map((f) => describeFinding(doc, f)),
            unmet: unmet.map((e) => `${e.line + 1} ${e.ruleId}${e.messageIncludes ? ` "${e.messageIncludes}"` : ''}`),
          },
          { unexpected: [], unmet: [] },
        );
        for (const f of findings) {
          assert.ok(f.end > f.start, `${describeFinding(doc, f)}: empty range`);
          assert.ok(f.end - f.start < 400, `${describeFinding(doc, f)}: the range is not the smallest thing to point at`);
        }
      });

      const golden = goldenPathFor(file);
      const fixable = () => runner.run(doc).filter((f) => runner.fixesFor(f, doc).length > 0);
      if (fs.existsSync(golden)) {
        test(`${name} fixed`, () => {
          const { text, applied } = runner.applyAllFixes(file);
          assert.ok(applied > 0, 'the golden file exists but no fix applied');
          assert.equal(text, fs.readFileSync(golden, 'utf8'));
          const after = runner.load(file, text)!;
          assert.deepEqual(syntaxErrors(after), [], 'the fixed file must still parse');
          const remaining = runner.run(after).filter((f) => runner.fixesFor(f, after).length > 0);
          assert.deepEqual(remaining.map((f) => describeFinding(after, f)), [], 'a fix left its finding behind');
        });
      } else {
        test(`${name} has a golden file for its fixes`, () => {
          assert.deepEqual(
            fixable().map((f) => describeFinding(doc, f)),
            [],
            `findings with fixes need a golden file ${path.relative(ws.root, golden)}`,
          );
        });
      }
    }
  });
}
