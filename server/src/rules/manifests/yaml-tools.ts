// Reading the `yaml` AST the way Kubernetes and Compose read it (aliases resolved, `<<` merge keys
// honoured, template actions known), and editing it as text in the file's own style.

import { isAlias, isMap, isScalar, isSeq, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import type { ParsedDocument } from '../../engine/document';
import type { TextEdit } from '../../engine/types';
import { lineActions, type LineAction } from '../../engine/helm';

/** What a YAML reader needs besides a node: the document (for aliases) and the file (for templates). */
export interface YamlScope {
  doc: ParsedDocument;
  document: Document.Parsed;
}

export function resolve(node: unknown, scope: YamlScope, depth = 0): Node | undefined {
  if (isAlias(node)) {
    if (depth > 20) return undefined;
    try {
      return resolve(node.resolve(scope.document), scope, depth + 1);
    } catch {
      return undefined;
    }
  }
  return (node ?? undefined) as Node | undefined;
}

export function asMap(node: unknown, scope: YamlScope): YAMLMap | undefined {
  const resolved = resolve(node, scope);
  return isMap(resolved) ? resolved : undefined;
}

export function keyText(pair: Pair): string | undefined {
  return isScalar(pair.key) && (typeof pair.key.value === 'string' || typeof pair.key.value === 'number')
    ? String(pair.key.value)
    : undefined;
}

/**
 * The pair for `key`, looking through `<<` merge keys (the map's own keys win, as in YAML 1.1). Each
 * map is searched once per lookup (`seen`): merges that fan out (`{<<: [*a, *a, ...]}` six levels
 * deep) would otherwise be searched a million times.
 */
export function getPair(map: YAMLMap, key: string, scope: YamlScope, depth = 0, seen = new Set<YAMLMap>()): Pair | undefined {
  const own = map.items.find((p) => keyText(p) === key);
  if (own || depth > 10 || seen.has(map)) return own;
  seen.add(map);
  for (const pair of map.items) {
    if (keyText(pair) !== '<<') continue;
    const value = resolve(pair.value, scope);
    const sources = isSeq(value) ? value.items : [value];
    for (const source of sources) {
      const merged = asMap(source, scope);
      const found = merged && getPair(merged, key, scope, depth + 1, seen);
      if (found) return found;
    }
  }
  return undefined;
}

export function getValue(map: YAMLMap, key: string, scope: YamlScope): Node | undefined {
  const pair = getPair(map, key, scope);
  return pair ? resolve(pair.value, scope) : undefined;
}

export function getMap(map: YAMLMap | undefined, key: string, scope: YamlScope): YAMLMap | undefined {
  return map ? asMap(getPair(map, key, scope)?.value, scope) : undefined;
}

/** A plain string value that no template action produced, else undefined. */
export function getString(map: YAMLMap | undefined, key: string, scope: YamlScope): string | undefined {
  if (!map) return undefined;
  const value = getValue(map, key, scope);
  if (!isScalar(value) || value.range === undefined || value.range === null) return undefined;
  if (templated(scope, value.range[0], value.range[1])) return undefined;
  return typeof value.value === 'string' || typeof value.value === 'number' || typeof value.value === 'boolean'
    ? String(value.value)
    : undefined;
}

export function isNullValue(node: Node | undefined): boolean {
  return isScalar(node) && node.value === null;
}

/** True when a template action overlaps [start, end) of the original text. */
export function templated(scope: YamlScope, start: number, end: number): boolean {
  return actionsIn(scope, start, Math.max(end, start + 1)).length > 0;
}

/** The template actions overlapping [start, end), found by binary search (actions are in text order). */
export function actionsIn(scope: YamlScope, start: number, end: number): Array<[number, number]> {
  const actions = scope.doc.yaml.templateActions;
  let low = 0;
  let high = actions.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (actions[mid][1] <= start) low = mid + 1;
    else high = mid;
  }
  const out: Array<[number, number]> = [];
  for (let i = low; i < actions.length && actions[i][0] < end; i++) out.push(actions[i]);
  return out;
}

/** The actions alone on their lines between two lines (inclusive), by binary search. */
export function ownLineActionsIn(doc: ParsedDocument, firstLine: number, lastLine: number): LineAction[] {
  const own = actionsOnOwnLines(doc);
  let low = 0;
  let high = own.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (own[mid].line < firstLine) low = mid + 1;
    else high = mid;
  }
  const out: LineAction[] = [];
  for (let i = low; i < own.length && own[i].line <= lastLine; i++) out.push(own[i]);
  return out;
}

// Memos keyed by the immutable document version, like the parses on ParsedDocument itself: they
// hold no state across versions and vanish with the version.
const lineActionCache = new WeakMap<ParsedDocument, LineAction[]>();

/** The template actions standing alone on their lines (memoised per document version). */
export function actionsOnOwnLines(doc: ParsedDocument): LineAction[] {
  let cached = lineActionCache.get(doc);
  if (!cached) {
    cached = lineActions(doc.text, doc.yaml.templateActions);
    lineActionCache.set(doc, cached);
  }
  return cached;
}

/** Offset just past the last non-blank character of a node (its trailing line break and blanks excluded). */
export function contentEnd(text: string, node: { range?: [number, number, number] | null }): number {
  let end = node.range ? node.range[1] : 0;
  while (end > 0 && /\s/.test(text[end - 1])) end--;
  return end;
}

export function pairEnd(text: string, pair: Pair): number {
  const value = pair.value as Node | null;
  const key = pair.key as Node | null;
  const ends = [value?.range ? contentEnd(text, value) : 0, key?.range ? contentEnd(text, key) : 0];
  return Math.max(...ends);
}

/**
 * True when a template action writes into the value of `pair` (a block under the key, or an
 * inline action in the value): what the value holds is then unknown.
 */
export function valueFromTemplate(scope: YamlScope, pair: Pair): boolean {
  const { templateActions } = scope.doc.yaml;
  if (templateActions.length === 0) return false;
  const key = pair.key as Node | null;
  if (!key?.range) return true;
  const { lines, text } = scope.doc;
  const keyColumn = lines.positionAt(key.range[0]).character;
  const firstLine = lines.positionAt(key.range[0]).line;
  const lastLine = extendOverBlankLines(scope, lines.positionAt(Math.max(pairEnd(text, pair), key.range[1])).line);
  const to = lines.lineEnd(lastLine);
  const own = ownLineActionsIn(scope.doc, firstLine, lastLine);
  const ownStarts = new Set(own.map((a) => a.start));
  // An action inside a line writes a block only when it renders YAML (`{{ toYaml .Values.x | nindent 8 }}`,
  // an include) or stands where a key goes; `cpu: "{{ .Values.cpu }}"` is just a scalar.
  const writesYaml = ([a, b]: [number, number]) =>
    /\b(?:toYaml|include|tpl|template|n?indent)\b/.test(text.slice(a, b)) || /^\s*:/.test(text.slice(b, b + 3));
  if (actionsIn(scope, key.range[1], to).some((action) => action[0] >= key.range![1] && !ownStarts.has(action[0]) && writesYaml(action))) return true;
  return own.some((a) => !a.control && a.column > keyColumn);
}

/** The source of the template action that is the whole value of `pair` on its line (`port: {{ .Values.port }}`). */
export function valueAction(scope: YamlScope, pair: Pair): string | undefined {
  const key = pair.key as Node | null;
  if (!key?.range) return undefined;
  const { lines, text } = scope.doc;
  const lineEnd = lines.lineEnd(lines.positionAt(key.range[0]).line);
  const action = actionsIn(scope, key.range[1], lineEnd).find(([a]) => a >= key.range![1]);
  if (!action) return undefined;
  if (!/^\s*:\s*["']?$/.test(text.slice(key.range[1], action[0]))) return undefined;
  if (!/^["']?\s*(?:#.*)?$/.test(text.slice(action[1], lineEnd))) return undefined;
  const source = text.slice(action[0], action[1]);
  return /^\{\{-?\s*(?:if|with|range|define|block|end|else)\b/.test(source) ? undefined : text.slice(key.range[1], lineEnd).replace(/^\s*:\s*/, '').replace(/\s*(?:#.*)?$/, '');
}

/**
 * True when a template action writes keys straight into `map` (`{{- include "probes" . | nindent 10 }}`
 * at the keys' column, or a key that is itself an action): the map's keys are then unknown.
 */
export function keysFromTemplate(scope: YamlScope, map: YAMLMap): boolean {
  if (scope.doc.yaml.templateActions.length === 0) return false;
  const { lines, text } = scope.doc;
  if (!map.range) return true;
  if (map.items.some((p) => !(p.key as Node | null)?.range || templated(scope, (p.key as Node).range![0], (p.key as Node).range![1]))) {
    return true;
  }
  const firstKey = map.items[0]?.key as Node | undefined;
  const keyColumn = firstKey?.range ? lines.positionAt(firstKey.range[0]).character : lines.positionAt(map.range[0]).character;
  const firstLine = lines.positionAt(map.range[0]).line;
  const lastLine = extendOverBlankLines(scope, lines.positionAt(contentEnd(text, map)).line);
  return ownLineActionsIn(scope.doc, firstLine, lastLine).some(
    (a) => !a.control && a.column === keyColumn && !fillsEmptyValue(scope, map, a),
  );
}

/**
 * True when an action at the keys' column writes the value of the key just above it: `command:`
 * with nothing after it, then `{{- toYaml .Values.command | nindent 8 }}` (a sequence may sit at
 * its key's column). Only the action lines between them may separate the two.
 */
function fillsEmptyValue(scope: YamlScope, map: YAMLMap, action: LineAction): boolean {
  const { lines } = scope.doc;
  let previous: Pair | undefined;
  for (const pair of map.items) {
    const key = pair.key as Node | null;
    if (key?.range && key.range[0] < action.start) previous = pair;
  }
  const key = previous?.key as Node | undefined;
  if (!previous || !key?.range || !isNullValue(previous.value as Node | undefined)) return false;
  const keyLine = lines.positionAt(key.range[0]).line;
  for (let line = keyLine + 1; line < action.line; line++) {
    if (ownLineActionsIn(scope.doc, line, line).length === 0) return false;
  }
  return true;
}

/** The last line of a run of lines that are blank once template actions are masked. */
function extendOverBlankLines(scope: YamlScope, line: number): number {
  const { lines } = scope.doc;
  const masked = maskedText(scope);
  let last = line;
  while (last + 1 < lines.lineCount) {
    const next = last + 1;
    const slice = masked.slice(lines.lineStart(next), lines.lineEnd(next)).trim();
    if (slice !== '' && !slice.startsWith('#')) break;
    last = next;
  }
  return last;
}

const maskedCache = new WeakMap<ParsedDocument, string>();
function maskedText(scope: YamlScope): string {
  let masked = maskedCache.get(scope.doc);
  if (masked === undefined) {
    const chars = scope.doc.text.split('');
    for (const [a, b] of scope.doc.yaml.templateActions) for (let i = a; i < b; i++) if (chars[i] !== '\n' && chars[i] !== '\r') chars[i] = ' ';
    masked = chars.join('');
    maskedCache.set(scope.doc, masked);
  }
  return masked;
}

// ---------------------------------------------------------------------------------------------
// Writing

/** A value to insert: a scalar as written, or ordered entries of a mapping. */
export type YamlValue = string | ReadonlyArray<readonly [string, YamlValue]>;
export type YamlEntries = ReadonlyArray<readonly [string, YamlValue]>;

/** The indentation step of the file: how far a nested mapping's keys sit right of their parent key. */
export function indentStep(scope: YamlScope): number {
  const { lines } = scope.doc;
  let found = 0;
  const visit = (node: unknown, depth: number): void => {
    if (found || depth > 12) return;
    if (isMap(node)) {
      if (node.flow) return;
      for (const pair of node.items) {
        const key = pair.key as Node | null;
        const value = pair.value as Node | null;
        if (isMap(value) && !value.flow && key?.range && value.items[0]) {
          const childKey = value.items[0].key as Node | null;
          if (childKey?.range) {
            const diff = lines.positionAt(childKey.range[0]).character - lines.positionAt(key.range[0]).character;
            if (diff > 0 && lines.positionAt(childKey.range[0]).line > lines.positionAt(key.range[0]).line) {
              found = diff;
              return;
            }
          }
        }
        visit(value, depth + 1);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) visit(item, depth + 1);
    }
  };
  visit(scope.document.contents, 0);
  return found || 2;
}

export function renderBlock(entries: YamlEntries, column: number, step: number, eol: string): string {
  const pad = ' '.repeat(column);
  return entries
    .map(([key, value]) =>
      typeof value === 'string' ? `${pad}${key}: ${value}` : `${pad}${key}:${eol}${renderBlock(value, column + step, step, eol)}`,
    )
    .join(eol);
}

export function renderFlow(entries: YamlEntries): string {
  return `{${entries.map(([key, value]) => `${key}: ${typeof value === 'string' ? value : renderFlow(value)}`).join(', ')}}`;
}

/** Column of a map's keys. */
export function keyColumn(scope: YamlScope, map: YAMLMap): number {
  const first = map.items[0]?.key as Node | undefined;
  const at = first?.range ? first.range[0] : map.range ? map.range[0] : 0;
  return scope.doc.lines.positionAt(at).character;
}

/**
 * Edits that add `entries` to `map`, after its last entry, in the map's own style. In a template,
 * the entries go after the last pair that no template action precedes, so they never land inside
 * an `{{ if }}` that starts in the map. Undefined when there is no safe place.
 */
export function addToMap(scope: YamlScope, map: YAMLMap, entries: YamlEntries, step: number): TextEdit[] | undefined {
  const { text, lines } = scope.doc;
  if (!map.range) return undefined;
  if (map.flow) {
    const close = contentEnd(text, map) - 1;
    if (text[close] !== '}') return undefined;
    if (map.items.length === 0) return [{ start: close, end: close, newText: renderFlow(entries).slice(1, -1) }];
    const last = map.items[map.items.length - 1];
    const at = pairEnd(text, last);
    return [{ start: at, end: at, newText: `, ${renderFlow(entries).slice(1, -1)}` }];
  }
  if (map.items.length === 0) return undefined;
  const at = insertionPoint(scope, map);
  if (at === undefined) return undefined;
  return [{ start: at, end: at, newText: lines.eol + renderBlock(entries, keyColumn(scope, map), step, lines.eol) }];
}

const OPENS = /^\{\{-?\s*(?:if|with|range|define|block)\b/;
const CLOSES = /^\{\{-?\s*end\b/;

/**
 * Where new entries of a block map go: the end of the line of its last entry. In a template, the
 * last entry whose value is complete (the action lines that write it included) and that no
 * `{{ if }}`/`{{ with }}`/`{{ range }}` opened in the map leaves open.
 */
function insertionPoint(scope: YamlScope, map: YAMLMap): number | undefined {
  const { text, lines } = scope.doc;
  const own = actionsOnOwnLines(scope.doc);
  if (scope.doc.yaml.templateActions.length === 0 || own.length === 0) {
    return lines.lineEnd(lines.positionAt(pairEnd(text, map.items[map.items.length - 1])).line);
  }
  const column = keyColumn(scope, map);
  const mapStart = map.range![0];
  let found: number | undefined;
  for (const pair of map.items) {
    let line = lines.positionAt(pairEnd(text, pair)).line;
    // Action lines right below an entry and deeper than the map's keys write that entry's value.
    for (;;) {
      const next = ownLineActionsIn(scope.doc, line + 1, line + 1);
      if (next.length === 0 || next.some((a) => a.column <= column)) break;
      if (text.slice(lines.lineStart(line + 1), lines.lineEnd(line + 1)).replace(/\{\{[\s\S]*?\}\}/g, '').trim() !== '') break;
      line++;
    }
    const end = lines.lineEnd(line);
    let open = 0;
    for (const action of ownLineActionsIn(scope.doc, lines.positionAt(mapStart).line, line)) {
      if (action.start <= mapStart || action.start >= end) continue;
      const source = text.slice(action.start, action.end);
      if (OPENS.test(source)) open++;
      else if (CLOSES.test(source)) open--;
    }
    if (open === 0) found = end;
  }
  return found;
}

/**
 * Edits that give an empty value (`key:`, `key: ~`, `key: {}`) the mapping `entries`: a block under
 * the key in a block map, a flow mapping inside a flow map.
 */
export function fillEmptyValue(scope: YamlScope, parent: YAMLMap, pair: Pair, entries: YamlEntries, step: number): TextEdit[] | undefined {
  const { text, lines } = scope.doc;
  const key = pair.key as Node | null;
  const value = pair.value as Node | null;
  if (!key?.range) return undefined;
  const keyEnd = key.range[1];
  if (parent.flow) {
    if (value?.range && value.range[1] > value.range[0]) {
      return [{ start: value.range[0], end: value.range[1], newText: renderFlow(entries) }];
    }
    const colon = text.indexOf(':', keyEnd);
    if (colon < 0) return undefined;
    return [{ start: colon + 1, end: colon + 1, newText: ` ${renderFlow(entries)}` }];
  }
  const column = lines.positionAt(key.range[0]).character + step;
  const edits: TextEdit[] = [];
  let lineOf = keyEnd;
  if (value?.range && value.range[1] > value.range[0] && value.range[0] >= keyEnd) {
    // `key: ~`, `key: null` or `key: {}`: drop the value, keep any comment after it.
    const end = contentEnd(text, value);
    edits.push({ start: keyEnd, end, newText: ':' });
    lineOf = end;
  }
  const at = lines.lineEnd(lines.positionAt(lineOf).line);
  edits.push({ start: at, end: at, newText: lines.eol + renderBlock(entries, column, step, lines.eol) });
  return edits;
}

/** A mapping value that is empty: absent, null, or `{}`. */
export function isEmptyMapValue(node: Node | undefined | null): boolean {
  return node === undefined || node === null || isNullValue(node) || (isMap(node) && node.items.length === 0);
}
