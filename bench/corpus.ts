// The JS/TS corpus: published tarballs of real packages from the npm registry, pinned, fetched with
// `npm pack` at bench time and extracted into the cache (never into the repository). Once the cache
// holds them the bench runs offline.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cacheDir } from './cache';
import { collectFiles, toPosix } from '../server/src/engine/files';
import { classify } from '../server/src/engine/classify';

export interface CorpusPackage {
  name: string;
  version: string;
}

/**
 * Server-side libraries of the kind prodready's users write and call: ORMs, HTTP servers and clients,
 * loggers, SDKs. Several ship TypeScript sources next to their JavaScript. Pinned: the figures must
 * be comparable from run to run.
 */
export const PACKAGES: readonly CorpusPackage[] = [
  { name: 'typeorm', version: '1.1.1' },
  { name: 'undici', version: '8.13.1' },
  { name: 'fastify', version: '5.12.8' },
  { name: 'rxjs', version: '7.8.2' },
  { name: 'zod', version: '4.6.7' },
  { name: 'openai', version: '7.57.0' },
  { name: '@nestjs/core', version: '12.5.1' },
  { name: 'mongoose', version: '9.12.1' },
  { name: 'ioredis', version: '6.0.0' },
  { name: 'pino', version: '10.4.0' },
  { name: 'axios', version: '1.21.1' },
];

/** The quick mode's subset: one small package, every third file of it (about 100 files). */
export const QUICK_PACKAGES: readonly string[] = ['fastify'];
export const QUICK_SAMPLE_EVERY = 3;

export class CorpusUnavailableError extends Error {}

function folderName(pkg: CorpusPackage): string {
  return `${pkg.name.replace(/^@/, '').replace(/\//g, '__')}@${pkg.version}`;
}

export function corpusRoot(): string {
  return path.join(cacheDir(), 'corpus', 'js');
}

/** Fetches (when not cached) and extracts the packages; returns their folders. */
export function ensurePackages(packages: readonly CorpusPackage[], log: (line: string) => void): string[] {
  const tarballs = path.join(cacheDir(), 'tarballs');
  fs.mkdirSync(tarballs, { recursive: true });
  const out: string[] = [];
  for (const pkg of packages) {
    const dir = path.join(corpusRoot(), folderName(pkg));
    const marker = path.join(dir, '.prodready-bench-complete');
    if (!fs.existsSync(marker)) {
      const tarball = fetchTarball(pkg, tarballs, log);
      fs.rmSync(dir, { recursive: true, force: true });
      fs.mkdirSync(dir, { recursive: true });
      const tar = spawnSync('tar', ['-xzf', tarball, '-C', dir, '--strip-components=1'], { encoding: 'utf8' });
      if (tar.status !== 0) throw new CorpusUnavailableError(`cannot extract ${tarball}: ${tar.stderr || tar.error?.message}`);
      fs.writeFileSync(marker, `${pkg.name}@${pkg.version}\n`);
    }
    out.push(dir);
  }
  return out;
}

function fetchTarball(pkg: CorpusPackage, tarballs: string, log: (line: string) => void): string {
  const expected = path.join(tarballs, `${pkg.name.replace(/^@/, '').replace(/\//g, '-')}-${pkg.version}.tgz`);
  if (fs.existsSync(expected)) return expected;
  log(`fetching ${pkg.name}@${pkg.version} from the npm registry`);
  const result = spawnSync('npm', ['pack', `${pkg.name}@${pkg.version}`, '--pack-destination', tarballs, '--json', '--loglevel=error'], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (result.status === 0) {
    try {
      const [info] = JSON.parse(result.stdout) as Array<{ filename: string }>;
      const file = path.join(tarballs, info.filename.replace(/^@/, '').replace(/\//g, '-'));
      if (fs.existsSync(file)) return file;
    } catch {
      // fall through to the expected name
    }
    if (fs.existsSync(expected)) return expected;
  }
  const lines = (result.stderr ?? '').split('\n').map((l) => l.replace(/^npm error\s*/, '').trim());
  const why =
    lines.find((l) => l.startsWith('FetchError')) ??
    lines.find((l) => /^(?:code E|\d{3} )/.test(l)) ??
    result.error?.message ??
    (lines.filter((l) => l && !/Unknown user config|complete log/.test(l)).at(-1) || `npm exited with ${result.status}`);
  throw new CorpusUnavailableError(
    `${pkg.name}@${pkg.version} is not in the bench cache (${path.join(cacheDir(), 'corpus')}) and the npm registry cannot be reached: ${why}`,
  );
}

export interface CorpusFile {
  path: string;
  bytes: number;
  lines: number;
}

/** The files `prodready check` analyses under the folders, as JS/TS, with their sizes. */
export function jsFiles(dirs: readonly string[]): CorpusFile[] {
  const out: CorpusFile[] = [];
  for (const file of collectFiles(dirs, process.cwd())) {
    if (classify(file, '') !== 'js') continue;
    const text = fs.readFileSync(file, 'utf8');
    // The CLI's own test, on the text: binary or oversized files are not parsed.
    if (classify(file, text.slice(0, 65536)) !== 'js' || text.slice(0, 8192).includes('\0') || text.length > 2 * 1024 * 1024) continue;
    out.push({ path: toPosix(file), bytes: Buffer.byteLength(text), lines: countLines(text) });
  }
  return out;
}

export function countLines(text: string): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
