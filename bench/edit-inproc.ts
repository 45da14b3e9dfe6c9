// The server's per-keystroke path in one process, without the protocol: for profiling and for
// measuring each step of issue 22's incremental analysis. Types `typed` one character at a time at
// (line, 0) of a file, analysing each version the way server.ts does (checkText with the previous
// parse, then the workspace index update), and prints p50/p90 per keystroke.
//   npx tsx bench/edit-inproc.ts <file> [line] [keystrokes]
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { registry } from '../server/src/rules';
import { ConfigLoader } from '../server/src/engine/config-file';
import { EMPTY_CONFIG } from '../server/src/engine/config';
import { checkText } from '../server/src/engine/check';
import type { ParsedDocument } from '../server/src/engine/document';
import { WorkspaceIndex } from '../server/src/engine/workspace-index';
import { initPython } from '../server/src/engine/python';
import { LineIndex } from '../server/src/engine/lines';

async function main(): Promise<void> {
  await initPython();
  const file = path.resolve(process.argv[2]);
  let text = fs.readFileSync(file, 'utf8');
  const lines = text.split('\n');
  const python = file.endsWith('.py');
  // In the Python bench's file (bench/python.ts `editFile`), where and what the bench types: after the
  // indentation of the empty line in `typing_here`.
  const benchLine = python ? lines.indexOf('def typing_here(order):') : -1;
  const line = process.argv[3] ? Number(process.argv[3]) : benchLine >= 0 ? benchLine + 2 : lines.findIndex((l, i) => i >= lines.length / 2 && /^\s+return\b/.test(l));
  const keystrokes = Number(process.argv[4] ?? 150);
  const statement = benchLine >= 0 ? 'retries = 3 if len(order.items) > 10 else 1\n    print("total", total, retries)\n    ' : python ? "    retries = 3 if len(order.items) > 10 else 1\n    print('total', total, retries)\n" : "  var retries = order.items.length > 10 ? 3 : 1;\n  console.log('total', total, retries);\n";
  const typed = statement.repeat(Math.ceil(keystrokes / statement.length)).slice(0, keystrokes);
  const root = path.dirname(file);
  const index = new WorkspaceIndex();
  await index.build([root]);
  const env = { registry, configs: new ConfigLoader(registry), baseConfig: EMPTY_CONFIG, workspace: index.facts() };
  let offset = lines.slice(0, line).reduce((n, l) => n + l.length + 1, 0) + Number(process.env.EDIT_CHARACTER ?? (benchLine >= 0 ? 4 : 0));
  let previous: ParsedDocument | undefined;
  const times: number[] = [];
  const cpu: number[] = [];
  for (let i = -1; i < typed.length; i++) {
    if (i >= 0) {
      text = text.slice(0, offset) + typed[i] + text.slice(offset);
      offset++;
    }
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const result = checkText({ path: file, relativePath: path.basename(file), rootDir: root, text, version: i + 2, live: true }, env, previous);
    if (previous && previous !== result.doc) previous.dispose();
    previous = result.doc;
    if (result.doc && !index.wouldChangeFacts(result.doc)) index.updateDocument(result.doc);
    else if (result.doc) index.updateDocument(result.doc);
    const lineIndex = result.doc?.lines ?? new LineIndex(text);
    for (const f of result.findings) lineIndex.positionAt(f.start), lineIndex.positionAt(f.end);
    if (i >= 5) {
      times.push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1000);
    }
    if (i === typed.length - 1) console.log(`findings on the last version: ${result.findings.length}`);
  }
  const p = (list: number[], q: number) => [...list].sort((a, b) => a - b)[Math.min(list.length - 1, Math.floor((q / 100) * list.length))].toFixed(1);
  console.log(`${path.basename(file)}: ${times.length} keystrokes, wall p50 ${p(times, 50)} / p90 ${p(times, 90)} ms, CPU p50 ${p(cpu, 50)} / p90 ${p(cpu, 90)} ms`);
}
void main();
