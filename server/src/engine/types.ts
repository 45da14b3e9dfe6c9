// The engine's vocabulary. Nothing here knows about LSP or the terminal: positions are
// offsets into the document's text (UTF-16 code units, as JavaScript strings index them).

import type { ParsedDocument } from './document';
import type { WorkspaceFacts } from './workspace-facts';
import type { FileRole, RoleAnswer } from './model/roles';

export type { FileRole, RoleAnswer } from './model/roles';

export type Severity = 'error' | 'warning' | 'information' | 'hint';
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'information', 'hint'];
/** A rule's configured level: a severity, or `off`. */
export type RuleLevel = Severity | 'off';

/** Which analyser a file gets. */
export type DocumentKind = 'js' | 'python' | 'kubernetes' | 'compose' | 'ecs' | 'dockerfile';
export const DOCUMENT_KINDS: readonly DocumentKind[] = ['js', 'python', 'kubernetes', 'compose', 'ecs', 'dockerfile'];

export type RuleFamily = 'timeouts' | 'logging' | 'shutdown' | 'manifests' | 'calls' | 'config' | 'health';

/** A replacement of `text.slice(start, end)` by `newText`. */
export interface TextEdit {
  start: number;
  end: number;
  newText: string;
  /**
   * The same edit as a snippet (`${1:10_000}` placeholders), for clients that accept snippet
   * edits in a workspace edit. `newText` must be what the snippet expands to at its defaults.
   */
  snippet?: string;
}

export interface Fix {
  title: string;
  /** Applying it cannot change behaviour beyond the rule's intent; only safe fixes go into fix-all. */
  safe: boolean;
  edits: TextEdit[];
}

/**
 * A place in another file (or the same one) that explains a finding: the route a probe misses, the
 * listen call of a mismatched port, the timer of a drain. Lines are 1-based, columns 1-based (0 or
 * absent: the whole line's start).
 */
export interface RelatedLocation {
  /** Absolute path, forward slashes. */
  path: string;
  line: number;
  column?: number;
  message: string;
}

/** What a rule reports. `data` must be plain JSON: it travels in `Diagnostic.data`. */
export interface RuleFinding {
  start: number;
  end: number;
  message: string;
  data?: JsonValue;
  /**
   * The Ruff rule that reports this same finding (`S113`), when Ruff's check is the same concern on
   * the same code. The engine appends "also reported by Ruff S113" to the message when the project's
   * Ruff configuration selects it, and drops the field.
   */
  ruffCode?: string;
  /** The other side of a cross-check (LSP `relatedInformation`, SARIF `relatedLocations`, JSON `related`). */
  related?: RelatedLocation[];
}

/** A finding after the engine has attached its rule and effective severity. */
export interface Finding extends RuleFinding {
  ruleId: string;
  severity: Severity;
}

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface OptionSpec {
  type: 'number' | 'boolean' | 'string' | 'string[]';
  default: JsonValue;
  description: string;
  minimum?: number;
}

export interface RuleContext<O = Record<string, unknown>> {
  doc: ParsedDocument;
  /** The rule's options: its declared defaults overlaid with the user's configuration. */
  options: O;
  /** Read-only facts about other files of the workspace (workspace rules only use it). */
  workspace: WorkspaceFacts;
  /** What the project model says the document is for (the rule runs only on the roles it declares). */
  role: RoleAnswer;
}

export interface RuleExample {
  /** A path that classifies the snippet: `src/server.ts`, `deploy/api.yaml`, `Dockerfile`. */
  path: string;
  code: string;
  /** Other files of the same workspace the example needs (a cross-check's other side: the code a probe checks). */
  alongside?: Array<{ path: string; code: string }>;
}

export interface RuleDocs {
  whatItDoes: string;
  whyItMatters: string;
  example: RuleExample;
  useInstead: RuleExample;
  /** The same concern in the other languages the rule reads (Python beside JavaScript), each checked like the first. */
  moreExamples?: Array<{ example: RuleExample; useInstead: RuleExample }>;
  fixSafety: string;
  references: string[];
}

export interface Rule<O = any> {
  /** kebab-case, names the bad pattern; fits a Kubernetes annotation key (no slash). */
  id: string;
  family: RuleFamily;
  kinds: readonly DocumentKind[];
  /**
   * The file roles (project model) the rule applies to: the engine does not run it on other files.
   * A function when an option widens them (`includeTests`).
   */
  roles: readonly FileRole[] | ((options: O) => readonly FileRole[]);
  defaultSeverity: Severity;
  /** Whether fixes exist and how safe the usual one is. */
  fix: 'safe' | 'unsafe' | 'sometimes-safe' | 'none';
  summary: string;
  options?: Record<string, OptionSpec>;
  docs: RuleDocs;
  check(ctx: RuleContext<O>): RuleFinding[];
  fixes?(finding: RuleFinding, ctx: RuleContext<O>): Fix[];
}
