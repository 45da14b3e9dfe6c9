// Edits that add a property to an object literal or an argument to a call the way the file already
// writes them: same indentation, one line or several, trailing commas kept, comments left where they are.

import { ts } from '../../engine/ts';
import type { TextEdit } from '../../engine/types';
import type { ParsedDocument } from '../../engine/document';

/** A piece of inserted code with one placeholder: `before + value + after`. */
export interface Insertion {
  before: string;
  value: string;
  after: string;
}

/** Escapes text for the literal part of a snippet (`$`, `}` and `\` are special there). */
export function snippetEscape(text: string): string {
  return text.replace(/[$}\\]/g, (c) => `\\${c}`);
}

export function insertionEdit(start: number, end: number, ins: Insertion, prefix = '', suffix = ''): TextEdit {
  const newText = prefix + ins.before + ins.value + ins.after + suffix;
  const snippet = snippetEscape(prefix + ins.before) + '${1:' + snippetEscape(ins.value) + '}' + snippetEscape(ins.after + suffix);
  return { start, end, newText, snippet };
}

/** The whitespace a line starts with. */
export function indentOf(doc: ParsedDocument, offset: number): string {
  const line = doc.lines.positionAt(offset).line;
  const text = doc.lines.lineText(line);
  return /^[ \t]*/.exec(text)![0];
}

/** One indentation step as the file writes it (two spaces when it cannot tell). */
export function indentUnit(doc: ParsedDocument): string {
  const m = /^(?:\t|( +))\S/m.exec(doc.text);
  if (!m) return '  ';
  if (!m[1]) return '\t';
  // The smallest non-zero indentation seen near the top of the file.
  let unit = m[1].length;
  const sample = doc.text.slice(0, 20000);
  for (const match of sample.matchAll(/^( +)\S/gm)) unit = Math.min(unit, match[1].length);
  return ' '.repeat(Math.max(1, Math.min(unit, 8)));
}

function sameLine(doc: ParsedDocument, a: number, b: number): boolean {
  return doc.lines.positionAt(a).line === doc.lines.positionAt(b).line;
}

/** The offset where the line holding `offset` ends (before the line break, after any trailing comment). */
function lineEndAt(doc: ParsedDocument, offset: number): number {
  return doc.lines.lineEnd(doc.lines.positionAt(offset).line);
}

/** True when nothing but whitespace and comments follows `offset` on its line. */
function restOfLineIsComment(doc: ParsedDocument, offset: number): boolean {
  const rest = doc.text.slice(offset, lineEndAt(doc, offset)).trim();
  return rest === '' || rest.startsWith('//') || (rest.startsWith('/*') && rest.endsWith('*/'));
}

/**
 * Adds `key: value` (the Insertion holds `key: ` + value) as the last property of an object literal,
 * keeping the literal's layout.
 */
export function addPropertyEdits(doc: ParsedDocument, object: ts.ObjectLiteralExpression, ins: Insertion): TextEdit[] {
  const sf = doc.sourceFile;
  const properties = object.properties;
  const open = object.getStart(sf);
  const close = object.end - 1; // the `}`
  if (properties.length === 0) {
    const inner = doc.text.slice(open + 1, close);
    if (inner.trim() === '') return [insertionEdit(open + 1, close, ins, ' ', ' ')];
    // Only comments inside: put the property before the closing brace.
    const spaced = /\s/.test(doc.text.charAt(close - 1));
    return [insertionEdit(close, close, ins, spaced ? '' : ' ', ' ')];
  }
  const last = properties[properties.length - 1];
  const multiline = !sameLine(doc, open, last.getStart(sf)) || !sameLine(doc, last.end, close);
  const trailingComma = properties.hasTrailingComma;
  // Where the comma after the last property is (or would go).
  const commaEnd = trailingComma ? doc.text.indexOf(',', last.end) + 1 : last.end;
  if (!multiline) {
    if (trailingComma) return [insertionEdit(commaEnd, commaEnd, ins, ' ', ',')];
    return [insertionEdit(last.end, last.end, ins, ', ')];
  }
  const indent = sameLine(doc, open, last.getStart(sf))
    ? indentOf(doc, open) + indentUnit(doc)
    : indentOf(doc, last.getStart(sf));
  const eol = doc.lines.eol;
  if (restOfLineIsComment(doc, commaEnd) && !sameLine(doc, commaEnd, close)) {
    // Insert on a line of its own after the last property's line, leaving its comment in place.
    const at = lineEndAt(doc, commaEnd);
    const insert = insertionEdit(at, at, ins, eol + indent, trailingComma ? ',' : '');
    return trailingComma ? [insert] : [{ start: last.end, end: last.end, newText: ',' }, insert];
  }
  // `{ a: 1,\n  b: 2 }`: the closing brace shares the last property's line.
  return trailingComma
    ? [insertionEdit(commaEnd, commaEnd, ins, eol + indent, ',')]
    : [insertionEdit(last.end, last.end, ins, ',' + eol + indent)];
}

/** Inserts a new argument after `after` (an argument of `call`), or as the first one when undefined. */
export function addArgumentEdits(doc: ParsedDocument, call: ts.CallExpression, after: ts.Expression | undefined, ins: Insertion): TextEdit[] {
  const sf = doc.sourceFile;
  const args = call.arguments;
  if (!after) {
    if (args.length > 0) {
      const first = args[0];
      return [insertionEdit(first.getStart(sf), first.getStart(sf), ins, '', ', ')];
    }
    const open = doc.text.indexOf('(', call.expression.end);
    if (open < 0) return [];
    return [insertionEdit(open + 1, open + 1, ins)];
  }
  const index = args.indexOf(after);
  const isLast = index === args.length - 1;
  if (!isLast) return [insertionEdit(after.end, after.end, ins, ', ')];
  const open = doc.text.indexOf('(', call.expression.end);
  const multiline = open >= 0 && !sameLine(doc, open, after.getStart(sf));
  if (args.hasTrailingComma) {
    const comma = doc.text.indexOf(',', after.end) + 1;
    return multiline
      ? [insertionEdit(comma, comma, ins, doc.lines.eol + indentOf(doc, after.getStart(sf)), ',')]
      : [insertionEdit(comma, comma, ins, ' ', ',')];
  }
  if (multiline && restOfLineIsComment(doc, after.end) && !sameLine(doc, after.end, call.end)) {
    const at = lineEndAt(doc, after.end);
    return [
      { start: after.end, end: after.end, newText: ',' },
      insertionEdit(at, at, ins, doc.lines.eol + indentOf(doc, after.getStart(sf))),
    ];
  }
  return [insertionEdit(after.end, after.end, ins, ', ')];
}

/**
 * The timeout value as code. Numeric separators (`10_000`, ES2021) are used in TypeScript files (the
 * compiler lowers them for older targets) and in JavaScript files that already use ES2015+ syntax;
 * an ES5-style script (only `var` and `function`) gets plain digits.
 */
export function formatMs(doc: ParsedDocument, ms: number): string {
  const digits = String(Math.round(ms));
  if (digits.length < 5 || !/^\d+$/.test(digits)) return digits;
  if (!allowsNumericSeparators(doc)) return digits;
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, '_');
}

function allowsNumericSeparators(doc: ParsedDocument): boolean {
  if (/\.[cm]?tsx?$/i.test(doc.path)) return true;
  return /\b(?:const|let|class|import|export|async|await)\b|=>|`|\d_\d/.test(doc.text);
}
