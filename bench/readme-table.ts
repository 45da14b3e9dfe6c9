// Prints the README's "Performance" table from bench/results.json (`npx tsx bench/readme-table.ts`),
// so the figures quoted there are the ones the last full run wrote.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Summary } from './stats';

const r = JSON.parse(fs.readFileSync(path.join(__dirname, 'results.json'), 'utf8'));
const n = (v: number, digits = 0) => v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const s = (x: Summary, digits = 0) => (x.runs > 1 ? `${n(x.median, digits)} (${n(x.min, digits)}-${n(x.max, digits)})` : n(x.median, digits));
const pct = (x: number) => `${Math.round(x * 100)}%`;
const met = (ok: boolean) => (ok ? 'met' : '**not met**');

/**
 * The parser's incremental re-parse alone for the same keystrokes (bench/worker.ts `reparse` for
 * TypeScript, bench/python-worker.ts `reparse` for tree-sitter), under an edit-latency row.
 */
const reparseRow = (latency: { reparseOnly?: { p50: number; p90: number }; paced?: { pauseMs: number; p50: number; p90: number } }, parser = "TypeScript's"): string[][] => [
  ...(latency.paced ? [[`&nbsp;&nbsp;the same, ${latency.paced.pauseMs} ms between keystrokes, p50 / p90`, `${n(latency.paced.p50, 1)} / ${n(latency.paced.p90, 1)} ms`, 'as a person types']] : []),
  ...(latency.reparseOnly ? [[`&nbsp;&nbsp;${parser} incremental re-parse alone, same keystrokes, p50 / p90`, `${n(latency.reparseOnly.p50, 1)} / ${n(latency.reparseOnly.p90, 1)} ms`, 'what no rule can save']] : []),
];

/**
 * The soak (scripts/soak.ts): RSS at each 1,000 edits right after the diagnostics, which V8's heap
 * growth between collections makes a sawtooth, and after a full GC, which is what the session keeps.
 */
function soakRows(soak: { edits: number; rssMb: Array<[number, number]>; growthPct: number; afterGc?: Array<[number, number, number]>; growthAfterGcPct?: number } | { skipped: string } | undefined): string[][] {
  if (!soak || 'skipped' in soak) return [];
  const samples = soak.rssMb.map(([, mb]) => mb);
  const sign = (x: number) => `${x >= 0 ? '+' : ''}${n(x, 1)}%`;
  const sampled = `${sign(soak.growthPct)} (samples ${n(Math.min(...samples))}-${n(Math.max(...samples))} MB)`;
  if (!soak.afterGc || soak.growthAfterGcPct === undefined) return [[`Server RSS after ${n(soak.edits)} edits / after 1,000`, sampled, `within 10%: ${met(Math.abs(soak.growthPct) <= 10)}`]];
  const first = soak.afterGc[0];
  const last = soak.afterGc[soak.afterGc.length - 1];
  const afterGc = `${sign(soak.growthAfterGcPct)} (${n(first[1])} -> ${n(last[1])} MB, heap ${n(first[2])} -> ${n(last[2])} MB)`;
  return [
    [`Server RSS after ${n(soak.edits)} edits / after 1,000, as sampled`, sampled, `within 10%: ${met(Math.abs(soak.growthPct) <= 10)}`],
    ['&nbsp;&nbsp;the same, each after a full GC', afterGc, `within 10%: ${met(Math.abs(soak.growthAfterGcPct) <= 10)}`],
  ];
}

const m = r.machine;
const rows: string[][] = [
  ['Scan (`prodready check`), JS/TS corpus', `${s(r.scan.prodready.filesPerSec)} files/s, ${s(r.scan.prodready.mbPerSec, 2)} MB/s`, ''],
  ['TypeScript parser alone, same files', `${s(r.scan.parseOnly.filesPerSec)} files/s`, ''],
  ['Scan / parse-only (wall, CPU time), one job', `${pct(r.scan.ratioToParse.wall)}, ${pct(r.scan.ratioToParse.cpu)}`, `>= 70%: ${met(r.scan.ratioToParse.wall >= 0.7)}`],
  ...(r.scan.jobs2
    ? [
        ['Scan with `--jobs 2`', `${s(r.scan.jobs2.filesPerSec)} files/s`, ''],
        ['`--jobs 2` / one job (wall, CPU time)', `${n(r.scan.jobs2To1.wall, 2)}x, ${n(r.scan.jobs2To1.cpu, 2)}x`, `>= 1.7x: ${met(r.scan.jobs2To1.wall >= 1.7)}`],
      ]
    : []),
  [`ESLint, only \`no-console\`, ${n(r.eslint.eslint.files)} JS files`, `${s(r.eslint.eslint.filesPerSec)} files/s`, ''],
  ['prodready on the same JS files', `${s(r.eslint.prodready.filesPerSec)} files/s`, ''],
  ['prodready / ESLint (wall, CPU time)', `${n(r.eslint.ratio.wall, 1)}x, ${n(r.eslint.ratio.cpu, 1)}x`, `>= 5x: ${met(r.eslint.ratio.wall >= 5)}`],
  ['YAML manifests (Kubernetes, Helm, compose)', `${s(r.yaml.prodready.mbPerSec, 2)} MB/s`, `>= 5 MB/s: ${met(r.yaml.prodready.mbPerSec.median >= 5)}`],
  ['`yaml` parser alone, same files (cold, warm)', `${n(r.yaml.parseOnly.mbPerSec.median, 2)}, ${n(r.yaml.parseOnlyWarm.mbPerSec.median, 2)} MB/s`, ''],
  [
    `Edit to diagnostics, ${r.editLatencyMs.file}, p50 / p90 / p99`,
    `${n(r.editLatencyMs.p50, 1)} / ${n(r.editLatencyMs.p90, 1)} / ${n(r.editLatencyMs.p99, 1)} ms`,
    `p90 <= 10 ms: ${met(r.editLatencyMs.p90 <= 10)}`,
  ],
  ...reparseRow(r.editLatencyMs),
  ...(r.editLatencyRxjsMs && !r.editLatencyRxjsMs.unavailable
    ? [
        [
          `Edit to diagnostics, ${r.editLatencyRxjsMs.file}, p50 / p90 / p99`,
          `${n(r.editLatencyRxjsMs.p50, 1)} / ${n(r.editLatencyRxjsMs.p90, 1)} / ${n(r.editLatencyRxjsMs.p99, 1)} ms`,
          `p90 <= 10 ms: ${met(r.editLatencyRxjsMs.p90 <= 10)}`,
        ],
        ...reparseRow(r.editLatencyRxjsMs),
      ]
    : []),
  ...(r.python?.editLatencyMs?.p90 !== undefined
    ? [
        [
          `Edit to diagnostics, Python, ${r.python.editLatencyMs.file}, p50 / p90`,
          `${n(r.python.editLatencyMs.p50, 1)} / ${n(r.python.editLatencyMs.p90, 1)} ms`,
          `p90 <= 15 ms: ${met(r.python.editLatencyMs.p90 <= 15)}`,
        ],
        ...reparseRow(r.python.editLatencyMs, "tree-sitter's"),
      ]
    : []),
  [
    `Server start-up to first diagnostics (${r.startupMs.bundle ?? 'bundle'}, from the code cache)`,
    `${s(r.startupMs.ms)} ms${r.startupMs.withoutCodeCacheMs !== undefined ? ` (first start, no cache yet: ${n(r.startupMs.withoutCodeCacheMs)} ms)` : ''}`,
    `<= 300 ms: ${met(r.startupMs.ms.median <= 300)}`,
  ],
  r.workspaceIndex.unavailable
    ? ['Workspace index build', 'n/a', r.workspaceIndex.unavailable]
    : ['Workspace index build', `${s(r.workspaceIndex.filesPerSec)} files/s (${n(r.workspaceIndex.files)} files)`, ''],
  ['Peak RSS, `prodready check` over the corpus, one job', `${s(r.scan.prodready.peakRssMb)} MB`, `<= 250 MB: ${met(r.scan.prodready.peakRssMb.median <= 250)}`],
  ...(r.monorepo
    ? [
        [
          `Generated monorepo, ${n(r.monorepo.files)} files, \`--jobs 2\``,
          `${n(r.monorepo.monorepo.filesPerSec.median)} files/s, peak RSS ${n(r.monorepo.monorepo.peakRssMb)} MB`,
          '',
        ],
        ...(r.monorepo.baseline
          ? [
              [
                `Generated monorepo, ${n(r.monorepo.baseline.files)} files, \`--jobs 2\``,
                `${n(r.monorepo.baseline.filesPerSec.median)} files/s, peak RSS ${n(r.monorepo.baseline.peakRssMb)} MB`,
                '',
              ],
              [
                `Monorepo / the ${n(r.monorepo.baseline.files)}-file one, files/s (wall, CPU time); peak RSS`,
                `${pct(r.monorepo.filesPerSecRatioToBaseline.wall)}, ${pct(r.monorepo.filesPerSecRatioToBaseline.cpu)}; x${n(r.monorepo.rssRatioToBaseline, 2)}`,
                `within 20%: ${met(Math.abs(r.monorepo.filesPerSecRatioToBaseline.wall - 1) <= 0.2)}`,
              ],
            ]
          : []),
        [
          `Monorepo / the ${n(r.monorepo.corpus.files)}-file corpus, files/s (wall, CPU time); peak RSS`,
          `${pct(r.monorepo.filesPerSecRatio.wall)}, ${pct(r.monorepo.filesPerSecRatio.cpu)}; x${n(r.monorepo.rssRatio, 2)}`,
          r.monorepo.baseline ? 'fixed costs weigh on a small run' : `within 20%: ${met(Math.abs(r.monorepo.filesPerSecRatio.wall - 1) <= 0.2)}`,
        ],
      ]
    : []),
  ['Peak RSS, server scanning the corpus', `${s(r.server.scan.peakRssMb)} MB`, ''],
  [`RSS, server with ${r.server.open.files} files open`, `${s(r.server.open.rssMb)} MB`, ''],
  ...soakRows(r.server.soak),
  ['`.vsix` size', r.vsix.mb !== undefined ? `${n(r.vsix.mb, 2)} MB` : 'not packaged', ''],
];

const out: string[] = [];
out.push(
  `Last full run: ${r.date.slice(0, 10)}, commit ${r.commit}, on ${m.cores} x ${m.cpuModel} (${m.memoryGb} GB), Node ${m.node}, ` +
    `load average ${r.loadAverage.start[0]} at the start (the machine was shared: wall-clock figures are pessimistic).`,
);
out.push(
  `Corpus: ${n(r.corpus.jsTsFiles)} JS/TS files (${r.corpus.mb} MB) from ${r.corpus.packages.join(', ')}; ` +
    `${r.corpus.manifests.yamlFiles} generated YAML manifests (${r.corpus.manifests.yamlMb} MB). Median (min-max) of ${r.scan.prodready.ms.runs} runs, wall clock.`,
);
out.push('');
out.push('| Measure | Result | Target |');
out.push('|---|---|---|');
for (const [a, b, c] of rows) out.push(`| ${a} | ${b} | ${c} |`);
const rules = Object.entries(r.rules.perRule as Record<string, { pctOfParse: Summary }>)
  .map(([id, c]) => `\`${id}\` ${n(c.pctOfParse.median, 1)}%`)
  .join(', ');
out.push('');
out.push(`What each JS rule adds to the parse time (CPU): ${rules}.`);
process.stdout.write(`${out.join('\n')}\n`);
