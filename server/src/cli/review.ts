// `prodready review`: the Production Readiness Review of the services under the given paths, as
// Markdown (default), JSON (docs/review-format.md) or one self-contained HTML file. Exit codes: 0,
// 1 with `--fail-on blocker` when a service has a failing blocker item, 2 bad usage.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { registry } from '../rules';
import { ConfigLoader } from '../engine/config-file';
import { EMPTY_CONFIG } from '../engine/config';
import type { CheckEnvironment } from '../engine/check';
import { collectFiles, MissingPathError } from '../engine/files';
import { readRegularFile } from '../engine/safe-read';
import { WorkspaceIndex } from '../engine/workspace-index';
import { collectReviewFiles } from '../review/collect';
import { buildReview } from '../review/review';
import { reviewHtml, reviewJson, reviewMarkdown } from '../review/render';


interface ReviewArgs {
  paths: string[];
  format: 'markdown' | 'json' | 'html';
  out?: string;
  failOn: 'blocker' | 'none';
}

class ReviewUsage extends Error {}

function parseArgs(argv: string[]): ReviewArgs {
  const args: ReviewArgs = { paths: [], format: 'markdown', failOn: 'none' };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      const v = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (v === undefined || (eq < 0 && v.startsWith('--'))) throw new ReviewUsage(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--format': {
        const v = value();
        if (v !== 'markdown' && v !== 'json' && v !== 'html') throw new ReviewUsage(`--format must be markdown, json or html, not '${v}'`);
        args.format = v;
        break;
      }
      case '--out':
        args.out = value();
        break;
      case '--fail-on': {
        const v = value();
        if (v !== 'blocker' && v !== 'none') throw new ReviewUsage(`--fail-on must be blocker or none, not '${v}'`);
        args.failOn = v;
        break;
      }
      default:
        if (arg.startsWith('-')) throw new ReviewUsage(`unknown option ${arg}`);
        args.paths.push(arg);
    }
  }
  if (args.paths.length === 0) args.paths.push('.');
  return args;
}

export function runReview(argv: string[]): number {
  let args: ReviewArgs;
  const warn = (message: string) => process.stderr.write(`prodready: ${message}\n`);
  try {
    args = parseArgs(argv);
  } catch (error) {
    if (!(error instanceof ReviewUsage)) throw error;
    warn(error.message);
    return 2;
  }
  const cwd = process.cwd();
  let files: string[];
  try {
    files = collectFiles(args.paths, cwd, (file, reason) => warn(`${path.relative(cwd, file)}: skipped, ${reason}`));
  } catch (error) {
    if (!(error instanceof MissingPathError)) throw error;
    warn(error.message);
    return 2;
  }
  const index = new WorkspaceIndex();
  try {
    index.indexFiles(files, args.paths.map((p) => path.resolve(cwd, p)));
    index.indexPackagesOf(files, cwd);
  } catch (error) {
    warn(`internal error while indexing the workspace, cross-file answers are incomplete: ${(error as Error)?.message ?? error}`);
  }
  const env: CheckEnvironment = { registry, configs: new ConfigLoader(registry, { frozen: true }), baseConfig: EMPTY_CONFIG, workspace: index.facts() };
  const reviewFiles = collectReviewFiles({
    files,
    rootDir: cwd,
    shownFrom: cwd,
    env,
    read: (file) => {
      const r = readRegularFile(file, 8 * 1024 * 1024);
      return r.ok ? r.text : undefined;
    },
    warn,
  });
  const rootName = path.basename(args.paths.length === 1 ? path.resolve(cwd, args.paths[0]) : cwd);
  const review = buildReview(reviewFiles, rootName);
  const out = args.format === 'json' ? reviewJson(review) : args.format === 'html' ? reviewHtml(review) : reviewMarkdown(review);
  if (args.out) {
    try {
      fs.writeFileSync(args.out, out);
    } catch (error) {
      warn(`--out ${args.out}: cannot write (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
      return 2;
    }
  } else process.stdout.write(out);
  return args.failOn === 'blocker' && review.summary.blockers > 0 ? 1 : 0;
}
