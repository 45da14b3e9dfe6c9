// `prodready merge <reports...>`: the JSON or SARIF reports of `check --shard K/N` runs put back into
// the one report an unsharded run writes. Findings are grouped by file, the files in the order a
// single run checks them (their absolute paths from the current folder, sorted), each file's
// findings as its report has them. JSON: the files counts add up, the duration is the longest part's
// (the parts of a CI matrix run side by side). SARIF: one run, the first report's tool and base URI.

import * as fs from 'node:fs';
import * as path from 'node:path';

export class MergeError extends Error {}

interface JsonReport {
  version: number;
  findings: Array<{ file: string }>;
  summary: { files: number; findings: number; durationMs: number };
}

interface SarifLog {
  version: string;
  runs: Array<{ tool: { driver: { name: string; version?: string } }; results: Array<{ locations?: Array<{ physicalLocation?: { artifactLocation?: { uri?: string } } }> }> }>;
}

type Loaded = { file: string; format: 'json'; report: JsonReport } | { file: string; format: 'sarif'; report: SarifLog };

function load(file: string): Loaded {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new MergeError(`${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new MergeError(`${file}: not a JSON or SARIF report of prodready check (not JSON)`);
  }
  const v = value as Record<string, unknown>;
  if (v && v.version === 1 && Array.isArray(v.findings) && v.summary && typeof v.summary === 'object') return { file, format: 'json', report: v as unknown as JsonReport };
  if (v && v.version === '2.1.0' && Array.isArray(v.runs) && v.runs.length === 1) {
    const run = (v.runs as SarifLog['runs'])[0];
    if (run?.tool?.driver?.name === 'prodready' && Array.isArray(run.results)) return { file, format: 'sarif', report: v as unknown as SarifLog };
  }
  throw new MergeError(`${file}: not a JSON or SARIF report of prodready check`);
}

/** Items grouped by file, the files in a single run's order, each group as it came; a file in two reports is an error (the parts overlap). */
function byFile<T>(parts: Array<{ file: string; items: T[] }>, fileOf: (item: T) => string, cwd: string): T[] {
  const groups = new Map<string, { from: string; items: T[] }>();
  for (const part of parts) {
    const mine = new Set<string>();
    for (const item of part.items) {
      const key = path.resolve(cwd, fileOf(item));
      const group = groups.get(key);
      if (group && !mine.has(key)) throw new MergeError(`${fileOf(item)} has findings in both ${group.from} and ${part.file}: the reports overlap (merge the parts of one --shard run)`);
      if (!group) groups.set(key, { from: part.file, items: [item] });
      else group.items.push(item);
      mine.add(key);
    }
  }
  return [...groups.keys()].sort().flatMap((key) => groups.get(key)!.items);
}

/** The merged report's text. */
export function mergeReports(files: readonly string[], cwd: string): string {
  if (files.length === 0) throw new MergeError('merge needs the reports to merge');
  const loaded = files.map(load);
  const format = loaded[0].format;
  const other = loaded.find((l) => l.format !== format);
  if (other) throw new MergeError(`${other.file} is ${other.format === 'json' ? 'JSON' : 'SARIF'}, ${loaded[0].file} is not: merge reports of one format`);
  if (format === 'json') {
    const reports = loaded.map((l) => l.report as JsonReport);
    const findings = byFile(loaded.map((l, i) => ({ file: l.file, items: reports[i].findings })), (f) => f.file, cwd);
    const summary = {
      files: reports.reduce((n, r) => n + (Number(r.summary.files) || 0), 0),
      findings: findings.length,
      durationMs: Math.max(...reports.map((r) => Number(r.summary.durationMs) || 0)),
    };
    return `${JSON.stringify({ version: 1, findings, summary }, null, 2)}\n`;
  }
  const logs = loaded.map((l) => l.report as SarifLog);
  const version = logs[0].runs[0].tool.driver.version;
  const mismatch = loaded.find((_, i) => logs[i].runs[0].tool.driver.version !== version);
  if (mismatch) throw new MergeError(`${mismatch.file} comes from another version of prodready than ${loaded[0].file}: their rule indexes may differ`);
  const uriOf = (result: SarifLog['runs'][number]['results'][number]) => {
    const uri = result.locations?.[0]?.physicalLocation?.artifactLocation?.uri ?? '';
    try {
      return decodeURI(uri);
    } catch {
      return uri;
    }
  };
  const results = byFile(loaded.map((l, i) => ({ file: l.file, items: logs[i].runs[0].results })), uriOf, cwd);
  const merged = { ...logs[0], runs: [{ ...logs[0].runs[0], results }] };
  return `${JSON.stringify(merged, null, 2)}\n`;
}
