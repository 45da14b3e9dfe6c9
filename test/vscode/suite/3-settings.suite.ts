// `prodready.rules` in the settings changes what the open editor shows, without reopening anything.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { SETTINGS_CASE } from './cases';
import { open, ruleOf, waitForDiagnostics, waitForNoRule, waitForRule } from './helpers';

describe('settings', () => {
  const config = () => vscode.workspace.getConfiguration('prodready');

  after(async () => {
    await config().update('rules', undefined, vscode.ConfigurationTarget.Workspace);
  });

  it(`"${SETTINGS_CASE.rule}": "off" removes its findings and removing the setting brings them back`, async () => {
    const { document: doc } = await open(SETTINGS_CASE.file);
    await waitForRule(doc.uri, SETTINGS_CASE.rule, SETTINGS_CASE.line);
    await config().update('rules', { [SETTINGS_CASE.rule]: 'off' }, vscode.ConfigurationTarget.Workspace);
    await waitForNoRule(doc.uri, SETTINGS_CASE.rule);
    await config().update('rules', undefined, vscode.ConfigurationTarget.Workspace);
    await waitForRule(doc.uri, SETTINGS_CASE.rule, SETTINGS_CASE.line);
  });

  it(`"${SETTINGS_CASE.rule}": "error" raises its severity`, async () => {
    const { document: doc } = await open(SETTINGS_CASE.file);
    await config().update('rules', { [SETTINGS_CASE.rule]: 'error' }, vscode.ConfigurationTarget.Workspace);
    const ds = await waitForDiagnostics(
      doc.uri,
      (list) => list.some((d) => ruleOf(d) === SETTINGS_CASE.rule && d.severity === vscode.DiagnosticSeverity.Error),
      `${SETTINGS_CASE.rule} as an error`,
    );
    assert.equal(ds.filter((d) => ruleOf(d) === SETTINGS_CASE.rule).length, 1);
  });
});
