// Bounds on what one file may cost. The rules walk their trees recursively (the natural way to
// write a rule), so the engine measures a document's nesting once per parse, iteratively, and a
// document too deep for those walks gets one notice instead of rules that throw one by one. Parsers
// that recurse (jsonc-parser, the yaml composer) are run here first, inside a try, so a stack
// overflow in a parser is a notice about that file, never a crash of the run.

import { isAlias, isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Node as JsonNode } from 'jsonc-parser';
import { ts } from './ts';
import type { ParsedDocument } from './document';
import { treeDepth } from './incremental';
import type { DocumentKind } from './types';
import { isYamlPath } from './classify';
import { minimalEdit } from './edits';

/**
 * The deepest syntax tree the rules are run on. Measured on Node 20's default stack: the first rule
 * to overflow did so at 716 nested array literals (a tree some 720 nodes deep), a 1,658-term `+`
 * chain and an 809-step `.then()` chain (some 1,620 deep). Half the smallest leaves room for the
 * frames of whoever called the analysis (the LSP dispatcher, a test runner). Real code stays far
 * below: the deepest file of the bench corpus is a few dozen levels.
 */
export const MAX_SYNTAX_DEPTH = 350;

/**
 * The largest file of each kind that is analysed, so that no analysed file takes over a second: what
 * a file costs is mostly its parse (TypeScript's, the yaml package's, tree-sitter's), which cannot be
 * interrupted. Measured on the development machine (2 shared cores, under a load of 20), whole-file
 * analysis in CPU time per MB of fixture-like text: JS/TS 1.0-1.1 s, Python 2.8-3.4 s, Kubernetes
 * manifests 3.3 s, compose files 2.1 s, CloudFormation YAML 1.5 s, ECS JSON 0.2-0.4 s, Dockerfiles
 * 2.0 s. Each cap leaves that time between half a second and 0.9 s, and is far above real hand-written files
 * (SonarJS skips JS over 1,000 KB; bundles and generated manifests are what go over). The setting
 * `prodready.maxFileSizeKb` can lower these, never raise them.
 */
export const KIND_MAX_BYTES: Readonly<Record<DocumentKind | 'ecs-yaml', number>> = {
  js: 512 * 1024,
  python: 192 * 1024,
  kubernetes: 256 * 1024,
  compose: 256 * 1024,
  'ecs-yaml': 256 * 1024,
  ecs: 1024 * 1024,
  dockerfile: 384 * 1024,
};

/** The size cap of a file of `kind` at `path` (ECS task definitions in YAML parse slower than in JSON). */
export function kindMaxBytes(kind: DocumentKind, path: string): number {
  return kind === 'ecs' && isYamlPath(path) ? KIND_MAX_BYTES['ecs-yaml'] : KIND_MAX_BYTES[kind];
}

const KIND_NAMES: Record<DocumentKind, string> = {
  js: 'JavaScript/TypeScript',
  python: 'Python',
  kubernetes: 'Kubernetes manifest',
  compose: 'compose',
  ecs: 'ECS task definition',
  dockerfile: 'Dockerfile',
};

/**
 * Why a file of `kind` is too costly to analyse, before it is parsed, or undefined. Over its kind's
 * cap; or, for JS/TS, one whose nested `async function` expressions make TypeScript's parser read it
 * over and over: the parser tries each `async` in an expression as the start of `async x => ...`,
 * parsing what follows once to find out and once for real, so each level doubles the work (48 KB at
 * 8 levels took 0.85 s, 70 KB at 12 levels 14 s; async arrows, methods and declarations do not).
 * `scan`: this text's count already made (`jsParseScan`, from the previous version's in an editor).
 */
export function tooCostlyReason(kind: DocumentKind, path: string, text: string, scan?: JsCostScan): string | undefined {
  const cap = kindMaxBytes(kind, path);
  const kb = (n: number) => `${Math.round(n / 1024)} KB`;
  if (text.length > cap) {
    return `Not analysed: the file is ${kb(text.length)}, over the ${kb(cap)} prodready analyses in a ${KIND_NAMES[kind]} file (its parse alone would take about a second; generated or bundled? exclude it in .prodready.yaml).`;
  }
  if (kind === 'js') {
    const parse = scan && scan.text === text && scan.limit === cap ? scan : jsParseCost(text, cap);
    if (parse.cost > cap) {
      return `Not analysed: its \`async function\` expressions nest ${parse.depth} deep, and each level doubles the time TypeScript's parser takes: reading it costs as much as a file of over ${kb(parse.cost)}, more than the ${kb(cap)} prodready analyses.`;
    }
  }
  return undefined;
}

/** After these tokens a `/` divides; elsewhere it starts a regular expression. */
const ENDS_OPERAND = new Set<ts.SyntaxKind>([
  ts.SyntaxKind.Identifier, ts.SyntaxKind.NumericLiteral, ts.SyntaxKind.BigIntLiteral, ts.SyntaxKind.StringLiteral,
  ts.SyntaxKind.NoSubstitutionTemplateLiteral, ts.SyntaxKind.TemplateTail, ts.SyntaxKind.RegularExpressionLiteral,
  ts.SyntaxKind.CloseParenToken, ts.SyntaxKind.CloseBracketToken, ts.SyntaxKind.CloseBraceToken, ts.SyntaxKind.ThisKeyword,
  ts.SyntaxKind.SuperKeyword, ts.SyntaxKind.TrueKeyword, ts.SyntaxKind.FalseKeyword, ts.SyntaxKind.NullKeyword,
  ts.SyntaxKind.PlusPlusToken, ts.SyntaxKind.MinusMinusToken,
]);

/** After these (at a block's level), `async function` starts a declaration, parsed once. */
const STARTS_STATEMENT = new Set<ts.SyntaxKind | undefined>([
  undefined, ts.SyntaxKind.SemicolonToken, ts.SyntaxKind.OpenBraceToken, ts.SyntaxKind.CloseBraceToken, ts.SyntaxKind.CloseParenToken,
  ts.SyntaxKind.CloseBracketToken, ts.SyntaxKind.ExportKeyword, ts.SyntaxKind.DefaultKeyword, ts.SyntaxKind.Identifier,
  ts.SyntaxKind.StringLiteral, ts.SyntaxKind.NumericLiteral, ts.SyntaxKind.NoSubstitutionTemplateLiteral, ts.SyntaxKind.TemplateTail,
]);

/**
 * What TypeScript's parser reads of `text`, in characters: each character once, times two for every
 * `async function` expression around it. One pass of the scanner (brackets, strings, templates and
 * regular expressions told apart); stops counting past `limit`. `depth` is the deepest nesting seen.
 * When the text's length doubled once for each place an expression could be stays within `limit`,
 * that bound is the answer (cost and depth are then upper bounds), without the scan.
 */
export function jsParseCost(text: string, limit: number): { cost: number; depth: number } {
  const { cost, depth } = jsParseScan(text, limit);
  return { cost, depth };
}

/**
 * How many `async function` in `text` can be expressions, counted to `over` (then `over` + 1): all but
 * those right after (past spaces) the start of the text or a block's `{`, where the scanner below
 * never counts one. Strings and comments count too: a count over the scanner's, never under it.
 */
function asyncFunctionPlaces(text: string, over: number): number {
  let places = 0;
  for (const match of text.matchAll(/\basync\s+function\b/g)) {
    let i = match.index - 1;
    while (i >= 0 && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i--;
    if (i < 0 || (text[i] === '{' && text[i - 1] !== '$')) continue;
    if (++places > over) return places;
  }
  return places;
}

/** The scanner's state after a token: what the rest of the count depends on. */
interface ScanCheckpoint {
  /** Where the token ended: the scan goes on from here. */
  readonly pos: number;
  /** The cost of the text before `pos`. */
  readonly cost: number;
  readonly brackets: readonly string[];
  readonly open: ReadonlyArray<{ readonly level: number; readonly body: boolean }>;
  readonly previous: ts.SyntaxKind | undefined;
  /** The deepest nesting seen before `pos`. */
  readonly depthBefore: number;
  /** The deepest nesting from `pos` to the next checkpoint (or the end of the text). */
  segment: number;
}

/** One version's count, kept so that the next version's count reads only what the edit changed. */
export interface JsCostScan {
  readonly text: string;
  readonly limit: number;
  readonly cost: number;
  readonly depth: number;
  /** The scan read to the end of the text (not stopped past `limit`). */
  readonly complete: boolean;
  readonly checkpoints: readonly ScanCheckpoint[];
}

/** How far apart the checkpoints are, in characters (some 50 for a 200 KB file). */
const CHECKPOINT_SPACING = 4096;

/** A token's end can depend on a few characters past it: checkpoints this close to a change are not reused. */
const CHECKPOINT_MARGIN = 8;

/**
 * The count of `jsParseCost`, and the scanner's state every few KB. Given the previous version's
 * scan, it starts again from the last checkpoint before the first changed character, and stops as
 * soon as its state after a token past the change is the previous scan's at the same place (the same
 * brackets, open expressions and last token): from there on both scans read the same tokens, so the
 * rest of the count is the previous one's. A keystroke then scans a few KB, not the file.
 */
export function jsParseScan(text: string, limit: number, previous?: JsCostScan, options: { exact?: boolean } = {}): JsCostScan {
  // Each expression at most doubles the cost: with few enough places one could be, the bound is the
  // answer, no scan needed (most files of a scan: a few KB with a handful of `async function`).
  const places = asyncFunctionPlaces(text, Math.log2(limit / Math.max(1, text.length)));
  if (places === 0 || (!options.exact && text.length * 2 ** places <= limit)) {
    return { text, limit, cost: text.length * 2 ** places, depth: places, complete: true, checkpoints: [] };
  }
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, true, ts.LanguageVariant.Standard, text);
  /** Open brackets: `{`, `(`, `[`, and `${` of a template. */
  let brackets: string[] = [];
  /** The open `async function` expressions: the bracket depth they started at, and whether their body `{` is open. */
  let open: Array<{ level: number; body: boolean }> = [];
  let cost = 0;
  let depth = 0;
  let last = 0;
  let previousKind: ts.SyntaxKind | undefined;
  const checkpoints: ScanCheckpoint[] = [];
  const account = (to: number) => {
    cost += (to - last) * 2 ** open.length;
    last = to;
  };
  const checkpoint = (pos: number): ScanCheckpoint => ({
    pos, cost, brackets: [...brackets], open: open.map((o) => ({ ...o })), previous: previousKind, depthBefore: depth, segment: open.length,
  });

  // The previous version's scan holds before the change, and may again after it.
  let reuse: { old: readonly ScanCheckpoint[]; oldCost: number; delta: number; changedEnd: number; next: number } | undefined;
  if (previous && previous.complete && previous.limit === limit && previous.checkpoints.length > 0) {
    const before = previous.text;
    // The common ends, as the document's re-parse finds them (`startsWith` with a slice, used here
    // before, took 0.7 ms a keystroke on a 5,000-line file; comparing slices is a memory compare).
    const change = minimalEdit(before, text);
    const prefix = change.start;
    const suffix = before.length - change.end;
    const old = previous.checkpoints;
    let k = -1;
    while (k + 1 < old.length && old[k + 1].pos < prefix - CHECKPOINT_MARGIN) k++;
    reuse = { old, oldCost: previous.cost, delta: text.length - before.length, changedEnd: text.length - suffix, next: k + 1 };
    if (k >= 0) {
      const at = old[k];
      for (let i = 0; i < k; i++) checkpoints.push(old[i]);
      brackets = [...at.brackets];
      open = at.open.map((o) => ({ ...o }));
      cost = at.cost;
      last = at.pos;
      depth = at.depthBefore;
      previousKind = at.previous;
      checkpoints.push(checkpoint(at.pos));
      scanner.resetTokenState(at.pos);
    }
  }
  let nextCheckpoint = (checkpoints.length > 0 ? checkpoints[checkpoints.length - 1].pos : 0) + CHECKPOINT_SPACING;
  const deepen = () => {
    depth = Math.max(depth, open.length);
    const current = checkpoints[checkpoints.length - 1];
    if (current) current.segment = Math.max(current.segment, open.length);
  };

  for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
    if ((kind === ts.SyntaxKind.SlashToken || kind === ts.SyntaxKind.SlashEqualsToken) && (previousKind === undefined || !ENDS_OPERAND.has(previousKind))) {
      kind = scanner.reScanSlashToken();
    }
    if (kind === ts.SyntaxKind.CloseBraceToken && brackets[brackets.length - 1] === '${') {
      kind = scanner.reScanTemplateToken(false);
      if (kind === ts.SyntaxKind.TemplateTail) brackets.pop();
      previousKind = kind;
      continue;
    }
    const start = scanner.getTokenStart();
    switch (kind) {
      case ts.SyntaxKind.AsyncKeyword: {
        // Inside parentheses or brackets a function is always an expression; at a block's level, after an operator.
        const inBrackets = brackets.length > 0 && brackets[brackets.length - 1] !== '{';
        const next = scanner.lookAhead(() => scanner.scan());
        if (next === ts.SyntaxKind.FunctionKeyword && (inBrackets || !STARTS_STATEMENT.has(previousKind))) {
          account(start);
          open.push({ level: brackets.length, body: false });
          deepen();
        }
        break;
      }
      case ts.SyntaxKind.OpenBraceToken:
      case ts.SyntaxKind.OpenParenToken:
      case ts.SyntaxKind.OpenBracketToken:
      case ts.SyntaxKind.TemplateHead: {
        const top = open[open.length - 1];
        if (kind === ts.SyntaxKind.OpenBraceToken && top && !top.body && top.level === brackets.length) top.body = true;
        brackets.push(kind === ts.SyntaxKind.TemplateHead ? '${' : kind === ts.SyntaxKind.OpenBraceToken ? '{' : '(');
        break;
      }
      case ts.SyntaxKind.CloseBraceToken:
      case ts.SyntaxKind.CloseParenToken:
      case ts.SyntaxKind.CloseBracketToken: {
        brackets.pop();
        const end = scanner.getTokenEnd();
        while (open.length > 0) {
          const top = open[open.length - 1];
          if (brackets.length > top.level || (brackets.length === top.level && !top.body)) break;
          account(end);
          open.pop();
        }
        break;
      }
    }
    if (cost > limit) return { text, limit, cost, depth, complete: false, checkpoints };
    previousKind = kind;
    // After an `async` the state depends on the token after it (the look-ahead): no checkpoint there.
    if (kind === ts.SyntaxKind.AsyncKeyword) continue;
    const end = scanner.getTokenEnd();
    if (reuse && end > reuse.changedEnd + CHECKPOINT_MARGIN) {
      const { old, delta } = reuse;
      while (reuse.next < old.length && old[reuse.next].pos + delta < end) reuse.next++;
      const same = old[reuse.next];
      if (same && same.pos + delta === end && sameState(same, brackets, open, previousKind) && reuse.oldCost + cost - same.cost <= limit) {
        // The same state as the previous scan here: the rest of its count, and its checkpoints, moved.
        account(end);
        const shift = cost - same.cost;
        for (let i = reuse.next; i < old.length; i++) {
          const c = old[i];
          checkpoints.push({ ...c, pos: c.pos + delta, cost: c.cost + shift, depthBefore: depth });
          depth = Math.max(depth, c.segment);
        }
        return { text, limit, cost: reuse.oldCost + shift, depth, complete: true, checkpoints };
      }
    }
    if (end >= nextCheckpoint) {
      account(end);
      checkpoints.push(checkpoint(end));
      nextCheckpoint = end + CHECKPOINT_SPACING;
    }
  }
  account(text.length);
  return { text, limit, cost, depth, complete: true, checkpoints };
}

function sameState(
  c: ScanCheckpoint,
  brackets: readonly string[],
  open: ReadonlyArray<{ level: number; body: boolean }>,
  previous: ts.SyntaxKind | undefined,
): boolean {
  if (c.previous !== previous || c.brackets.length !== brackets.length || c.open.length !== open.length) return false;
  for (let i = 0; i < brackets.length; i++) if (c.brackets[i] !== brackets[i]) return false;
  for (let i = 0; i < open.length; i++) if (c.open[i].level !== open[i].level || c.open[i].body !== open[i].body) return false;
  return true;
}

/**
 * Time one file's rules may take before the rest are not run (checked between rules). It is CPU time
 * of this process, not wall time: on a CI machine busy with other jobs, which rules run (and so the
 * report) must not depend on the load.
 */
export const DEFAULT_TIME_BUDGET_MS = 3000;

/** This process's CPU time so far (user and system), in milliseconds: the clock of the time budget. */
export function cpuMs(): number {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1000;
}

/**
 * The time budget of one file: `expired()` is true once the file's analysis used over `budgetMs` of
 * CPU time. Asking the CPU clock is a system call (it was 7% of a scan's time when asked between
 * every two rules), so it is asked only once the wall clock says the budget may be spent: one thread
 * cannot use more CPU time than the time that passed.
 */
export function timeBudget(budgetMs: number): { expired(): boolean } {
  const wallStart = performance.now();
  const cpuStart = cpuMs();
  return { expired: () => performance.now() - wallStart > budgetMs && cpuMs() - cpuStart > budgetMs };
}

/**
 * Parses the document (every parse its kind's rules read) and measures its depth. Returns why the
 * rules must not run on it, or undefined when they may. The answer is cached on the document.
 */
export function unanalysableReason(doc: ParsedDocument): string | undefined {
  let depth: number;
  try {
    depth = syntaxDepth(doc);
  } catch (error) {
    const what = error instanceof RangeError ? 'it is nested too deeply for the parser' : `the parser failed (${(error as Error)?.message ?? error})`;
    return `Not analysed: ${what}.`;
  }
  if (doc.kind === 'python' && doc.pythonParseAbandoned) {
    return 'Not analysed: the Python parser gave up on it (it took many times the parsing work of ordinary code: garbled or generated text? exclude it in .prodready.yaml).';
  }
  if (depth > MAX_SYNTAX_DEPTH) {
    return `Not analysed: its syntax is nested over ${MAX_SYNTAX_DEPTH} levels deep, more than the checks handle (generated code? exclude it in .prodready.yaml).`;
  }
  return undefined;
}

/** The depth of the document's deepest node (stops counting just past the limit). */
function syntaxDepth(doc: ParsedDocument): number {
  switch (doc.kind) {
    case 'js':
      // Kept per statement for a live document (incremental.ts), so a keystroke re-measures only the edited one.
      return treeDepth(doc.sourceFile, MAX_SYNTAX_DEPTH);
    case 'kubernetes':
    case 'compose':
      return yamlDepth(doc.yaml.documents.map((d) => d.contents));
    case 'ecs':
      return jsonDepth(doc.json.root);
    case 'dockerfile':
      doc.dockerfile;
      return 0;
    case 'python':
      // Parsed here so that a parse abandoned over its work allowance (python.ts) is a notice.
      doc.pythonTree;
      return 0;
    default:
      return 0;
  }
}

function yamlDepth(roots: unknown[]): number {
  let max = 0;
  const nodes: unknown[] = [...roots];
  const depths: number[] = roots.map(() => 0);
  while (nodes.length > 0) {
    const node = nodes.pop();
    const depth = depths.pop()!;
    if (depth > max) {
      max = depth;
      if (max > MAX_SYNTAX_DEPTH) return max;
    }
    // Aliases are not followed: what they point at is measured where it is written.
    if (isAlias(node) || isScalar(node) || node === null || node === undefined) continue;
    const children = isMap(node) || isSeq(node) ? node.items : isPair(node) ? [node.key, node.value] : [];
    for (const child of children) {
      nodes.push(child);
      depths.push(depth + 1);
    }
  }
  return max;
}

function jsonDepth(root: JsonNode | undefined): number {
  if (!root) return 0;
  let max = 0;
  const nodes: JsonNode[] = [root];
  const depths: number[] = [0];
  while (nodes.length > 0) {
    const node = nodes.pop()!;
    const depth = depths.pop()!;
    if (depth > max) {
      max = depth;
      if (max > MAX_SYNTAX_DEPTH) return max;
    }
    for (const child of node.children ?? []) {
      nodes.push(child);
      depths.push(depth + 1);
    }
  }
  return max;
}
