// Quick fixes and "ignore for this line", applied the way the light bulb does: the code action
// provider's edit through workspace.applyEdit. The document text must change as expected and the
// diagnostic must go away.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { IGNORE_CASE, QUICK_FIX_CASES } from './cases';
import { open, quickFixes, revertAndClose, waitForNoRule, waitForRule } from './helpers';

describe('quick fixes', () => {
  afterEach(async () => {
    // Each test starts from the files as they are on disk.
    for (const doc of vscode.workspace.textDocuments) if (doc.isDirty) await revertAndClose(doc);
  });

  for (const c of QUICK_FIX_CASES) {
    it(`${c.rule}: "${c.title}" fixes ${c.file}`, async () => {
      const { document: doc } = await open(c.file);
      const original = doc.getText();
      const diagnostic = await waitForRule(doc.uri, c.rule, c.line);
      const actions = await quickFixes(doc.uri, diagnostic);
      const action = actions.find((a) => a.title.startsWith(c.title));
      assert.ok(action, `a quick fix titled "${c.title}..." among: ${actions.map((a) => a.title).join(' | ')}`);
      assert.equal(action.kind?.value, vscode.CodeActionKind.QuickFix.value);
      assert.ok(action.edit, 'the action carries its edit');
      assert.equal(await vscode.workspace.applyEdit(action.edit), true, 'the edit applies');
      assert.ok(original.includes(c.before), `test data: ${c.file} contains ${c.before}`);
      assert.equal(doc.getText(), original.replace(c.before, c.insert + c.before));
      await waitForNoRule(doc.uri, c.rule);
    });
  }

  it(`"Ignore ${IGNORE_CASE.rule} for this line" adds a comment and silences the finding`, async () => {
    const { document: doc } = await open(IGNORE_CASE.file);
    const diagnostic = await waitForRule(doc.uri, IGNORE_CASE.rule, IGNORE_CASE.line);
    const actions = await quickFixes(doc.uri, diagnostic);
    const title = `Ignore ${IGNORE_CASE.rule} for this line`;
    const action = actions.find((a) => a.title === title);
    assert.ok(action?.edit, `a code action "${title}" among: ${actions.map((a) => a.title).join(' | ')}`);
    const flagged = doc.lineAt(IGNORE_CASE.line - 1).text;
    assert.equal(await vscode.workspace.applyEdit(action.edit), true);
    // The comment sits on its own line right above the flagged one, which is unchanged.
    const at = doc.getText().split(/\r?\n/).indexOf(flagged);
    assert.ok(at > 0, 'the flagged line is still there');
    assert.equal(doc.lineAt(at - 1).text.trim(), IGNORE_CASE.comment);
    await waitForNoRule(doc.uri, IGNORE_CASE.rule);
  });
});
