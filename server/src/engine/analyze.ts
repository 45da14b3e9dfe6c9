// analyze(): a parsed document and its configuration in, findings out. The one place rules run.

import type { Registry } from '../rules/registry';
import { ruleLevel, ruleOptions, type Config } from './config';
import type { ParsedDocument } from './document';
import type { Finding, Fix, Rule, RuleContext, RuleFinding } from './types';
import { NO_WORKSPACE_FACTS, type WorkspaceFacts } from './workspace-facts';
import { fileRole } from './model/file-role';
import type { RoleAnswer } from './model/roles';
import { DEFAULT_TIME_BUDGET_MS, timeBudget, unanalysableReason } from './limits';

/** Findings the engine itself makes about a file it could not (fully) analyse. */
export const ENGINE_RULE_IDS = {
  unparsable: 'unparsable-file',
  skipped: 'skipped-file',
  unusedIgnore: 'unused-ignore',
  ignoreWithoutReason: 'ignore-without-reason',
  misplacedIgnore: 'misplaced-ignore',
} as const;

export function isEngineFinding(ruleId: string): boolean {
  return (Object.values(ENGINE_RULE_IDS) as string[]).includes(ruleId);
}

export interface AnalyzeOptions {
  registry: Registry;
  config: Config;
  workspace?: WorkspaceFacts;
  /** How long (CPU time) this file's rules may take; the rules not yet run when it expires are skipped, with a notice. */
  timeBudgetMs?: number;
}

export interface RuleCrash {
  ruleId: string;
  error: unknown;
}

export interface AnalyzeResult {
  findings: Finding[];
  /** Rules that threw. The document's other findings still stand; the caller logs these. */
  crashes: RuleCrash[];
  /** True when no rule ran: the document could not be parsed safely or is too deep (one `skipped-file` notice says why). */
  skipped?: boolean;
}

export function analyze(doc: ParsedDocument, options: AnalyzeOptions): AnalyzeResult {
  const findings: Finding[] = [];
  const crashes: RuleCrash[] = [];
  const tooHard = unanalysableReason(doc);
  if (tooHard) return { findings: [skippedNotice(doc, tooHard)], crashes, skipped: true };
  const budget = timeBudget(options.timeBudgetMs ?? DEFAULT_TIME_BUDGET_MS);
  const notRun: string[] = [];
  const problem = doc.parseProblem();
  if (problem) {
    findings.push({ ...problem, ruleId: ENGINE_RULE_IDS.unparsable, severity: 'information' });
  }
  let role: RoleAnswer | undefined;
  for (const rule of options.registry.forKind(doc.kind)) {
    const level = ruleLevel(rule, options.config);
    if (level === 'off') continue;
    if (budget.expired()) {
      notRun.push(rule.id);
      continue;
    }
    try {
      role ??= roleOf(doc, options);
      const context = ruleContext(rule, doc, options, role);
      if (!appliesTo(rule, context)) continue;
      // Built field by field: an object spread of each rule's own shape was most of this loop's time.
      for (const finding of rule.check(context)) {
        const out: Finding = { start: finding.start, end: finding.end, message: withRuffNote(finding.message, finding.ruffCode, doc, context.workspace), ruleId: rule.id, severity: level };
        if (finding.data !== undefined) out.data = finding.data;
        if (finding.related !== undefined) out.related = finding.related;
        findings.push(out);
      }
    } catch (error) {
      crashes.push({ ruleId: rule.id, error });
    }
  }
  if (notRun.length > 0) {
    const budget = options.timeBudgetMs ?? DEFAULT_TIME_BUDGET_MS;
    findings.push(skippedNotice(doc, `Partly analysed: the checks took over ${budget} ms of CPU time on this file, so ${notRun.join(', ')} did not run.`));
  }
  findings.sort((a, b) => a.start - b.start || a.end - b.end || a.ruleId.localeCompare(b.ruleId));
  return { findings, crashes };
}

/** "Also reported by Ruff S113 (selected in pyproject.toml:12)" when the project's Ruff configuration selects the code. */
function withRuffNote(message: string, code: string | undefined, doc: ParsedDocument, workspace: WorkspaceFacts): string {
  if (!code) return message;
  const selected = workspace.ruffSelects(doc.path, code);
  return selected ? `${message} Also reported by Ruff ${code} (selected in ${workspace.relativePath(selected.path)}:${selected.line}).` : message;
}

/** The note `withRuffNote` appends: rules match their findings by the message they made, without it. */
const RUFF_NOTE = / Also reported by Ruff [A-Z]+\d+ \(selected in [^\n]*:\d+\)\.$/;

/** The engine's one notice about a file it did not (fully) analyse, on its first line. */
function skippedNotice(doc: ParsedDocument, message: string): Finding {
  const firstLineEnd = doc.text.slice(0, 200).search(/\r?\n|$/);
  return { start: 0, end: Math.max(0, firstLineEnd), message, ruleId: ENGINE_RULE_IDS.skipped, severity: 'information' };
}

/** What the project model says `doc` is for, under the configuration's `roles:` overrides. */
export function roleOf(doc: ParsedDocument, options: Pick<AnalyzeOptions, 'config' | 'workspace'>): RoleAnswer {
  return fileRole(doc, options.workspace ?? NO_WORKSPACE_FACTS, options.config.roles);
}

/** Whether the rule applies to the role of the context's document. */
export function appliesTo(rule: Rule, context: RuleContext): boolean {
  const roles = typeof rule.roles === 'function' ? rule.roles(context.options) : rule.roles;
  return roles.includes(context.role.role);
}

export function ruleContext(rule: Rule, doc: ParsedDocument, options: AnalyzeOptions, role: RoleAnswer = roleOf(doc, options)): RuleContext {
  return { doc, options: ruleOptions(rule, options.config), workspace: options.workspace ?? NO_WORKSPACE_FACTS, role };
}

/** The fixes a rule offers for one of its findings, recomputed from the finding alone. */
export function fixesFor(finding: Pick<Finding, 'ruleId'> & RuleFinding, doc: ParsedDocument, options: AnalyzeOptions): Fix[] {
  return fixSource(doc, options)(finding);
}

/** The fixes of one document version's findings, each computed when first asked for. */
export type FixSource = (finding: Pick<Finding, 'ruleId'> & RuleFinding) => Fix[];

/**
 * Fixes on request for one document version: the file's role and each rule's context are worked out
 * once, and each finding's fixes once, however many findings the file has or however often they are
 * asked for (the CLI's report asks each finding for its fix titles, the server asks on a code action).
 * Per-finding work stays the rule's own; what a rule gathers about the whole file it keeps per document.
 */
export function fixSource(doc: ParsedDocument, options: AnalyzeOptions): FixSource {
  let role: RoleAnswer | undefined;
  const contexts = new Map<string, RuleContext | undefined>();
  const done = new Map<string, Fix[]>();
  return (finding) => {
    const rule = options.registry.get(finding.ruleId);
    if (!rule?.fixes) return [];
    const key = `${finding.ruleId}\0${finding.start}\0${finding.end}\0${finding.message}\0${finding.data === undefined ? '' : JSON.stringify(finding.data)}`;
    const known = done.get(key);
    if (known) return known;
    let fixes: Fix[] = [];
    try {
      if (!contexts.has(rule.id)) {
        role ??= roleOf(doc, options);
        const context = ruleContext(rule, doc, options, role);
        contexts.set(rule.id, appliesTo(rule, context) ? context : undefined);
      }
      const context = contexts.get(rule.id);
      if (context) fixes = rule.fixes({ ...finding, message: finding.message.replace(RUFF_NOTE, '') }, context);
    } catch {
      fixes = [];
    }
    done.set(key, fixes);
    return fixes;
  };
}
