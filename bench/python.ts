// The Python rows of `npm run bench`, in one block the main run calls (bench/run.ts): files/s of a
// `prodready check` scan, tree-sitter's parse alone on the same files (the baseline the engine
// cannot beat), Ruff's WebAssembly build from the npm registry with only S113, T201 and G004 (the
// peer: the Ruff rules for the same concerns), each in a fresh process; and the edit-to-diagnostics
// latency of a 5,000-line Python file in the language server.
//
// The corpus is real Python nobody here wrote: the standard library of the machine's Python
// (Debian's python3.x package; its version is in the results), without its tests, copied into the
// bench cache so the CLI scans exactly those files. Ruff is installed with npm into the cache too.

import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { cacheDir, REPO_ROOT } from './cache';
import { BenchClient, editLatency as lspEditLatency, fromSources } from './lsp';
import { summarizeProfile, type ProfileSummary } from './profile';
import { percentile, round, summarize, type Summary } from './stats';
import { pathToFileURL } from 'node:url';

export const RUFF_WASM = { name: '@astral-sh/ruff-wasm-nodejs', version: '0.17.4' };
export const PYTHON_EDIT_FILE_LINES = 5000;

interface Timed {
  ms: number;
  cpuMs: number;
  files: number;
  bytes?: number;
}

type Rate = Summary & { filesPerSec: number; cpuMs: number; filesPerCpuSec: number };

export interface PythonBench {
  corpus: { source: string; files: number; mb: number; lines: number };
  scan: { prodready: Rate & { findingsByRule: Record<string, number> }; parseOnly: Rate; ratioToParse: number };
  ruff?: { version: string; rules: string[]; run: Rate & { findingsByCode: Record<string, number> }; ratio: number };
  ruffSkipped?: string;
  editLatencyMs: {
    file: string;
    keystrokes: number;
    p50: number;
    p90: number;
    max: number;
    target: number;
    /** tree-sitter's incremental re-parse alone for the same keystrokes (python-worker.ts `reparse`): the floor under each. */
    reparseOnly?: { p50: number; p90: number; keystrokes: number };
  };
  /** A CPU profile of the server (from the sources) typing the same keystrokes; `results.profile.typingPython`. */
  typingProfile?: ProfileSummary;
}

/** The Python corpus: the standard library of the machine's python3, tests left out, copied into the cache. */
function pythonCorpus(quick: boolean): { root: string; files: string[]; source: string } {
  const probe = spawnSync('python3', ['-c', 'import sys, sysconfig; print(sys.version.split()[0]); print(sysconfig.get_paths()["stdlib"])'], { encoding: 'utf8' });
  if (probe.status !== 0) throw new Error('python3 is needed for the Python corpus (its standard library is the corpus)');
  const [version, stdlib] = probe.stdout.trim().split('\n');
  const root = path.join(cacheDir(), 'python-corpus', `stdlib-${version}`);
  if (!fs.existsSync(path.join(root, '.complete'))) {
    fs.rmSync(root, { recursive: true, force: true });
    const walk = (dir: string, rel: string): void => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        if (entry.isDirectory()) {
          if (['test', 'tests', 'idle_test', '__pycache__', 'site-packages', 'dist-packages', 'lib2to3', 'turtledemo'].includes(entry.name)) continue;
          walk(path.join(dir, entry.name), path.join(rel, entry.name));
        } else if (entry.isFile() && entry.name.endsWith('.py') && !entry.name.startsWith('test_')) {
          fs.mkdirSync(path.join(root, rel), { recursive: true });
          fs.copyFileSync(path.join(dir, entry.name), path.join(root, rel, entry.name));
        }
      }
    };
    walk(stdlib, '');
    fs.writeFileSync(path.join(root, '.complete'), '');
  }
  const files: string[] = [];
  const list = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const abs = path.join(dir, entry.name);
      if (entry.isDirectory()) list(abs);
      else if (entry.name.endsWith('.py')) files.push(abs);
    }
  };
  list(root);
  return { root, files: quick ? files.filter((_, i) => i % 4 === 0) : files, source: `CPython ${version} standard library (${stdlib}), tests left out` };
}

/** Installs Ruff's WebAssembly build into the cache (npm), once; undefined with the reason when it cannot. */
function ensureRuff(): { dir: string } | { skipped: string } {
  const dir = path.join(cacheDir(), 'ruff-wasm', RUFF_WASM.version);
  if (fs.existsSync(path.join(dir, 'node_modules', ...RUFF_WASM.name.split('/'), 'package.json'))) return { dir };
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), '{"private":true}\n');
  const installed = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', `${RUFF_WASM.name}@${RUFF_WASM.version}`], { cwd: dir, encoding: 'utf8' });
  return installed.status === 0 ? { dir } : { skipped: `npm install ${RUFF_WASM.name}@${RUFF_WASM.version} failed: ${(installed.stderr ?? '').slice(-300)}` };
}

function runNode(args: string[], cwd = REPO_ROOT): Promise<{ stdout: string; stderr: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ stdout, stderr, code }));
  });
}

async function pyWorker<T>(mode: string, input: unknown): Promise<T> {
  const file = path.join(cacheDir(), 'tmp', `py-input-${process.pid}-${mode}.json`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(input));
  const result = await runNode(['--import', 'tsx', path.join(REPO_ROOT, 'bench', 'python-worker.ts'), mode, file]);
  if (result.code !== 0) throw new Error(`python worker ${mode} failed (${result.code}): ${result.stderr.slice(-2000)}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!) as T;
}

async function scan(root: string): Promise<Timed & { byRule: Record<string, number> }> {
  const resultFile = path.join(cacheDir(), 'tmp', `py-cli-${process.pid}.json`);
  const result = await runNode([path.join(REPO_ROOT, 'bench', 'cli-worker.cjs'), resultFile, root, 'check', '.', '--format', 'json', '--fail-on', 'none'], root);
  if (result.code !== 0 || !fs.existsSync(resultFile)) throw new Error(`prodready check failed (${result.code}): ${result.stderr.slice(-2000)}`);
  const out = JSON.parse(fs.readFileSync(resultFile, 'utf8')) as Timed & { byRule: Record<string, number>; code: number };
  fs.rmSync(resultFile);
  return out;
}

/** Wall time is the figure; CPU time beside it, because on a shared machine wall time also counts the waiting. */
function withRate(runs: Timed[], files: number): Summary & { filesPerSec: number; cpuMs: number; filesPerCpuSec: number } {
  const s = summarize(runs.map((r) => r.ms));
  const cpu = summarize(runs.map((r) => r.cpuMs)).median;
  return { ...s, filesPerSec: round(files / (s.median / 1000), 0), cpuMs: cpu, filesPerCpuSec: round(files / (cpu / 1000), 0) };
}

/** A 5,000-line Python module: corpus files concatenated after a small service with the calls the rules read; typing in the middle. */
function editFile(files: string[]): { text: string; line: number } {
  const header = [
    'import logging',
    'import requests',
    'from fastapi import FastAPI',
    '',
    'logger = logging.getLogger(__name__)',
    'app = FastAPI()',
    '',
    '',
    '@app.get("/orders/{order_id}")',
    'def get_order(order_id: str):',
    '    response = requests.get(f"https://orders.example.com/{order_id}", timeout=5)',
    '    print("fetched", order_id)',
    '    logger.info(f"order {order_id} fetched")',
    '    return response.json()',
    '',
    '',
  ];
  const body: string[] = [];
  for (const file of files) {
    if (body.length > PYTHON_EDIT_FILE_LINES) break;
    const text = fs.readFileSync(file, 'utf8');
    if (/^\s*from __future__/m.test(text)) continue; // only legal at the top of a module
    body.push(...text.split(/\r?\n/), '');
  }
  const half = Math.floor((PYTHON_EDIT_FILE_LINES - header.length) / 2);
  const typingFn = ['', '', 'def typing_here(order):', '    total = 0', '    ', '    return total', '', ''];
  const lines = [...header, ...body.slice(0, half), ...typingFn, ...body.slice(half, PYTHON_EDIT_FILE_LINES - header.length - typingFn.length)];
  return { text: `${lines.join('\n')}\n`, line: header.length + half + 4 };
}

/** Where typing starts on the edit line (`editFile`): after the indentation of the empty line in `typing_here`. */
const EDIT_COLUMN = 4;

async function editLatency(file: string, text: string, line: number, typed: string, warmup: number): Promise<number[]> {
  const client = new BenchClient([path.dirname(file)], { debounceMs: 0, run: 'onType' });
  try {
    await client.initialize();
    const uri = pathToFileURL(file).href;
    const first = client.next((p) => p.uri === uri, 600_000);
    await client.open(uri, 'python', text);
    await first;
    const latencies: number[] = [];
    let version = 1;
    let ln = line;
    let col = EDIT_COLUMN;
    for (let i = 0; i < typed.length; i++) {
      const ch = typed[i];
      const target = ++version;
      const published = client.next((p) => p.uri === uri && p.version === target);
      const started = performance.now();
      await client.change(uri, target, ln, col, ch);
      await published;
      if (i >= warmup) latencies.push(performance.now() - started);
      if (ch === '\n') {
        ln++;
        col = 0;
      } else col++;
    }
    return latencies;
  } finally {
    await client.shutdown();
  }
}

export async function benchPython(options: { quick: boolean; runs: number; profile?: boolean; log: (line: string) => void }): Promise<PythonBench> {
  const { root, files, source } = pythonCorpus(options.quick);
  const scanRoot = options.quick ? path.join(cacheDir(), 'python-corpus', 'quick') : root;
  if (options.quick) {
    fs.rmSync(scanRoot, { recursive: true, force: true });
    for (const f of files) {
      const to = path.join(scanRoot, path.relative(root, f));
      fs.mkdirSync(path.dirname(to), { recursive: true });
      fs.copyFileSync(f, to);
    }
  }
  const scanFiles = options.quick ? files.map((f) => path.join(scanRoot, path.relative(root, f))) : files;
  const bytes = scanFiles.reduce((n, f) => n + fs.statSync(f).size, 0);
  const lines = scanFiles.reduce((n, f) => n + fs.readFileSync(f, 'utf8').split('\n').length, 0);

  const scans: Array<Timed & { byRule: Record<string, number> }> = [];
  const parses: Timed[] = [];
  const ruffs: Array<Timed & { byCode: Record<string, number> }> = [];
  const ruff = ensureRuff();
  for (let i = 0; i < options.runs; i++) {
    options.log(`Python: prodready check, parse alone${'dir' in ruff ? ', Ruff' : ''} (${i + 1}/${options.runs})`);
    scans.push(await scan(scanRoot));
    parses.push(await pyWorker<Timed>('parse', { files: scanFiles }));
    if ('dir' in ruff) ruffs.push(await pyWorker<Timed & { byCode: Record<string, number> }>('ruff', { files: scanFiles, ruffDir: ruff.dir }));
  }
  const prodready = withRate(scans, scanFiles.length);
  const parseOnly = withRate(parses, scanFiles.length);

  const editDir = path.join(cacheDir(), 'edit-python');
  fs.mkdirSync(editDir, { recursive: true });
  const edit = editFile(files);
  const editPath = path.join(editDir, 'orders_service.py');
  fs.writeFileSync(editPath, edit.text);
  const statement = 'retries = 3 if len(order.items) > 10 else 1\n    print("total", total, retries)\n    ';
  const keystrokes = options.quick ? 30 : 150;
  const typed = statement.repeat(Math.ceil(keystrokes / statement.length)).slice(0, keystrokes);
  options.log(`Python: edit latency, ${keystrokes} keystrokes on a ${PYTHON_EDIT_FILE_LINES}-line file`);
  const latencies: number[] = [];
  const sessions = options.quick ? 1 : Math.min(options.runs, 3);
  for (let i = 0; i < sessions; i++) latencies.push(...(await editLatency(editPath, edit.text, edit.line, typed, 5)));
  const reparses: number[] = [];
  for (let i = 0; i < sessions; i++) reparses.push(...(await pyWorker<{ latencies: number[] }>('reparse', { files: [editPath], line: edit.line, character: EDIT_COLUMN, typed, warmup: 5 })).latencies);
  let typingProfile: ProfileSummary | undefined;
  if (options.profile) {
    options.log('CPU profile of the server while typing in the Python file (from the sources)');
    const dir = path.join(cacheDir(), 'profiles', 'server-python');
    fs.rmSync(dir, { recursive: true, force: true });
    const session = await lspEditLatency(editPath, edit.text, edit.line, 4, typed, 5, fromSources(dir));
    // tsx leaves several profiles: the server's main thread's is the largest.
    const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).map((f) => path.join(dir, f)) : [];
    files.sort((a, b) => fs.statSync(b).size - fs.statSync(a).size);
    typingProfile = files[0] ? summarizeProfile(files[0], 25, session.window) : undefined;
  }

  return {
    corpus: { source, files: scanFiles.length, mb: round(bytes / 1e6), lines },
    scan: { prodready: { ...prodready, findingsByRule: scans[0].byRule }, parseOnly, ratioToParse: round(prodready.median / parseOnly.median, 2) },
    ...('dir' in ruff
      ? { ruff: { version: RUFF_WASM.version, rules: ['S113', 'T201', 'G004'], run: { ...withRate(ruffs, scanFiles.length), findingsByCode: ruffs[0].byCode }, ratio: round(prodready.median / summarize(ruffs.map((r) => r.ms)).median, 2) } }
      : { ruffSkipped: ruff.skipped }),
    editLatencyMs: { file: `${edit.text.split('\n').length - 1} lines, ${round(Buffer.byteLength(edit.text) / 1024, 0)} KiB`, keystrokes: latencies.length, p50: round(percentile(latencies, 50)), p90: round(percentile(latencies, 90)), max: round(Math.max(...latencies)), target: 15, reparseOnly: { p50: round(percentile(reparses, 50)), p90: round(percentile(reparses, 90)), keystrokes: reparses.length } },
    ...(typingProfile ? { typingProfile } : {}),
  };
}

/** The Python rows of the printed table. */
export function pythonTable(p: PythonBench): string {
  const rows = [
    `Python corpus: ${p.corpus.files} files, ${p.corpus.mb} MB, ${p.corpus.lines} lines (${p.corpus.source})`,
    `  prodready check     ${p.scan.prodready.median} ms wall, ${p.scan.prodready.cpuMs} ms CPU  ${p.scan.prodready.filesPerSec} files/s (${p.scan.prodready.filesPerCpuSec} per CPU s)`,
    `  tree-sitter parse   ${p.scan.parseOnly.median} ms wall, ${p.scan.parseOnly.cpuMs} ms CPU  ${p.scan.parseOnly.filesPerSec} files/s (${p.scan.parseOnly.filesPerCpuSec} per CPU s)  (prodready/parse ${p.scan.ratioToParse}x)`,
    p.ruff ? `  Ruff ${p.ruff.version} (wasm, ${p.ruff.rules.join('/')})  ${p.ruff.run.median} ms wall, ${p.ruff.run.cpuMs} ms CPU  ${p.ruff.run.filesPerSec} files/s  (prodready/Ruff ${p.ruff.ratio}x)` : `  Ruff: skipped (${p.ruffSkipped})`,
    `  edit -> diagnostics (${p.editLatencyMs.file}): p50 ${p.editLatencyMs.p50} ms, p90 ${p.editLatencyMs.p90} ms (target ${p.editLatencyMs.target} ms)`,
    ...(p.editLatencyMs.reparseOnly ? [`    tree-sitter re-parse alone, same keystrokes: p50 ${p.editLatencyMs.reparseOnly.p50} ms, p90 ${p.editLatencyMs.reparseOnly.p90} ms (the floor under every keystroke)`] : []),
  ];
  return `${rows.join('\n')}\n`;
}
