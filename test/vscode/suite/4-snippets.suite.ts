// The contributed snippets insert in the editor: by name through VS Code's own insert-snippet command
// (proves package.json contributes them for that language) and as a SnippetString through
// TextEditor.insertSnippet. The text must be the snippet expanded at its defaults.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { SNIPPET_CASES, type SnippetCase } from './cases';
import { revertAndClose, waitForText, workspaceRoot } from './helpers';

const CURSOR = '<<cursor>>';

type ExpectedInsertion = (prefix: string, indentation: string, options: { tabSize: number; insertSpaces: boolean }) => string;

function expectedInsertion(): ExpectedInsertion {
  // Shared with the snippet tests (layer 1), which define what a snippet expands to.
  return (require('../../support/snippets') as { expectedInsertion: ExpectedInsertion }).expectedInsertion;
}

let hosts = 0;
const EXTENSION: Record<string, string> = { typescript: 'ts', yaml: 'yaml' };

/**
 * Writes the host text to a new file of the workspace (a fresh name per test, so no editor state is
 * shared between tests) and opens it with the cursor where `<<cursor>>` was.
 */
async function hostEditor(c: SnippetCase): Promise<{ editor: vscode.TextEditor; indentation: string; expected: (inserted: string) => string }> {
  const at = c.host.indexOf(CURSOR);
  const lineStart = c.host.lastIndexOf('\n', at) + 1;
  const indentation = c.host.slice(lineStart, at);
  const content = c.host.replace(CURSOR, '');
  const file = path.join(workspaceRoot(), 'snippet-hosts', `host-${++hosts}.${EXTENSION[c.languageId] ?? 'txt'}`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  assert.equal(doc.languageId, c.languageId);
  const editor = await vscode.window.showTextDocument(doc, { preview: false });
  const position = doc.positionAt(at);
  editor.selection = new vscode.Selection(position, position);
  return { editor, indentation, expected: (inserted) => content.slice(0, at) + inserted + content.slice(at) };
}

function snippetBody(c: SnippetCase): string {
  const extension = vscode.extensions.getExtension('prodready.prodready');
  assert.ok(extension);
  const file = JSON.parse(fs.readFileSync(path.join(extension.extensionPath, 'snippets', c.file), 'utf8')) as Record<string, { body: string | string[] }>;
  const snippet = file[c.name];
  assert.ok(snippet, `snippets/${c.file} has "${c.name}"`);
  return Array.isArray(snippet.body) ? snippet.body.join('\n') : snippet.body;
}

describe('snippets', () => {
  afterEach(async () => {
    for (const doc of vscode.workspace.textDocuments) if (doc.isDirty) await revertAndClose(doc);
  });

  after(() => fs.rmSync(path.join(workspaceRoot(), 'snippet-hosts'), { recursive: true, force: true }));

  for (const c of SNIPPET_CASES) {
    it(`${c.languageId}: "${c.name}" (${c.prefix}) inserts by name`, async () => {
      const { editor, indentation, expected } = await hostEditor(c);
      const options = { tabSize: Number(editor.options.tabSize), insertSpaces: editor.options.insertSpaces === true };
      const want = expected(expectedInsertion()(c.prefix, indentation, options));
      await vscode.commands.executeCommand('editor.action.insertSnippet', { langId: c.languageId, name: c.name });
      const text = await waitForText(editor.document, (t) => t !== expected(''), `"${c.name}" to be inserted`);
      assert.equal(text, want);
    });

    it(`${c.languageId}: "${c.name}" inserts as a SnippetString`, async () => {
      const { editor, indentation, expected } = await hostEditor(c);
      const options = { tabSize: Number(editor.options.tabSize), insertSpaces: editor.options.insertSpaces === true };
      assert.equal(await editor.insertSnippet(new vscode.SnippetString(snippetBody(c))), true);
      assert.equal(editor.document.getText(), expected(expectedInsertion()(c.prefix, indentation, options)));
    });
  }
});
