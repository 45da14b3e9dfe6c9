// `npm run fuzz`: mutated inputs of every file kind (the rule fixtures and examples, and the hostile
// shapes of issue 23) through the engine, each checked and fixed, in a child process watched for
// hangs. Prints inputs tried, process crashes, rule crashes, hangs, --fix problems and the slowest
// input. Seeded: the same seed and count give the same inputs, and any one input is re-run with
// `--seed S --only N`. The `fuzz` layer of `npm test` runs a short, fixed-seed round.
//
//   node --import tsx scripts/fuzz.ts [--inputs 10000] [--seed 23] [--only N] [--from N] [--hang-ms 10000]
//
// --from N starts at input N (of the same --inputs): a long round split over several processes.
//
// --hang-ms is CPU time of the child on one input (read from /proc; wall time elsewhere).
//
// Exit 1 on any crash, hang, rule crash or --fix problem; slow inputs are reported, not failed (timing
// is the bench's business).

import { fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HOSTILE } from '../test/support/hostile';
import { mayClassify } from '../server/src/engine/classify';
import { registry } from '../server/src/rules';
import { ConfigLoader } from '../server/src/engine/config-file';
import { EMPTY_CONFIG } from '../server/src/engine/config';
import { checkText } from '../server/src/engine/check';
import { fixAll, parseErrorOffsets } from '../server/src/engine/fix-all';
import { initPython } from '../server/src/engine/python';
import { mulberry32 } from '../test/support/random';

const root = path.resolve(__dirname, '..');

interface Options {
  inputs: number;
  seed: number;
  only?: number;
  from: number;
  hangMs: number;
}

function parseOptions(argv: string[]): Options {
  const value = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const number = (flag: string, fallback: number) => {
    const v = value(flag);
    if (v === undefined) return fallback;
    if (!/^\d+$/.test(v)) throw new Error(`${flag} takes a whole number, not '${v}'`);
    return Number(v);
  };
  const only = value('--only');
  return { inputs: number('--inputs', 10_000), seed: number('--seed', 23), only: only === undefined ? undefined : number('--only', 0), from: number('--from', 0), hangMs: number('--hang-ms', 10_000) };
}

// ---- inputs ---------------------------------------------------------------------------------


interface Base {
  file: string;
  text: string;
}

/** Every fixture and example file prodready reads (all kinds), and the hostile shapes. */
function corpus(): { files: Base[]; hostile: Base[] } {
  const files: Base[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const abs = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(abs);
      else if (entry.isFile() && (mayClassify(abs) || /\.fixed\./.test(entry.name))) {
        const rel = path.relative(root, abs).split(path.sep).join('/').replace(/^test\/fixtures\//, '');
        files.push({ file: rel.replace(/\.fixed(\.|$)/, '$1'), text: fs.readFileSync(abs, 'utf8') });
      }
    }
  };
  walk(path.join(root, 'test', 'fixtures'));
  walk(path.join(root, 'examples'));
  return { files, hostile: HOSTILE.map((h) => ({ file: `hostile/${h.file}`, text: h.text })) };
}

const TOKENS = [
  '{', '}', '[', ']', '(', ')', '{{', '}}', '{{ .Values.x }}', '{{- include "x" . | nindent 8 }}', '"', "'", '`', '${', '/*', '*/', '//', '#',
  '\n', '\r\n', '\r', '\t', '  ', '- ', ': ', '---\n', '&a ', '*a', '<<: *a\n', '<<: [*a, *a]\n', '!!binary ', '? ', '|\n', '>-\n', ',', ';', '=>',
  'await ', 'fetch(', 'axios.get(', 'got(', 'console.log(', 'process.on("SIGTERM", () => {});\n', 'app.listen(3000);\n', 'new ',
  'import got from "got";\n', 'const axios = require("axios");\n', '// prodready-ignore-next-line ', ' prodready-ignore-line console-log', '# prodready-ignore-file ',
  'HEALTHCHECK ', 'FROM node:20\n', 'CMD ["node"]\n', '\\', '\u00e9', '\ud83d\ude00', '\ud800', '\u2028', '\ufeff', '\u0000',
  'livenessProbe:', '\n    containers:\n      - name: x\n        image: y\n', 'resources: {}', 'healthcheck:', '"containerDefinitions"', '"image": "x"',
  'apiVersion: v1\nkind: Pod\n', 'services:\n  web:\n    image: x\n', 'x'.repeat(300),
];

type Mutation = (text: string, rng: () => number) => [string, string];

const pick = <T>(rng: () => number, list: readonly T[]): T => list[Math.floor(rng() * list.length)];
const at = (text: string, rng: () => number) => Math.floor(rng() * (text.length + 1));
/** Mostly small, sometimes thousands: the shapes that hurt are long runs. */
const count = (rng: () => number) => 1 + Math.floor(rng() ** 4 * 3000);

const MUTATIONS: Mutation[] = [
  (t, r) => {
    const tok = pick(r, TOKENS);
    const p = at(t, r);
    return [t.slice(0, p) + tok + t.slice(p), `insert ${JSON.stringify(tok)} at ${p}`];
  },
  (t, r) => {
    const tok = pick(r, TOKENS);
    const n = count(r);
    const p = at(t, r);
    return [t.slice(0, p) + tok.repeat(n) + t.slice(p), `insert ${JSON.stringify(tok)} x${n} at ${p}`];
  },
  (t, r) => {
    const p = at(t, r);
    const n = Math.floor(r() * 200);
    return [t.slice(0, p) + t.slice(p + n), `delete ${n} at ${p}`];
  },
  (t, r) => {
    const p = at(t, r);
    const n = Math.floor(r() * 500);
    const q = at(t, r);
    return [t.slice(0, q) + t.slice(p, p + n) + t.slice(q), `copy ${n} from ${p} to ${q}`];
  },
  (t, r) => {
    const n = 2 + Math.floor(r() ** 3 * 60);
    return [t.repeat(n), `repeat the file x${n}`];
  },
  (t, r) => {
    const p = Math.floor(r() * t.length);
    const c = pick(r, ['\0', '\r', '\t', '\u00e9', '\ud83d', '"', '{', '}', ':', '-', ' ', '\n', '*', '&', '!', '%', '@', '`']);
    return [t.slice(0, p) + c + t.slice(p + 1), `replace char ${p} with ${JSON.stringify(c)}`];
  },
  (t, r) => {
    const p = at(t, r);
    return [t.slice(0, p), `truncate at ${p}`];
  },
  (t, r) => {
    const lines = t.split('\n');
    const i = Math.floor(r() * lines.length);
    const j = Math.floor(r() * lines.length);
    [lines[i], lines[j]] = [lines[j], lines[i]];
    return [lines.join('\n'), `swap lines ${i + 1} and ${j + 1}`];
  },
  (t, r) => {
    const lines = t.split('\n');
    const i = Math.floor(r() * lines.length);
    const d = Math.floor(r() * 9) - 4;
    lines[i] = d >= 0 ? ' '.repeat(d) + lines[i] : lines[i].replace(new RegExp(`^ {0,${-d}}`), '');
    return [lines.join('\n'), `indent line ${i + 1} by ${d}`];
  },
  (t, r) => {
    const [open, close] = pick(r, [['[', ']'], ['(', ')'], ['{', '}'], ['{{', '}}'], ['f(', ')'], ['[{a:', '}]']]);
    const n = count(r);
    const p = at(t, r);
    const q = Math.min(t.length, p + Math.floor(r() * 80));
    return [t.slice(0, p) + open.repeat(n) + t.slice(p, q) + close.repeat(n) + t.slice(q), `nest ${p}..${q} in ${open}${close} x${n}`];
  },
];

export interface FuzzInput {
  index: number;
  file: string;
  text: string;
  how: string;
}

export function makeInput(seed: number, index: number, files: Base[], hostile: Base[]): FuzzInput {
  const rng = mulberry32((seed * 2654435761) ^ (index * 40503) ^ 0x9e3779b9);
  const fromHostile = rng() < 0.08;
  const base = fromHostile ? pick(rng, hostile) : pick(rng, files);
  let text = base.text;
  const steps: string[] = [];
  const mutations = fromHostile ? Math.floor(rng() * 2) : Math.floor(rng() * 5);
  for (let m = 0; m < mutations; m++) {
    const [next, how] = pick(rng, MUTATIONS)(text, rng);
    // Keep inputs under the engine's size limit, where the interesting work is.
    if (next.length > 1_500_000) continue;
    text = next;
    steps.push(how);
  }
  return { index, file: base.file, text, how: steps.join('; ') || 'as is' };
}

// ---- the child: runs inputs, reports each ----------------------------------------------------

type ChildMessage =
  | { type: 'start'; index: number }
  | { type: 'done'; index: number; file: string; how: string; ms: number; cpuMs: number; fixMs: number; chars: number; problems: string[]; ruleCrashes: string[]; fixed: boolean }
  | { type: 'end' };

async function child(options: Options, from: number, to: number): Promise<void> {
  const { files, hostile } = corpus();
  // Python files are parsed by tree-sitter, loaded once (as the CLI and the server do); without it they get no analysis at all.
  await initPython();
  const rootDir = path.join(os.tmpdir(), 'prodready-fuzz-root');
  const env = { registry, configs: new ConfigLoader(registry, { frozen: true }), baseConfig: EMPTY_CONFIG };
  const send = (m: ChildMessage) => new Promise<void>((resolve) => process.send!(m, () => resolve()));
  for (let index = from; index < to; index++) {
    if (options.only !== undefined && index !== options.only) continue;
    const input = makeInput(options.seed, index, files, hostile);
    await send({ type: 'start', index });
    const problems: string[] = [];
    const ruleCrashes: string[] = [];
    let fixed = false;
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    let checked = started;
    let cpuMs = 0;
    const check = { path: `${rootDir}/${input.file}`, relativePath: input.file, rootDir, text: input.text };
    try {
      const result = checkText(check, env);
      checked = performance.now();
      const cpu = process.cpuUsage(cpuStarted);
      cpuMs = (cpu.user + cpu.system) / 1000;
      for (const crash of result.crashes) ruleCrashes.push(`${crash.ruleId}: ${(crash.error as Error)?.message ?? crash.error}`);
      if (result.doc) {
        const once = fixAll(check, env);
        if (once.applied > 0) {
          fixed = true;
          const after = checkText({ ...check, text: once.text }, env);
          if (!after.doc) problems.push('--fix: the fixed file can no longer be analysed');
          else if (parseErrorOffsets(after.doc).length > parseErrorOffsets(result.doc).length) problems.push('--fix: the fixed file parses worse');
          const twice = fixAll({ ...check, text: once.text }, env);
          if (twice.applied > 0) problems.push(`--fix: not idempotent (${twice.applied} more on a second run)`);
        }
      }
    } catch (error) {
      problems.push(`crash: ${(error as Error)?.stack?.split('\n').slice(0, 4).join(' | ') ?? error}`);
    }
    const ms = checked - started;
    const fixMs = performance.now() - checked;
    // Failures and slow inputs are kept, to be re-run or profiled.
    if (problems.length > 0 || ruleCrashes.length > 0 || ms > 1000 || cpuMs > 1000) saveInput(options, input);
    await send({ type: 'done', index, file: input.file, how: input.how, ms, cpuMs, fixMs, chars: input.text.length, problems, ruleCrashes, fixed });
  }
  await send({ type: 'end' });
}

function saveInput(options: Options, input: FuzzInput): string {
  const dir = path.join(os.tmpdir(), 'prodready-fuzz');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `seed${options.seed}-${input.index}-${input.file.replace(/[/\\]/g, '_')}`);
  fs.writeFileSync(file, input.text);
  return file;
}

// ---- the parent: runs the child, restarts it after a hang or a death -------------------------

interface Tally {
  tried: number;
  processCrashes: string[];
  ruleCrashes: string[];
  hangs: string[];
  fixProblems: string[];
  fixed: number;
  overOneSecond: number;
  overOneCpuSecond: number;
  /** Every input over 1 s (wall or CPU), to be re-run with --only and profiled. */
  slow: string[];
  slowestCpu?: { ms: number; file: string; how: string; index: number };
  slowest?: { ms: number; file: string; how: string; index: number };
  slowestFix?: { ms: number; file: string; how: string; index: number };
}

async function parent(options: Options): Promise<number> {
  const started = Date.now();
  const tally: Tally = { tried: 0, processCrashes: [], ruleCrashes: [], hangs: [], fixProblems: [], fixed: 0, overOneSecond: 0, overOneCpuSecond: 0, slow: [] };
  const total = options.only !== undefined ? options.only + 1 : options.inputs;
  let next = options.only ?? options.from;
  const label = (index: number, file: string, how: string) => `#${index} ${file} (${how})`;
  // Inputs are re-made in the parent only to name a hang: cheap, and the child may be dead.
  const { files, hostile } = corpus();
  while (next < total) {
    const from = next;
    const outcome = await new Promise<'end' | 'hang' | 'died'>((resolve) => {
      const proc: ChildProcess = fork(__filename, ['--child', String(from), String(total), ...process.argv.slice(2)], {
        execArgv: ['--import', 'tsx'],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      let current = -1;
      let timer: NodeJS.Timeout | undefined;
      let settled = false;
      const settle = (how: 'end' | 'hang' | 'died') => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(how);
      };
      // A hang is an input that used hangMs of the child's own CPU time (Linux: /proc), so that a
      // machine loaded by other jobs does not turn slow inputs into hangs; wall time where /proc is missing.
      const cpuOf = (): number | undefined => {
        try {
          const fields = fs.readFileSync(`/proc/${proc.pid}/stat`, 'utf8').split(') ')[1].split(' ');
          return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in clock ticks of 10 ms
        } catch {
          return undefined;
        }
      };
      const arm = (ms = options.hangMs) => {
        clearTimeout(timer);
        const cpuStart = cpuOf();
        const wallStart = Date.now();
        const tick = () => {
          const cpu = cpuOf();
          const used = cpu !== undefined && cpuStart !== undefined ? cpu - cpuStart : Date.now() - wallStart;
          // A child that is not even scheduled for ten times the budget is stuck too (a blocked read).
          if (used > ms || Date.now() - wallStart > ms * 10) {
            proc.kill('SIGKILL');
            settle('hang');
          } else timer = setTimeout(tick, 250);
        };
        timer = setTimeout(tick, 250);
      };
      arm(options.hangMs + 60_000); // loading the engine is not an input's time
      proc.on('message', (m: ChildMessage) => {
        arm();
        if (m.type === 'start') {
          current = m.index;
          next = m.index;
        } else if (m.type === 'done') {
          next = m.index + 1;
          tally.tried++;
          if (m.fixed) tally.fixed++;
          if (m.ms > 1000) tally.overOneSecond++;
          if (m.cpuMs > 1000) tally.overOneCpuSecond++;
          if (m.ms > 1000 || m.cpuMs > 1000) tally.slow.push(`${Math.round(m.cpuMs)} ms CPU, ${Math.round(m.ms)} ms wall: ${label(m.index, m.file, m.how)} (${m.chars} chars)`);
          if (!tally.slowestCpu || m.cpuMs > tally.slowestCpu.ms) tally.slowestCpu = { ms: m.cpuMs, file: m.file, how: m.how, index: m.index };
          if (!tally.slowest || m.ms > tally.slowest.ms) tally.slowest = { ms: m.ms, file: m.file, how: m.how, index: m.index };
          if (!tally.slowestFix || m.fixMs > tally.slowestFix.ms) tally.slowestFix = { ms: m.fixMs, file: m.file, how: m.how, index: m.index };
          for (const p of m.problems) (p.startsWith('--fix') ? tally.fixProblems : tally.processCrashes).push(`${label(m.index, m.file, m.how)}: ${p}`);
          for (const c of m.ruleCrashes) tally.ruleCrashes.push(`${label(m.index, m.file, m.how)}: ${c}`);
          if (tally.tried % 1000 === 0) process.stdout.write(`fuzz: ${tally.tried} inputs, ${Math.round((Date.now() - started) / 1000)} s\n`);
        } else settle('end');
      });
      proc.on('exit', () => settle(current >= 0 && next === current ? 'died' : 'end'));
    });
    if (next >= total) break;
    // The child ended between inputs after some progress: go on from `next`. Without progress it
    // could not even start an input: count that input as a crash rather than loop.
    if (outcome === 'end' && next > from) continue;
    const input = makeInput(options.seed, next, files, hostile);
    const saved = saveInput(options, input);
    (outcome === 'hang' ? tally.hangs : tally.processCrashes).push(`${label(next, input.file, input.how)}: ${outcome === 'hang' ? `no answer after ${options.hangMs} ms of CPU time` : 'the process died'} (saved as ${saved})`);
    tally.tried++;
    next++;
  }

  const seconds = Math.round((Date.now() - started) / 1000);
  const lines = [
    `fuzz: seed ${options.seed}, ${tally.tried} inputs${options.from > 0 && options.only === undefined ? ` (#${options.from} to #${total - 1})` : ''} tried in ${seconds} s`,
    `  process crashes: ${tally.processCrashes.length}`,
    `  rule crashes:    ${tally.ruleCrashes.length}`,
    `  hangs:           ${tally.hangs.length} (no answer after ${options.hangMs / 1000} s of the child's CPU time)`,
    `  --fix:           ${tally.fixed} inputs fixed; ${tally.fixProblems.length} not idempotent or parsing worse`,
    `  analysis over 1 s: ${tally.overOneSecond} by wall time, ${tally.overOneCpuSecond} by CPU time${tally.overOneSecond + tally.overOneCpuSecond ? ` (saved in ${path.join(os.tmpdir(), 'prodready-fuzz')})` : ''}`,
    tally.slowest ? `  slowest analysis (wall): ${Math.round(tally.slowest.ms)} ms, ${label(tally.slowest.index, tally.slowest.file, tally.slowest.how)}` : '',
    // Wall time counts the other processes of a loaded machine; the child's CPU time counts this input's work (GC included).
    tally.slowestCpu ? `  slowest analysis (CPU of the child): ${Math.round(tally.slowestCpu.ms)} ms, ${label(tally.slowestCpu.index, tally.slowestCpu.file, tally.slowestCpu.how)}` : '',
    tally.slowestFix ? `  slowest --fix (fix, re-check, fix again): ${Math.round(tally.slowestFix.ms)} ms, ${label(tally.slowestFix.index, tally.slowestFix.file, tally.slowestFix.how)}` : '',
  ];
  for (const s of tally.slow.slice(0, 50)) lines.push(`  SLOW ${s}`);
  const failures = [...tally.processCrashes, ...tally.ruleCrashes, ...tally.hangs, ...tally.fixProblems];
  for (const f of failures.slice(0, 20)) lines.push(`  FAIL ${f}`);
  if (failures.length > 0) lines.push(`  re-run one with: node --import tsx scripts/fuzz.ts --seed ${options.seed} --only N`);
  process.stdout.write(`${lines.filter(Boolean).join('\n')}\n`);
  return failures.length > 0 ? 1 : 0;
}

const argv = process.argv.slice(2);
if (argv[0] === '--child') {
  void child(parseOptions(argv), Number(argv[1]), Number(argv[2])).then(() => process.disconnect?.());
} else {
  void parent(parseOptions(argv)).then((code) => {
    process.exitCode = code;
  });
}
