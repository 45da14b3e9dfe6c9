// `npm run soak`: the server's memory over many edits. Opens a real service file, makes N edits
// (typing and deleting a character at a rotating spot), waits for each version's diagnostics, and
// prints the server's resident set size every 1,000 edits. The figure to watch: RSS after the last
// edit against RSS after the first 1,000 (issue 23 asks for within 10%).
//
// RSS right after an edit counts garbage V8 has not collected yet (it grows the heap before a major
// GC). With --gc-points the server runs with --heapsnapshot-signal and, at each sample, writes a heap
// snapshot (which first does a full GC): the RSS then, and the snapshot's size (the live heap), say
// whether memory is kept or only not yet collected.
//
//   node --import tsx scripts/soak.ts [--edits 10000] [--file examples/service/src/server.ts] [--gc-points] [--node-arg=--max-old-space-size=256 ...]

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TestClient, fileUri } from '../test/protocol/client';

function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

export interface SoakOptions {
  edits: number;
  /** The file typed in, relative to the repository. */
  file: string;
  gcPoints: boolean;
  nodeArgs: string[];
  /** One line per 1,000 edits. */
  progress?: (line: string) => void;
}

export interface SoakResult {
  edits: number;
  file: string;
  /** [edits, server RSS MB] every 1,000 edits, right after that edit's diagnostics. */
  rssMb: Array<[number, number]>;
  /** RSS after the last sample against after the first 1,000 edits, in percent. */
  growthPct?: number;
  /** With gcPoints: [edits, RSS MB, live heap snapshot MB] right after a full GC. */
  afterGc: Array<[number, number, number]>;
  growthAfterGcPct?: number;
  seconds: number;
}

export async function soak(options: SoakOptions): Promise<SoakResult> {
  const { edits, gcPoints } = options;
  const source = path.resolve(__dirname, '..', options.file);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prodready-soak-'));
  const nodeArgs = [...options.nodeArgs];
  const snapshots = fs.mkdtempSync(path.join(os.tmpdir(), 'prodready-soak-heap-'));
  if (gcPoints) nodeArgs.push('--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${snapshots}`);
  const client = new TestClient({ folders: [dir], settings: () => ({ debounceMs: 0 }), nodeArgs });
  const samples: Array<[number, number]> = [];
  const afterGc: Array<[number, number, number]> = [];
  const started = Date.now();
  try {
    await client.initialize();
    const file = path.join(dir, 'src', path.basename(source));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const text = fs.readFileSync(source, 'utf8');
    fs.writeFileSync(file, text);
    const uri = fileUri(file);
    await client.open(uri, 'typescript', text, 1);
    await client.waitFor(uri, () => true);
    const lines = text.split('\n').length;
    /** A full GC in the server (a heap snapshot starts with one): RSS then, and the live heap's snapshot size. */
    const gcPoint = async (): Promise<[number, number]> => {
      process.kill(client.pid!, 'SIGUSR2');
      let size = -1;
      for (;;) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        const files = fs.readdirSync(snapshots).filter((f) => f.endsWith('.heapsnapshot'));
        if (files.length === 0) continue;
        const file = path.join(snapshots, files[0]);
        const now = fs.statSync(file).size;
        // Written synchronously by the server: done when it has stopped growing and the server answers again.
        if (now > 0 && now === size) {
          const rss = rssMb(client.pid!);
          fs.rmSync(file);
          return [rss, now / 1024 / 1024];
        }
        size = now;
      }
    };
    for (let i = 1; i <= edits; i++) {
      const line = (i * 7) % lines;
      const seen = client.count(uri);
      const typing = i % 2 === 1;
      // Odd edits type a space at the start of a line, even ones delete it again.
      const edit = typing
        ? { range: { start: { line, character: 0 }, end: { line, character: 0 } }, text: ' ' }
        : { range: { start: { line: ((i - 1) * 7) % lines, character: 0 }, end: { line: ((i - 1) * 7) % lines, character: 1 } }, text: '' };
      await client.change(uri, i + 1, [edit]);
      await client.waitFor(uri, (_d, params) => params.version === i + 1, { after: seen, timeoutMs: 30_000 });
      if (i % 1000 === 0) {
        samples.push([i, rssMb(client.pid!)]);
        let gc = '';
        if (gcPoints && (i === 1000 || i === edits || i % 5000 === 0)) {
          const [rss, heap] = await gcPoint();
          afterGc.push([i, rss, heap]);
          gc = `; after a full GC ${rss.toFixed(0)} MB, heap snapshot ${heap.toFixed(0)} MB`;
        }
        options.progress?.(`soak: ${i} edits, server RSS ${samples.at(-1)![1].toFixed(0)} MB${gc}, ${((Date.now() - started) / 1000).toFixed(0)} s`);
      }
      // The client keeps every publication; drop them, the server's memory is what is measured.
      client.published.get(uri)!.splice(0, Math.max(0, client.count(uri) - 1));
    }
  } finally {
    client.kill();
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(snapshots, { recursive: true, force: true });
  }
  const pct = (a?: number, b?: number) => (a && b ? Math.round((b / a - 1) * 1000) / 10 : undefined);
  return {
    edits,
    file: options.file,
    rssMb: samples,
    growthPct: pct(samples[0]?.[1], samples.at(-1)?.[1]),
    afterGc,
    growthAfterGcPct: afterGc.length > 1 ? pct(afterGc[0][1], afterGc.at(-1)![1]) : undefined,
    seconds: Math.round((Date.now() - started) / 1000),
  };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const value = (flag: string, fallback: string) => (argv.includes(flag) ? argv[argv.indexOf(flag) + 1] : fallback);
  const r = await soak({
    edits: Number(value('--edits', '10000')),
    file: value('--file', 'examples/service/src/server.ts'),
    gcPoints: argv.includes('--gc-points'),
    nodeArgs: argv.filter((a) => a.startsWith('--node-arg=')).map((a) => a.slice('--node-arg='.length)),
    progress: (line) => process.stdout.write(`${line}\n`),
  });
  const [first, last] = [r.rssMb[0], r.rssMb.at(-1)];
  if (first && last) process.stdout.write(`soak: RSS after ${last[0]} edits is ${r.growthPct}% of that after 1,000 (${first[1].toFixed(0)} -> ${last[1].toFixed(0)} MB)\n`);
  const [g1, gn] = [r.afterGc[0], r.afterGc.at(-1)];
  if (g1 && gn && gn !== g1) {
    process.stdout.write(`soak: after a full GC, RSS after ${gn[0]} edits is ${r.growthAfterGcPct}% of that after 1,000 (${g1[1].toFixed(0)} -> ${gn[1].toFixed(0)} MB); live heap snapshot ${g1[2].toFixed(0)} -> ${gn[2].toFixed(0)} MB\n`);
  }
}

if (require.main === module) void main();
