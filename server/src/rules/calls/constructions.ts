// The one mechanism that reads the CLIENTS table: a walk over the file's `new X(...)` and `X(...)`
// calls, each callee resolved to the module export it names (imports, requires, `const` aliases);
// for a row that matches, its checks are run against the options argument as far as the file makes
// it plain. Options from a parameter, a call or an unresolved spread are unknown: no finding.

import { ts } from '../../engine/ts';
import { kindSet, nodesOfKinds } from '../../engine/incremental';
import type { ParsedDocument } from '../../engine/document';
import { AnchoredPattern } from '../../engine/anchored';
import type { Fix, RuleFinding, TextEdit } from '../../engine/types';
import { unwrap } from '../timeouts/bindings';
import { addArgumentEdits, addPropertyEdits, formatMs, indentOf } from '../timeouts/edits';
import { CLIENTS, type CallsRuleId, type Check, type ClientRow, type FixProperty } from './clients';
import { Reader, type Lookup } from './values';
import { olderThan } from '../../engine/lockfile';
import type { InstalledVersions } from '../../engine/workspace-facts';

const { isCallExpression, isIdentifier, isNewExpression, isNoSubstitutionTemplateLiteral, isObjectLiteralExpression, isPropertyAccessExpression, isStringLiteralLike, isTemplateExpression } = ts;
/** What the walk reads, kept per statement for a live document (engine/incremental.ts). */
const CONSTRUCTIONS = kindSet(ts.SyntaxKind.NewExpression, ts.SyntaxKind.CallExpression);

export interface Problem {
  rule: CallsRuleId;
  start: number;
  end: number;
  message: string;
  /** The check that found it, and whether its bound was missing or turned off. */
  check: Check;
  verdict: 'missing' | 'disabled';
  /** The fix, from the check's spec or another one (`needs.older`). */
  fix?: (spec?: FixSpec) => Fix | undefined;
}

type FixSpec = NonNullable<Check['fix']>;

/** What the lockfile says of a package (WorkspaceFacts.installedVersions for the document). */
export type Installed = (packageName: string) => InstalledVersions | undefined;

const cache = new WeakMap<ts.SourceFile, Problem[]>();

/**
 * Text a file must hold for the walk to find anything: a row's client is resolved from an import or
 * a require of its module, so the module's name is in the file as a string (read from the table).
 * Most files name none of them and are not walked. Tried where the names occur (after a quote): the
 * search over the whole text, tried at every quote, was 2 ms of every keystroke in a 5,000-line file.
 */
const MODULE_NAMES = CLIENTS.flatMap((row) => (Array.isArray(row.modules) ? row.modules : [literalPrefix(row.modules as RegExp)]));
if (MODULE_NAMES.includes('')) throw new Error('a client row whose modules have no literal prefix: MODULE_TEXT would match every quote');
// A name another starts with (`pg` of `pg-pool`) is tried at that one's occurrences.
const MODULE_TEXT = new AnchoredPattern(
  new RegExp(`['"\`](?:${MODULE_NAMES.map(escapeRegExp).join('|')})`),
  [...new Set(MODULE_NAMES)].filter((n) => !MODULE_NAMES.some((m) => m !== n && n.startsWith(m))),
  1,
);

/** The text every match of an anchored pattern starts with (`/^@aws-sdk\/client-[a-z]+$/` -> `@aws-sdk/client-`); empty when there is none. */
export function literalPrefix(pattern: RegExp): string {
  const src = pattern.source;
  if (!src.startsWith('^') || src.includes('|') || pattern.flags.includes('i')) return '';
  let out = '';
  for (let i = 1; i < src.length; i++) {
    const c = src[i];
    if (c === '\\' && i + 1 < src.length && !/[A-Za-z0-9]/.test(src[i + 1])) {
      if ('?*{'.includes(src[i + 2] ?? '')) return out;
      out += src[++i];
      continue;
    }
    if ('\\.+*?()[]{}|$^'.includes(c)) return out;
    if ('?*{'.includes(src[i + 1] ?? '')) return out;
    out += c;
  }
  return out;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Every problem the table finds in a document (computed once per parse, shared by the rules). */
export function tableProblems(doc: ParsedDocument): Problem[] {
  if (!doc.testAnchored(MODULE_TEXT)) return [];
  const sf = doc.sourceFile;
  let problems = cache.get(sf);
  if (!problems) {
    problems = new TableWalk(doc).run();
    cache.set(sf, problems);
  }
  return problems;
}

export function findingsOf(problems: Problem[], rule: CallsRuleId, installed?: Installed): RuleFinding[] {
  return forVersions(problems, rule, installed).map(({ start, end, message }) => ({ start, end, message }));
}

export function fixesOf(problems: Problem[], rule: CallsRuleId, finding: RuleFinding, installed?: Installed): Fix[] {
  const problem = forVersions(problems, rule, installed).find((p) => p.start === finding.start && p.end === finding.end && p.message === finding.message);
  const fix = problem?.fix();
  return fix ? [fix] : [];
}

/**
 * A rule's problems as the installed versions make them (a check's `needs`): left out, or with
 * another message and fix, when every version read is older than the check's `since`; the version
 * read named in the message when it decided the finding. New objects: the cached problems are shared.
 */
function forVersions(problems: Problem[], rule: CallsRuleId, installed: Installed | undefined): Array<Problem & { fix: (spec?: FixSpec) => Fix | undefined }> {
  const out: Array<Problem & { fix: (spec?: FixSpec) => Fix | undefined }> = [];
  for (const p of problems) {
    if (p.rule !== rule) continue;
    const fix = p.fix ?? (() => undefined);
    const needs = p.check.needs;
    const read = needs && installed?.(needs.package);
    if (!needs || !read) {
      out.push({ ...p, fix });
      continue;
    }
    const older = read.versions.every((v) => olderThan(v, needs.since) === true);
    const note = ` Installed: ${needs.package} ${read.versions.join(', ')} (${read.lockfile}).`;
    if (older && 'skip' in needs.older) continue;
    if (p.verdict === 'disabled') {
      out.push({ ...p, fix });
    } else if (older && !('skip' in needs.older)) {
      const spec = needs.older.fix;
      out.push({ ...p, message: needs.older.message + note, fix: () => fix(spec) });
    } else {
      out.push({ ...p, message: p.message + note, fix });
    }
  }
  return out;
}

function matches(list: readonly string[] | RegExp, value: string): boolean {
  return Array.isArray(list) ? list.includes(value) : (list as RegExp).test(value);
}

/** Where the options of one construction are. */
type Options =
  | { kind: 'none'; /** the argument a new options argument goes after */ anchor: ts.Expression | undefined; index: number }
  | { kind: 'object'; object: ts.ObjectLiteralExpression; /** the identifier naming a `const` object, if not written at the call */ named?: ts.Identifier }
  | { kind: 'url'; text: string | undefined; /** where options may follow (rows whose options come last) */ arg: ts.Expression | undefined }
  | { kind: 'unknown' };

class TableWalk {
  private readonly reader: Reader;
  private readonly problems: Problem[] = [];

  constructor(private readonly doc: ParsedDocument) {
    this.reader = new Reader(doc.sourceFile);
  }

  run(): Problem[] {
    for (const node of nodesOfKinds(this.doc.sourceFile, CONSTRUCTIONS)) {
      if (isNewExpression(node) || isCallExpression(node)) this.construction(node);
    }
    return this.problems;
  }

  private construction(node: ts.NewExpression | ts.CallExpression): void {
    const callee = unwrap(node.expression);
    if (!isIdentifier(callee) && !isPropertyAccessExpression(callee)) return;
    const ref = this.reader.exportOf(callee);
    if (!ref) return;
    const construct = isNewExpression(node) ? 'new' : 'call';
    for (const row of CLIENTS) {
      if (row.construct !== construct || !matches(row.modules, ref.module) || !matches(row.exports, ref.imported)) continue;
      this.checkRow(row, node, callee);
    }
  }

  private optionsOf(row: ClientRow, node: ts.NewExpression | ts.CallExpression): Options {
    const args = node.arguments ?? ts.factory.createNodeArray();
    if (args.some((a) => a.kind === ts.SyntaxKind.SpreadElement)) return { kind: 'unknown' };
    const index = row.options === 'last' ? Math.max(0, args.length - 1) : row.options;
    const arg = args[index];
    if (!arg) {
      if (index > args.length) return { kind: 'unknown' };
      return { kind: 'none', anchor: args[index - 1], index };
    }
    const e = unwrap(arg);
    if (isIdentifier(e) && e.text === 'undefined' && !this.reader.scopes.resolve(e, e.text)) return { kind: 'none', anchor: args[index - 1], index };
    const object = this.reader.objectOf(e);
    if (object) return { kind: 'object', object, named: isObjectLiteralExpression(e) ? undefined : (e as ts.Identifier) };
    // `new Client(url)`, `new Redis(url)`, `new Redis(6379, 'host')`: no options object.
    if (this.isUrlLike(e)) return { kind: 'url', text: this.reader.stringOf(e), arg: row.options === 'last' ? arg : undefined };
    return { kind: 'unknown' };
  }

  /** A value that is a connection string or a port, not an options object. */
  private isUrlLike(e: ts.Expression): boolean {
    if (isStringLiteralLike(e) || isTemplateExpression(e) || isNoSubstitutionTemplateLiteral(e) || e.kind === ts.SyntaxKind.NumericLiteral) return true;
    if (this.reader.stringOf(e) !== undefined) return true;
    if (isPropertyAccessExpression(e) && isPropertyAccessExpression(e.expression) && e.expression.name.text === 'env' && isIdentifier(e.expression.expression) && e.expression.expression.text === 'process') return true;
    const name = isIdentifier(e) ? e.text : isPropertyAccessExpression(e) ? e.name.text : '';
    return /(?:url|uri|dsn|connectionstring)$/i.test(name);
  }

  private checkRow(row: ClientRow, node: ts.NewExpression | ts.CallExpression, callee: ts.Expression): void {
    const options = this.optionsOf(row, node);
    if (options.kind === 'unknown') return;
    for (const skip of row.skipWhen ?? []) {
      const found = this.lookup(options, skip.key);
      if (found.kind === 'unknown') return;
      if (found.kind === 'found') {
        const v = this.reader.value(found.value);
        if (v.kind === 'literal' && skip.values.includes(v.text)) return;
      }
    }
    const reported = new Set<CallsRuleId>();
    for (const check of row.checks) {
      if (reported.has(check.rule)) continue;
      const verdict = this.verdict(check, options);
      if (verdict.kind === 'fine') continue;
      reported.add(check.rule);
      const message = verdict.kind === 'disabled' ? check.disabledMessage ?? check.message : check.message;
      const sf = this.doc.sourceFile;
      const at = verdict.kind === 'disabled' ? verdict.at : callee;
      const written = check.fix;
      this.problems.push({
        rule: check.rule,
        start: at.getStart(sf),
        end: at.end,
        message,
        check,
        verdict: verdict.kind,
        fix: written ? (spec = written) => this.fix(check, spec, node, callee, options, verdict) : undefined,
      });
    }
  }

  private lookup(options: Options, path: string): Lookup {
    if (options.kind === 'object') return this.reader.lookup(options.object, path.split('.'));
    if (options.kind === 'unknown') return { kind: 'unknown' };
    return { kind: 'absent', missing: path.split('.') };
  }

  private verdict(check: Check, options: Options): { kind: 'fine' } | { kind: 'missing' } | { kind: 'disabled'; at: ts.Expression } {
    if (check.when) {
      const when = this.lookup(options, check.when);
      if (when.kind !== 'found') return { kind: 'fine' };
      const v = this.reader.value(when.value);
      if (v.kind === 'literal' && (check.disabling ?? []).includes(v.text)) return { kind: 'fine' };
    }
    if (check.kind === 'forbid') {
      const found = this.lookup(options, check.keys[0]);
      if (found.kind !== 'found') return { kind: 'fine' };
      const v = this.reader.value(found.value);
      return v.kind === 'literal' && (check.values ?? []).includes(v.text) ? { kind: 'disabled', at: found.value } : { kind: 'fine' };
    }
    // A connection string that carries the bound.
    if (check.url) {
      if (options.kind === 'url' && options.text !== undefined && check.url.pattern.test(options.text)) return { kind: 'fine' };
      for (const key of check.url.keys) {
        const found = this.lookup(options, key);
        if (found.kind === 'unknown') return { kind: 'fine' };
        if (found.kind === 'found') {
          const text = this.reader.stringOf(found.value);
          if (text !== undefined && check.url.pattern.test(text)) return { kind: 'fine' };
        }
      }
    }
    let disabledAt: ts.Expression | undefined;
    let anyFound = false;
    for (const key of check.keys) {
      const found = this.lookup(options, key);
      if (found.kind === 'unknown') return { kind: 'fine' };
      if (found.kind !== 'found') continue;
      anyFound = true;
      const v = this.reader.value(found.value);
      if (v.kind === 'literal' && (check.disabling ?? []).includes(v.text)) disabledAt ??= found.value;
      else return { kind: 'fine' };
    }
    if (disabledAt) return { kind: 'disabled', at: disabledAt };
    if (!anyFound && check.absent === 'fine') return { kind: 'fine' };
    return { kind: 'missing' };
  }

  // -- fixes -----------------------------------------------------------------------------------

  private valueText(value: FixProperty['value'], callee: ts.Expression): string {
    if (typeof value === 'number') return formatMs(this.doc, value);
    const calleeText = callee.getText(this.doc.sourceFile);
    return value.replace('$callee', calleeText);
  }

  private fix(check: Check, spec: FixSpec, node: ts.NewExpression | ts.CallExpression, callee: ts.Expression, options: Options, verdict: { kind: 'missing' } | { kind: 'disabled'; at: ts.Expression }): Fix | undefined {
    const sf = this.doc.sourceFile;
    if (verdict.kind === 'disabled') {
      // Replace the value the author wrote: never safe, the value may be deliberate.
      const add = spec.add.find((a) => check.keys.includes(a.path));
      if (!add) return undefined;
      const text = this.valueText(add.value, callee);
      return { title: `${spec.title} to ${text} (unsafe: replaces the value written here)`, safe: false, edits: [{ start: verdict.at.getStart(sf), end: verdict.at.end, newText: text }] };
    }
    const title = spec.safe ? spec.title : `${spec.title} (unsafe)`;
    const props = spec.add.map((a) => ({ path: a.path.split('.'), value: this.valueText(a.value, callee) }));
    if (options.kind === 'none') {
      const args = node.arguments ?? ts.factory.createNodeArray();
      const text = objectText(props);
      if (isNewExpression(node) && !node.arguments) {
        return { title, safe: spec.safe, edits: [{ start: node.end, end: node.end, newText: `(${text})` }] };
      }
      if (options.index !== args.length) return undefined;
      return { title, safe: spec.safe, edits: addArgumentEdits(this.doc, node as ts.CallExpression, options.anchor, { before: '', value: text, after: '' }) };
    }
    if (options.kind === 'url') {
      if (!options.arg || !isCallExpressionLike(node)) return undefined;
      return { title, safe: spec.safe, edits: addArgumentEdits(this.doc, node as ts.CallExpression, options.arg, { before: '', value: objectText(props), after: '' }) };
    }
    if (options.kind !== 'object') return undefined;
    if (options.named) {
      const text = `{ ...${options.named.text}, ${objectText(props).slice(2, -2)} }`;
      return { title, safe: spec.safe, edits: [{ start: options.named.getStart(sf), end: options.named.end, newText: text }] };
    }
    // Group what is missing by the object literal it goes into.
    const groups = new Map<ts.ObjectLiteralExpression, Array<{ path: string[]; value: string }>>();
    for (const p of props) {
      const found = this.reader.lookup(options.object, p.path);
      if (found.kind === 'found') continue;
      if (found.kind === 'unknown' || !found.object) return undefined;
      const list = groups.get(found.object) ?? [];
      list.push({ path: found.missing, value: p.value });
      groups.set(found.object, list);
    }
    const edits: TextEdit[] = [];
    for (const [object, list] of groups) edits.push(...this.addProperties(object, list));
    return edits.length > 0 ? { title, safe: spec.safe, edits } : undefined;
  }

  /** Adds several properties (nested paths become nested objects) as one edit in the literal's layout. */
  private addProperties(object: ts.ObjectLiteralExpression, props: Array<{ path: string[]; value: string }>): TextEdit[] {
    const entries = nest(props);
    const sf = this.doc.sourceFile;
    const last = object.properties[object.properties.length - 1];
    const multiline = last !== undefined && this.doc.lines.positionAt(object.getStart(sf)).line !== this.doc.lines.positionAt(last.getStart(sf)).line;
    const sep = multiline ? `,${this.doc.lines.eol}${indentOf(this.doc, last.getStart(sf))}` : ', ';
    const texts = entries.map(([key, value]) => `${key}: ${value}`);
    const [first, ...rest] = texts;
    const colon = first.indexOf(': ');
    return addPropertyEdits(this.doc, object, { before: first.slice(0, colon + 2), value: first.slice(colon + 2), after: rest.map((t) => sep + t).join('') });
  }
}

/** `[['a','b'], v]` pairs to top-level entries whose values are object texts. */
function nest(props: Array<{ path: string[]; value: string }>): Array<[string, string]> {
  const order: string[] = [];
  const byKey = new Map<string, Array<{ path: string[]; value: string }>>();
  const leaves = new Map<string, string>();
  for (const p of props) {
    const [head, ...rest] = p.path;
    if (!order.includes(head)) order.push(head);
    if (rest.length === 0) leaves.set(head, p.value);
    else byKey.set(head, [...(byKey.get(head) ?? []), { path: rest, value: p.value }]);
  }
  return order.map((k) => [k, leaves.get(k) ?? objectText(byKey.get(k)!)]);
}

function objectText(props: Array<{ path: string[]; value: string }>): string {
  return `{ ${nest(props).map(([k, v]) => `${k}: ${v}`).join(', ')} }`;
}

function isCallExpressionLike(node: ts.NewExpression | ts.CallExpression): boolean {
  return node.arguments !== undefined;
}
