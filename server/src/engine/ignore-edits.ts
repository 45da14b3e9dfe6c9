// The edits behind "Ignore <rule> for this line / for this file": a comment in the file's own
// syntax and indentation, merged into an ignore comment that is already there.

import { ts } from './ts';
import type { ParsedDocument } from './document';
import type { TextEdit } from './types';
import { isYamlPath } from './classify';
import { readDirectives, type Directive } from './suppressions';


/** Whether this kind of file can hold an ignore comment at all (JSON cannot; a CloudFormation YAML template can). */
export function supportsIgnoreComments(doc: ParsedDocument): boolean {
  return doc.kind !== 'ecs' || isYamlPath(doc.path);
}

function commentSyntax(doc: ParsedDocument, offset: number): { open: string; close: string } {
  if (doc.kind !== 'js') return { open: '#', close: '' };
  if (/\.[jt]sx$/i.test(doc.path) && inJsxChildren(doc.sourceFile, offset)) return { open: '{/*', close: ' */}' };
  return { open: '//', close: '' };
}

/** True when `offset` is in JSX children, where `//` would be text on the page. */
function inJsxChildren(sourceFile: ts.SourceFile, offset: number): boolean {
  let node: ts.Node = sourceFile;
  let inside = false;
  for (;;) {
    const child: ts.Node | undefined = node.getChildren(sourceFile).find((c) => c.getStart(sourceFile) <= offset && offset < c.end);
    if (!child) return inside;
    if (ts.isJsxElement(node) || ts.isJsxFragment(node)) inside = true;
    if (ts.isJsxExpression(child) || ts.isJsxAttributes(child) || ts.isJsxOpeningElement(child)) inside = false;
    node = child;
  }
}

/** Adds `ruleId` to an existing directive's list, or nothing when it is already there. */
function mergeInto(directive: Directive, ruleId: string): TextEdit {
  if (directive.ruleIds.includes(ruleId)) return { start: directive.idsEnd!, end: directive.idsEnd!, newText: '' };
  return { start: directive.idsEnd!, end: directive.idsEnd!, newText: directive.ruleIds.length ? `, ${ruleId}` : ` ${ruleId}` };
}

export function ignoreLineEdit(doc: ParsedDocument, ruleId: string, offset: number, reason?: string): TextEdit {
  const { lines } = doc;
  const line = lines.positionAt(offset).line;
  const existing = readDirectives(doc).find((d) => d.form === 'next-line' && d.targetLine === line && d.line === line - 1);
  if (existing) return mergeInto(existing, ruleId);
  const text = lines.lineText(line);
  const indent = /^\s*/.exec(text)![0];
  const { open, close } = commentSyntax(doc, lines.lineStart(line) + indent.length);
  const at = lines.lineStart(line);
  const because = reason ? ` -- ${reason}` : '';
  return { start: at, end: at, newText: `${indent}${open} prodready-ignore-next-line ${ruleId}${because}${close}${lines.eol}` };
}

export function ignoreFileEdit(doc: ParsedDocument, ruleId: string, reason?: string): TextEdit {
  const { lines } = doc;
  const existing = readDirectives(doc).find((d) => d.form === 'file');
  if (existing) return mergeInto(existing, ruleId);
  // The first lines that must stay first: a shebang, Dockerfile parser directives, 'use strict', a
  // Python encoding declaration (PEP 263: only read on the first two lines).
  let line = 0;
  while (line < lines.lineCount) {
    const text = lines.lineText(line);
    const keepFirst =
      (line === 0 && text.startsWith('#!')) ||
      (doc.kind === 'dockerfile' && /^#\s*(syntax|escape|check)\s*=/i.test(text)) ||
      (doc.kind === 'js' && /^\s*['"]use (strict|client|server)['"];?\s*$/.test(text)) ||
      (doc.kind === 'python' && line < 2 && /^[ \t\f]*#.*?coding[:=][ \t]*[-\w.]+/.test(text));
    if (!keepFirst) break;
    line++;
  }
  const at = lines.lineStart(line);
  const open = doc.kind === 'js' ? '//' : '#';
  const because = reason ? ` -- ${reason}` : '';
  return { start: at, end: at, newText: `${open} prodready-ignore-file ${ruleId}${because}${lines.eol}` };
}
