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
import { fixSource } from './engine/analyze';
import { fixAll } from './engine/fix-all';
import { collectFiles, MissingPathError, toPosix } from './engine/files';
import { encode, readRegularFile, type ReadResult } from './engine/safe-read';
import { WorkspaceIndex } from './engine/workspace-index';
import { classify, mayClassify } from './engine/classify';
import { SEVERITIES, type Severity } from './engine/types';
import { explain, explanationText, type Explanation } from './engine/model/explain';
import { jsonReport, sarifReport, textReport, type Report, type ReportFinding } from './cli/reports';
import { version } from '../../package.json';
import { initPython } from './engine/python';
import { runReview } from './cli/review';

class UsageError extends Error {}

const USAGE = `Usage:
  prodready check [paths...] [--format text|json|sarif] [--config FILE] [--fix]
                  [--fail-on error|warning|information|hint|none] [--max-warnings N]
                  [--ignore-suppressions] [--root DIR]
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

/** Exits 2 naming the first config file that cannot be used (the editor shows these on the file itself). */
function assertConfigsUsable(configs: ConfigLoader, file: string, rootDir: string, seen: Set<string>): void {
  for (const config of configs.configFilesFor(file, rootDir)) {
    if (seen.has(config.path)) continue;
    seen.add(config.path);
    const problem = config.problems[0];
    if (problem) throw new UsageError(`${toPosix(path.relative(process.cwd(), config.path))}: ${problem.message}`);
  }
}

function runCheck(argv: string[]): number {
  const started = performance.now();
  const args = parseCheckArgs(argv);
  const cwd = process.cwd();
  const rootDir = path.resolve(args.root ?? cwd);
  // One run sees one state of the disk: each folder's config file is looked up once, not per file.
  const configs = new ConfigLoader(registry, { frozen: true });
  const baseConfig = args.config ? loadExplicitConfig(args.config, configs) : EMPTY_CONFIG;
  let files: string[];
  const warn = (message: string) => process.stderr.write(`prodready: ${message}\n`);
  const shownPath = (file: string) => toPosix(path.relative(cwd, file));
  try {
    files = collectFiles(args.paths, cwd, (file, reason) => warn(`${shownPath(file)}: skipped, ${reason}`));
  } catch (error) {
    if (error instanceof MissingPathError) throw new UsageError(error.message);
    throw error;
  }
  // Workspace rules (a SIGTERM handler in another file) see every file this run scans, and the rest
  // of the packages those files belong to.
  const index = new WorkspaceIndex();
  try {
    index.indexFiles(files, args.paths.map((p) => path.resolve(cwd, p)));
    index.indexPackagesOf(files, cwd);
  } catch (error) {
    // Without the facts about other files, workspace rules answer "unknown": fewer findings, never wrong ones.
    warn(`internal error while indexing the workspace, cross-file checks are incomplete: ${(error as Error)?.message ?? error}`);
  }
  const env: CheckEnvironment = { registry, configs, baseConfig, ignoreSuppressions: args.ignoreSuppressions, workspace: index.facts() };
  const findings: ReportFinding[] = [];
  const fixed: Report['fixed'] = [];
  let analysed = 0;
  const checkedConfigs = new Set<string>();
  const realRoot = realpathOr(rootDir);
  for (const file of files) {
    if (!mayClassify(file)) continue; // source maps, declarations, images: never read
    const shown = shownPath(file);
    const read = readRegularFile(file, MAX_READ_BYTES);
    if (!read.ok) {
      warn(`${shown}: not checked, ${read.reason}`);
      continue;
    }
    if (!classify(file, read.text.slice(0, 65536))) continue;
    assertConfigsUsable(configs, file, rootDir, checkedConfigs);
    // One file that breaks the engine is one line on stderr: the others are still checked and reported.
    try {
      analysed += checkFile(file, shown, read);
    } catch (error) {
      warn(`${shown}: not checked, internal error: ${(error as Error)?.message ?? error}`);
    }
  }

  /** Fixes (with --fix) and checks one file, adding its findings to the report; 1 when it was analysed. */
  function checkFile(file: string, shown: string, read: Extract<ReadResult, { ok: true }>): number {
    const input = { path: toPosix(file), relativePath: toPosix(path.relative(rootDir, file)), rootDir, text: read.text };
    if (args.fix) {
      const result = fixAll(input, env);
      for (const r of result.rolledBack) warn(`${shown}:${r.line}: fix "${r.title}" [${r.ruleId}] not applied: ${r.reason}`);
      if (result.applied > 0) {
        const problem = writeFixed(file, read, result.text, realRoot);
        if (problem) warn(`${shown}: not fixed, ${problem}`);
        else {
          fixed.push({ file: shown, applied: result.applied });
          input.text = result.text;
          index.updateText(file, result.text);
        }
      }
    }
    const result = checkText(input, env);
    if (result.excluded) return 0;
    for (const crash of result.crashes) warn(`rule ${crash.ruleId} failed on ${shown}: ${(crash.error as Error)?.message ?? crash.error}`);
    const entries: ReportFinding[] = [];
    const fixesOf = result.doc ? fixSource(result.doc, { registry, config: result.config, workspace: env.workspace }) : undefined;
    const all = [...result.findings.map((finding) => ({ finding, suppression: undefined })), ...result.suppressed.map((s) => ({ finding: s.finding, suppression: { kind: s.kind, justification: s.justification } }))];
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
          ? { related: finding.related.map((r) => ({ file: shownPath(r.path), line: r.line, column: Math.max(1, r.column ?? 1), message: r.message })) }
          : {}),
      });
    }
    result.doc?.dispose(); // the Python tree lives in the WebAssembly heap, which is not collected
    // Added only once the whole file went through: a file that fails half-way adds nothing.
    findings.push(...entries);
    return 1;
  }

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

/** Larger files are not read (the engine would skip them anyway, over prodready.maxFileSizeKb). */
const MAX_READ_BYTES = 64 * 1024 * 1024;

function realpathOr(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
  }
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
  if (argv[0] === 'check' || argv[0] === 'review') await initPython();
  return main(argv);
}

export function main(argv: string[]): number {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'check':
        return runCheck(rest);
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
    if (error instanceof UsageError) {
      process.stderr.write(`prodready: ${error.message}\n`);
      return 2;
    }
    process.stderr.write(`prodready: internal error: ${(error as Error)?.stack ?? error}\n`);
    return 2;
  }
}
