// One Python measurement in a fresh process: `node --import tsx bench/python-worker.ts <mode> <input.json>`.
// Prints one JSON line.
//
//   parse   tree-sitter's parse alone (the engine's parser: web-tree-sitter and tree-sitter-python, initialised once)
//   ruff    Ruff's WebAssembly build (`Workspace.check`) with only S113, T201 and G004 selected, one Workspace
//   reparse tree-sitter's incremental re-parse alone, for the keystrokes the edit-latency run types

import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';

interface Input {
  files: string[];
  ruffDir?: string;
  /** reparse: where typing starts (0-based line and column) and what is typed. */
  line?: number;
  character?: number;
  typed?: string;
  warmup?: number;
}

function cpuMs(from: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(from);
  return (used.user + used.system) / 1000;
}

async function parse(input: Input) {
  const { initPython, parsePython } = require('../server/src/engine/python') as typeof import('../server/src/engine/python');
  if (!(await initPython())) throw new Error('the Python parser did not load (run the build first: it copies the grammar)');
  let bytes = 0;
  let nodes = 0;
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  for (const file of input.files) {
    const text = fs.readFileSync(file, 'utf8');
    bytes += Buffer.byteLength(text);
    const parsed = parsePython(text);
    const tree = typeof parsed === 'object' ? parsed : undefined;
    nodes += tree?.rootNode.childCount ?? 0;
    tree?.delete();
  }
  return { files: input.files.length, bytes, ms: performance.now() - started, cpuMs: cpuMs(cpu0), statements: nodes };
}

/**
 * The keystrokes the Python edit-latency run sends (python.ts `editLatency`), applied to the file's
 * text and re-parsed as the engine does for an open document (document.ts: the change range from
 * the two texts' common prefix and suffix, then `parsePython` with the previous tree); each
 * keystroke's time is that of those two steps only: the floor under a Python keystroke.
 */
async function reparse(input: Input) {
  const { initPython, parsePython } = require('../server/src/engine/python') as typeof import('../server/src/engine/python');
  const { minimalEdit } = require('../server/src/engine/edits') as typeof import('../server/src/engine/edits');
  if (!(await initPython())) throw new Error('the Python parser did not load (run the build first: it copies the grammar)');
  let text = fs.readFileSync(input.files[0], 'utf8');
  const typed = input.typed ?? '';
  let offset = text.split('\n').slice(0, input.line ?? 0).reduce((n, l) => n + l.length + 1, 0) + (input.character ?? 0);
  let tree = parsePython(text);
  const latencies: number[] = [];
  for (let i = 0; i < typed.length; i++) {
    const next = text.slice(0, offset) + typed[i] + text.slice(offset);
    const started = performance.now();
    const edit = minimalEdit(text, next);
    tree = parsePython(next, typeof tree === 'object' ? { tree, text, edit } : undefined);
    if (i >= (input.warmup ?? 0)) latencies.push(performance.now() - started);
    if (typeof tree !== 'object') throw new Error(`keystroke ${i}: the re-parse gave ${String(tree)}`);
    text = next;
    offset++;
  }
  if (typeof tree === 'object') tree.delete();
  return { latencies };
}

async function ruff(input: Input) {
  const ruffWasm = require(path.join(input.ruffDir!, 'node_modules', '@astral-sh', 'ruff-wasm-nodejs')) as {
    Workspace: new (options: unknown, encoding: number) => { check(text: string): Array<{ code: string | null }>; free(): void };
    PositionEncoding: { Utf16: number };
  };
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  const workspace = new ruffWasm.Workspace({ lint: { select: ['S113', 'T201', 'G004'] } }, ruffWasm.PositionEncoding.Utf16);
  const byCode: Record<string, number> = {};
  let bytes = 0;
  for (const file of input.files) {
    const text = fs.readFileSync(file, 'utf8');
    bytes += Buffer.byteLength(text);
    for (const d of workspace.check(text)) if (d.code) byCode[d.code] = (byCode[d.code] ?? 0) + 1;
  }
  workspace.free();
  return { files: input.files.length, bytes, ms: performance.now() - started, cpuMs: cpuMs(cpu0), byCode };
}

const [mode, inputPath] = process.argv.slice(2);
const input = JSON.parse(fs.readFileSync(inputPath, 'utf8')) as Input;
const modes: Record<string, (i: Input) => Promise<unknown>> = { parse, ruff, reparse };
if (!modes[mode]) throw new Error(`unknown mode ${mode}`);
modes[mode](input).then((out) => process.stdout.write(`${JSON.stringify(out)}\n`));
