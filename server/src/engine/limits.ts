// Bounds on what one file may cost. The rules walk their trees recursively (the natural way to
// write a rule), so the engine measures a document's nesting once per parse, iteratively, and a
// document too deep for those walks gets one notice instead of rules that throw one by one. Parsers
// that recurse (jsonc-parser, the yaml composer) are run here first, inside a try, so a stack
// overflow in a parser is a notice about that file, never a crash of the run.

import { isAlias, isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Node as JsonNode } from 'jsonc-parser';
import { ts } from 'ts-morph';
import type { ParsedDocument } from './document';
import { treeDepth } from './incremental';
import type { DocumentKind } from './types';
import { isYamlPath } from './classify';

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
 */
export function tooCostlyReason(kind: DocumentKind, path: string, text: string): string | undefined {
  const cap = kindMaxBytes(kind, path);
  const kb = (n: number) => `${Math.round(n / 1024)} KB`;
  if (text.length > cap) {
    return `Not analysed: the file is ${kb(text.length)}, over the ${kb(cap)} prodready analyses in a ${KIND_NAMES[kind]} file (its parse alone would take about a second; generated or bundled? exclude it in .prodready.yaml).`;
  }
  if (kind === 'js') {
    const parse = jsParseCost(text, cap);
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
 */
export function jsParseCost(text: string, limit: number): { cost: number; depth: number } {
  if (!/\basync\s+function\b/.test(text)) return { cost: text.length, depth: 0 };
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, true, ts.LanguageVariant.Standard, text);
  /** Open brackets: `{`, `(`, `[`, and `${` of a template. */
  const brackets: string[] = [];
  /** The open `async function` expressions: the bracket depth they started at, and whether their body `{` is open. */
  const open: Array<{ level: number; body: boolean }> = [];
  let cost = 0;
  let depth = 0;
  let last = 0;
  let previous: ts.SyntaxKind | undefined;
  const account = (to: number) => {
    cost += (to - last) * 2 ** open.length;
    last = to;
  };
  for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
    if ((kind === ts.SyntaxKind.SlashToken || kind === ts.SyntaxKind.SlashEqualsToken) && (previous === undefined || !ENDS_OPERAND.has(previous))) {
      kind = scanner.reScanSlashToken();
    }
    if (kind === ts.SyntaxKind.CloseBraceToken && brackets[brackets.length - 1] === '${') {
      kind = scanner.reScanTemplateToken(false);
      if (kind === ts.SyntaxKind.TemplateTail) brackets.pop();
      previous = kind;
      continue;
    }
    const start = scanner.getTokenStart();
    switch (kind) {
      case ts.SyntaxKind.AsyncKeyword: {
        // Inside parentheses or brackets a function is always an expression; at a block's level, after an operator.
        const inBrackets = brackets.length > 0 && brackets[brackets.length - 1] !== '{';
        const next = scanner.lookAhead(() => scanner.scan());
        if (next === ts.SyntaxKind.FunctionKeyword && (inBrackets || !STARTS_STATEMENT.has(previous))) {
          account(start);
          open.push({ level: brackets.length, body: false });
          depth = Math.max(depth, open.length);
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
    if (cost > limit) return { cost, depth };
    previous = kind;
  }
  account(text.length);
  return { cost, depth };
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
