// `prodready check --jobs N`: the files of one run checked on N threads, the main thread and N-1
// worker threads. The workspace index is built once, on the main thread, and each worker gets a copy
// of what it learnt (`WorkspaceIndex.exportState`, structured clone): copying it costs a few
// milliseconds where building it again costs a read of every file. The workers start while the index
// is being built. Files go out in small chunks to whichever thread is free (the heaviest first, see
// `planChunks`); outcomes come back as data and are printed in the files' order, so the report and
// stderr are the same as with one job.

import * as fs from 'node:fs';
import * as os from 'node:os';
import { Worker, parentPort, workerData } from 'node:worker_threads';
import { registry } from '../rules';
import { ConfigLoader } from '../engine/config-file';
import { WorkspaceIndex, type SourceParseFacts, type WorkspaceIndexState } from '../engine/workspace-index';
import { initPython } from '../engine/python';
import type { Config } from '../engine/config';
import { scanFile, type FileOutcome, type ScanContext } from './scan';
import { heapBound } from './memory';
import { loaderEntry } from '../engine/code-cache';

/** What a worker needs to make the same scan context as the main thread's. */
export interface WorkerSetup {
  cwd: string;
  rootDir: string;
  realRoot: string;
  baseConfig: Config;
  ignoreSuppressions: boolean;
  /** Whether any file of the run is Python: a worker loads the Python parser only then. */
  python?: boolean;
}

type ToWorker = { type: 'parse'; id: number; files: string[] } | { type: 'index'; state: WorkspaceIndexState } | { type: 'chunk'; id: number; files: string[] } | { type: 'stop' };
type FromWorker =
  | { type: 'loaded' }
  | { type: 'parsed'; id: number; facts: Array<[string, SourceParseFacts]> }
  | { type: 'ready' }
  | { type: 'done'; id: number; outcomes: FileOutcome[] };

/**
 * The default number of jobs: every core the process may use but one. One job already keeps about
 * 1.6 cores busy, V8's compiler and GC threads taking the rest, and each worker compiles the engine's
 * hot code again: on a 2-core machine `--jobs 2` took 0.80-0.92x the wall time of one job, 30% more
 * CPU and 435 MB of RSS instead of 276 (the bench corpus, three runs each, alternating).
 */
function defaultJobs(cores: number): number {
  return Math.max(1, cores - 1);
}

function availableCores(): number {
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length || 1;
}

/** Below this many files a run without --jobs stays on one thread: starting a worker costs more than it saves. */
export const MIN_FILES_PER_WORKER = 100;

/** How many threads a run uses: --jobs as given (at most one per file), else `defaultJobs` once the run is big enough. */
export function jobsFor(files: number, requested: number | undefined, cores = availableCores()): number {
  if (requested !== undefined) return Math.max(1, Math.min(requested, files));
  return Math.max(1, Math.min(defaultJobs(cores), Math.floor(files / MIN_FILES_PER_WORKER)));
}

/** The module a worker loads: the bundle's loader (dist/server.js, which starts from the code cache) or, from the sources, this file. */
function workerEntry(): string {
  return loaderEntry() ?? __filename;
}

export interface ParallelScan {
  files: readonly string[];
  jobs: number;
  setup: WorkerSetup;
  /** The main thread's context (its share of the files is checked there). */
  ctx: ScanContext;
  /** The files the index reads (their parses are shared out among the threads before it is built). */
  indexFiles: readonly string[];
  /** Called once the threads parsed the index files, to build the index the workers are sent. */
  buildIndex(parsed: ReadonlyMap<string, SourceParseFacts>): WorkspaceIndex;
  /** Each outcome, in the files' order; returning false stops the run (the rest are not checked). */
  onOutcome(outcome: FileOutcome): boolean;
}

/**
 * The files cut into chunks, in the files' order, and the order the chunks are handed out in. A
 * chunk ends at 16 files or at its share of the bytes, so a big file (a bundle) is a chunk of its own
 * instead of one of 16 side by side (axios's five ~200 KB builds made one chunk of 1 MB); the heavy
 * chunks go out first, the biggest first, and the rest in order, so that no thread is left with a
 * heavy chunk while the others have nothing more to take (longest job first). On the bench corpus,
 * `--jobs 2`, three runs each alternating on a noisy machine: 20.9 s median wall before, 18.2 s after.
 * The outcomes are still emitted in the files' order: a heavy chunk's outcomes wait until the chunks
 * before it are done.
 */
export function planChunks(files: readonly string[], jobs: number, sizeOf: (file: string) => number = fileSize): { chunks: string[][]; queue: number[] } {
  const maxFiles = Math.max(1, Math.min(16, Math.ceil(files.length / (jobs * 8))));
  const sizes = files.map(sizeOf);
  const total = sizes.reduce((a, b) => a + b, 0);
  const maxBytes = Math.max(256 * 1024, Math.ceil(total / (jobs * 16)));
  const chunks: string[][] = [];
  const bytes: number[] = [];
  let current: string[] = [];
  let currentBytes = 0;
  files.forEach((file, i) => {
    if (current.length > 0 && (current.length >= maxFiles || currentBytes + sizes[i] > maxBytes)) {
      chunks.push(current);
      bytes.push(currentBytes);
      current = [];
      currentBytes = 0;
    }
    current.push(file);
    currentBytes += sizes[i];
  });
  if (current.length > 0) {
    chunks.push(current);
    bytes.push(currentBytes);
  }
  const ids = chunks.map((_, i) => i);
  const heavy = ids.filter((i) => bytes[i] >= maxBytes / 2).sort((a, b) => bytes[b] - bytes[a] || a - b);
  const heavySet = new Set(heavy);
  return { chunks, queue: [...heavy, ...ids.filter((i) => !heavySet.has(i))] };
}

function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0; // its outcome says why it cannot be read
  }
}

/** Checks the files on `jobs` threads; resolves once every outcome went to `onOutcome` (or it stopped the run). */
export async function scanInParallel(scan: ParallelScan): Promise<void> {
  const { chunks, queue } = planChunks(scan.files, scan.jobs);
  const results: Array<FileOutcome[] | undefined> = new Array(chunks.length);
  let emitted = 0;
  let stopped = false;

  const emit = () => {
    while (!stopped && emitted < chunks.length && results[emitted]) {
      for (const outcome of results[emitted]!) {
        if (!scan.onOutcome(outcome)) {
          stopped = true;
          break;
        }
      }
      results[emitted] = undefined; // printed: let it go
      emitted++;
    }
  };

  // Workers first, so that they load while the main thread builds the index.
  const workers: Array<{ worker: Worker; busy?: number; alive: boolean }> = [];
  const code = `require(${JSON.stringify(workerEntry())}).runCheckWorker()`;
  for (let i = 1; i < scan.jobs; i++) {
    let worker: Worker;
    try {
      worker = new Worker(code, { eval: true, workerData: scan.setup, stdout: true, stderr: true });
    } catch {
      break; // no more threads to be had: the ones started (and the main thread) do the work
    }
    worker.stdout.resume(); // nothing a worker prints belongs in the report or on stderr: its outcomes carry the lines
    worker.stderr.resume();
    workers.push({ worker, alive: true });
  }
  const index = scan.buildIndex(await parseIndexFiles(scan.indexFiles, workers.map((w) => w.worker)));
  const state = index.exportState();

  await new Promise<void>((resolve) => {
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      for (const w of workers) {
        if (w.alive) w.worker.postMessage({ type: 'stop' } satisfies ToWorker);
        w.alive = false;
      }
      resolve();
    };
    const check = () => {
      emit();
      if (stopped || emitted === chunks.length) finish();
    };
    const feed = (w: (typeof workers)[number]) => {
      if (stopped || !w.alive) return;
      const id = queue.shift();
      if (id === undefined) {
        w.busy = undefined;
        return;
      }
      w.busy = id;
      w.worker.postMessage({ type: 'chunk', id, files: chunks[id] } satisfies ToWorker);
    };
    for (const w of workers) {
      // A worker that fails (it should not: outcomes carry the errors of the files) hands its chunk back to the main thread.
      const lost = () => {
        if (!w.alive) return;
        w.alive = false;
        if (w.busy !== undefined && !results[w.busy]) queue.unshift(w.busy);
        w.busy = undefined;
        runMain();
      };
      if (w.worker.threadId === -1) {
        w.alive = false; // it died while the index was built
        continue;
      }
      w.worker.on('message', (message: FromWorker) => {
        if (message.type === 'loaded' || message.type === 'parsed') return; // a late joiner of the index's parses
        if (message.type === 'ready') feed(w);
        else {
          results[message.id] = message.outcomes;
          w.busy = undefined;
          feed(w);
          check();
        }
      });
      w.worker.on('error', lost);
      w.worker.on('exit', lost);
      w.worker.postMessage({ type: 'index', state } satisfies ToWorker);
    }
    // The main thread takes chunks too, one at a time, letting the workers' messages in between.
    let mainRunning = false;
    const bound = heapBound();
    const runMain = () => {
      if (mainRunning) return;
      mainRunning = true;
      const step = () => {
        const id = stopped ? undefined : queue.shift();
        if (id === undefined) {
          mainRunning = false;
          check();
          return;
        }
        results[id] = chunks[id].map((file) => {
          const outcome = scanFile(file, scan.ctx);
          bound();
          return outcome;
        });
        check();
        setImmediate(step);
      };
      step();
    };
    runMain();
  });
  await Promise.all(workers.map((w) => w.worker.terminate()));
}

/**
 * The index's parses (service facts, SIGTERM handlers, logger exports: most of building it) shared
 * out among the threads: the main thread starts at once, each worker joins once its bundle is
 * loaded, chunks go to whichever is free. The main thread then builds the index in the files'
 * order from these answers, so it is the same index as one thread builds.
 */
async function parseIndexFiles(files: readonly string[], workers: Worker[]): Promise<Map<string, SourceParseFacts>> {
  const parsed = new Map<string, SourceParseFacts>();
  if (workers.length === 0) return parsed;
  const bound = heapBound();
  const chunkSize = 8;
  const queue: string[][] = [];
  for (let i = 0; i < files.length; i += chunkSize) queue.push(files.slice(i, i + chunkSize) as string[]);
  let nextId = 0;
  let outstanding = 0;
  return new Promise((resolve) => {
    const cleanups: Array<() => void> = [];
    let mainDone = false;
    let resolved = false;
    const finish = () => {
      if (!mainDone || outstanding > 0 || resolved) return;
      resolved = true;
      for (const cleanup of cleanups) cleanup();
      resolve(parsed);
    };
    for (const worker of workers) {
      let busy: number | undefined;
      const feed = () => {
        const chunk = queue.shift();
        if (!chunk) return finish();
        busy = nextId++;
        outstanding++;
        worker.postMessage({ type: 'parse', id: busy, files: chunk } satisfies ToWorker);
      };
      const onMessage = (message: FromWorker) => {
        if (message.type === 'loaded') feed();
        else if (message.type === 'parsed') {
          busy = undefined;
          outstanding--;
          for (const [p, facts] of message.facts) parsed.set(p, facts);
          feed();
        }
      };
      // A worker that fails leaves its chunk unparsed: the index parses those files itself.
      const onGone = () => {
        worker.off('message', onMessage);
        if (busy !== undefined) outstanding--;
        busy = undefined;
        finish();
      };
      worker.on('message', onMessage);
      worker.on('error', onGone);
      worker.on('exit', onGone);
      cleanups.push(() => {
        worker.off('message', onMessage);
        worker.off('error', onGone);
        worker.off('exit', onGone);
      });
    }
    const step = () => {
      const chunk = queue.shift();
      if (!chunk) {
        mainDone = true;
        return finish();
      }
      for (const file of chunk) {
        const answer = WorkspaceIndex.sourceParseFactsOf(file);
        if (answer) parsed.set(answer[0], answer[1]);
        bound();
      }
      setImmediate(step);
    };
    step();
  });
}

/** The worker thread's side (loaded through the bundle's export of the same name). */
export function runCheckWorker(): void {
  const port = parentPort;
  if (!port) throw new Error('runCheckWorker runs in a worker thread');
  const setup = workerData as WorkerSetup;
  let ctx: ScanContext | undefined;
  const bound = heapBound();
  const pending: ToWorker[] = [];
  const handle = (message: ToWorker) => {
    if (message.type === 'stop') {
      port.close();
      return;
    }
    if (message.type === 'index') {
      const configs = new ConfigLoader(registry, { frozen: true });
      const index = WorkspaceIndex.fromState(message.state);
      ctx = {
        cwd: setup.cwd,
        rootDir: setup.rootDir,
        realRoot: setup.realRoot,
        fix: false,
        configs,
        env: { registry, configs, baseConfig: setup.baseConfig, ignoreSuppressions: setup.ignoreSuppressions, workspace: index.facts() },
        index,
        checkedConfigs: new Set(),
      };
      port.postMessage({ type: 'ready' } satisfies FromWorker);
      return;
    }
    const outcomes = message.files.map((file) => {
      const outcome = scanFile(file, ctx!);
      bound();
      return outcome;
    });
    port.postMessage({ type: 'done', id: message.id, outcomes } satisfies FromWorker);
  };
  // Messages that arrive while the Python parser loads wait for it (the index's parses need no Python).
  let ready = false;
  port.on('message', (message: ToWorker) => {
    if (message.type === 'parse') {
      const facts: Array<[string, SourceParseFacts]> = [];
      for (const file of message.files) {
        const answer = WorkspaceIndex.sourceParseFactsOf(file);
        if (answer) facts.push(answer);
      }
      port.postMessage({ type: 'parsed', id: message.id, facts } satisfies FromWorker);
    } else if (ready) handle(message);
    else pending.push(message);
  });
  port.postMessage({ type: 'loaded' } satisfies FromWorker);
  void (setup.python === false ? Promise.resolve() : initPython()).finally(() => {
    ready = true;
    for (const message of pending.splice(0)) handle(message);
  });
}
