// The catalog holds together: every rule has docs whose example triggers it and whose
// "use instead" does not, fixtures, a golden file where it has fixes, and generated files in sync.

import { before, test, describe } from 'node:test';
import { initPython } from '../server/src/engine/python';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { registry } from '../server/src/rules';
import { createRegistry } from '../server/src/rules/registry';
import { analyze } from '../server/src/engine/analyze';
import { EMPTY_CONFIG } from '../server/src/engine/config';
import { prepare } from '../server/src/engine/source';
import type { Rule, RuleExample } from '../server/src/engine/types';
import * as os from 'node:os';
import { WorkspaceIndex } from '../server/src/engine/workspace-index';
import { EMPTY_WORKSPACE_FACTS } from '../server/src/engine/workspace-facts';
import { fixtureWorkspaces, goldenPathFor, isGolden, readExpectations } from './support/fixtures';
import { generatedFiles, staleRuleDocs } from '../scripts/generate';



// The Python parser loads asynchronously, once, before any test reads a tree.
before(async () => {
  assert.ok(await initPython(), 'the Python parser must load');
});

function findingsOf(rule: Rule, example: RuleExample) {
  // An example with other files (a cross-check's other side) runs in a real workspace index over them.
  let root = '/example';
  let workspace = EMPTY_WORKSPACE_FACTS;
  if (example.alongside && example.alongside.length > 0) {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'prodready-example-'));
    const files = [...example.alongside, example].map((f) => {
      const file = path.join(root, f.path);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, f.code);
      return file;
    });
    const index = new WorkspaceIndex();
    index.indexFiles(files, [root]);
    workspace = index.facts();
  }
  const prepared = prepare({ path: `${root.replace(/\\/g, '/')}/${example.path}`, relativePath: example.path, text: example.code });
  assert.equal(prepared.status, 'document', `${example.path} is not analysed as a ${rule.kinds.join('/')} file`);
  if (prepared.status !== 'document') return [];
  return analyze(prepared.doc, { registry, config: EMPTY_CONFIG, workspace }).findings.filter((f) => f.ruleId === rule.id);
}

const fixtures = fixtureWorkspaces().flatMap((ws) =>
  ws.files.filter((f) => !isGolden(f)).map((file) => ({ file, text: fs.readFileSync(file, 'utf8') })),
);

describe('every rule', () => {
  for (const rule of registry.all) {
    test(`${rule.id}: docs, example and use-instead`, () => {
      for (const [key, value] of Object.entries(rule.docs)) {
        if (typeof value === 'string') assert.ok(value.trim().length > 20, `docs.${key} is empty`);
      }
      assert.ok(rule.docs.references.length > 0, 'docs.references is empty');
      assert.ok(rule.summary.length > 10 && rule.summary.length < 120, 'summary is one line');
      assert.ok(findingsOf(rule, rule.docs.example).length > 0, 'the Example does not trigger the rule');
      assert.deepEqual(findingsOf(rule, rule.docs.useInstead), [], 'the Use-instead triggers the rule');
      for (const more of rule.docs.moreExamples ?? []) {
        assert.ok(findingsOf(rule, more.example).length > 0, `the Example ${more.example.path} does not trigger the rule`);
        assert.deepEqual(findingsOf(rule, more.useInstead), [], `the Use-instead ${more.useInstead.path} triggers the rule`);
      }
    });

    test(`${rule.id}: fixtures, and a golden file when it has fixes`, () => {
      const expecting = fixtures.filter((f) => readExpectations(f.text).some((e) => e.ruleId === rule.id));
      assert.ok(expecting.length > 0, `no fixture expects ${rule.id}`);
      if (rule.fix !== 'none') {
        assert.ok(
          expecting.some((f) => fs.existsSync(goldenPathFor(f.file))),
          `${rule.id} has fixes but no fixture expecting it has a golden *.fixed.* file`,
        );
      }
    });
  }
});

describe('the registry', () => {
  test('is sorted by id and refuses duplicates and malformed ids', () => {
    const ids = registry.all.map((r) => r.id);
    assert.deepEqual(ids, [...ids].sort());
    const rule = registry.all[0];
    assert.throws(() => createRegistry([rule, rule]), /duplicate rule id/);
    assert.throws(() => createRegistry([{ ...rule, id: 'Bad/Id' }]), /not kebab-case/);
  });
});

describe('generated files', () => {
  test('docs/rules, the README tables and the settings schema match the rule modules (npm run gen)', () => {
    const drift: string[] = [];
    for (const [file, text] of generatedFiles()) {
      if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== text) drift.push(path.relative(process.cwd(), file));
    }
    assert.deepEqual(drift, [], 'run `npm run gen` and commit the result');
    assert.deepEqual(staleRuleDocs(generatedFiles()), []);
  });
});
