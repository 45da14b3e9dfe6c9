// Bounds on what one file may cost. The rules walk their trees recursively (the natural way to
// write a rule), so the engine measures a document's nesting once per parse, iteratively, and a
// document too deep for those walks gets one notice instead of rules that throw one by one. Parsers
// that recurse (jsonc-parser, the yaml composer) are run here first, inside a try, so a stack
// overflow in a parser is a notice about that file, never a crash of the run.

import { isAlias, isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Node as JsonNode } from 'jsonc-parser';
import type { ParsedDocument } from './document';
import { treeDepth } from './incremental';

/**
 * The deepest syntax tree the rules are run on. Measured on Node 20's default stack: the first rule
 * to overflow did so at 716 nested array literals (a tree some 720 nodes deep), a 1,658-term `+`
 * chain and an 809-step `.then()` chain (some 1,620 deep). Half the smallest leaves room for the
 * frames of whoever called the analysis (the LSP dispatcher, a test runner). Real code stays far
 * below: the deepest file of the bench corpus is a few dozen levels.
 */
export const MAX_SYNTAX_DEPTH = 350;

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
