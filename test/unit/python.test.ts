// The Python parser as the engine uses it: classified by name and language id, no tree (and no
// findings, no crash) before initPython() has finished, one tree per version re-parsed
// incrementally from the previous version's, and trees freed when a version is disposed.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { classify } from '../../server/src/engine/classify';
import { ParsedDocument } from '../../server/src/engine/document';
import { analyze } from '../../server/src/engine/analyze';
import { EMPTY_CONFIG } from '../../server/src/engine/config';
import { EMPTY_WORKSPACE_FACTS } from '../../server/src/engine/workspace-facts';
import { initPython, pythonParser } from '../../server/src/engine/python';
import { registry } from '../../server/src/rules';
import { ignoreFileEdit } from '../../server/src/engine/ignore-edits';
import { applyEdits } from '../../server/src/engine/edits';
import { applySuppressions } from '../../server/src/engine/suppressions';

const SOURCE = 'import requests\n\n\ndef get_user(user_id):\n    return requests.get(f"https://users.example.com/{user_id}")\n';

function doc(text: string, version: number, previous?: ParsedDocument): ParsedDocument {
  return new ParsedDocument({ path: '/ws/app/users.py', relativePath: 'app/users.py', text, kind: 'python', version }, previous);
}

function findings(d: ParsedDocument) {
  return analyze(d, { registry, config: EMPTY_CONFIG, workspace: EMPTY_WORKSPACE_FACTS }).findings.map((f) => `${d.lines.positionAt(f.start).line + 1} ${f.ruleId}`);
}

describe('python documents', () => {
  test('are classified by extension and language id; stubs are not', () => {
    assert.equal(classify('app/main.py', ''), 'python');
    assert.equal(classify('untitled-1', '', 'python'), 'python');
    assert.equal(classify('typings/requests.pyi', ''), undefined);
  });

  test('before the parser has loaded, a Python document has no tree and no findings, and nothing throws', () => {
    const early = doc(SOURCE, 1);
    assert.equal(early.pythonTree, undefined);
    assert.deepEqual(findings(early), []);
  });

  test('once loaded, the same document is analysed; an edit re-parses from the previous tree', async () => {
    assert.equal(await initPython(), true);
    assert.ok(pythonParser());
    const first = doc(SOURCE, 1);
    assert.deepEqual(findings(first), ['5 http-call-without-timeout']);
    const firstTree = first.pythonTree!;

    const edited = SOURCE.replace('")\n', '", timeout=5)\n');
    const second = doc(edited, 2, first);
    assert.deepEqual(findings(second), []);
    const fresh = pythonParser()!.parse(edited)!;
    assert.equal(second.pythonTree!.rootNode.toString(), fresh.rootNode.toString(), 'the incremental parse equals a parse from scratch');
    assert.notEqual(second.pythonTree, firstTree, 'each version has its own tree');
    fresh.delete();

    // A third version typed into the middle of a line, with non-ASCII text before it.
    const third = doc(`# café ☕\n${edited.replace('timeout=5', 'timeout=None')}`, 3, second);
    assert.deepEqual(findings(third), ['6 http-call-without-timeout']);
    const scratch = pythonParser()!.parse(third.text)!;
    assert.equal(third.pythonTree!.rootNode.toString(), scratch.rootNode.toString());
    scratch.delete();

    third.dispose();
    third.dispose(); // twice is harmless
  });

  test('a node\'s type and its children by field are read once and stay what the tree says', async () => {
    assert.equal(await initPython(), true);
    const tree = pythonParser()!.parse('import requests as r\nx = r.get(u, timeout=t)\nclass C:\n    def m(self):\n        return self.s.post(v)\n')!;
    const nodes: Array<NonNullable<ReturnType<typeof tree.rootNode.child>>> = [];
    const walk = (n: typeof tree.rootNode): void => {
      nodes.push(n);
      for (const c of n.children) if (c) walk(c);
    };
    walk(tree.rootNode);
    const calls = nodes.filter((n) => n.type === 'call');
    assert.equal(calls.length, 2);
    for (const call of calls) {
      const callee = call.childForFieldName('function');
      assert.equal(call.childForFieldName('function'), callee, 'the same node object the second time');
      // What the tree says, read another way: the callee is the call's first child.
      assert.equal(callee?.id, call.child(0)?.id);
      assert.equal(callee?.type, 'attribute');
      assert.equal(call.childForFieldName('arguments')?.type, 'argument_list');
      assert.equal(call.childForFieldName('no-such-field'), null);
    }
    // Every node's kept type is its grammar's name for its symbol, read twice.
    for (const n of nodes) {
      assert.equal(n.type, tree.language.types[n.typeId] || 'ERROR');
      assert.equal(n.type, tree.language.types[n.typeId] || 'ERROR');
    }
    assert.deepEqual(calls.map((c) => c.text), ['r.get(u, timeout=t)', 'self.s.post(v)']);
    tree.delete();
  });

  test('syntax errors do not stop the analysis of what parses', async () => {
    await initPython();
    const broken = doc('import requests\n\ndef f(:\n    pass\n\nrequests.get(u)\n', 1);
    assert.deepEqual(findings(broken), ['6 http-call-without-timeout']);
  });

  test('ignore comments are `#` comments, below a shebang and an encoding declaration, and they work', async () => {
    await initPython();
    // A `#!` program that loops at its top level is a service (a bot, a worker), so the rule runs.
    const text = '#!/usr/bin/env python3\n# -*- coding: utf-8 -*-\nimport requests\nwhile True:\n    requests.get(u)\n';
    const d = doc(text, 1);
    const fileWide = applyEdits(text, [ignoreFileEdit(d, 'http-call-without-timeout')]);
    assert.equal(fileWide, '#!/usr/bin/env python3\n# -*- coding: utf-8 -*-\n# prodready-ignore-file http-call-without-timeout\nimport requests\nwhile True:\n    requests.get(u)\n');
    const after = doc(fileWide, 2);
    const result = applySuppressions(after, analyze(after, { registry, config: EMPTY_CONFIG, workspace: EMPTY_WORKSPACE_FACTS }).findings, EMPTY_CONFIG, registry);
    assert.deepEqual(result.findings.map((f) => f.ruleId), []);
    assert.deepEqual(result.suppressed.map((s) => s.finding.ruleId), ['http-call-without-timeout']);
  });
});
