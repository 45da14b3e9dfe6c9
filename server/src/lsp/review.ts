// The `prodready/review` request: the Production Readiness Review of every workspace folder on disk,
// computed with the same code as `prodready review` (review/collect.ts, review/review.ts). Open
// documents count with their editor text; other files are read from disk like every file the server
// reads (regular files only, within the size cap). The client only shows the answer.

import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CheckEnvironment } from '../engine/check';
import { collectFiles } from '../engine/files';
import { readFactFile } from '../engine/safe-read';
import { collectReviewFiles } from '../review/collect';
import { buildReview, type Review } from '../review/review';
import { reviewMarkdown } from '../review/render';

export const REVIEW_REQUEST = 'prodready/review';

export interface FolderReview {
  /** The workspace folder (absolute, forward slashes); evidence paths are relative to it. */
  folder: string;
  review: Review;
  /** The review as Markdown, its evidence linked as file URIs with `#L<line>`. */
  markdown: string;
}

export interface ReviewResult {
  folders: FolderReview[];
}

export interface ReviewSources {
  folders: readonly string[];
  environment(folder: string): Promise<CheckEnvironment>;
  /** The editor's text of an open document, by absolute path. */
  openText(file: string): string | undefined;
  maxBytes(folder: string): Promise<number>;
  warn(message: string): void;
}

export async function computeReview(sources: ReviewSources): Promise<ReviewResult> {
  const out: FolderReview[] = [];
  for (const folder of sources.folders) {
    const env = await sources.environment(folder);
    const maxBytes = await sources.maxBytes(folder);
    let files: string[];
    try {
      files = collectFiles([folder], folder);
    } catch (error) {
      sources.warn(`review of ${folder}: cannot list its files (${(error as Error)?.message ?? error})`);
      continue;
    }
    const reviewFiles = collectReviewFiles({
      files,
      rootDir: folder,
      shownFrom: folder,
      env,
      read: (file) => sources.openText(file.split(path.sep).join('/')) ?? readFactFile(file, maxBytes),
      warn: sources.warn,
    });
    const review = buildReview(reviewFiles, path.posix.basename(folder));
    const markdown = reviewMarkdown(review, { link: (e) => `${pathToFileURL(path.join(folder, e.file)).href}#L${e.line}` });
    out.push({ folder, review, markdown });
  }
  return { folders: out };
}
