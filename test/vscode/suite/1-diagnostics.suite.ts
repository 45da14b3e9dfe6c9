// Diagnostics for each rule family appear in the real workbench with the right rule, range and severity.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { DIAGNOSTIC_CASES } from './cases';
import { open, ours, ruleOf, SEVERITY, SOURCE, waitForDiagnostics } from './helpers';

describe('diagnostics in the editor', () => {
  it('the extension is installed and activates', async () => {
    const extension = vscode.extensions.getExtension('prodready.prodready');
    assert.ok(extension, 'prodready.prodready is loaded from the development path');
    await extension.activate();
    assert.equal(extension.isActive, true);
  });

  for (const c of DIAGNOSTIC_CASES) {
    it(`${c.family}: ${c.file} shows ${c.expect.map((e) => `${e.rule}@${e.line}`).join(', ') || 'nothing'}`, async () => {
      const editor = await open(c.file);
      const doc = editor.document;
      assert.equal(doc.languageId, c.languageId, `VS Code's language for ${c.file}`);
      const wanted = c.expect.map((e) => `${e.rule}@${e.line}`).sort();
      const key = (d: vscode.Diagnostic) => `${ruleOf(d)}@${d.range.start.line + 1}`;
      await waitForDiagnostics(
        doc.uri,
        (ds) => {
          const got = ds.filter((d) => c.rules.includes(ruleOf(d) ?? '')).map(key).sort();
          return got.length === wanted.length && got.every((g, i) => g === wanted[i]);
        },
        `exactly ${wanted.join(', ') || 'no finding'} from ${c.rules.join(', ')}`,
      );
      const got = ours(doc.uri, c.rules);
      for (const e of c.expect) {
        const d = got.find((x) => ruleOf(x) === e.rule && x.range.start.line === e.line - 1);
        assert.ok(d, `${e.rule} on line ${e.line}`);
        assert.equal(doc.getText(d.range), e.text, `${e.rule}: the range covers what a person would point at`);
        assert.equal(d.severity, SEVERITY[e.severity], `${e.rule}: severity ${e.severity}`);
        assert.equal(d.source, SOURCE);
        assert.ok(d.message.length > 20, `${e.rule}: a message that explains the problem`);
        // The rule id links to its documentation.
        assert.ok(typeof d.code === 'object' && d.code !== null, `${e.rule}: code carries a documentation link`);
        const code = d.code as { value: string | number; target: vscode.Uri };
        assert.equal(code.value, e.rule);
        assert.match(code.target.toString(), new RegExp(`${e.rule}(\\.md)?$`), `${e.rule}: documentation link`);
      }
    });
  }
});
