// Where a scan's time goes: a V8 CPU profile (`node --cpu-prof`) summarised by self time, per part
// of the code (TypeScript's parser, each rule, each engine module, node's fs, GC) and per function,
// and by caller: each sample counted under the nearest frame of prodready's own code, so that time
// spent inside a library (tree-sitter's WebAssembly, web-tree-sitter's node objects) counts under
// the rule or engine module that asked for it (for Python, most self time is inside WebAssembly).

import * as fs from 'node:fs';
import * as path from 'node:path';
import { SourceMap } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { REPO_ROOT } from './cache';

/**
 * Frames of a bundle with a source map next to it (dist/engine.js of `npm run build`) named by the
 * source they were bundled from, so that a profile of the bundled server (the code users run, with
 * esbuild's scope hoisting) reads per rule and module as one taken from the sources does.
 */
function mapToSources(profile: CpuProfile): void {
  const maps = new Map<string, SourceMap | null>();
  const mapOf = (url: string): SourceMap | null => {
    if (maps.has(url)) return maps.get(url)!;
    let map: SourceMap | null = null;
    try {
      const file = url.startsWith('file:') ? fileURLToPath(url) : url;
      if (/\.js$/.test(file) && fs.existsSync(`${file}.map`)) map = new SourceMap(JSON.parse(fs.readFileSync(`${file}.map`, 'utf8')));
    } catch {
      map = null;
    }
    maps.set(url, map);
    return map;
  };
  for (const node of profile.nodes) {
    const frame = node.callFrame;
    if (!frame.url || !/\/dist\/[\w-]+\.js$/.test(frame.url)) continue;
    const map = mapOf(frame.url);
    if (!map) continue;
    const entry = map.findEntry(frame.lineNumber, frame.columnNumber ?? 0) as { originalSource?: string; originalLine?: number };
    if (!entry?.originalSource) continue;
    const original = entry.originalSource;
    const bundle = frame.url.startsWith('file:') ? fileURLToPath(frame.url) : frame.url;
    const source = original.startsWith('file:') ? original : pathToFileURL(path.resolve(path.dirname(bundle), original)).href;
    node.callFrame = { ...frame, url: source, lineNumber: entry.originalLine ?? frame.lineNumber };
  }
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber?: number };
  children?: number[];
  parent?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  totalMs: number;
  /** Self time per part of the code, ms and share, largest first. */
  parts: Array<{ part: string; ms: number; pct: number }>;
  /** The functions with the most self time. */
  functions: Array<{ fn: string; part: string; ms: number; pct: number }>;
  /** Time per part of prodready's code with what it called in libraries (the nearest own frame of each sample), largest first. */
  byCaller: Array<{ part: string; ms: number; pct: number }>;
}

/** Frames of prodready's own code (the server's sources), the ones `byCaller` counts under. */
function ownFrame(url: string): boolean {
  return /\/server\/src\//.test(url);
}

export function partOf(url: string, functionName: string): string {
  if (!url) {
    if (functionName === '(garbage collector)') return 'GC';
    if (functionName === '(program)' || functionName === '(idle)') return 'V8/idle';
    return `native ${functionName || '(anonymous)'}`;
  }
  const u = url.replace(/^file:\/\//, '');
  if (/typescript\.js$|\/typescript\/lib\//.test(u)) {
    // ts.forEachChild is TypeScript's code but the rules' tree walks call it: count it apart.
    if (/^(?:forEachChild|forEachChildIn\w+|visitNode2|visitNodes)$/.test(functionName)) return 'ts.forEachChild (tree walks by rules)';
    if (/^(?:forEachChildRecursively|addWorkItem|setParentRecursive|bindParentToChild\w*|setParent)$/.test(functionName)) return 'TypeScript parser: setting parents';
    return 'TypeScript parser (ts)';
  }
  const rule = /server\/src\/rules\/([\w-]+)\/([\w-]+)\.ts$/.exec(u);
  if (rule) return `rules/${rule[1]}/${rule[2]}`;
  const engine = /server\/src\/(engine|lsp|cli)\/?([\w-]*)(?:\.ts)?$/.exec(u);
  if (engine) return `${engine[1]}/${engine[2] || 'index'}`;
  if (/server\/src\/cli\.ts$/.test(u)) return 'cli';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u);
  if (nm) return `npm:${nm[1]}`;
  if (u.startsWith('node:')) {
    const m = /^node:internal\/(fs|streams|url|modules|util|buffer|process)/.exec(u);
    return m ? `node:${m[1]}` : 'node:other';
  }
  return u.startsWith(REPO_ROOT) ? u.slice(REPO_ROOT.length + 1) : u;
}

/**
 * `window`: only samples taken between these two instants (microseconds of the monotonic clock,
 * `process.hrtime.bigint() / 1000n` in any process of the machine), e.g. the typing without start-up.
 */
export function summarizeProfile(file: string, top = 15, window?: [number, number]): ProfileSummary {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  mapToSources(profile);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  for (const n of profile.nodes) for (const c of n.children ?? []) byId.get(c)!.parent = n.id;
  const self = new Map<number, number>();
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (window && (at < window[0] || at > window[1])) continue;
    self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + delta);
  }
  const parts = new Map<string, number>();
  const fns = new Map<string, { part: string; us: number }>();
  const callers = new Map<string, number>();
  let total = 0;
  for (const [id, us] of self) {
    const node = byId.get(id)!;
    const { functionName, url, lineNumber } = node.callFrame;
    const part = partOf(url, functionName);
    if (part === 'V8/idle') continue;
    total += us;
    parts.set(part, (parts.get(part) ?? 0) + us);
    const key = `${functionName || '(anonymous)'} ${url ? `${url.split('/').slice(-2).join('/')}:${lineNumber + 1}` : ''}`.trim();
    const entry = fns.get(key) ?? { part, us: 0 };
    entry.us += us;
    fns.set(key, entry);
    let own: ProfileNode | undefined = node;
    while (own && !ownFrame(own.callFrame.url)) own = own.parent === undefined ? undefined : byId.get(own.parent);
    const caller = own ? partOf(own.callFrame.url, own.callFrame.functionName) : part;
    callers.set(caller, (callers.get(caller) ?? 0) + us);
  }
  const ms = (us: number) => Math.round(us / 100) / 10;
  const pct = (us: number) => Math.round((us / total) * 1000) / 10;
  return {
    totalMs: ms(total),
    parts: [...parts].sort((a, b) => b[1] - a[1]).map(([part, us]) => ({ part, ms: ms(us), pct: pct(us) })),
    functions: [...fns]
      .sort((a, b) => b[1].us - a[1].us)
      .slice(0, top)
      .map(([fn, e]) => ({ fn, part: e.part, ms: ms(e.us), pct: pct(e.us) })),
    byCaller: [...callers]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([part, us]) => ({ part, ms: ms(us), pct: pct(us) })),
  };
}

if (require.main === module) {
  const summary = summarizeProfile(process.argv[2], Number(process.argv[3] ?? 25));
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
}
