// Code actions, recomputed from what each diagnostic carries: the rule's fixes (safe ones
// preferred), fix-all for the rule, ignore for this line / file, and the rule's documentation.

import { type CodeAction, CodeActionKind, type CodeActionParams, type Diagnostic } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { fixSource, isEngineFinding, type FixSource } from '../engine/analyze';
import type { CheckEnvironment, CheckInput, CheckResult } from '../engine/check';
import type { ParsedDocument } from '../engine/document';
import { minimalEdit } from '../engine/edits';
import { fixAll, type FixAllResult } from '../engine/fix-all';
import { ignoreFileEdit, ignoreLineEdit, supportsIgnoreComments } from '../engine/ignore-edits';
import { fixAction, isOurDiagnostic, SOURCE, toWorkspaceEdit } from './convert';

export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.${SOURCE}`;
export const SHOW_DOCS_COMMAND = 'prodready.showDocumentation';

export interface CodeActionContext {
  document: TextDocument;
  doc: ParsedDocument;
  result: CheckResult;
  input: CheckInput;
  env: CheckEnvironment;
  snippetEdits: boolean;
  /** The client has prodready's VS Code commands (the show-documentation command). */
  clientCommands: boolean;
  /**
   * Fix-all results already computed for this document version (by rule id, '' for every rule), so
   * that each request does not fix the whole file again. Kept by the server with its analysis.
   */
  fixAllDone?: Map<string, FixAllResult>;
  /** The fixes of this document version's findings, kept by the server with its analysis: each computed once, on request. */
  fixes?: FixSource;
}

/** Fixes the whole file (one rule's safe fixes, or all of them), once per document version. */
function fixAllOnce(ctx: CodeActionContext, ruleId: string | undefined): FixAllResult {
  const key = ruleId ?? '';
  let done = ctx.fixAllDone?.get(key);
  if (!done) {
    done = fixAll(ctx.input, ctx.env, ruleId === undefined ? undefined : (f) => f.ruleId === ruleId);
    ctx.fixAllDone?.set(key, done);
  }
  return done;
}

const REASON_PLACEHOLDER = 'why this is fine';

export function codeActions(params: CodeActionParams, ctx: CodeActionContext): CodeAction[] {
  const { document, doc, result, env } = ctx;
  const only = params.context.only;
  const wants = (kind: string) => !only || only.some((k) => kind === k || kind.startsWith(`${k}.`));
  const actions: CodeAction[] = [];
  const fixesOf = ctx.fixes ?? fixSource(doc, { registry: env.registry, config: result.config, workspace: env.workspace });
  const edit = (edits: Parameters<typeof toWorkspaceEdit>[3], snippets = false) =>
    toWorkspaceEdit(document.uri, document.version, doc.lines, edits, snippets && ctx.snippetEdits);

  if (wants(CodeActionKind.QuickFix)) {
    const fixAllOffered = new Set<string>();
    const ignoreOffered = new Set<string>();
    for (const diagnostic of params.context.diagnostics.filter(isOurDiagnostic)) {
      const ruleId = diagnostic.data.ruleId;
      const finding = {
        ruleId,
        start: doc.lines.offsetAt(diagnostic.range.start),
        end: doc.lines.offsetAt(diagnostic.range.end),
        message: typeof diagnostic.message === 'string' ? diagnostic.message : diagnostic.message.value,
        data: diagnostic.data.data,
      };
      const fixes = fixesOf(finding);
      const preferred = fixes.findIndex((f) => f.safe);
      fixes.forEach((fix, i) => actions.push(fixAction(fix, document.uri, document.version, doc.lines, [diagnostic], i === preferred, ctx.snippetEdits)));

      // More than one fixable finding of this rule: offer to fix them all at once (safe fixes only).
      if (fixes.some((f) => f.safe) && !fixAllOffered.has(ruleId) && result.findings.filter((f) => f.ruleId === ruleId).length > 1) {
        fixAllOffered.add(ruleId);
        const all = fixAllOnce(ctx, ruleId);
        if (all.applied > 1) {
          actions.push({
            title: `Fix all ${ruleId} problems in this file (${all.applied})`,
            kind: CodeActionKind.QuickFix,
            diagnostics: [diagnostic],
            edit: edit([minimalEdit(doc.text, all.text)]),
          });
        }
      }

      if (isEngineFinding(ruleId)) continue;
      const key = `${ruleId}@${diagnostic.range.start.line}`;
      if (supportsIgnoreComments(doc) && !ignoreOffered.has(key)) {
        ignoreOffered.add(key);
        actions.push(...ignoreActions(ctx, ruleId, finding.start, diagnostic));
      }
      if (ctx.clientCommands) {
        actions.push({
          title: `Show documentation for ${ruleId}`,
          kind: CodeActionKind.QuickFix,
          diagnostics: [diagnostic],
          command: { title: `Show documentation for ${ruleId}`, command: SHOW_DOCS_COMMAND, arguments: [ruleId] },
        });
      }
    }
  }

  if (only && only.some((k) => k === FIX_ALL_KIND || k === CodeActionKind.SourceFixAll || k === CodeActionKind.Source)) {
    const all = fixAllOnce(ctx, undefined);
    if (all.applied > 0) {
      actions.push({
        title: `Fix all safe prodready problems (${all.applied})`,
        kind: FIX_ALL_KIND,
        edit: edit([minimalEdit(doc.text, all.text)]),
      });
    }
  }
  return actions;
}

function ignoreActions(ctx: CodeActionContext, ruleId: string, offset: number, diagnostic: Diagnostic): CodeAction[] {
  const { doc, document, result } = ctx;
  const reason = result.config.requireReason ? REASON_PLACEHOLDER : undefined;
  const withSnippet = (e: ReturnType<typeof ignoreLineEdit>) =>
    reason && e.newText.includes(`-- ${reason}`)
      ? { ...e, snippet: e.newText.replace(/\$/g, '\\$').replace(`-- ${reason}`, `-- \${1:${reason}}`) }
      : e;
  const actions: CodeAction[] = [];
  const line = withSnippet(ignoreLineEdit(doc, ruleId, offset, reason));
  if (line.newText) {
    actions.push({
      title: `Ignore ${ruleId} for this line`,
      kind: CodeActionKind.QuickFix,
      diagnostics: [diagnostic],
      edit: toWorkspaceEdit(document.uri, document.version, doc.lines, [line], ctx.snippetEdits),
    });
  }
  const file = withSnippet(ignoreFileEdit(doc, ruleId, reason));
  if (file.newText) {
    actions.push({
      title: `Ignore ${ruleId} for this file`,
      kind: CodeActionKind.QuickFix,
      diagnostics: [diagnostic],
      edit: toWorkspaceEdit(document.uri, document.version, doc.lines, [file], ctx.snippetEdits),
    });
  }
  return actions;
}
