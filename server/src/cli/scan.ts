// One file of `prodready check`: read, classified, (with --fix) fixed and written, checked. The same
// function runs on the main thread and in the worker threads of `--jobs` (cli/jobs.ts): its outcome
// is data (findings and the lines for stderr), which the main thread prints in the files' order, so
// the report is the same whatever the number of jobs.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { registry } from '../rules';
import type { ConfigLoader } from '../engine/config-file';
import { checkText, type CheckEnvironment } from '../engine/check';
import { fixSource } from '../engine/analyze';
import { fixAll } from '../engine/fix-all';
import { toPosix } from '../engine/files';
import { encode, readRegularFile, type ReadResult } from '../engine/safe-read';
import type { WorkspaceIndex } from '../engine/workspace-index';
import { classify, mayClassify } from '../engine/classify';
import type { Report, ReportFinding } from './reports';

/** What a scan of one run shares between its files. */
export interface ScanContext {
  cwd: string;
  rootDir: string;
  realRoot: string;
  fix: boolean;
  configs: ConfigLoader;
  env: CheckEnvironment;
  /** Kept current with the files --fix rewrites (single job only). */
  index: WorkspaceIndex;
  /** Config files already checked for problems, so that each is reported once. */
  checkedConfigs: Set<string>;
}

/** What checking one file gave: lines for stderr, findings, and whether it was analysed. */
export interface FileOutcome {
  warnings: string[];
  findings: ReportFinding[];
  analysed: 0 | 1;
  fixed?: Report['fixed'][number];
  /** A config file that applies to the file cannot be used: the run stops here with exit code 2. */
  configProblem?: string;
}

/** Larger files are not read (the engine would skip them anyway, over prodready.maxFileSizeKb). */
export const MAX_READ_BYTES = 64 * 1024 * 1024;

export function realpathOr(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

export function shownPath(cwd: string, file: string): string {
  return toPosix(path.relative(cwd, file));
}

/** The first problem of a config file that applies to `file` and was not checked yet (the editor shows these on the file itself). */
function configProblem(configs: ConfigLoader, file: string, cwd: string, rootDir: string, seen: Set<string>): string | undefined {
  for (const config of configs.configFilesFor(file, rootDir)) {
    if (seen.has(config.path)) continue;
    seen.add(config.path);
    const problem = config.problems[0];
    if (problem) return `${toPosix(path.relative(cwd, config.path))}: ${problem.message}`;
  }
  return undefined;
}

export function scanFile(file: string, ctx: ScanContext): FileOutcome {
  const outcome: FileOutcome = { warnings: [], findings: [], analysed: 0 };
  if (!mayClassify(file)) return outcome; // source maps, declarations, images: never read
  const shown = shownPath(ctx.cwd, file);
  const read = readRegularFile(file, MAX_READ_BYTES);
  if (!read.ok) {
    outcome.warnings.push(`${shown}: not checked, ${read.reason}`);
    return outcome;
  }
  if (!classify(file, read.text.slice(0, 65536))) return outcome;
  const problem = configProblem(ctx.configs, file, ctx.cwd, ctx.rootDir, ctx.checkedConfigs);
  if (problem) return { ...outcome, configProblem: problem };
  // One file that breaks the engine is one line on stderr: the others are still checked and reported.
  try {
    checkFile(file, shown, read, ctx, outcome);
  } catch (error) {
    outcome.warnings.push(`${shown}: not checked, internal error: ${(error as Error)?.message ?? error}`);
    outcome.findings = [];
    outcome.analysed = 0;
  }
  return outcome;
}

/** Fixes (with --fix) and checks one file, adding its findings to the outcome. */
function checkFile(file: string, shown: string, read: Extract<ReadResult, { ok: true }>, ctx: ScanContext, outcome: FileOutcome): void {
  const { env, rootDir } = ctx;
  const warn = (line: string) => outcome.warnings.push(line);
  const input = { path: toPosix(file), relativePath: toPosix(path.relative(rootDir, file)), rootDir, text: read.text };
  if (ctx.fix) {
    const result = fixAll(input, env);
    for (const r of result.rolledBack) warn(`${shown}:${r.line}: fix "${r.title}" [${r.ruleId}] not applied: ${r.reason}`);
    if (result.applied > 0) {
      const problem = writeFixed(file, read, result.text, ctx.realRoot);
      if (problem) warn(`${shown}: not fixed, ${problem}`);
      else {
        outcome.fixed = { file: shown, applied: result.applied };
        input.text = result.text;
        ctx.index.updateText(file, result.text);
      }
    }
  }
  const result = checkText(input, env);
  if (result.excluded) return;
  for (const crash of result.crashes) warn(`rule ${crash.ruleId} failed on ${shown}: ${(crash.error as Error)?.message ?? crash.error}`);
  const entries: ReportFinding[] = [];
  const all = [...result.findings.map((finding) => ({ finding, suppression: undefined })), ...result.suppressed.map((s) => ({ finding: s.finding, suppression: { kind: s.kind, justification: s.justification } }))];
  // Fixes on request, once per document version: the report needs their titles, not a re-analysis per finding.
  const fixesOf = result.doc ? fixSource(result.doc, { registry, config: result.config, workspace: env.workspace }) : undefined;
  for (const { finding, suppression } of all) {
    const start = result.doc ? result.doc.lines.positionAt(finding.start) : { line: 0, character: 0 };
    const end = result.doc ? result.doc.lines.positionAt(finding.end) : start;
    const fixes = fixesOf && !suppression ? fixesOf(finding) : [];
    entries.push({
      ...(suppression ? { suppression } : {}),
      ruleId: finding.ruleId,
      severity: finding.severity,
      file: shown,
      line: start.line + 1,
      column: start.character + 1,
      endLine: end.line + 1,
      endColumn: end.character + 1,
      message: finding.message,
      fixes: fixes.map((f) => ({ title: f.title, safe: f.safe })),
      ...(finding.related && finding.related.length > 0
        ? { related: finding.related.map((r) => ({ file: shownPath(ctx.cwd, r.path), line: r.line, column: Math.max(1, r.column ?? 1), message: r.message })) }
        : {}),
    });
  }
  result.doc?.dispose(); // the Python tree lives in the WebAssembly heap, which is not collected
  // Added only once the whole file went through: a file that fails half-way adds nothing.
  outcome.findings = entries;
  outcome.analysed = 1;
}

/**
 * Writes a fixed file, or says why not. Only the bytes of the edits change: the text is encoded back
 * the way it was decoded (UTF-8, or Latin-1 for bytes that are not UTF-8). The write goes to the
 * symlink's target, which must be inside the root. The new content is first written to a temporary
 * file next to the target; when renaming it over the target keeps everything (one link, our file)
 * that is what happens (atomic); otherwise (hard links, another owner) the target is rewritten in
 * place, so its inode, mode, owner and links stay.
 */
function writeFixed(file: string, read: Extract<ReadResult, { ok: true }>, text: string, realRoot: string): string | undefined {
  let target: string;
  try {
    target = fs.realpathSync(file);
  } catch (error) {
    return `cannot resolve it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
  }
  if (target !== realRoot && !target.startsWith(realRoot + path.sep)) return `it resolves to ${target}, outside the root ${realRoot}`;
  const bytes = encode(text, read.encoding);
  if (!bytes) return 'the fixes need characters its encoding (Latin-1) cannot hold';
  let stat: fs.Stats;
  try {
    stat = fs.statSync(target);
  } catch (error) {
    return `cannot write it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
  }
  if (!stat.isFile()) return 'it is no longer a regular file';
  if ((stat.mode & 0o222) === 0) return 'it is read-only';
  const ours = typeof process.getuid !== 'function' || stat.uid === process.getuid();
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.prodready-${process.pid}.tmp`);
  let tempWritten = false;
  try {
    const fd = fs.openSync(temp, 'wx', stat.mode & 0o7777);
    try {
      fs.writeSync(fd, bytes);
      fs.fchmodSync(fd, stat.mode & 0o7777);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    tempWritten = true;
    if (stat.nlink === 1 && ours) {
      fs.renameSync(temp, target);
      return undefined;
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // A folder we may not create files in can still hold a file we may write: write it in place.
    if (code !== 'EACCES' && code !== 'EPERM' && code !== 'EROFS') {
      if (tempWritten) fs.rmSync(temp, { force: true });
      return `cannot write it (${code ?? (error as Error).message})`;
    }
  }
  try {
    const fd = fs.openSync(target, fs.constants.O_WRONLY);
    try {
      fs.writeSync(fd, bytes, 0, bytes.length, 0);
      fs.ftruncateSync(fd, bytes.length);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    return undefined;
  } catch (error) {
    return `cannot write it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
  } finally {
    if (tempWritten) fs.rmSync(temp, { force: true });
  }
}
