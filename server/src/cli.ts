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
import { fixesFor } from './engine/analyze';
import { fixAll } from './engine/fix-all';
import { collectFiles, MissingPathError, toPosix } from './engine/files';
import { WorkspaceIndex } from './engine/workspace-index';
import { classify, mayClassify } from './engine/classify';
import { SEVERITIES, type Severity } from './engine/types';
import { jsonReport, sarifReport, textReport, type Report, type ReportFinding } from './cli/reports';
import { version } from '../../package.json';
import { initPython } from './engine/python';

class UsageError extends Error {}

const USAGE = `Usage:
  prodready check [paths...] [--format text|json|sarif] [--config FILE] [--fix]
                  [--fail-on error|warning|information|hint|none] [--max-warnings N]
                  [--ignore-suppressions] [--root DIR]
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
  try {
    files = collectFiles(args.paths, cwd);
  } catch (error) {
    if (error instanceof MissingPathError) throw new UsageError(error.message);
    throw error;
  }
  // Workspace rules (a SIGTERM handler in another file) see every file this run scans, and the rest
  // of the packages those files belong to.
  const index = new WorkspaceIndex();
  index.indexFiles(files, args.paths.map((p) => path.resolve(cwd, p)));
  index.indexPackagesOf(files, cwd);
  const env: CheckEnvironment = { registry, configs, baseConfig, ignoreSuppressions: args.ignoreSuppressions, workspace: index.facts() };
  const findings: ReportFinding[] = [];
  const fixed: Report['fixed'] = [];
  let analysed = 0;
  const checkedConfigs = new Set<string>();
  for (const file of files) {
    if (!mayClassify(file)) continue; // source maps, declarations, images: never read
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (error) {
      throw new UsageError(`${toPosix(path.relative(cwd, file))}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
    if (!classify(file, text.slice(0, 65536))) continue;
    assertConfigsUsable(configs, file, rootDir, checkedConfigs);
    const input = { path: toPosix(file), relativePath: toPosix(path.relative(rootDir, file)), rootDir, text };
    const shown = toPosix(path.relative(cwd, file));
    if (args.fix) {
      const result = fixAll(input, env);
      if (result.applied > 0) {
        writeAtomically(file, result.text);
        fixed.push({ file: shown, applied: result.applied });
        input.text = result.text;
        index.updateText(file, result.text);
      }
    }
    const result = checkText(input, env);
    if (result.excluded) continue;
    analysed++;
    for (const crash of result.crashes) {
      process.stderr.write(`prodready: rule ${crash.ruleId} failed on ${shown}: ${(crash.error as Error)?.message ?? crash.error}\n`);
    }
    const all = [...result.findings.map((finding) => ({ finding, suppression: undefined })), ...result.suppressed.map((s) => ({ finding: s.finding, suppression: { kind: s.kind, justification: s.justification } }))];
    for (const { finding, suppression } of all) {
      const start = result.doc ? result.doc.lines.positionAt(finding.start) : { line: 0, character: 0 };
      const end = result.doc ? result.doc.lines.positionAt(finding.end) : start;
      const fixes = result.doc && !suppression ? fixesFor(finding, result.doc, { registry, config: result.config, workspace: env.workspace }) : [];
      findings.push({
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
      });
    }
    result.doc?.dispose(); // the Python tree lives in the WebAssembly heap, which is not collected
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

function writeAtomically(file: string, text: string): void {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.prodready-${process.pid}.tmp`);
  const mode = fs.statSync(file).mode;
  fs.writeFileSync(temp, text, { mode });
  fs.renameSync(temp, file);
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
  if (argv[0] === 'check') await initPython();
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
