// The language server measured through the real protocol: the bundled `dist/server.js --stdio` as a
// child process, a vscode-jsonrpc client (the approach of test/protocol/client.ts), publishDiagnostics
// awaited as events, never slept for.

import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { serverOutputReader } from '../test/support/lsp-reader';
import type { PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { REPO_ROOT } from './cache';

export const SERVER = path.join(REPO_ROOT, 'dist', 'server.js');

export interface Memory {
  /** Resident set size now, KiB. */
  rssKb: number;
  /** Peak resident set size of the process so far (VmHWM), KiB. */
  peakRssKb: number;
}

/** How to start the server: the bundle by default; a profile run starts it from the sources under --cpu-prof. */
export interface ServerCommand {
  nodeArgs: string[];
  entry: string;
}

export const BUNDLED: ServerCommand = { nodeArgs: [], entry: SERVER };

/** The server from its TypeScript sources (frames in a CPU profile name the source files). */
export function fromSources(profileDir: string): ServerCommand {
  return { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, '--import', 'tsx'], entry: path.join(REPO_ROOT, 'server', 'src', 'server.ts') };
}

export class BenchClient {
  readonly connection: MessageConnection;
  readonly child: ChildProcess;
  readonly spawnedAt = performance.now();
  private waiters: Array<(p: PublishDiagnosticsParams) => boolean> = [];
  stderr = '';
  private readonly exited: Promise<void>;

  /** Messages the server logged (window/logMessage). */
  readonly logs: string[] = [];
  private logWaiters: Array<(message: string) => boolean> = [];

  constructor(
    private readonly folders: string[],
    private readonly settings: Record<string, unknown>,
    command: ServerCommand = BUNDLED,
  ) {
    this.child = spawn(process.execPath, [...command.nodeArgs, command.entry, '--stdio'], { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr!.on('data', (chunk) => (this.stderr += String(chunk)));
    this.exited = new Promise((resolve) => this.child.on('exit', () => resolve()));
    this.connection = createMessageConnection(serverOutputReader(this.child.stdout!), new StreamMessageWriter(this.child.stdin!));
    this.connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
      this.waiters = this.waiters.filter((w) => !w(params));
    });
    this.connection.onNotification('window/logMessage', (params: { message: string }) => {
      this.logs.push(params.message);
      this.logWaiters = this.logWaiters.filter((w) => !w(params.message));
    });
    this.connection.onRequest('workspace/configuration', (params: { items: Array<{ section?: string }> }) =>
      params.items.map((item) => (item.section === 'prodready' ? this.settings : null)),
    );
    this.connection.onRequest('client/registerCapability', () => null);
    this.connection.onRequest('workspace/workspaceFolders', () => this.folders.map((f) => ({ uri: pathToFileURL(f).href, name: path.basename(f) })));
    this.connection.listen();
  }

  async initialize(): Promise<void> {
    const workspaceFolders = this.folders.map((f) => ({ uri: pathToFileURL(f).href, name: path.basename(f) }));
    await this.connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: workspaceFolders[0]?.uri ?? null,
      workspaceFolders,
      capabilities: {
        workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true }, workspaceFolders: true },
        textDocument: { publishDiagnostics: { versionSupport: true, dataSupport: true }, synchronization: { didSave: true } },
      },
    });
    await this.connection.sendNotification('initialized', {});
  }

  /** Resolves with the first publication from now on that satisfies the predicate. */
  next(predicate: (p: PublishDiagnosticsParams) => boolean, timeoutMs = 60_000): Promise<PublishDiagnosticsParams> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching publishDiagnostics within ${timeoutMs} ms\n${this.stderr}`)), timeoutMs);
      this.waiters.push((p) => {
        if (!predicate(p)) return false;
        clearTimeout(timer);
        resolve(p);
        return true;
      });
    });
  }

  /** Resolves when the server logs `count` messages matching `pattern` (counting those already logged). */
  logged(pattern: RegExp, count: number, timeoutMs = 600_000): Promise<string[]> {
    return new Promise((resolve, reject) => {
      const matches = () => this.logs.filter((m) => pattern.test(m));
      if (matches().length >= count) return resolve(matches());
      const timer = setTimeout(() => reject(new Error(`the server did not log ${count} x ${pattern} within ${timeoutMs} ms\n${this.stderr}`)), timeoutMs);
      this.logWaiters.push(() => {
        if (matches().length < count) return false;
        clearTimeout(timer);
        resolve(matches());
        return true;
      });
    });
  }

  open(uri: string, languageId: string, text: string, version = 1): Promise<void> {
    return this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version, text } });
  }

  change(uri: string, version: number, line: number, character: number, text: string): Promise<void> {
    return this.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [{ range: { start: { line, character }, end: { line, character } }, text }],
    });
  }

  memory(): Memory {
    const status = fs.readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rssKb: kb('VmRSS'), peakRssKb: kb('VmHWM') };
  }

  async shutdown(): Promise<void> {
    try {
      await this.connection.sendRequest('shutdown');
      await this.connection.sendNotification('exit');
      await Promise.race([this.exited, new Promise((r) => setTimeout(r, 5000))]);
    } finally {
      this.child.kill('SIGKILL');
      this.connection.dispose();
    }
  }
}

export function languageIdOf(file: string): string {
  if (/\.py$/i.test(file)) return 'python';
  if (/\.tsx$/i.test(file)) return 'typescriptreact';
  if (/\.[cm]?ts$/i.test(file)) return 'typescript';
  if (/\.jsx$/i.test(file)) return 'javascriptreact';
  return 'javascript';
}

/** Spawn to the first diagnostics of a file opened right after `initialized`. */
export async function startUp(file: string): Promise<{ ms: number; initializeMs: number }> {
  const client = new BenchClient([path.dirname(file)], { debounceMs: 0 });
  try {
    const uri = pathToFileURL(file).href;
    const published = client.next((p) => p.uri === uri);
    await client.initialize();
    const initializeMs = performance.now() - client.spawnedAt;
    await client.open(uri, languageIdOf(file), fs.readFileSync(file, 'utf8'));
    await published;
    return { ms: performance.now() - client.spawnedAt, initializeMs };
  } finally {
    await client.shutdown();
  }
}

/**
 * Types `typed` one character at a time at (line, character) of an open file, waiting after each
 * keystroke for the diagnostics of that very version. Returns each keystroke's latency, ms.
 */
export async function editLatency(
  file: string,
  text: string,
  line: number,
  character: number,
  typed: string,
  warmup: number,
  command: ServerCommand = BUNDLED,
  pauseMs = 0,
): Promise<{ latencies: number[]; diagnostics: number; window: [number, number] }> {
  const client = new BenchClient([path.dirname(file)], { debounceMs: 0, run: 'onType' }, command);
  try {
    await client.initialize();
    const uri = pathToFileURL(file).href;
    const first = client.next((p) => p.uri === uri, 600_000);
    await client.open(uri, languageIdOf(file), text);
    const opened = await first;
    const latencies: number[] = [];
    const windowStart = Number(process.hrtime.bigint() / 1000n);
    let version = 1;
    let col = character;
    let ln = line;
    for (let i = 0; i < typed.length; i++) {
      const ch = typed[i];
      version++;
      const target = version;
      const published = client.next((p) => p.uri === uri && p.version === target);
      const started = performance.now();
      await client.change(uri, target, ln, col, ch);
      await published;
      if (i >= warmup) latencies.push(performance.now() - started);
      if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
      if (ch === '\n') {
        ln++;
        col = 0;
      } else col++;
    }
    return { latencies, diagnostics: opened.diagnostics.length, window: [windowStart, Number(process.hrtime.bigint() / 1000n)] };
  } finally {
    await client.shutdown();
  }
}

/** Opens files one after another (each waits for its diagnostics); memory after all are open. */
export async function openMany(files: string[]): Promise<{ ms: number; memory: Memory; diagnostics: number }> {
  const client = new BenchClient([commonRoot(files)], { debounceMs: 0 });
  try {
    await client.initialize();
    let diagnostics = 0;
    const started = performance.now();
    for (const file of files) {
      const uri = pathToFileURL(file).href;
      const published = client.next((p) => p.uri === uri);
      await client.open(uri, languageIdOf(file), fs.readFileSync(file, 'utf8'));
      diagnostics += (await published).diagnostics.length;
    }
    const ms = performance.now() - started;
    return { ms, memory: client.memory(), diagnostics };
  } finally {
    await client.shutdown();
  }
}

/**
 * The server's own workspace scan (setting prodready.scope = "workspace") of the folders, from
 * `initialized` to the server's "scanned <folder>" log line for each; memory after it.
 */
export async function serverScan(folders: string[]): Promise<{ ms: number; files: number; memory: Memory }> {
  const client = new BenchClient(folders, { debounceMs: 0, scope: 'workspace' });
  try {
    await client.initialize();
    const started = performance.now();
    const lines = await client.logged(/scanned .*: \d+ files/, folders.length);
    const ms = performance.now() - started;
    const files = lines.reduce((n, l) => n + Number(/: (\d+) files/.exec(l)![1]), 0);
    return { ms, files, memory: client.memory() };
  } finally {
    await client.shutdown();
  }
}

function commonRoot(files: string[]): string {
  let root = path.dirname(files[0]);
  for (const f of files) while (!f.startsWith(`${root}/`)) root = path.dirname(root);
  return root;
}
