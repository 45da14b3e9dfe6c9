// Applying fixes to a whole file: one fix at a time, re-analysing in between, so that fixes
// computed on a text are always applied to that same text (as ESLint's multi-pass --fix does).

import { fixesFor } from './analyze';
import { checkText, type CheckEnvironment, type CheckInput } from './check';
import { applyEdits } from './edits';
import type { Finding } from './types';

export interface FixAllResult {
  text: string;
  /** How many fixes were applied. */
  applied: number;
}

const MAX_PASSES = 100;

export function fixAll(
  input: CheckInput,
  env: CheckEnvironment,
  accept: (finding: Finding) => boolean = () => true,
): FixAllResult {
  let text = input.text;
  let applied = 0;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const result = checkText({ ...input, text }, env);
    if (!result.doc) break;
    let next: string | undefined;
    for (const finding of result.findings) {
      if (!accept(finding)) continue;
      const fix = fixesFor(finding, result.doc, { registry: env.registry, config: result.config, workspace: env.workspace }).find(
        (f) => f.safe,
      );
      if (!fix) continue;
      const candidate = applyEdits(text, fix.edits);
      if (candidate !== text) {
        next = candidate;
        break;
      }
    }
    result.doc.dispose();
    if (next === undefined) break;
    text = next;
    applied++;
  }
  return { text, applied };
}
