#!/usr/bin/env node
// `npm test`: every test layer, in order, each timed. A layer that cannot run is a failure, never a
// skip. Ends with one line `N passed, N failed` counting the tests of every layer.
//
//   npm test                      every layer
//   npm test -- --only node       only the named layer(s): build, typecheck, generated, node, ...

import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const only = args.includes('--only') ? args.slice(args.indexOf('--only') + 1) : undefined;

function testFiles(dir) {
  const abs = path.join(root, dir);
  if (!existsSync(abs)) return [];
  return readdirSync(abs)
    .filter((f) => f.endsWith('.test.ts'))
    .sort()
    .map((f) => path.join(dir, f));
}

/** Counts from node's test runner (spec reporter). */
function nodeCounts(output) {
  const pass = /^ℹ pass (\d+)$/m.exec(output);
  const fail = /^ℹ fail (\d+)$/m.exec(output);
  return pass && fail ? { passed: Number(pass[1]), failed: Number(fail[1]) } : undefined;
}

/** Counts from mocha's spec reporter (`N passing`, `N failing`). */
function mochaCounts(output) {
  const pass = [...output.matchAll(/^\s*(\d+) passing/gm)].map((m) => Number(m[1]));
  const fail = [...output.matchAll(/^\s*(\d+) failing/gm)].map((m) => Number(m[1]));
  if (pass.length === 0 && fail.length === 0) return undefined;
  return { passed: pass.reduce((a, b) => a + b, 0), failed: fail.reduce((a, b) => a + b, 0) };
}

const layers = [
  { name: 'build', command: ['node', 'esbuild.mjs'] },
  { name: 'typecheck', command: ['npx', 'tsc', '-p', 'tsconfig.json', '--noEmit'] },
  { name: 'generated', command: ['npx', 'tsx', 'scripts/generate.ts', '--check'] },
  {
    name: 'node',
    description: 'fixtures, unit, CLI and protocol tests',
    command: [
      'node',
      '--import',
      'tsx',
      '--test',
      '--test-reporter=spec',
      // A test file that runs five minutes (the longest takes ~20 s here) fails by name instead of
      // hanging the layer (on Node 20 the limit also bounds each file's process). Not
      // --test-force-exit: in a CI run it ended fixtures.test.ts part-way, two suites never ran, and
      // nothing said so.
      '--test-timeout=300000',
      ...testFiles('test'),
      ...testFiles('test/unit'),
      ...testFiles('test/protocol'),
    ],
    counts: nodeCounts,
    limitMinutes: 25,
  },
  {
    name: 'fuzz',
    description: 'seeded mutations of every fixture kind and the hostile shapes (issue 23); `npm run fuzz` runs 10,000',
    command: ['node', '--import', 'tsx', 'scripts/fuzz.ts', '--inputs', '1000', '--seed', '23'],
  },
  {
    name: 'package',
    description: 'the .vsix (production build)',
    command: ['node', '--import', 'tsx', '--test', '--test-reporter=spec', 'test/package/vsix.test.ts'],
    counts: nodeCounts,
  },
  // The editor layers (see test/vscode, test/ui, test/nvim). Tools are installed once and cached
  // outside the repo (PRODREADY_TOOLS, default ~/.cache/prodready-tools); a missing one fails the layer.
  {
    name: 'bench',
    description: 'benchmark smoke run (quick mode; reports, asserts no timing)',
    command: ['npm', 'run', 'bench', '--silent', '--', '--quick'],
  },
  {
    name: 'tools',
    description: 'Node 24, code-server, Chromium and Neovim for the editor layers',
    command: ['node', 'scripts/setup-editor-tools.mjs'],
  },
  {
    name: 'vscode',
    description: 'extension-host suite in a real VS Code (test-electron or headless code-server)',
    command: ['node', 'test/vscode/run.mjs'],
    counts: mochaCounts,
    limitMinutes: 20,
  },
  {
    name: 'ui',
    description: 'the packaged .vsix in code-server + headless Chromium',
    command: ['node', '--test', '--test-reporter=spec', 'test/ui/run.mjs', 'test/ui/review-html.mjs'],
    counts: nodeCounts,
  },
  {
    name: 'nvim',
    description: 'Neovim as a second LSP client',
    command: ['node', '--test', '--test-reporter=spec', 'test/nvim/run.mjs'],
    counts: nodeCounts,
  },
];

/** Minutes a layer may take before it is stopped and counted as failed (a cold CI run takes ~10 in all). */
const DEFAULT_LIMIT_MINUTES = 15;

/** The processes under `rootPid` (itself included), read from /proc: pid, seconds running, command line. */
function processTree(rootPid) {
  const parentOf = new Map();
  const started = new Map();
  let entries = [];
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
  for (const pid of entries) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parentOf.set(Number(pid), Number(fields[1]));
      started.set(Number(pid), Number(fields[19]));
    } catch {
      // gone meanwhile
    }
  }
  let uptime = 0;
  try {
    uptime = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
  } catch {
    // no uptime: ages are left out
  }
  const tree = [];
  const visit = (pid, depth) => {
    let args = '';
    try {
      args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
    } catch {
      return;
    }
    const seconds = uptime ? Math.round(uptime - (started.get(pid) ?? 0) / 100) : undefined;
    tree.push(`${'  '.repeat(depth)}${pid}${seconds === undefined ? '' : ` (${seconds} s)`} ${args.slice(0, 300)}`);
    for (const [child, parent] of parentOf) if (parent === pid) visit(child, depth + 1);
  };
  visit(rootPid, 0);
  return tree;
}

function run(layer) {
  return new Promise((resolve) => {
    const started = Date.now();
    let output = '';
    const [cmd, ...rest] = layer.command;
    // Its own process group, so that a layer over its time limit is stopped with everything it started.
    const child = spawn(cmd, rest, { cwd: root, env: { ...process.env, FORCE_COLOR: '0' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    running.add(child);
    const limitMinutes = layer.limitMinutes ?? DEFAULT_LIMIT_MINUTES;
    const limit = setTimeout(() => {
      // A hang must fail the layer with what was still running, not run CI into its own deadline.
      const note = `\n::: layer ${layer.name} did not finish within ${limitMinutes} min; stopped. Still running:\n${processTree(child.pid).join('\n')}\n`;
      output += note;
      process.stderr.write(note);
      killGroup(child);
    }, limitMinutes * 60_000);
    child.stdout.on('data', (d) => {
      output += d;
      process.stdout.write(d);
    });
    child.stderr.on('data', (d) => {
      output += d;
      process.stderr.write(d);
    });
    child.on('error', (error) => {
      clearTimeout(limit);
      running.delete(child);
      output += String(error);
      resolve({ code: 127, output, seconds: (Date.now() - started) / 1000 });
    });
    child.on('close', (code) => {
      clearTimeout(limit);
      running.delete(child);
      resolve({ code: code ?? 1, output, seconds: (Date.now() - started) / 1000 });
    });
  });
}

const running = new Set();

function killGroup(child) {
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    for (const child of running) killGroup(child);
    process.exit(130);
  });
}

let passed = 0;
let failed = 0;
const summary = [];
for (const layer of layers) {
  if (only && !only.includes(layer.name)) continue;
  process.stdout.write(`\n=== ${layer.name}${layer.description ? `: ${layer.description}` : ''} ===\n`);
  const { code, output, seconds } = await run(layer);
  const counts = layer.counts?.(output);
  if (counts) {
    passed += counts.passed;
    failed += counts.failed;
    if (code !== 0 && counts.failed === 0) failed += 1; // the layer itself broke (could not start, crashed)
  } else if (code === 0) passed += 1;
  else failed += 1;
  summary.push(`${layer.name.padEnd(10)} ${code === 0 ? 'ok    ' : 'FAILED'} ${seconds.toFixed(1).padStart(6)} s${counts ? `  (${counts.passed} passed, ${counts.failed} failed)` : ''}`);
}

process.stdout.write(`\n=== summary ===\n${summary.join('\n')}\n\n${passed} passed, ${failed} failed\n`);
process.exitCode = failed > 0 ? 1 : 0;
