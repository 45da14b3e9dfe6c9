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
  /** The review as Markdown, its evidence linked with `#L<line>` (see `ReviewParams.markdownDir`). */
  markdown: string;
}

export interface ReviewResult {
  folders: FolderReview[];
}

/** What the client may ask: where the Markdown will be written, so its links are relative to it. */
export interface ReviewParams {
  /**
   * The folder (absolute) the client writes the Markdown into. Links to evidence are then relative
   * paths with `#L<line>`, which Markdown previews follow (VS Code's refuses `file:` links); without
   * it, or when no relative path exists (another drive), they are file URIs.
   */
  markdownDir?: string;
}

export interface ReviewSources {
  folders: readonly string[];
  params?: ReviewParams;
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
    const markdownDir = typeof sources.params?.markdownDir === 'string' ? sources.params.markdownDir : undefined;
    const link = (file: string, line: number) => {
      const abs = path.join(folder, file);
      const rel = markdownDir ? path.relative(markdownDir, abs) : undefined;
      const target = rel && !path.isAbsolute(rel) ? rel.split(path.sep).map(encodeURIComponent).join('/') : pathToFileURL(abs).href;
      return `${target}#L${line}`;
    };
    const markdown = reviewMarkdown(review, { link: (e) => link(e.file, e.line) });
    out.push({ folder, review, markdown });
  }
  return { folders: out };
}
