// The node lists the Python module facts keep (issue 22: one query per version instead of one walk
// of the whole tree per rule): for every Python fixture and every listed type, `nodesOfType` gives
// exactly the nodes `descendantsOfType` gives, in the same order, and `calleeOf` the node
// `childForFieldName('function')` gives. Rules read these lists in place of their own walks, so
// their findings depend on this being true.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ParsedDocument } from '../../server/src/engine/document';
import { initPython } from '../../server/src/engine/python';
import { calleeOf, moduleFacts, nodesOfType, type ListedType } from '../../server/src/rules/python/module-facts';

const TYPES: ListedType[] = ['call', 'import_statement', 'import_from_statement', 'assignment', 'augmented_assignment', 'function_definition', 'decorated_definition', 'decorator', 'for_statement', 'while_statement', 'string'];

function pythonFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? pythonFiles(p) : e.name.endsWith('.py') ? [p] : [];
  });
}

const ids = (nodes: ReadonlyArray<{ id: number; startIndex: number; type: string } | null>) => nodes.map((n) => `${n!.type}@${n!.startIndex}#${n!.id}`);

before(async () => {
  assert.ok(await initPython());
});

test('nodesOfType equals descendantsOfType, per type and for two types merged, on every Python fixture', () => {
  const files = pythonFiles(path.join(__dirname, '..', 'fixtures'));
  assert.ok(files.length > 50, `found ${files.length} Python fixtures`);
  let compared = 0;
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    const doc = new ParsedDocument({ path: file, relativePath: path.basename(file), text, kind: 'python' });
    const root = doc.pythonTree!.rootNode;
    const facts = moduleFacts(doc)!;
    for (const type of TYPES) {
      assert.deepEqual(ids(nodesOfType(facts, type)), ids(root.descendantsOfType(type)), `${file}: ${type}`);
      compared += nodesOfType(facts, type).length;
    }
    assert.deepEqual(ids(nodesOfType(facts, 'for_statement', 'while_statement')), ids(root.descendantsOfType(['for_statement', 'while_statement'])), `${file}: loops`);
    assert.deepEqual(ids(facts.calls), ids(root.descendantsOfType('call')), `${file}: calls`);
    for (const call of facts.calls) {
      const expected = call.childForFieldName('function');
      assert.equal(calleeOf(facts, call)?.id, expected?.id, `${file}: callee of the call at ${call.startIndex}`);
    }
    doc.dispose();
  }
  assert.ok(compared > 1000, `compared ${compared} nodes`);
});
