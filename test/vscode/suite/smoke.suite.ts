import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

describe('extension host smoke', () => {
  it('opens the test workspace', () => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.equal(folders.length, 1, 'one workspace folder');
  });

  it('opens a document from the workspace', async () => {
    const [file] = await vscode.workspace.findFiles('**/Dockerfile', undefined, 1);
    assert.ok(file, 'a Dockerfile in the workspace');
    const doc = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(doc);
    assert.match(doc.getText(), /FROM /);
  });
});
