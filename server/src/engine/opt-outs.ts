// Other linters' opt-outs for the same concern as a prodready rule: an author who wrote
// `// eslint-disable-next-line no-console` already chose console output there, and saying it again
// in prodready's voice helps nobody. Knowledge as data: one row per tool and directive shape; the
// reading is written once.

import type { ParsedDocument } from './document';

interface Directive {
  tool: string;
  /** Where the directive applies: its own line, the next line, or the whole file. */
  scope: 'line' | 'next-line' | 'file';
  /** Matches the directive; group 1 is its rule list (empty or missing: every rule). */
  pattern: RegExp;
  /** Separates the rule list from a trailing reason. */
  reasonSeparator?: string;
}

const DIRECTIVES: readonly Directive[] = [
  { tool: 'eslint', scope: 'line', pattern: /eslint-disable-line(?![-\w])([^\n]*)$/, reasonSeparator: '--' },
  { tool: 'eslint', scope: 'next-line', pattern: /eslint-disable-next-line(?![-\w])([^\n]*)$/, reasonSeparator: '--' },
  { tool: 'eslint', scope: 'file', pattern: /\/\*\s*eslint-disable(?![-\w])([^*]*)\*\//, reasonSeparator: '--' },
  { tool: 'oxlint', scope: 'line', pattern: /oxlint-disable-line(?![-\w])([^\n]*)$/, reasonSeparator: '--' },
  { tool: 'oxlint', scope: 'next-line', pattern: /oxlint-disable-next-line(?![-\w])([^\n]*)$/, reasonSeparator: '--' },
  { tool: 'oxlint', scope: 'file', pattern: /\/\*\s*oxlint-disable(?![-\w])([^*]*)\*\//, reasonSeparator: '--' },
  // Biome: `// biome-ignore lint/suspicious/noConsole: <reason>` suppresses the next line.
  { tool: 'biome', scope: 'next-line', pattern: /biome-ignore\s+([^:\n]*)/ },
  { tool: 'biome', scope: 'file', pattern: /biome-ignore-all\s+([^:\n]*)/ },
  // Deno: `// deno-lint-ignore no-console` (next line), `// deno-lint-ignore-file no-console`.
  { tool: 'deno', scope: 'next-line', pattern: /deno-lint-ignore(?![-\w])([^\n]*)$/ },
  { tool: 'deno', scope: 'file', pattern: /deno-lint-ignore-file(?![-\w])([^\n]*)$/m },
  // Ruff and flake8: `# noqa` (every rule) or `# noqa: T201, S113` on the line; Ruff's file-wide `# ruff: noqa: T201`.
  { tool: 'ruff', scope: 'line', pattern: /#\s*noqa\b(?!-)(?:\s*:)?([ \t\w,]*)/i },
  { tool: 'ruff', scope: 'file', pattern: /^#\s*(?:ruff|flake8)\s*:\s*noqa\b(?:\s*:)?([ \t\w,]*)/im },
  // Bandit: `# nosec` (every test) or `# nosec B113` on the line.
  { tool: 'bandit', scope: 'line', pattern: /#\s*nosec\b(?!-)[:\s]*((?:[A-Z]\d+[\s,]*)*)/i },
];

/** The other tools' names for a prodready rule's concern, per tool. A row per rule. */
export const EQUIVALENT_RULES: Record<string, Record<string, readonly string[]>> = {
  'console-log': {
    eslint: ['no-console'],
    oxlint: ['no-console', 'eslint/no-console'],
    biome: ['lint/suspicious/noConsole', 'lint/suspicious/noConsoleLog', 'lint/suspicious', 'lint'],
    deno: ['no-console'],
  },
  // Ruff / flake8-print T201 (`print`), T203 (`pprint`).
  'print-call': { ruff: ['T201', 'T203', 'T20'] },
  // Ruff / flake8-bandit S113 and Bandit B113: a request without a timeout.
  'http-call-without-timeout': { ruff: ['S113'], bandit: ['B113'] },
  // Ruff / flake8-logging-format: G001 `.format`, G002 `%`, G003 `+`, G004 f-string in a logging call.
  'interpolated-log-message': { ruff: ['G001', 'G002', 'G003', 'G004', 'G'] },
};

const MARKER = /eslint-disable|oxlint-disable|biome-ignore|deno-lint-ignore|noqa|nosec/gi;

/**
 * Per document version, the lines that hold a directive's marker (empty: none), found in one search of
 * the text, and the file-wide answer per rule: asked once per finding, a file with hundreds of findings
 * sliced and searched the text's head and the finding's lines hundreds of times.
 */
interface DocumentDirectives {
  lines: ReadonlySet<number>;
  fileWide: Map<string, boolean>;
}
const perDocument = new WeakMap<ParsedDocument, DocumentDirectives>();
function directivesOf(doc: ParsedDocument): DocumentDirectives {
  let found = perDocument.get(doc);
  if (!found) {
    const lines = new Set<number>();
    for (const match of doc.text.matchAll(MARKER)) lines.add(doc.lines.positionAt(match.index ?? 0).line);
    found = { lines, fileWide: new Map() };
    perDocument.set(doc, found);
  }
  return found;
}

function covers(list: string | undefined, names: readonly string[], directive: Directive): boolean {
  if (list === undefined) return false;
  const rules = (directive.reasonSeparator ? list.split(directive.reasonSeparator)[0] : list).replace(/\*\/.*$/, '').trim();
  // ESLint, oxlint, Deno, Ruff and Bandit: no list means every rule. Biome always names its rule.
  if (rules === '') return directive.tool !== 'biome';
  // Ruff's codes are case-insensitive in practice (`# noqa: t201` is honoured).
  return rules.split(/[\s,]+/).some((r) => names.includes(directive.tool === 'ruff' || directive.tool === 'bandit' ? r.toUpperCase() : r));
}

/** Whether a file-wide directive (in the text's first 4 KiB) opts the whole file out of the concern. */
function fileOptedOut(doc: ParsedDocument, equivalents: Record<string, readonly string[]>): boolean {
  const head = doc.text.slice(0, 4096);
  for (const directive of DIRECTIVES) {
    const names = equivalents[directive.tool];
    if (names && directive.scope === 'file' && covers(directive.pattern.exec(head)?.[1], names, directive)) return true;
  }
  return false;
}

/**
 * Whether another linter's directive in `doc` opts the line holding `offset` out of `ruleId`'s
 * concern. Cheap when the file holds no directive at all (one search per document version).
 */
export function optedOutElsewhere(doc: ParsedDocument, ruleId: string, offset: number): boolean {
  const equivalents = EQUIVALENT_RULES[ruleId];
  if (!equivalents) return false;
  const directives = directivesOf(doc);
  if (directives.lines.size === 0) return false;
  let fileWide = directives.fileWide.get(ruleId);
  if (fileWide === undefined) directives.fileWide.set(ruleId, (fileWide = fileOptedOut(doc, equivalents)));
  if (fileWide) return true;
  const line = doc.lines.positionAt(offset).line;
  const onLine = directives.lines.has(line);
  const onLineBefore = line > 0 && directives.lines.has(line - 1);
  if (!onLine && !onLineBefore) return false;
  for (const directive of DIRECTIVES) {
    const names = equivalents[directive.tool];
    if (!names) continue;
    if (directive.scope === 'line') {
      if (onLine && covers(directive.pattern.exec(doc.lines.lineText(line))?.[1], names, directive)) return true;
    } else if (directive.scope === 'next-line' && onLineBefore && covers(directive.pattern.exec(doc.lines.lineText(line - 1))?.[1], names, directive)) {
      return true;
    }
  }
  return false;
}
