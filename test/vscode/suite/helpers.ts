// What the extension-host tests share: opening workspace files, waiting for prodready's diagnostics
// (on onDidChangeDiagnostics: no fixed sleeps; the only timer is the give-up guard), code actions.
import * as path from 'node:path';
import * as vscode from 'vscode';

export const SOURCE = 'prodready';
/** How long a wait may take before the test fails with what it saw (a guard, not a sleep). */
export const WAIT_MS = Number(process.env.PRODREADY_E2E_WAIT_MS || 30_000);

export type SeverityName = 'error' | 'warning' | 'information' | 'hint';

export const SEVERITY: Record<SeverityName, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

export function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the test workspace is not open');
  return folder.uri.fsPath;
}

export function workspaceUri(relative: string): vscode.Uri {
  return vscode.Uri.file(path.join(workspaceRoot(), ...relative.split('/')));
}

export async function open(relative: string): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(workspaceUri(relative));
  return vscode.window.showTextDocument(doc, { preview: false });
}

export function ruleOf(d: vscode.Diagnostic): string | undefined {
  if (typeof d.code === 'string' || typeof d.code === 'number') return String(d.code);
  return d.code ? String(d.code.value) : undefined;
}

/** prodready's diagnostics on a document, optionally only those of the given rules. */
export function ours(uri: vscode.Uri, rules?: readonly string[]): vscode.Diagnostic[] {
  return vscode.languages
    .getDiagnostics(uri)
    .filter((d) => d.source === SOURCE)
    .filter((d) => !rules || rules.includes(ruleOf(d) ?? ''))
    .sort((a, b) => a.range.start.compareTo(b.range.start) || (ruleOf(a) ?? '').localeCompare(ruleOf(b) ?? ''));
}

export function describeDiagnostics(uri: vscode.Uri): string {
  const all = vscode.languages.getDiagnostics(uri);
  if (all.length === 0) return '(no diagnostics)';
  return all
    .map((d) => `${d.source}:${ruleOf(d)} ${d.range.start.line + 1}:${d.range.start.character + 1} sev=${d.severity} ${d.message}`)
    .join('\n');
}

/**
 * Resolves with prodready's diagnostics on `uri` once `accept` holds for them. Checks the current
 * state first, then re-checks on every onDidChangeDiagnostics event for that URI.
 */
export function waitForDiagnostics(
  uri: vscode.Uri,
  accept: (diagnostics: vscode.Diagnostic[]) => boolean,
  what: string,
  timeoutMs = WAIT_MS,
): Promise<vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const current = ours(uri);
      if (!accept(current)) return false;
      cleanup();
      resolve(current);
      return true;
    };
    const subscription = vscode.languages.onDidChangeDiagnostics((event) => {
      if (event.uris.some((u) => u.toString() === uri.toString())) check();
    });
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`gave up after ${timeoutMs / 1000} s waiting for ${what} on ${vscode.workspace.asRelativePath(uri)}; diagnostics now:\n${describeDiagnostics(uri)}`));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      subscription.dispose();
    };
    check();
  });
}

/** Waits until the document has a diagnostic of `rule` starting on `line` (1-based). */
export function waitForRule(uri: vscode.Uri, rule: string, line: number): Promise<vscode.Diagnostic> {
  return waitForDiagnostics(
    uri,
    (ds) => ds.some((d) => ruleOf(d) === rule && d.range.start.line === line - 1),
    `${rule} on line ${line}`,
  ).then((ds) => ds.find((d) => ruleOf(d) === rule && d.range.start.line === line - 1)!);
}

/** Waits until the document has no diagnostic of `rule`. */
export function waitForNoRule(uri: vscode.Uri, rule: string): Promise<vscode.Diagnostic[]> {
  return waitForDiagnostics(uri, (ds) => !ds.some((d) => ruleOf(d) === rule), `${rule} to go away`);
}

/** The quick fixes VS Code offers for a diagnostic, through the public command. */
export async function quickFixes(uri: vscode.Uri, diagnostic: vscode.Diagnostic): Promise<vscode.CodeAction[]> {
  const actions = await vscode.commands.executeCommand<Array<vscode.CodeAction | vscode.Command>>(
    'vscode.executeCodeActionProvider',
    uri,
    diagnostic.range,
    vscode.CodeActionKind.QuickFix.value,
  );
  return (actions ?? []).filter((a): a is vscode.CodeAction => 'title' in a && !('command' in a && typeof a.command === 'string'));
}

/** Throws away unsaved changes of a document and closes its editor. */
export async function revertAndClose(doc: vscode.TextDocument): Promise<void> {
  await vscode.window.showTextDocument(doc, { preview: false });
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
}

/** Resolves on the next change of `doc`'s text that satisfies `accept` (or now, if it already does). */
export function waitForText(doc: vscode.TextDocument, accept: (text: string) => boolean, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    if (accept(doc.getText())) return resolve(doc.getText());
    const subscription = vscode.workspace.onDidChangeTextDocument((event) => {
      if (event.document === doc && accept(doc.getText())) {
        cleanup();
        resolve(doc.getText());
      }
    });
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`gave up waiting for ${what}; text now:\n${doc.getText()}`));
    }, WAIT_MS);
    const cleanup = () => {
      clearTimeout(timer);
      subscription.dispose();
    };
  });
}
