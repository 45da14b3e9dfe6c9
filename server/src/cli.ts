// `prodready`: the same engine as the editor, for CI and terminals. Stdout holds only the report;
// anything else goes to stderr. Exit codes: 0 nothing at or above the failing severity, 1 something
// was, 2 bad usage or an unreadable input.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { registry } from './rules';
import { ConfigLoader } from './engine/config-file';
import { EMPTY_CONFIG, type Config } from './engine/config';
import { checkText, type CheckEnvironment } from './engine/check';
import { collectFiles, MissingPathError, toPosix } from './engine/files';
import { classify } from './engine/classify';
import { WorkspaceIndex, type SourceParseFacts } from './engine/workspace-index';
import { SEVERITIES, type Severity } from './engine/types';
import { explain, explanationText, type Explanation } from './engine/model/explain';
import { jsonReport, sarifReport, textReport, type Report, type ReportFinding } from './cli/reports';
import { version } from '../../package.json';
import { initPython } from './engine/python';
import { runReview } from './cli/review';
import { realpathOr, scanFile, shownPath, type FileOutcome, type ScanContext } from './cli/scan';
import { jobsFor, scanInParallel } from './cli/jobs';
import { parseShard, shardOf, type Shard } from './cli/shard';
import { MergeError, mergeReports } from './cli/merge';
import { heapBound } from './cli/memory';
import { saveCodeCache } from './engine/code-cache';

class UsageError extends Error {}

const USAGE = `Usage:
  prodready check [paths...] [--format text|json|sarif] [--config FILE] [--fix]
                  [--fail-on error|warning|information|hint|none] [--max-warnings N]
                  [--ignore-suppressions] [--root DIR] [--jobs N] [--shard K/N]
  prodready merge <reports...>
  prodready explain <paths...> [--format text|json] [--root DIR]
  prodready review [paths...] [--format markdown|json|html] [--out FILE] [--fail-on blocker|none]
  prodready rules [--format text|json]
  prodready --version | --help

check      Analyse files and folders (default: the current folder). Folders are walked as git
           sees them: .gitignore is honoured and node_modules is never entered.
--format   text (default), json (the contract in docs/cli.md) or sarif (SARIF 2.1.0).
--config   A .prodready.yaml to apply under the ones found next to the files.
--fix      Apply safe fixes and write the files; the report shows what is left.
--fail-on  The lowest severity that makes the exit code 1 (default: warning).
--max-warnings N  Also exit 1 when there are more than N warnings.
--root     Where config discovery stops and relative paths start (default: the current folder).
--jobs N   Check on N threads (default: every core but one, once there are enough files; --fix uses one).
           The report is the same as with one job.
--shard K/N  Check only the K-th of N parts of the files (split by a stable hash of the path
           relative to --root), for a CI matrix; cross-file checks still read every file.

merge      Combine the JSON or SARIF reports of the --shard parts into the report of one run.

explain    What the project model believes each file is for (service, browser, test, dev, script,
           config, build, generated, example) and why, and which rules apply to it. Override a
           wrong answer with \`roles:\` in .prodready.yaml.

review     The Production Readiness Review of each service: every checklist item pass, fail or
           unknown, with its evidence (docs/review-format.md). --fail-on blocker exits 1 on a
           failing blocker.

Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 bad usage or unreadable input.`;

interface CheckArgs {
  paths: string[];
  format: 'text' | 'json' | 'sarif';
  config?: string;
  fix: boolean;
  failOn: Severity | 'none';
  maxWarnings?: number;
  ignoreSuppressions: boolean;
  root?: string;
  jobs?: number;
  shard?: Shard;
}

function parseCheckArgs(argv: string[]): CheckArgs {
  const args: CheckArgs = { paths: [], format: 'text', fix: false, failOn: 'warning', ignoreSuppressions: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || (inline === undefined && v.startsWith('--'))) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--format': {
        const v = value();
        if (v !== 'text' && v !== 'json' && v !== 'sarif') throw new UsageError(`--format must be text, json or sarif, not '${v}'`);
        args.format = v;
        break;
      }
      case '--config':
        args.config = value();
        break;
      case '--fix':
        args.fix = true;
        break;
      case '--ignore-suppressions':
        args.ignoreSuppressions = true;
        break;
      case '--fail-on': {
        const v = value();
        if (v !== 'none' && !(SEVERITIES as readonly string[]).includes(v)) throw new UsageError(`--fail-on must be one of ${SEVERITIES.join(', ')}, none`);
        args.failOn = v as Severity | 'none';
        break;
      }
      case '--max-warnings': {
        const v = value();
        if (!/^\d+$/.test(v)) throw new UsageError(`--max-warnings takes a whole number, not '${v}'`);
        args.maxWarnings = Number(v);
        break;
      }
      case '--root':
        args.root = value();
        break;
      case '--jobs': {
        const v = value();
        if (!/^\d+$/.test(v) || Number(v) < 1) throw new UsageError(`--jobs takes a whole number >= 1, not '${v}'`);
        args.jobs = Number(v);
        break;
      }
      case '--shard': {
        const v = value();
        const shard = parseShard(v);
        if (!shard) throw new UsageError(`--shard takes K/N with 1 <= K <= N (e.g. 2/4), not '${v}'`);
        args.shard = shard;
        break;
      }
      default:
        if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
        args.paths.push(arg);
    }
  }
  if (args.paths.length === 0) args.paths.push('.');
  return args;
}

function loadExplicitConfig(file: string, configs: ConfigLoader): Config {
  const abs = path.resolve(file);
  if (!fs.existsSync(abs)) throw new UsageError(`--config ${file}: no such file`);
  const loaded = configs.read(abs);
  if (!loaded) throw new UsageError(`--config ${file}: not a file`);
  const problem = loaded.problems[0];
  if (problem) throw new UsageError(`${file}: ${problem.message}`);
  return { ...EMPTY_CONFIG, ...loaded.config, rules: loaded.config.rules ?? {}, exclude: loaded.config.exclude ?? [], ignore: loaded.config.ignore ?? [] };
}

async function runCheck(argv: string[]): Promise<number> {
  const started = performance.now();
  const args = parseCheckArgs(argv);
  const cwd = process.cwd();
  const rootDir = path.resolve(args.root ?? cwd);
  // One run sees one state of the disk: each folder's config file is looked up once, not per file.
  const configs = new ConfigLoader(registry, { frozen: true });
  const baseConfig = args.config ? loadExplicitConfig(args.config, configs) : EMPTY_CONFIG;
  let files: string[];
  const warn = (message: string) => process.stderr.write(`prodready: ${message}\n`);
  try {
    files = collectFiles(args.paths, cwd, (file, reason) => warn(`${shownPath(cwd, file)}: skipped, ${reason}`));
  } catch (error) {
    if (error instanceof MissingPathError) throw new UsageError(error.message);
    throw error;
  }
  // Workspace rules (a SIGTERM handler in another file) see every file this run scans, and the rest
  // of the packages those files belong to: with --shard too, so that findings depending on other
  // files are the same in every part.
  const index = new WorkspaceIndex();
  // The heap is bounded from the index's first parse on: a third of a scan's parses are the index's.
  const bound = heapBound();
  const buildIndex = (parsed?: ReadonlyMap<string, SourceParseFacts>) => {
    try {
      index.indexFiles(files, args.paths.map((p) => path.resolve(cwd, p)), parsed, bound);
      index.indexPackagesOf(files, cwd);
    } catch (error) {
      // Without the facts about other files, workspace rules answer "unknown": fewer findings, never wrong ones.
      warn(`internal error while indexing the workspace, cross-file checks are incomplete: ${(error as Error)?.message ?? error}`);
    }
    return index;
  };
  const shard = args.shard;
  const toCheck = shard ? files.filter((file) => shardOf(toPosix(path.relative(rootDir, file)), shard.count) === shard.index) : files;
  const env: CheckEnvironment = { registry, configs, baseConfig, ignoreSuppressions: args.ignoreSuppressions, workspace: index.facts() };
  const ctx: ScanContext = { cwd, rootDir, realRoot: realpathOr(rootDir), fix: args.fix, configs, env, index, checkedConfigs: new Set() };
  const findings: ReportFinding[] = [];
  const fixed: Report['fixed'] = [];
  let analysed = 0;
  let problem: string | undefined;
  const take = (outcome: FileOutcome): boolean => {
    if (outcome.configProblem) {
      problem = outcome.configProblem;
      return false;
    }
    for (const line of outcome.warnings) warn(line);
    if (outcome.fixed) fixed.push(outcome.fixed);
    findings.push(...outcome.findings);
    analysed += outcome.analysed;
    return true;
  };
  // --fix rewrites files and the index learns their new text before the next file: one thread.
  const jobs = args.fix ? 1 : jobsFor(toCheck.length, args.jobs);
  if (jobs > 1) {
    const setup = { cwd, rootDir, realRoot: ctx.realRoot, baseConfig, ignoreSuppressions: args.ignoreSuppressions, python: toCheck.some((file) => classify(file, '') === 'python') };
    await scanInParallel({ files: toCheck, jobs, setup, ctx, indexFiles: files, buildIndex, onOutcome: take });
  } else {
    buildIndex();
    for (const file of toCheck) {
      if (!take(scanFile(file, ctx))) break;
      bound();
    }
  }
  if (problem) throw new UsageError(problem);

  const report: Report = { findings, files: analysed, durationMs: Math.round(performance.now() - started), fixed };
  const out =
    args.format === 'json'
      ? jsonReport(report)
      : args.format === 'sarif'
        ? sarifReport(report, registry, version, pathToFileURL(cwd).href)
        : textReport(report, process.stdout.isTTY === true && !process.env.NO_COLOR);
  process.stdout.write(out);

  const active = findings.filter((f) => !f.suppression);
  const failing =
    args.failOn !== 'none' && active.some((f) => SEVERITIES.indexOf(f.severity) <= SEVERITIES.indexOf(args.failOn as Severity));
  const tooManyWarnings = args.maxWarnings !== undefined && active.filter((f) => f.severity === 'warning').length > args.maxWarnings;
  return failing || tooManyWarnings ? 1 : 0;
}

function runExplain(argv: string[]): number {
  let format = 'text';
  let root: string | undefined;
  const paths: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--format' || arg === '--root') {
      const value = argv[++i];
      if (value === undefined) throw new UsageError(`${arg} needs a value`);
      if (arg === '--format') format = value;
      else root = value;
    } else if (arg.startsWith('--format=')) format = arg.slice(9);
    else if (arg.startsWith('--root=')) root = arg.slice(7);
    else if (arg.startsWith('--')) throw new UsageError(`unknown option '${arg}'`);
    else paths.push(arg);
  }
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, not '${format}'`);
  if (paths.length === 0) throw new UsageError('explain needs a file to explain');
  const cwd = process.cwd();
  const rootDir = path.resolve(root ?? cwd);
  const configs = new ConfigLoader(registry, { frozen: true });
  // The model's answers depend on the rest of the workspace (package.json, static folders, importers, compose files).
  const index = new WorkspaceIndex();
  const all = collectFiles([rootDir], cwd);
  index.indexFiles(all, [rootDir]);
  const env: CheckEnvironment = { registry, configs, baseConfig: EMPTY_CONFIG, workspace: index.facts() };
  const out: Explanation[] = [];
  const text: string[] = [];
  for (const p of paths) {
    const file = path.resolve(cwd, p);
    let content: string;
    try {
      content = fs.readFileSync(file, 'utf8');
    } catch (error) {
      throw new UsageError(`${p}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
    const relativePath = toPosix(path.relative(rootDir, file));
    const result = checkText({ path: toPosix(file), relativePath, rootDir, text: content }, env);
    if (!result.doc) {
      const why = result.excluded ? 'excluded by the configuration' : 'not a kind of file prodready analyses';
      text.push(`${relativePath}: not analysed (${why})\n`);
      continue;
    }
    const explanation = explain(result.doc, { registry, config: result.config, workspace: env.workspace! });
    out.push(explanation);
    text.push(explanationText(explanation));
  }
  process.stdout.write(format === 'json' ? `${JSON.stringify({ version: 1, files: out }, null, 2)}\n` : text.join(''));
  return 0;
}

function runMerge(argv: string[]): number {
  const unknown = argv.find((a) => a.startsWith('-'));
  if (unknown) throw new UsageError(`unknown option ${unknown}`);
  process.stdout.write(mergeReports(argv, process.cwd()));
  return 0;
}

function runRules(argv: string[]): number {
  const format = argv.includes('--format') ? argv[argv.indexOf('--format') + 1] : argv.find((a) => a.startsWith('--format='))?.slice(9) ?? 'text';
  if (format === 'json') {
    const rules = registry.all.map((r) => ({ id: r.id, family: r.family, defaultSeverity: r.defaultSeverity, fix: r.fix, summary: r.summary }));
    process.stdout.write(`${JSON.stringify(rules, null, 2)}\n`);
    return 0;
  }
  if (format !== 'text') throw new UsageError(`--format must be text or json, not '${format}'`);
  const width = Math.max(...registry.all.map((r) => r.id.length));
  const familyWidth = Math.max(...registry.all.map((r) => r.family.length));
  for (const r of registry.all) {
    process.stdout.write(`${r.id.padEnd(width)}  ${r.family.padEnd(familyWidth)}  ${r.defaultSeverity.padEnd(11)}  ${r.summary}\n`);
  }
  return 0;
}

/** What dist/cli.js runs: `main`, once the Python parser has loaded. */
export async function runCli(argv: string[]): Promise<number> {
  // `explain` too: a Python file's role reads its tree (imports, a main guard); without the parser every one read as service.
  const analyses = argv[0] === 'check' || argv[0] === 'review' || argv[0] === 'explain';
  if (analyses) await initPython();
  const code = await main(argv);
  // A run that analysed files compiled what analyses run: the next run starts from that (start.ts).
  if (analyses) saveCodeCache();
  return code;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'check':
        return await runCheck(rest);
      case 'merge':
        return runMerge(rest);
      case 'rules':
        return runRules(rest);
      case 'explain':
        return runExplain(rest);
      case 'review':
        return runReview(rest);
      case '--version':
      case '-v':
        process.stdout.write(`${version}\n`);
        return 0;
      case '--help':
      case '-h':
      case 'help':
        process.stdout.write(`${USAGE}\n`);
        return 0;
      case undefined:
        process.stderr.write(`${USAGE}\n`);
        return 2;
      default:
        throw new UsageError(`unknown command '${command}' (try 'prodready --help')`);
    }
  } catch (error) {
    if (error instanceof UsageError || error instanceof MergeError) {
      process.stderr.write(`prodready: ${error.message}\n`);
      return 2;
    }
    process.stderr.write(`prodready: internal error: ${(error as Error)?.stack ?? error}\n`);
    return 2;
  }
}
