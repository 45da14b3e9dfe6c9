// From a file's text to something the rules can read, or a clear reason why not.

import { classify } from './classify';
import { ParsedDocument } from './document';
import type { DocumentKind, Finding } from './types';
import { ENGINE_RULE_IDS } from './analyze';
import { jsParseScan, kindMaxBytes, tooCostlyReason } from './limits';

/** Files larger than this are not analysed (setting `prodready.maxFileSizeKb`); each kind has a lower cap of its own (`KIND_MAX_BYTES` in limits.ts). */
export const DEFAULT_MAX_FILE_BYTES = 2 * 1024 * 1024;

export interface SourceInput {
  path: string;
  relativePath: string;
  text: string;
  languageId?: string;
  version?: number;
  /** A document the caller keeps and analyses again after each edit (the server's open documents). */
  live?: boolean;
}

export type Prepared =
  | { status: 'document'; doc: ParsedDocument }
  | { status: 'skipped'; notice: Finding; kind: DocumentKind; unread: 'size' | 'binary' }
  | { status: 'ignored' };

export function prepare(input: SourceInput, maxBytes = DEFAULT_MAX_FILE_BYTES, previous?: ParsedDocument): Prepared {
  const kind = classify(input.path, input.text.slice(0, 65536), input.languageId);
  if (!kind) return { status: 'ignored' };
  const firstLineEnd = input.text.slice(0, 200).search(/\r?\n|$/);
  const notice = (message: string, unread: 'size' | 'binary' = 'size'): Prepared => ({
    status: 'skipped',
    kind,
    unread,
    notice: { start: 0, end: Math.max(0, firstLineEnd), message, ruleId: ENGINE_RULE_IDS.skipped, severity: 'information' },
  });
  if (input.text.length > maxBytes) {
    const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
    return notice(`Not analysed: the file is ${mb(input.text.length)}, over the ${mb(maxBytes)} limit (setting prodready.maxFileSizeKb).`);
  }
  if (input.text.slice(0, 8192).includes('\0')) {
    return notice('Not analysed: the file holds binary data.', 'binary');
  }
  // The same version asked again (a code action after the diagnostics): its parses are still good.
  if (previous && previous.version === input.version && previous.path === input.path && previous.text === input.text) {
    return { status: 'document', doc: previous };
  }
  // Before the parse: what makes a file too costly is what its parse would cost.
  // An editor's next version counts from the previous version's scan: only what the edit changed is read again.
  const cap = kindMaxBytes(kind, input.path);
  const scan = kind === 'js' && input.text.length <= cap ? jsParseScan(input.text, cap, previous?.path === input.path ? previous.jsCostScan : undefined) : undefined;
  const costly = tooCostlyReason(kind, input.path, input.text, scan);
  if (costly) return notice(costly);
  const doc = new ParsedDocument({ ...input, kind }, previous);
  doc.jsCostScan = scan;
  return { status: 'document', doc };
}
