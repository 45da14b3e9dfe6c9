// Applying fixes to a whole file, in passes (as ESLint's --fix does): each pass computes the safe
// fixes on one text, applies those whose edits do not overlap, and checks the result by analysing
// it again. A fix is applied only where the file parses cleanly around it, and is kept only when its
// finding is gone and the file parses no worse; otherwise it is rolled back, never retried, and
// reported. So a fix can neither land in broken code nor be applied over and over.

import type { ts } from 'ts-morph';
import { fixSource } from './analyze';
import { checkText, type CheckEnvironment, type CheckInput, type CheckResult } from './check';
import type { ParsedDocument } from './document';
import { applyEdits } from './edits';
import type { Finding, Fix } from './types';

export interface RolledBack {
  ruleId: string;
  title: string;
  /** 1-based line of the finding, in the text the fix was computed on. */
  line: number;
  reason: string;
}

export interface FixAllResult {
  text: string;
  /** How many fixes were applied. */
  applied: number;
  /** Fixes that were not applied, or were undone, and why. */
  rolledBack: RolledBack[];
}

const MAX_PASSES = 100;

interface Candidate {
  finding: Finding;
  fix: Fix;
  key: string;
}

export function fixAll(
  input: CheckInput,
  env: CheckEnvironment,
  accept: (finding: Finding) => boolean = () => true,
): FixAllResult {
  let text = input.text;
  let result = checkText(input, env);
  let applied = 0;
  const rolledBack: RolledBack[] = [];
  const refused = new Set<string>();
  const refuse = (doc: ParsedDocument, c: Candidate, reason: string) => {
    refused.add(c.key);
    rolledBack.push({ ruleId: c.finding.ruleId, title: c.fix.title, line: doc.lines.positionAt(c.finding.start).line + 1, reason });
  };

  for (let pass = 0; pass < MAX_PASSES && result.doc; pass++) {
    const doc: ParsedDocument = result.doc;
    const errors = parseErrorOffsets(doc);
    const candidates: Candidate[] = [];
    const fixesOf = fixSource(doc, { registry: env.registry, config: result.config, workspace: env.workspace });
    for (const finding of result.findings) {
      if (!accept(finding)) continue;
      const rule = env.registry.get(finding.ruleId);
      if (!rule || rule.fix === 'none' || rule.fix === 'unsafe') continue; // nothing fix-all may apply
      const key = `${finding.ruleId}\0${finding.message}\0${doc.text.slice(finding.start, finding.end)}`;
      if (refused.has(key)) continue;
      const fix = fixesOf(finding).find((f) => f.safe);
      if (!fix || fix.edits.length === 0) continue;
      const candidate = { finding, fix, key };
      if (brokenAround(doc, errors, finding, fix)) refuse(doc, candidate, 'the code around it does not parse');
      else candidates.push(candidate);
    }
    if (candidates.length === 0) break;

    const before = result;
    const attempt = (chosen: Candidate[]): { text: string; result: CheckResult } | string => {
      let next: string;
      try {
        next = applyEdits(text, chosen.flatMap((c) => c.fix.edits));
      } catch {
        return 'its edits overlap';
      }
      if (next === text) return 'it changes nothing';
      const after = checkText({ ...input, text: next }, env);
      const refused = verdict(before, after, chosen);
      // The Python tree lives in the WebAssembly heap, which is not collected: free what is not kept.
      if (refused !== undefined) after.doc?.dispose();
      return refused ?? { text: next, result: after };
    };

    // All the fixes that do not touch one another, in one go; when that does not check out, one at a time.
    const batch = nonOverlapping(candidates);
    const together = batch.length > 1 ? attempt(batch) : undefined;
    if (together !== undefined && typeof together !== 'string') {
      before.doc?.dispose();
      ({ text, result } = together);
      applied += batch.length;
      continue;
    }
    let progressed = false;
    for (const c of candidates) {
      const alone = attempt([c]);
      if (typeof alone === 'string') {
        refuse(doc, c, alone);
        continue;
      }
      before.doc?.dispose();
      ({ text, result } = alone);
      applied++;
      progressed = true;
      break;
    }
    if (!progressed) break;
  }
  result.doc?.dispose();
  return { text, applied, rolledBack };
}

/**
 * The candidates, in order, whose edits touch no earlier chosen one's (as `editsOverlap` in edits.ts decides:
 * overlapping spans, or the same span, such as two insertions at one point). Claimed spans are kept
 * sorted, so 5,000 fixes cost a binary search each, not 5,000 comparisons each.
 */
function nonOverlapping(candidates: Candidate[]): Candidate[] {
  const claimed: Array<[number, number]> = [];
  const firstEndingAfter = (offset: number) => {
    let low = 0;
    let high = claimed.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (claimed[mid][1] <= offset) low = mid + 1;
      else high = mid;
    }
    return low;
  };
  const clashes = (start: number, end: number) => {
    // Claimed spans do not overlap one another, so sorted by start they are sorted by end too.
    for (let i = Math.max(0, firstEndingAfter(start) - 1); i < claimed.length && claimed[i][0] <= end; i++) {
      const [s, e] = claimed[i];
      if ((start < e && s < end) || (start === s && end === e)) return true;
    }
    return false;
  };
  const chosen: Candidate[] = [];
  for (const c of candidates) {
    if (c.fix.edits.some((e) => clashes(e.start, e.end))) continue;
    chosen.push(c);
    // A fix's own edits may share a point (`,` then the new property, both inserted at one offset).
    for (const e of c.fix.edits) claimed.splice(firstEndingAfter(e.start), 0, [e.start, e.end]);
  }
  return chosen;
}

/** Why the fixed text is worse than the one before, or undefined when every fix did its job. */
function verdict(before: CheckResult, after: CheckResult, chosen: Candidate[]): string | undefined {
  if (!after.doc || !before.doc) return 'the file could no longer be analysed afterwards';
  if (parseErrorOffsets(after.doc).length > parseErrorOffsets(before.doc).length) return 'the file parsed worse afterwards';
  const fixedPerRule = new Map<string, number>();
  for (const c of chosen) fixedPerRule.set(c.finding.ruleId, (fixedPerRule.get(c.finding.ruleId) ?? 0) + 1);
  for (const [ruleId, fixed] of fixedPerRule) {
    const count = (r: CheckResult) => r.findings.filter((f) => f.ruleId === ruleId).length;
    if (count(after) > count(before) - fixed) return 'its finding was still there afterwards';
  }
  return undefined;
}

/** Where the parser of the document's kind found syntax errors (offsets). */
export function parseErrorOffsets(doc: ParsedDocument): number[] {
  switch (doc.kind) {
    case 'js': {
      const diagnostics = (doc.sourceFile as ts.SourceFile & { parseDiagnostics?: readonly ts.Diagnostic[] }).parseDiagnostics ?? [];
      return diagnostics.map((d) => d.start ?? 0);
    }
    case 'kubernetes':
    case 'compose':
      return doc.yaml.documents.flatMap((d) => d.errors.map((e) => e.pos[0]));
    case 'ecs':
      return doc.json.errors.map((e) => e.offset);
    default:
      return [];
  }
}

/** True when a syntax error lies on the lines the finding and its fix touch, or on the line before or after. */
function brokenAround(doc: ParsedDocument, errors: number[], finding: Finding, fix: Fix): boolean {
  if (errors.length === 0) return false;
  const start = Math.min(finding.start, ...fix.edits.map((e) => e.start));
  const end = Math.max(finding.end, ...fix.edits.map((e) => e.end));
  const firstLine = Math.max(0, doc.lines.positionAt(start).line - 1);
  const lastLine = Math.min(doc.lines.lineCount - 1, doc.lines.positionAt(end).line + 1);
  const from = doc.lines.lineStart(firstLine);
  const to = doc.lines.lineEnd(lastLine);
  return errors.some((offset) => offset >= from && offset <= to);
}
