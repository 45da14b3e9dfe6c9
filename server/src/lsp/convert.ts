// The edge: engine findings (offsets) become LSP diagnostics (positions) here and nowhere else.

import {
  type CodeAction,
  CodeActionKind,
  type Diagnostic,
  type DiagnosticRelatedInformation,
  DiagnosticSeverity,
  type Range,
  type TextEdit as LspTextEdit,
  type SnippetTextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver';
import type { LineIndex } from '../engine/lines';
import type { Finding, Fix, JsonValue, Severity, TextEdit } from '../engine/types';
import { docsUri } from '../engine/docs-link';
import { pathToFileURL } from 'node:url';

export const SOURCE = 'prodready';

/** What a diagnostic carries so that its code actions can be recomputed without server state. */
export interface DiagnosticData {
  ruleId: string;
  data?: JsonValue;
}

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function toRange(lines: LineIndex, start: number, end: number): Range {
  return { start: lines.positionAt(start), end: lines.positionAt(end) };
}

export function toDiagnostic(lines: LineIndex, finding: Finding): Diagnostic {
  const href = docsUri(finding.ruleId);
  const data: DiagnosticData = finding.data === undefined ? { ruleId: finding.ruleId } : { ruleId: finding.ruleId, data: finding.data };
  return {
    range: toRange(lines, finding.start, finding.end),
    severity: SEVERITY[finding.severity],
    source: SOURCE,
    code: finding.ruleId,
    ...(href ? { codeDescription: { href } } : {}),
    message: finding.message,
    ...(finding.related && finding.related.length > 0 ? { relatedInformation: finding.related.map(toRelatedInformation) } : {}),
    data,
  };
}

/** A related location: the other file's line (its text is not at hand, so the range is the line's start). */
function toRelatedInformation(related: NonNullable<Finding['related']>[number]): DiagnosticRelatedInformation {
  const position = { line: Math.max(0, related.line - 1), character: Math.max(0, (related.column ?? 1) - 1) };
  return { location: { uri: pathToFileURL(related.path).href, range: { start: position, end: position } }, message: related.message };
}

export function isOurDiagnostic(diagnostic: Diagnostic): diagnostic is Diagnostic & { data: DiagnosticData } {
  const data = diagnostic.data as Partial<DiagnosticData> | undefined;
  return diagnostic.source === SOURCE && typeof data?.ruleId === 'string';
}

/**
 * The snippet to send for an edit, or undefined when only the plain edit can be sent. VS Code (and
 * other clients) re-indent every line of a snippet after the first by the leading whitespace of the
 * line the edit starts on, and LSP has no way to say "keep whitespace" (language-server-protocol#2290).
 * So that indentation is taken off here and the client adds it back; when a following line is less
 * indented than that line (or blank), it cannot be expressed as a snippet: send the plain text.
 */
function clientSnippet(lines: LineIndex, edit: TextEdit): string | undefined {
  if (edit.snippet === undefined) return undefined;
  const parts = edit.snippet.split('\n');
  if (parts.length === 1) return edit.snippet;
  const indent = /^[ \t]*/.exec(lines.lineText(lines.positionAt(edit.start).line))![0];
  if (indent === '') return edit.snippet;
  const rest = parts.slice(1);
  if (!rest.every((line) => line.startsWith(indent) && line.trim() !== '')) return undefined;
  return [parts[0], ...rest.map((line) => line.slice(indent.length))].join('\n');
}

export function toLspEdits(lines: LineIndex, edits: readonly TextEdit[], snippets: boolean): Array<LspTextEdit | SnippetTextEdit> {
  return edits.map((edit) => {
    const snippet = snippets ? clientSnippet(lines, edit) : undefined;
    return snippet !== undefined
      ? { range: toRange(lines, edit.start, edit.end), snippet: { kind: 'snippet', value: snippet } }
      : { range: toRange(lines, edit.start, edit.end), newText: edit.newText };
  });
}

export function toWorkspaceEdit(
  uri: string,
  version: number,
  lines: LineIndex,
  edits: readonly TextEdit[],
  snippets: boolean,
): WorkspaceEdit {
  return { documentChanges: [{ textDocument: { uri, version }, edits: toLspEdits(lines, edits, snippets) }] };
}

export function fixAction(
  fix: Fix,
  uri: string,
  version: number,
  lines: LineIndex,
  diagnostics: Diagnostic[],
  preferred: boolean,
  snippets: boolean,
): CodeAction {
  return {
    title: fix.safe ? fix.title : `${fix.title} (unsafe)`,
    kind: CodeActionKind.QuickFix,
    diagnostics,
    isPreferred: preferred,
    edit: toWorkspaceEdit(uri, version, lines, fix.edits, snippets),
  };
}
