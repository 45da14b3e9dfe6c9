// `npm run bench`: prodready's speed and memory against its peers, on real code, in one run.
//
//   npm run bench                   full run: every package of the corpus, 3 runs per figure, the
//                                   .vsix packaged, a CPU profile of the scan; writes bench/results.json
//   npm run bench -- --quick        a small subset, one run each, no packaging (CI smoke: under a
//                                   minute, offline once the cache exists); writes bench/results.local.json
//   --runs N                        runs per figure (default 3, quick 1)
//   --rules-from DIR / --index-from DIR
//                                   load the per-rule cost / workspace index from another checkout
//   --no-package, --no-profile, --no-soak
//                                   skip those steps (the soak, 10,000 edits to one open file, takes minutes)
//   --monorepo-files N              size of the generated monorepo (default 100,000; quick 2,000)
//   --packages a,b                  only these packages of the corpus (a loaded machine; the results say which)
//
// The corpus is fetched from the npm registry with `npm pack` into ${PRODREADY_BENCH_CACHE:-~/.cache/prodready-bench}.
// Every measurement runs in a fresh child process, one at a time, so peers never share a core.

import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { cacheDir, REPO_ROOT } from './cache';
import { CorpusUnavailableError, corpusRoot, ensurePackages, jsFiles, PACKAGES, QUICK_PACKAGES, QUICK_SAMPLE_EVERY, type CorpusFile } from './corpus';
import { ensureManifests } from './manifests';
import { makeEditFile, EDIT_FILE_LINES } from './edit-file';
import { ensureMonorepo, MONOREPO_FILES } from './monorepo';
import { editLatency, fromSources, openMany, serverScan, startUp } from './lsp';
import { percentile, round, summarize, type Summary } from './stats';
import { summarizeProfile, type ProfileSummary } from './profile';
import type { SoakResult } from '../scripts/soak';
import { collectFiles, toPosix } from '../server/src/engine/files';
import { classify } from '../server/src/engine/classify';
import { benchPython, pythonTable } from './python';

interface Options {
  quick: boolean;
  runs: number;
  rulesFrom?: string;
  indexFrom?: string;
  pack: boolean;
  profile: boolean;
  soak: boolean;
  monorepoFiles?: number;
  packages?: string[];
}

interface ServiceFactsCost {
  sourceFiles: number;
  read: number;
  parseMs: number;
  factsMs: number;
  factsCpuMs: number;
  joinMs: number;
  routes: number;
  listens: number;
}

function parseArgs(argv: string[]): Options {
  const quick = argv.includes('--quick');
  const value = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const runs = Number(value('--runs') ?? (quick ? 1 : 3));
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs takes a whole number >= 1');
  const known = new Set(['--quick', '--runs', '--rules-from', '--index-from', '--no-package', '--no-profile', '--no-soak', '--monorepo-files', '--packages']);
  for (let i = 0; i < argv.length; i++) {
    if (!known.has(argv[i])) throw new Error(`unknown option ${argv[i]} (see the top of bench/run.ts)`);
    if (['--runs', '--rules-from', '--index-from', '--monorepo-files', '--packages'].includes(argv[i])) i++;
  }
  return {
    quick,
    runs,
    rulesFrom: value('--rules-from') && path.resolve(value('--rules-from')!),
    indexFrom: value('--index-from') && path.resolve(value('--index-from')!),
    pack: !quick && !argv.includes('--no-package'),
    profile: !quick && !argv.includes('--no-profile'),
    soak: !quick && !argv.includes('--no-soak'),
    monorepoFiles: value('--monorepo-files') === undefined ? undefined : Number(value('--monorepo-files')),
    packages: value('--packages')?.split(','),
  };
}

const benchStarted = performance.now();
const log = (line: string) => process.stderr.write(`[bench ${((performance.now() - benchStarted) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);

// ---- child processes ---------------------------------------------------------------------------

interface Ran {
  stdout: string;
  stderr: string;
  code: number | null;
  wallMs: number;
}

function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; stdout?: 'pipe' | 'ignore' } = {}): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, {
      cwd: options.cwd ?? REPO_ROOT,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', options.stdout ?? 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ stdout, stderr, code, wallMs: performance.now() - started }));
  });
}

let inputCounter = 0;
function inputFile(data: unknown): string {
  const file = path.join(cacheDir(), 'tmp', `input-${process.pid}-${inputCounter++}.json`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(data));
  return file;
}

async function worker<T>(mode: string, input: unknown): Promise<T> {
  const result = await run(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'bench', 'worker.ts'), mode, inputFile(input)]);
  if (result.code !== 0) throw new Error(`worker ${mode} failed (${result.code}): ${result.stderr.slice(-2000)}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!) as T;
}

/**
 * TypeScript's incremental re-parse alone for the same keystrokes as an edit-latency session, in a
 * fresh process per session: the part of each keystroke no rule can save, side by side with it.
 */
async function reparseFloor(file: string, line: number, typed: string, sessions: number): Promise<{ p50: number; p90: number; keystrokes: number }> {
  const latencies: number[] = [];
  for (let i = 0; i < sessions; i++) latencies.push(...(await worker<{ latencies: number[] }>('reparse', { files: [file], line, typed, warmup: 5 })).latencies);
  return { p50: round(percentile(latencies, 50)), p90: round(percentile(latencies, 90)), keystrokes: latencies.length };
}

/**
 * The edit-latency sessions type back to back (the next keystroke as soon as the diagnostics are in),
 * so work the server does after publishing delays the next keystroke's figure. A person types a
 * keystroke every 100-200 ms; one session more with 40 ms between keystrokes (25 a second) shows
 * the latency they see.
 */
const TYPING_PAUSE_MS = 40;

function pacedLatency(session: { latencies: number[] }): { pauseMs: number; p50: number; p90: number; keystrokes: number } {
  return { pauseMs: TYPING_PAUSE_MS, p50: round(percentile(session.latencies, 50)), p90: round(percentile(session.latencies, 90)), keystrokes: session.latencies.length };
}

interface Timed {
  ms: number;
  cpuMs: number;
}

interface CliRun extends Timed {
  files: number;
  findings: number;
  byRule: Record<string, number>;
  maxRssKb: number;
}

/** `prodready check` as a user runs it (the bundle's runCli, JSON report), in a fresh process, on `jobs` threads (one unless said). */
async function cli(paths: string[], cwd: string, jobs = 1): Promise<CliRun> {
  const resultFile = path.join(cacheDir(), 'tmp', `cli-${process.pid}-${inputCounter++}.json`);
  fs.mkdirSync(path.dirname(resultFile), { recursive: true });
  const args = [path.join(REPO_ROOT, 'bench', 'cli-worker.cjs'), resultFile, cwd, 'check', ...paths, '--format', 'json', '--fail-on', 'none', '--jobs', String(jobs)];
  const result = await run(process.execPath, args, { cwd });
  if (result.code !== 0 || !fs.existsSync(resultFile)) throw new Error(`prodready check failed (${result.code}): ${result.stderr.slice(-2000)}`);
  const out = JSON.parse(fs.readFileSync(resultFile, 'utf8')) as CliRun & { code: number };
  fs.rmSync(resultFile);
  if (out.code !== 0) throw new Error(`prodready check exited ${out.code}: ${result.stderr.slice(-2000)}`);
  return out;
}

async function repeat<T>(n: number, label: string, fn: () => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < n; i++) {
    log(`${label} (${i + 1}/${n})`);
    out.push(await fn());
  }
  return out;
}

// ---- figures -----------------------------------------------------------------------------------

interface Throughput {
  files: number;
  mb: number;
  /** Wall time of the timed loop. */
  ms: Summary;
  filesPerSec: Summary;
  mbPerSec: Summary;
  /** CPU time (user + system) of the same runs: what the work costs whatever else runs on the machine. */
  cpuMs: Summary;
  filesPerCpuSec: Summary;
  mbPerCpuSec: Summary;
}

function throughput(files: number, bytes: number, runs: readonly Timed[]): Throughput {
  const ms = runs.map((r) => r.ms);
  const cpu = runs.map((r) => r.cpuMs);
  return {
    files,
    mb: round(bytes / 1e6, 2),
    ms: summarize(ms),
    filesPerSec: summarize(ms.map((m) => files / (m / 1000))),
    mbPerSec: summarize(ms.map((m) => bytes / 1e6 / (m / 1000))),
    cpuMs: summarize(cpu),
    filesPerCpuSec: summarize(cpu.map((m) => files / (m / 1000))),
    mbPerCpuSec: summarize(cpu.map((m) => bytes / 1e6 / (m / 1000))),
  };
}

/** a's throughput over b's, by wall time and by CPU time (medians). */
function ratio(a: Throughput, b: Throughput): { wall: number; cpu: number } {
  return { wall: round(a.filesPerSec.median / b.filesPerSec.median, 3), cpu: round(a.filesPerCpuSec.median / b.filesPerCpuSec.median, 3) };
}

const sumBytes = (files: readonly CorpusFile[]) => files.reduce((n, f) => n + f.bytes, 0);

/** Which JS files ESLint's parser reads as modules, which as CommonJS scripts, which not at all. Cached per corpus. */
function espreeSourceTypes(files: readonly CorpusFile[], key: string): { modules: string[]; scripts: string[]; unparsable: string[] } {
  const cacheFile = path.join(cacheDir(), `espree-${key}.json`);
  if (fs.existsSync(cacheFile)) return JSON.parse(fs.readFileSync(cacheFile, 'utf8'));
  const espree = require('espree') as { parse(text: string, options: object): unknown };
  const out = { modules: [] as string[], scripts: [] as string[], unparsable: [] as string[] };
  for (const file of files) {
    if (!/\.(?:[cm]?js|jsx)$/i.test(file.path)) continue;
    const text = fs.readFileSync(file.path, 'utf8');
    const tryParse = (sourceType: string) => {
      try {
        espree.parse(text, { ecmaVersion: 'latest', sourceType, ecmaFeatures: { jsx: /\.jsx$/i.test(file.path), globalReturn: sourceType === 'commonjs' } });
        return true;
      } catch {
        return false;
      }
    };
    const cjs = file.path.endsWith('.cjs');
    if (!cjs && tryParse('module')) out.modules.push(file.path);
    else if (tryParse('commonjs')) out.scripts.push(file.path);
    else out.unparsable.push(file.path);
  }
  fs.writeFileSync(cacheFile, JSON.stringify(out));
  return out;
}

function machine() {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGb: round(os.totalmem() / 1024 ** 3, 1),
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
  };
}

function gitCommit(): string {
  const r = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' });
  const dirty = spawnSync('git', ['status', '--porcelain', '--', 'server', 'client'], { cwd: REPO_ROOT, encoding: 'utf8' }).stdout.trim();
  return `${r.stdout.trim()}${dirty ? '+dirty' : ''}`;
}

async function main(): Promise<number> {
  let options: Options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`bench: ${(error as Error).message}\n`);
    return 2;
  }
  const started = performance.now();
  const load = { start: os.loadavg().map((n) => round(n, 2)) };
  const runs = options.runs;
  // The engine's V8 code cache (server/src/start.ts) in a folder of this run's own: every server and CLI
  // the bench starts after the first reads it, as a user's do after their first; start-up is also
  // measured once without it (startupMs.withoutCodeCacheMs).
  const codeCache = path.join(cacheDir(), 'code-cache', 'run');
  const noCodeCacheYet = path.join(cacheDir(), 'code-cache', 'first-start');
  for (const dir of [codeCache, noCodeCacheYet]) fs.rmSync(dir, { recursive: true, force: true });
  process.env.PRODREADY_CODE_CACHE = codeCache;
  log(`${options.quick ? 'quick' : 'full'} run, ${runs} run(s) per figure, cache ${cacheDir()}, load average ${load.start.join(' ')}`);

  // Corpus.
  const packages = options.packages
    ? PACKAGES.filter((p) => options.packages!.includes(p.name))
    : options.quick
      ? PACKAGES.filter((p) => QUICK_PACKAGES.includes(p.name))
      : PACKAGES;
  let packageDirs: string[];
  try {
    packageDirs = ensurePackages(packages, log);
  } catch (error) {
    if (error instanceof CorpusUnavailableError) {
      process.stderr.write(`bench: cannot get the corpus. ${error.message}\nRun once with the npm registry reachable to fill the cache.\n`);
      return 2;
    }
    throw error;
  }
  // Quick: a sample of the files, named one by one; full: whole package folders, walked as a workspace.
  const corpus = options.quick ? jsFiles(packageDirs).filter((_, i) => i % QUICK_SAMPLE_EVERY === 0) : jsFiles(packageDirs);
  const corpusKey = packages.map((p) => `${p.name.replace(/[@/]/g, '_')}-${p.version}`).join('+');
  const manifests = ensureManifests(cacheDir(), options.quick ? 1 : 10);
  const root = corpusRoot();
  const relDirs = options.quick ? corpus.map((f) => path.relative(root, f.path)) : packageDirs.map((d) => path.relative(root, d));
  log(`corpus: ${corpus.length} JS/TS files, ${round(sumBytes(corpus) / 1e6)} MB from ${packages.length} packages`);

  // Build: the production bundles and the .vsix (full), or the dev bundles if missing (quick).
  let vsix: { bytes: number; packageMs: number } | undefined;
  if (options.pack) {
    log('npm run package');
    const packed = await run('npm', ['run', 'package', '--silent'], { cwd: REPO_ROOT });
    if (packed.code !== 0) throw new Error(`npm run package failed: ${packed.stderr.slice(-2000)}`);
    vsix = { bytes: fs.statSync(path.join(REPO_ROOT, 'prodready.vsix')).size, packageMs: Math.round(packed.wallMs) };
  } else if (!fs.existsSync(path.join(REPO_ROOT, 'dist', 'server.js'))) {
    log('building dist/ (node esbuild.mjs)');
    const built = await run(process.execPath, ['esbuild.mjs'], { cwd: REPO_ROOT });
    if (built.code !== 0) throw new Error(`build failed: ${built.stderr}`);
  }

  // (1) Workspace scan vs parse-only, whole corpus; one job and two, run after run (side by side).
  const scanRuns: CliRun[] = [];
  const jobs2Runs: CliRun[] = [];
  for (let i = 0; i < runs; i++) {
    log(`prodready check over the corpus, --jobs 1 and --jobs 2 (${i + 1}/${runs})`);
    scanRuns.push(await cli(relDirs, root, 1));
    jobs2Runs.push(await cli(relDirs, root, 2));
  }
  const allList = corpus.map((f) => f.path);
  const parseRuns = await repeat(runs, 'TypeScript parse only', () => worker<Timed & { maxRssKb: number }>('parse', { files: allList }));
  const parseDefaultRuns = await repeat(runs, 'TypeScript parse only, TypeScript\'s default options (JSDoc parsed)', () =>
    worker<Timed>('parse', { files: allList, tsDefaults: true }),
  );
  const scan = throughput(corpus.length, sumBytes(corpus), scanRuns);
  const scanJobs2 = throughput(corpus.length, sumBytes(corpus), jobs2Runs);
  const parseDefaults = throughput(corpus.length, sumBytes(corpus), parseDefaultRuns);
  const parse = throughput(corpus.length, sumBytes(corpus), parseRuns);
  if (scanRuns[0].files !== corpus.length) log(`note: the CLI analysed ${scanRuns[0].files} files, the corpus list has ${corpus.length}`);

  // (2) ESLint on the files it can parse (plain JavaScript), against the same files.
  const types = espreeSourceTypes(corpus, corpusKey);
  const jsSet = new Set([...types.modules, ...types.scripts]);
  const jsFilesList = corpus.filter((f) => jsSet.has(f.path));
  const jsList = jsFilesList.map((f) => f.path);
  const cliJsRuns = await repeat(runs, 'prodready check over the JavaScript files', () => cli(jsList.map((f) => path.relative(root, f)), root));
  const parseJsRuns = await repeat(runs, 'TypeScript parse only, JavaScript files', () => worker<Timed>('parse', { files: jsList }));
  const eslintRuns = await repeat(runs, 'ESLint (no-console only)', () =>
    worker<Timed & { fatal: number; consoleFindings: number; files: number; maxRssKb: number }>('eslint', { files: jsList, scripts: types.scripts, cwd: root }),
  );
  const cliJs = throughput(jsList.length, sumBytes(jsFilesList), cliJsRuns);
  const parseJs = throughput(jsList.length, sumBytes(jsFilesList), parseJsRuns);
  const eslintJs = throughput(jsList.length, sumBytes(jsFilesList), eslintRuns);

  // Per-rule cost on the same corpus: what each rule adds to the parse.
  const ruleRuns = await repeat(Math.min(runs, 3), 'per-rule cost', () =>
    worker<{ parseMs: number; rules: Record<string, { ms: number; findings: number; crashes: number }>; files: number }>('rules', {
      files: allList,
      src: options.rulesFrom,
    }),
  );
  const ruleIds = Object.keys(ruleRuns[0].rules);
  const ruleCost = Object.fromEntries(
    ruleIds.map((id) => {
      const ms = ruleRuns.map((r) => r.rules[id].ms);
      const pctOfParse = ruleRuns.map((r) => (r.rules[id].ms / r.parseMs) * 100);
      return [id, { ms: summarize(ms), pctOfParse: summarize(pctOfParse), findings: ruleRuns[0].rules[id].findings, crashes: ruleRuns[0].rules[id].crashes }];
    }),
  );
  const ruleParse = summarize(ruleRuns.map((r) => r.parseMs));

  // (3) Manifests: YAML (Kubernetes, Helm, compose) and ECS JSON.
  const yamlDirs = [manifests.k8s, manifests.helm, manifests.compose];
  const yamlFiles = collectFiles(yamlDirs, manifests.root)
    .filter((f) => {
      const kind = classify(f, fs.readFileSync(f, 'utf8').slice(0, 65536));
      return kind === 'kubernetes' || kind === 'compose';
    })
    .map(toPosix);
  const yamlBytes = yamlFiles.reduce((n, f) => n + fs.statSync(f).size, 0);
  const yamlCliRuns = await repeat(runs, 'prodready check over the YAML manifests', () => cli(yamlDirs.map((d) => path.relative(manifests.root, d)), manifests.root));
  const yamlParseRuns = await repeat(runs, 'yaml parse only', () => worker<Timed & { documents: number; warm: Timed }>('yaml-parse', { files: yamlFiles }));
  const yaml = throughput(yamlFiles.length, yamlBytes, yamlCliRuns);
  const yamlParse = throughput(yamlFiles.length, yamlBytes, yamlParseRuns);
  const yamlParseWarm = throughput(yamlFiles.length, yamlBytes, yamlParseRuns.map((r) => r.warm));
  const ecsFiles = collectFiles([manifests.ecs], manifests.root);
  const ecsBytes = ecsFiles.reduce((n, f) => n + fs.statSync(f).size, 0);
  const ecsRuns = await repeat(runs, 'prodready check over the ECS task definitions', () => cli(['ecs'], manifests.root));
  const ecs = throughput(ecsFiles.length, ecsBytes, ecsRuns);

  // (5) Workspace index build.
  const indexRuns = await repeat(runs, 'workspace index build', () =>
    worker<Timed & { unavailable?: string; files: number; parsed: number; handlers: number; serviceFacts?: ServiceFactsCost }>('index', { files: [], roots: packageDirs, src: options.indexFrom }),
  );
  const index = indexRuns[0].unavailable
    ? { unavailable: indexRuns[0].unavailable }
    : {
        files: indexRuns[0].files,
        parsed: indexRuns[0].parsed,
        handlers: indexRuns[0].handlers,
        ms: summarize(indexRuns.map((r) => r.ms)),
        filesPerSec: summarize(indexRuns.map((r) => r.files / (r.ms / 1000))),
        filesPerCpuSec: summarize(indexRuns.map((r) => r.files / (r.cpuMs / 1000))),
        ...(indexRuns[0].serviceFacts
          ? {
              serviceFacts: {
                read: indexRuns[0].serviceFacts.read,
                routes: indexRuns[0].serviceFacts.routes,
                listens: indexRuns[0].serviceFacts.listens,
                factsMs: summarize(indexRuns.map((r) => r.serviceFacts!.factsMs)),
                factsCpuMs: summarize(indexRuns.map((r) => r.serviceFacts!.factsCpuMs)),
                parseMs: summarize(indexRuns.map((r) => r.serviceFacts!.parseMs)),
                joinMs: summarize(indexRuns.map((r) => r.serviceFacts!.joinMs)),
              },
            }
          : {}),
      };

  // (4) Edit-to-diagnostics latency on a 5,000-line file, (5) start-up, memory with 500 open files.
  const editDir = path.join(cacheDir(), 'edit');
  fs.mkdirSync(editDir, { recursive: true });
  const edit = makeEditFile(corpus);
  const editPath = path.join(editDir, 'orders-service.ts');
  fs.writeFileSync(editPath, edit.text);
  // In a package, as a service's files are: the index reads an open file's route and listen facts only
  // when they can count in a package's service (no package.json above it: they cannot, a keystroke skips them).
  fs.writeFileSync(path.join(editDir, 'package.json'), '{"name":"orders-service","private":true}\n');
  const statement = "  const retries = order.items.length > 10 ? 3 : 1;\n  console.log('total', total, retries);\n";
  const keystrokes = options.quick ? 30 : 150;
  const typed = statement.repeat(Math.ceil(keystrokes / statement.length)).slice(0, keystrokes);
  const sessions = options.quick ? 1 : Math.min(runs, 3);
  const latencySessions = await repeat(sessions, `edit latency, ${keystrokes} keystrokes on a ${EDIT_FILE_LINES}-line file`, () =>
    editLatency(editPath, edit.text, edit.line, 0, typed, 5),
  );
  const latencies = latencySessions.flatMap((s) => s.latencies);
  const latency = {
    keystrokes: latencies.length,
    sessions,
    p50: round(percentile(latencies, 50)),
    p90: round(percentile(latencies, 90)),
    p99: round(percentile(latencies, 99)),
    max: round(Math.max(...latencies)),
    p90PerSession: summarize(latencySessions.map((s) => percentile(s.latencies, 90))),
    diagnosticsOnFile: latencySessions[0].diagnostics,
    reparseOnly: await reparseFloor(editPath, edit.line, typed, sessions),
    paced: pacedLatency(await editLatency(editPath, edit.text, edit.line, 0, typed, 5, undefined, TYPING_PAUSE_MS)),
  };

  // The same typing in the largest JavaScript file of the corpus: rxjs's UMD bundle (6,849 lines).
  const rxjsSource = corpus.find((f) => f.path.endsWith('/bundles/rxjs.umd.js'));
  let rxjsLatency: Record<string, unknown> = { unavailable: 'rxjs is not in this corpus (quick mode)' };
  let rxjsTarget: { path: string; text: string; line: number } | undefined;
  if (rxjsSource) {
    const rxjsDir = path.join(cacheDir(), 'edit-rxjs');
    fs.mkdirSync(rxjsDir, { recursive: true });
    const text = fs.readFileSync(rxjsSource.path, 'utf8');
    const rxjsPath = path.join(rxjsDir, 'rxjs.umd.js');
    fs.writeFileSync(rxjsPath, text);
    fs.writeFileSync(path.join(rxjsDir, 'package.json'), '{"name":"rxjs-bundle","private":true}\n'); // as for the 5,000-line file

    // A statement typed at the start of a `return` line in the middle of the bundle, inside a function body.
    const lines = text.split('\n');
    const line = lines.findIndex((l, i) => i >= lines.length / 2 && /^\s+return\b/.test(l));
    rxjsTarget = { path: rxjsPath, text, line };
    const jsTyped = typed.replace('const ', 'var ');
    const sessionsRx = await repeat(sessions, `edit latency, ${keystrokes} keystrokes in rxjs.umd.js (${lines.length} lines)`, () => editLatency(rxjsPath, text, line, 0, jsTyped, 5));
    const all = sessionsRx.flatMap((s) => s.latencies);
    rxjsLatency = {
      file: `rxjs@7.8.2 dist/bundles/rxjs.umd.js, ${lines.length} lines, ${round(Buffer.byteLength(text) / 1024, 0)} KiB`,
      debounceMs: 0,
      keystrokes: all.length,
      sessions,
      p50: round(percentile(all, 50)),
      p90: round(percentile(all, 90)),
      p99: round(percentile(all, 99)),
      max: round(Math.max(...all)),
      p90PerSession: summarize(sessionsRx.map((s) => percentile(s.latencies, 90))),
      diagnosticsOnFile: sessionsRx[0].diagnostics,
      reparseOnly: await reparseFloor(rxjsPath, line, jsTyped, sessions),
      paced: pacedLatency(await editLatency(rxjsPath, text, line, 0, jsTyped, 5, undefined, TYPING_PAUSE_MS)),
    };
  }

  // A first start with an empty code cache folder (it writes the cache), then the measured ones, which read it.
  process.env.PRODREADY_CODE_CACHE = noCodeCacheYet;
  const [cold] = await repeat(1, `server start-up to first diagnostics, no code cache yet`, () => startUp(editPath));
  const startRuns = await repeat(Math.max(runs, 3), `server start-up to first diagnostics`, () => startUp(editPath));
  process.env.PRODREADY_CODE_CACHE = codeCache;
  // The production build (npm run package) has no source map next to the bundle.
  const minified = !fs.existsSync(path.join(REPO_ROOT, 'dist', 'engine.js.map'));
  const startup = {
    bundle: minified ? 'minified bundle' : 'development bundle (not minified)',
    ms: summarize(startRuns.map((r) => r.ms)),
    initializeMs: summarize(startRuns.map((r) => r.initializeMs)),
    withoutCodeCacheMs: round(cold.ms),
  };

  // Scale: a generated 100,000-file monorepo of the corpus's files against the corpus itself, both
  // with --jobs 2, one after the other (quick mode: 2,000 files against the quick corpus).
  const monoFiles = options.monorepoFiles ?? (options.quick ? 2_000 : MONOREPO_FILES);
  log(`generating the ${monoFiles.toLocaleString('en-US')}-file monorepo (hard links into the corpus)`);
  const mono = ensureMonorepo(corpus, root, packageDirs, monoFiles);
  log(`prodready check --jobs 2 over the ${mono.files.toLocaleString('en-US')}-file monorepo`);
  const monoRun = await cli(['.'], mono.dir, 2);
  // The baseline is a 5,000-file corpus; ours has 1,367 files, so the same generator makes one
  // of 5,000 (a quarter of the monorepo in quick mode): files of the same mix in the same layout, only
  // fewer. The corpus itself runs too, for what fixed costs weigh on a small run.
  const baseFiles = Math.min(5_000, Math.floor(monoFiles / 4));
  log(`prodready check --jobs 2 over the ${baseFiles.toLocaleString('en-US')}-file monorepo and the corpus (side by side)`);
  const base = ensureMonorepo(corpus, root, packageDirs, baseFiles);
  const baseRun = await cli(['.'], base.dir, 2);
  const corpusSideBySide = await cli(relDirs, root, 2);
  const monoThroughput = throughput(monoRun.files, mono.bytes, [monoRun]);
  const baseThroughput = throughput(baseRun.files, base.bytes, [baseRun]);
  const corpusThroughput = throughput(corpusSideBySide.files, sumBytes(corpus), [corpusSideBySide]);
  const monorepo = {
    files: monoRun.files,
    mb: round(mono.bytes / 1e6),
    jobs: 2,
    monorepo: { ...monoThroughput, peakRssMb: round(monoRun.maxRssKb / 1024) },
    baseline: { ...baseThroughput, peakRssMb: round(baseRun.maxRssKb / 1024) },
    corpus: { ...corpusThroughput, peakRssMb: round(corpusSideBySide.maxRssKb / 1024) },
    /** The target's figure: the monorepo against the 5,000-file one. */
    filesPerSecRatioToBaseline: ratio(monoThroughput, baseThroughput),
    rssRatioToBaseline: round(monoRun.maxRssKb / baseRun.maxRssKb, 3),
    filesPerSecRatio: ratio(monoThroughput, corpusThroughput),
    rssRatio: round(monoRun.maxRssKb / corpusSideBySide.maxRssKb, 3),
  };

  const openCount = options.quick ? 30 : 500;
  const step = Math.max(1, Math.floor(corpus.length / openCount));
  const toOpen = corpus.filter((_, i) => i % step === 0).slice(0, openCount).map((f) => f.path);
  const openRuns = await repeat(Math.min(runs, 2), `server with ${toOpen.length} files opened`, () => openMany(toOpen));
  const open = {
    files: toOpen.length,
    ms: summarize(openRuns.map((r) => r.ms)),
    rssMb: summarize(openRuns.map((r) => r.memory.rssKb / 1024)),
    peakRssMb: summarize(openRuns.map((r) => r.memory.peakRssKb / 1024)),
  };

  const serverScanRuns = await repeat(Math.min(runs, 2), 'server workspace scan (prodready.scanWorkspace)', () => serverScan(packageDirs));
  const serverScanFig = {
    files: serverScanRuns[0].files,
    ms: summarize(serverScanRuns.map((r) => r.ms)),
    filesPerSec: summarize(serverScanRuns.map((r) => r.files / (r.ms / 1000))),
    peakRssMb: summarize(serverScanRuns.map((r) => r.memory.peakRssKb / 1024)),
  };

  // Memory over a long session: 10,000 edits to one open file (issue 23: RSS within 10% of that after
  // 1,000), right after each sample's diagnostics and after a full GC of the server.
  let soakFig: SoakResult | { skipped: string };
  if (options.soak) {
    process.stdout.write('bench: soak, 10,000 edits to one open file\n');
    // Its own process: the full GCs go through the server's inspector, which needs Node 20's WebSocket flag.
    const run = spawnSync(process.execPath, ['--experimental-websocket', '--import', 'tsx', path.join(REPO_ROOT, 'scripts', 'soak.ts'), '--edits', '10000', '--gc-points', '--json'], { cwd: REPO_ROOT, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
    const last = run.stdout.trim().split('\n').at(-1);
    soakFig = run.status === 0 && last?.startsWith('{') ? (JSON.parse(last) as SoakResult) : { skipped: `the soak failed: ${run.stderr.trim().split('\n').slice(-3).join(' | ')}` };
  } else soakFig = { skipped: options.quick ? 'quick mode' : '--no-soak' };

  // Where the time goes: the CLI's scan, and the server while typing (both from the sources, so
  // that the frames name the source files; the bundle is one file).
  let profile: ProfileSummary | undefined;
  let editProfile: ProfileSummary | undefined;
  let rxjsProfile: ProfileSummary | undefined;
  if (options.profile) {
    log('CPU profile of prodready check over the corpus (from the sources)');
    const dir = path.join(cacheDir(), 'profiles', 'check');
    fs.rmSync(dir, { recursive: true, force: true });
    const prof = await run(
      process.execPath,
      ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--import', 'tsx', path.join(REPO_ROOT, 'bench', 'check-source.ts'), 'check', ...relDirs.map((d) => path.join(root, d)), '--root', root, '--format', 'json', '--fail-on', 'none'],
      { cwd: REPO_ROOT, stdout: 'ignore' },
    );
    profile = prof.code === 0 ? largestProfile(dir, 25) : undefined;
    if (!profile) log(`profile of the scan failed: ${prof.stderr.slice(-500)}`);

    log('CPU profile of the server while typing (from the sources)');
    const serverDir = path.join(cacheDir(), 'profiles', 'server');
    fs.rmSync(serverDir, { recursive: true, force: true });
    const session = await editLatency(editPath, edit.text, edit.line, 0, typed, 5, fromSources(serverDir));
    editProfile = largestProfile(serverDir, 25, session.window);

    if (rxjsTarget) {
      log('CPU profile of the server while typing in rxjs.umd.js (from the sources)');
      const rxDir = path.join(cacheDir(), 'profiles', 'server-rxjs');
      fs.rmSync(rxDir, { recursive: true, force: true });
      const rx = await editLatency(rxjsTarget.path, rxjsTarget.text, rxjsTarget.line, 0, typed.replace('const ', 'var '), 5, fromSources(rxDir));
      rxjsProfile = largestProfile(rxDir, 25, rx.window);
    }
  }

  // (6) Python: scan, parse alone, Ruff as the peer, edit latency (bench/python.ts).
  const python = await benchPython({ quick: options.quick, runs, profile: options.profile, log });
  const { typingProfile: pythonProfile, ...pythonFigures } = python;

  const loadEnd = os.loadavg().map((n) => round(n, 2));
  const results = {
    version: 1,
    date: new Date().toISOString(),
    mode: options.quick ? 'quick' : 'full',
    commit: gitCommit(),
    machine: machine(),
    loadAverage: { start: load.start, end: loadEnd },
    durationSec: Math.round((performance.now() - started) / 1000),
    corpus: {
      packages: packages.map((p) => `${p.name}@${p.version}`),
      jsTsFiles: corpus.length,
      mb: round(sumBytes(corpus) / 1e6),
      lines: corpus.reduce((n, f) => n + f.lines, 0),
      eslintSubset: { files: jsList.length, mb: round(sumBytes(jsFilesList) / 1e6), commonjsScripts: types.scripts.length, notParsableByEspree: types.unparsable.length },
      manifests: { yamlFiles: yamlFiles.length, yamlMb: round(yamlBytes / 1e6), ecsFiles: ecsFiles.length },
    },
    scan: {
      prodready: { ...scan, findings: scanRuns[0].findings, findingsByRule: scanRuns[0].byRule, peakRssMb: summarize(scanRuns.map((r) => r.maxRssKb / 1024)) },
      parseOnly: { ...parse, peakRssMb: summarize(parseRuns.map((r) => r.maxRssKb / 1024)) },
      parseOnlyTsDefaults: parseDefaults,
      ratioToParse: ratio(scan, parse),
      jobs2: { ...scanJobs2, peakRssMb: summarize(jobs2Runs.map((r) => r.maxRssKb / 1024)), identicalFindings: jobs2Runs.every((r) => r.findings === scanRuns[0].findings) },
      jobs2To1: ratio(scanJobs2, scan),
      ratioToParseTsDefaults: ratio(scan, parseDefaults),
    },
    eslint: {
      prodready: { ...cliJs, findingsByRule: cliJsRuns[0].byRule },
      parseOnly: parseJs,
      eslint: { ...eslintJs, fatalParseErrors: eslintRuns[0].fatal, noConsoleFindings: eslintRuns[0].consoleFindings, peakRssMb: summarize(eslintRuns.map((r) => r.maxRssKb / 1024)) },
      ratio: ratio(cliJs, eslintJs),
    },
    rules: { engineFrom: options.rulesFrom ?? 'this checkout', parseMs: ruleParse, perRule: ruleCost },
    yaml: { prodready: yaml, parseOnly: { ...yamlParse, documents: yamlParseRuns[0].documents }, parseOnlyWarm: yamlParseWarm, ratioToParse: ratio(yaml, yamlParse) },
    ecs: { prodready: ecs },
    editLatencyMs: { file: `${EDIT_FILE_LINES} lines, ${round(Buffer.byteLength(edit.text) / 1024, 0)} KiB`, debounceMs: 0, ...latency },
    editLatencyRxjsMs: rxjsLatency,
    monorepo,
    startupMs: startup,
    workspaceIndex: { engineFrom: options.indexFrom ?? 'this checkout', ...index },
    server: { open, scan: serverScanFig, soak: soakFig },
    vsix: vsix ? { mb: round(vsix.bytes / 1024 / 1024, 2), bytes: vsix.bytes } : { skipped: options.quick ? 'quick mode' : '--no-package' },
    profile: { scan: profile, typing: editProfile, typingRxjs: rxjsProfile, typingPython: pythonProfile },
    python: pythonFigures,
  };

  const out = path.join(REPO_ROOT, 'bench', options.quick ? 'results.local.json' : 'results.json');
  fs.writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(table(results));
  process.stdout.write(pythonTable(pythonFigures));
  process.stdout.write(`\nwritten: ${path.relative(process.cwd(), out)} (${results.durationSec} s)\n`);
  return 0;
}

/** A process that starts workers (tsx does) leaves several profiles: the main thread's is the largest. */
function largestProfile(dir: string, top: number, window?: [number, number]): ProfileSummary | undefined {
  if (!fs.existsSync(dir)) return undefined;
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).map((f) => path.join(dir, f));
  if (files.length === 0) return undefined;
  files.sort((a, b) => fs.statSync(b).size - fs.statSync(a).size);
  return summarizeProfile(files[0], top, window);
}

// ---- the printed table ------------------------------------------------------------------------

type Results = Record<string, any>;

function fmt(s: Summary | undefined, digits = 0, unit = ''): string {
  if (!s) return 'n/a';
  const n = (v: number) => v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return s.runs > 1 ? `${n(s.median)}${unit} (${n(s.min)}-${n(s.max)})` : `${n(s.median)}${unit}`;
}

const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');

export function table(r: Results): string {
  const rows: Array<[string, string, string]> = [];
  const add = (what: string, value: string, note = '') => rows.push([what, value, note]);
  const m = r.machine;
  const lines: string[] = [];
  lines.push(`prodready bench (${r.mode}), ${r.date}, commit ${r.commit}`);
  lines.push(`machine: ${m.cores} x ${m.cpuModel}, ${m.memoryGb} GB, Node ${m.node}; load average ${r.loadAverage.start.join(' ')} -> ${r.loadAverage.end.join(' ')}`);
  lines.push(
    `corpus: ${r.corpus.jsTsFiles} JS/TS files (${r.corpus.mb} MB, ${r.corpus.lines.toLocaleString('en-US')} lines) from ${r.corpus.packages.length} npm packages; ` +
      `${r.corpus.manifests.yamlFiles} YAML manifests (${r.corpus.manifests.yamlMb} MB), ${r.corpus.manifests.ecsFiles} ECS task definitions`,
  );
  lines.push('figures: median (min-max) over the runs');
  lines.push('');

  const s = r.scan;
  const pct = (x: number) => `${Math.round(x * 100)}%`;
  const both = (t: Throughput, digits = 0, mb = false) =>
    mb ? `${fmt(t.mbPerSec, digits)} | ${fmt(t.mbPerCpuSec, digits)}` : `${fmt(t.filesPerSec, digits)} | ${fmt(t.filesPerCpuSec, digits)}`;
  add('', 'wall | CPU time', '');
  add('scan: prodready check, files/s', both(s.prodready), `${fmt(s.prodready.mbPerSec, 2)} MB/s wall`);
  add('scan: TypeScript parse only, files/s', both(s.parseOnly), `${fmt(s.parseOnly.mbPerSec, 2)} MB/s wall; the engine's options (no JSDoc)`);
  add('scan: parse only, TS default options', both(s.parseOnlyTsDefaults), `prodready at ${pct(s.ratioToParseTsDefaults.wall)} | ${pct(s.ratioToParseTsDefaults.cpu)} of it`);
  add('scan: prodready / parse-only', `${pct(s.ratioToParse.wall)} | ${pct(s.ratioToParse.cpu)}`, `target >= 70%: ${verdict(s.ratioToParse.wall >= 0.7)} (wall), ${verdict(s.ratioToParse.cpu >= 0.7)} (CPU)`);
  if (s.jobs2) {
    add('scan: prodready check --jobs 2, files/s', both(s.jobs2), `same findings as one job: ${s.jobs2.identicalFindings ? 'yes' : 'NO'}`);
    add('scan: --jobs 2 / --jobs 1', `${round(s.jobs2To1.wall, 2)}x | ${round(s.jobs2To1.cpu, 2)}x`, `target >= 1.7x (wall): ${verdict(s.jobs2To1.wall >= 1.7)}`);
  }
  const e = r.eslint;
  add(`JS subset (${e.eslint.files} files): prodready, files/s`, both(e.prodready), `${fmt(e.prodready.mbPerSec, 2)} MB/s wall`);
  add('JS subset: ESLint no-console, files/s', both(e.eslint), `${fmt(e.eslint.mbPerSec, 2)} MB/s wall`);
  add('JS subset: TypeScript parse only, files/s', both(e.parseOnly), '');
  add('JS subset: prodready / ESLint', `${round(e.ratio.wall, 1)}x | ${round(e.ratio.cpu, 1)}x`, `target >= 5x: ${verdict(e.ratio.wall >= 5)} (wall), ${verdict(e.ratio.cpu >= 5)} (CPU)`);
  add('YAML manifests: prodready, MB/s', both(r.yaml.prodready, 2, true), `target >= 5 MB/s: ${verdict(r.yaml.prodready.mbPerSec.median >= 5)} (wall)`);
  add('YAML manifests: yaml parse only, MB/s', both(r.yaml.parseOnly, 2, true), `prodready at ${pct(r.yaml.ratioToParse.wall)} of it (wall)`);
  add('YAML: yaml parse only, second pass (warm JIT)', both(r.yaml.parseOnlyWarm, 2, true), 'the same files again in the same process');
  add('ECS task definitions: prodready, MB/s', both(r.ecs.prodready, 2, true), `${r.ecs.prodready.files} files`);
  const l = r.editLatencyMs;
  add(`edit -> diagnostics, ${l.file}`, `p50 ${l.p50} / p90 ${l.p90} / p99 ${l.p99} ms`, `target p90 <= 10 ms: ${verdict(l.p90 <= 10)}`);
  if (l.reparseOnly) add('  TypeScript re-parse alone, same keystrokes', `p50 ${l.reparseOnly.p50} / p90 ${l.reparseOnly.p90} ms`, 'the floor under every keystroke');
  if (l.paced) add(`  the same, ${l.paced.pauseMs} ms between keystrokes`, `p50 ${l.paced.p50} / p90 ${l.paced.p90} ms`, 'as typed by a person');
  const rx = r.editLatencyRxjsMs;
  if (rx && !rx.unavailable) {
    add(`edit -> diagnostics, ${rx.file}`, `p50 ${rx.p50} / p90 ${rx.p90} / p99 ${rx.p99} ms`, `target p90 <= 10 ms: ${verdict(rx.p90 <= 10)}`);
    if (rx.reparseOnly) add('  TypeScript re-parse alone, same keystrokes', `p50 ${rx.reparseOnly.p50} / p90 ${rx.reparseOnly.p90} ms`, 'the floor under every keystroke');
    if (rx.paced) add(`  the same, ${rx.paced.pauseMs} ms between keystrokes`, `p50 ${rx.paced.p50} / p90 ${rx.paced.p90} ms`, 'as typed by a person');
  }
  add(`server start-up to first diagnostics, ms (${r.startupMs.bundle ?? 'bundle'})`, fmt(r.startupMs.ms), `target <= 300 ms: ${verdict(r.startupMs.ms.median <= 300)}; initialize answered after ${fmt(r.startupMs.initializeMs)} ms`);
  const mono = r.monorepo;
  if (mono) {
    add(`monorepo (${mono.files.toLocaleString('en-US')} files), --jobs 2, files/s`, both(mono.monorepo), `peak RSS ${mono.monorepo.peakRssMb} MB`);
    if (mono.baseline) {
      add(`monorepo of ${mono.baseline.files.toLocaleString('en-US')} files, --jobs 2, files/s`, both(mono.baseline), `peak RSS ${mono.baseline.peakRssMb} MB`);
      const b = mono.filesPerSecRatioToBaseline;
      add(`monorepo / ${mono.baseline.files.toLocaleString('en-US')}-file one, files/s`, `${pct(b.wall)} | ${pct(b.cpu)}`, `target within 20%: ${verdict(Math.abs(b.wall - 1) <= 0.2)} (wall), ${verdict(Math.abs(b.cpu - 1) <= 0.2)} (CPU); RSS x${mono.rssRatioToBaseline}`);
    }
    add(`corpus (${mono.corpus.files.toLocaleString('en-US')} files), --jobs 2, files/s`, both(mono.corpus), `peak RSS ${mono.corpus.peakRssMb} MB`);
    add('monorepo / corpus files/s', `${pct(mono.filesPerSecRatio.wall)} | ${pct(mono.filesPerSecRatio.cpu)}`, `the corpus run's fixed costs weigh on ${mono.corpus.files} files; RSS x${mono.rssRatio}`);
  }
  if (r.workspaceIndex.unavailable) add('workspace index build', 'n/a', r.workspaceIndex.unavailable);
  else add(`workspace index build (${r.workspaceIndex.files} files), files/s`, `${fmt(r.workspaceIndex.filesPerSec)} | ${fmt(r.workspaceIndex.filesPerCpuSec)}`, `${fmt(r.workspaceIndex.ms)} ms, ${r.workspaceIndex.parsed} parsed`);
  const sf = r.workspaceIndex.serviceFacts;
  if (sf) add(`  of it: route/port facts (${sf.read} files), ms`, `${fmt(sf.factsMs)} | ${fmt(sf.factsCpuMs)} + join ${fmt(sf.joinMs)}`, `after a parse of ${fmt(sf.parseMs)} ms shared with the SIGTERM facts; ${sf.routes} routes, ${sf.listens} listen calls`);
  add('peak RSS after the CLI scan (one job), MB', fmt(s.prodready.peakRssMb), `target <= 250 MB: ${verdict(s.prodready.peakRssMb.median <= 250)}`);
  add(`server scan of the corpus: peak RSS, MB`, fmt(r.server.scan.peakRssMb), `${fmt(r.server.scan.filesPerSec)} files/s wall`);
  add(`server with ${r.server.open.files} files open: RSS, MB`, fmt(r.server.open.rssMb), `peak ${fmt(r.server.open.peakRssMb)} MB`);
  const soakFig = r.server.soak;
  if (!soakFig || 'skipped' in soakFig) add('server soak: RSS after 10,000 edits vs 1,000', 'skipped', soakFig?.skipped ?? 'not run');
  else {
    const rss = (at?: [number, number] | [number, number, number]) => (at ? `${Math.round(at[1])} MB` : 'n/a');
    add(`server soak: RSS after ${soakFig.edits} edits vs 1,000`, `${soakFig.growthPct}% (${rss(soakFig.rssMb[0])} -> ${rss(soakFig.rssMb.at(-1))})`, `target at most +10%: ${verdict((soakFig.growthPct ?? Infinity) <= 10)}`);
    if (soakFig.afterGc.length > 1) {
      const [g1, gn] = [soakFig.afterGc[0], soakFig.afterGc.at(-1)!];
      add('server soak: the same after a full GC', `${soakFig.growthAfterGcPct}% (${rss(g1)} -> ${rss(gn)})`, `V8 heap in use ${Math.round(g1[2])} -> ${Math.round(gn[2])} MB`);
    }
  }
  add('.vsix size', r.vsix.mb !== undefined ? `${r.vsix.mb} MB` : 'skipped', r.vsix.skipped ?? '');
  for (const [id, cost] of Object.entries(r.rules.perRule) as Array<[string, any]>) {
    add(`rule ${id}: added to the parse`, `${fmt(cost.pctOfParse, 1)}%`, `${fmt(cost.ms)} ms over the corpus, ${cost.findings} findings`);
  }

  const w0 = Math.max(...rows.map((x) => x[0].length));
  const w1 = Math.max(...rows.map((x) => x[1].length));
  for (const [a, b, c] of rows) lines.push(`${a.padEnd(w0)}  ${b.padEnd(w1)}  ${c}`.trimEnd());
  for (const [name, p] of [
    ['prodready check over the corpus', r.profile?.scan],
    [`the server while typing (one session, from the sources)`, r.profile?.typing],
    [`the server while typing in rxjs.umd.js (one session, from the sources)`, r.profile?.typingRxjs],
    [`the server while typing in the 5,000-line Python file (one session, from the sources)`, r.profile?.typingPython],
  ] as const) {
    if (!p) continue;
    lines.push('', `CPU profile of ${name}, self time ${p.totalMs} ms:`);
    for (const part of p.parts.slice(0, 8)) lines.push(`  ${String(part.pct).padStart(5)}%  ${part.part}`);
    lines.push('  top functions:');
    for (const f of p.functions.slice(0, 6)) lines.push(`  ${String(f.pct).padStart(5)}%  ${f.fn}`);
    if (p.byCaller) {
      lines.push('  by caller (with the library code it called):');
      for (const c of p.byCaller.slice(0, 8)) lines.push(`  ${String(c.pct).padStart(5)}%  ${c.part}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

main().then(
  (code) => (process.exitCode = code),
  (error) => {
    process.stderr.write(`bench: ${(error as Error)?.stack ?? error}\n`);
    process.exitCode = 1;
  },
);
