// Shared plumbing for the headless editor tests (extension-host suite and UI test):
// servers started in their own session (setsid) on a free port and stopped by process group,
// a headless Chromium through playwright-core, throwaway data folders, the browser console forwarded.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** A port nobody listens on right now (the OS picks it). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export function makeTempDir(prefix) {
  return fs.mkdtempSync(path.join(os.tmpdir(), `prodready-${prefix}-`));
}

const groups = new Set();
let cleanupInstalled = false;

function killGroup(pid, signal) {
  // Only ever a process group this harness started: never 0, 1 or a negative/unknown id (kill(-1)
  // would signal every process on the machine).
  if (!Number.isInteger(pid) || pid <= 1) return false;
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

function installCleanup() {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  // Whatever happens to the runner, its servers do not outlive it.
  process.on('exit', () => {
    for (const pid of groups) killGroup(pid, 'SIGKILL');
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
      for (const pid of groups) killGroup(pid, 'SIGKILL');
      process.exit(128 + (os.constants.signals[sig] ?? 1));
    });
  }
}

/**
 * Starts `cmd args` as the leader of a new session (spawn's `detached` is setsid(2) on POSIX), so the
 * whole tree (server, extension hosts, language servers) can be stopped with one kill(-pgid).
 * Resolves once `readyPattern` appears in its output. The returned `stop()` sends SIGTERM to the group,
 * then SIGKILL if anything is left after a grace period.
 */
export function startGroup({ name, cmd, args, env, cwd, readyPattern, timeoutMs = 60_000, logFile }) {
  installCleanup();
  const child = spawn(cmd, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  groups.add(child.pid);
  let output = '';
  const logStream = logFile ? fs.createWriteStream(logFile) : undefined;
  const onData = (chunk) => {
    const text = chunk.toString();
    output += text;
    if (output.length > 200_000) output = output.slice(-100_000);
    logStream?.write(text);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  let exited = false;
  const exitPromise = new Promise((resolve) => child.on('exit', (code, signal) => {
    exited = true;
    resolve({ code, signal });
  }));

  const stop = async () => {
    if (!groups.has(child.pid)) return;
    killGroup(child.pid, 'SIGTERM');
    // Wait for the leader's exit event. A watchdog SIGKILLs the group if the leader ignores SIGTERM
    // for 5 s, which ends the wait through the same event.
    const watchdog = setTimeout(() => killGroup(child.pid, 'SIGKILL'), 5000);
    await exitPromise;
    clearTimeout(watchdog);
    // Whatever the leader left behind (extension hosts, language servers) goes too.
    killGroup(child.pid, 'SIGKILL');
    groups.delete(child.pid);
    logStream?.end();
  };

  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`${name} did not become ready within ${timeoutMs / 1000} s. Output:\n${output.slice(-4000)}`));
    }, timeoutMs);
    const check = () => {
      const m = readyPattern.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    };
    child.stdout.on('data', check);
    child.stderr.on('data', check);
    exitPromise.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited before it was ready (code ${code}, signal ${signal}). Output:\n${output.slice(-4000)}`));
    });
  });

  return { child, pid: child.pid, ready, stop, exited: () => exited, output: () => output };
}

/** Launches the headless Chromium from the tool setup through playwright-core. */
export async function launchChromium(tools) {
  const require = createRequire(path.join(repoRoot, 'package.json'));
  const { chromium } = require('playwright-core');
  return chromium.launch({
    executablePath: tools.chromium,
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: 60_000,
  });
}

/**
 * Forwards what the page logs. The workbench logs the extension host's console through its log service
 * as `['%c INFO', 'color: ...', fmt, ...args]`; the level and CSS are dropped and `fmt` is applied, so
 * a line reads as the extension host printed it. `onLine(text, type)` decides what to do with it.
 */
export function forwardConsole(page, onLine) {
  page.on('console', async (msg) => {
    let text;
    try {
      const values = await Promise.all(msg.args().map((a) => a.jsonValue().catch(() => String(a))));
      text = formatConsoleArgs(values);
    } catch {
      text = msg.text();
    }
    onLine(text, msg.type());
  });
  page.on('pageerror', (err) => onLine(`[page error] ${err.message}`, 'error'));
}

function formatOne(values) {
  if (!values.length) return '';
  const [first, ...rest] = values;
  const show = (v) => (typeof v === 'string' ? v : JSON.stringify(v));
  if (typeof first !== 'string') return values.map(show).join(' ');
  let i = 0;
  const out = first.replace(/%[csdifoO%]/g, (spec) => {
    if (spec === '%%') return '%';
    if (i >= rest.length) return spec;
    const v = rest[i++];
    return spec === '%c' ? '' : show(v);
  });
  return [out, ...rest.slice(i).map(show)].join(' ');
}

export function formatConsoleArgs(values) {
  // The log service's own prefix: '%c INFO' / '%c  ERR' followed by its CSS argument.
  if (typeof values[0] === 'string' && /^%c\s*[A-Z]{3,5}$/.test(values[0]) && typeof values[1] === 'string') {
    return formatOne(values.slice(2));
  }
  return formatOne(values);
}

export function writeJson(file, value) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(value, null, 2) + '\n');
}

/** Copies a folder (the test workspace) so a run can change files without touching the repository. */
export function copyDir(from, to) {
  fs.cpSync(from, to, { recursive: true });
  return to;
}
