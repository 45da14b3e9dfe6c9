// http-call-without-timeout, beyond what the fixture harness checks: what "fix all" would do (every
// safe fix of a file applied at once), the snippet form of each edit, and odd input.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { FixtureRunner, describeFinding, fixtureWorkspaces, isGolden, syntaxErrors } from '../support/fixtures';
import { applyEdits, editsOverlap } from '../../server/src/engine/edits';
import type { TextEdit } from '../../server/src/engine/types';

const RULE = 'http-call-without-timeout';
const workspaces = fixtureWorkspaces().filter((ws) => ws.root.split(path.sep).includes('timeouts'));

/** What a snippet expands to when every placeholder keeps its default. */
function expandSnippet(snippet: string): string {
  return snippet.replace(/\$\{\d+:((?:\\.|[^}\\])*)\}/g, '$1').replace(/\\([$}\\])/g, '$1');
}

describe('http-call-without-timeout fixes', () => {
  test('the fixture workspaces exist', () => assert.ok(workspaces.length >= 5));

  for (const ws of workspaces) {
    const runner = new FixtureRunner(ws.root);
    for (const file of ws.files.filter((f) => !isGolden(f) && !f.endsWith('.yaml'))) {
      const name = path.relative(path.resolve(ws.root, '..'), file);

      test(`${name}: all safe fixes apply together, as fix-all would`, () => {
        const doc = runner.load(file)!;
        const findings = runner.run(doc).filter((f) => f.ruleId === RULE);
        const fixes = findings.flatMap((f) => runner.fixesFor(f, doc).filter((x) => x.safe).slice(0, 1));
        for (let i = 0; i < fixes.length; i++) {
          for (let j = i + 1; j < fixes.length; j++) {
            assert.ok(!editsOverlap(fixes[i].edits, fixes[j].edits), `fixes '${fixes[i].title}' and '${fixes[j].title}' overlap`);
          }
        }
        if (fixes.length === 0) return;
        const text = applyEdits(doc.text, fixes.flatMap((f) => f.edits));
        const after = runner.load(file, text)!;
        assert.deepEqual(syntaxErrors(after), []);
        const left = runner.run(after).filter((f) => f.ruleId === RULE && runner.fixesFor(f, after).some((x) => x.safe));
        assert.deepEqual(left.map((f) => describeFinding(after, f)), [], 'fix-all left safe-fixable findings behind');
      });

      test(`${name}: each snippet expands to its edit`, () => {
        const doc = runner.load(file)!;
        const edits: TextEdit[] = runner
          .run(doc)
          .filter((f) => f.ruleId === RULE)
          .flatMap((f) => runner.fixesFor(f, doc).flatMap((x) => x.edits));
        const withSnippet = edits.filter((e) => e.snippet !== undefined);
        for (const edit of withSnippet) {
          assert.match(edit.snippet!, /\$\{1:[^}]+\}/);
          assert.equal(expandSnippet(edit.snippet!), edit.newText);
        }
        // Every fix puts its value in a placeholder.
        assert.ok(edits.length === 0 || withSnippet.length > 0);
      });

      test(`${name}: never throws on a half-typed file`, () => {
        const doc = runner.load(file)!;
        const text = doc.text;
        for (let cut = 1; cut < text.length; cut += 17) {
          const partial = runner.load(file, text.slice(0, cut))!;
          for (const f of runner.run(partial)) runner.fixesFor(f, partial);
        }
      });
    }
  }

  test('a fix in an ES5-style script uses plain digits, elsewhere numeric separators', () => {
    const ws = workspaces.find((w) => w.root.endsWith(`${path.sep}superagent`))!;
    const runner = new FixtureRunner(ws.root);
    const legacy = runner.load(path.join(ws.root, 'src', 'legacy.js'))!;
    const [finding] = runner.run(legacy);
    assert.equal(runner.fixesFor(finding, legacy)[0].title, 'Add .timeout(10000)');
    const modern = runner.load(path.join(ws.root, 'src', 'notify.ts'))!;
    const [first] = runner.run(modern);
    assert.equal(runner.fixesFor(first, modern)[0].title, 'Add .timeout(10_000)');
  });

  test('replacing a value the author wrote is not a safe fix', () => {
    const ws = workspaces.find((w) => w.root.endsWith(`${path.sep}axios`))!;
    const runner = new FixtureRunner(ws.root);
    const doc = runner.load(path.join(ws.root, 'src', 'billing.ts'))!;
    const byMessage = (fragment: string) => runner.run(doc).find((f) => f.message.includes(fragment))!;
    assert.equal(runner.fixesFor(byMessage('above the 30 s limit'), doc)[0].safe, false);
    assert.equal(runner.fixesFor(byMessage('turns the timeout off'), doc)[0].safe, false);
    assert.equal(runner.fixesFor(byMessage('without a timeout'), doc)[0].safe, true);
  });

  test('a signal on a node request that a stream is piped into is not a safe fix; request\'s timeout is', () => {
    const http = workspaces.find((w) => w.root.endsWith(`${path.sep}node-http`))!;
    const runner = new FixtureRunner(http.root);
    const doc = runner.load(path.join(http.root, 'src', 'proxy-pipe.js'))!;
    const findings = runner.run(doc);
    assert.equal(findings.length, 3);
    for (const f of findings) {
      const [fix] = runner.fixesFor(f, doc);
      assert.equal(fix.title, 'Add signal: AbortSignal.timeout(10_000)');
      assert.equal(fix.safe, false, describeFinding(doc, f));
    }
    // request's `timeout` bounds the wait for response headers and socket silence, not the whole transfer:
    // safe even on a piped download.
    const req = workspaces.find((w) => w.root.endsWith(`${path.sep}request`))!;
    const reqRunner = new FixtureRunner(req.root);
    const email = reqRunner.load(path.join(req.root, 'src', 'email-service.js'))!;
    const piped = reqRunner.run(email).find((f) => email.text.slice(f.start, f.end) === 'request.get')!;
    assert.deepEqual(reqRunner.fixesFor(piped, email).map((f) => [f.title, f.safe]), [['Add timeout: 10_000', true]]);
  });
});
