// What a package manager's lockfile says is installed: every resolved version of every package,
// from package-lock.json / npm-shrinkwrap.json (lockfileVersion 1, 2 and 3), pnpm-lock.yaml (v5 to
// v9) and yarn.lock (classic and berry). Pure text-to-data functions, plus one size-capped read of
// a folder's lockfiles through safe-read. A package installed at several versions keeps all of them;
// anything the reader cannot make out is left out (unknown, never a guess).

import * as path from 'node:path';
import { readRegularFile } from './safe-read';

/** Package name -> its resolved versions, in the order the lockfile lists them, without duplicates. */
export type LockedVersions = Record<string, string[]>;

/** The lockfiles a folder may hold, in the order they are read. */
export const LOCKFILE_NAMES = ['package-lock.json', 'npm-shrinkwrap.json', 'pnpm-lock.yaml', 'yarn.lock'] as const;

/** Lockfiles of large monorepos run to several MB; one over this is not read (its versions are unknown). */
export const LOCKFILE_MAX_BYTES = 32 * 1024 * 1024;

/** What one lockfile of a folder says. */
export interface ReadLockfile {
  /** Its absolute path. */
  file: string;
  versions: LockedVersions;
}

/** Reads the lockfiles directly in `dir` (not above it): empty when it holds none that could be read. */
export function readFolderLocks(dir: string, maxBytes = LOCKFILE_MAX_BYTES): ReadLockfile[] {
  const out: ReadLockfile[] = [];
  for (const name of LOCKFILE_NAMES) {
    const file = path.join(dir, name);
    const read = readRegularFile(file, maxBytes);
    if (!read.ok) continue;
    const versions = parseLockfile(name, read.text);
    if (versions) out.push({ file: file.split(path.sep).join('/'), versions });
  }
  return out;
}

/** The versions in a lockfile's text, by its file name; undefined when the text is not such a lockfile. */
export function parseLockfile(name: string, text: string): LockedVersions | undefined {
  if (name === 'package-lock.json' || name === 'npm-shrinkwrap.json') return parsePackageLock(text);
  if (name === 'pnpm-lock.yaml') return parsePnpmLock(text);
  if (name === 'yarn.lock') return parseYarnLock(text);
  return undefined;
}

function add(versions: LockedVersions, pkg: string, version: string): void {
  if (!pkg || !version) return;
  const list = (versions[pkg] ??= []);
  if (!list.includes(version)) list.push(version);
}

// ---- npm ------------------------------------------------------------------------------------

/**
 * package-lock.json: v2 and v3 list installed folders under `packages` (`node_modules/<name>`, also
 * nested `node_modules/a/node_modules/<name>` and `packages/api/node_modules/<name>`); v1 nests
 * `dependencies` objects. The folder name is what `require` resolves, so it names the package.
 */
export function parsePackageLock(text: string): LockedVersions | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(json)) return undefined;
  const versions: LockedVersions = Object.create(null);
  if (isObject(json.packages)) {
    for (const [key, entry] of Object.entries(json.packages)) {
      const at = key.lastIndexOf('node_modules/');
      if (at < 0 || !isObject(entry) || entry.link === true || typeof entry.version !== 'string') continue;
      add(versions, key.slice(at + 'node_modules/'.length), entry.version);
    }
  } else if (isObject(json.dependencies)) {
    const walk = (deps: Record<string, unknown>, depth: number): void => {
      if (depth > 64) return;
      for (const [pkg, entry] of Object.entries(deps)) {
        if (!isObject(entry)) continue;
        if (typeof entry.version === 'string') add(versions, pkg, entry.version);
        if (isObject(entry.dependencies)) walk(entry.dependencies, depth + 1);
      }
    };
    walk(json.dependencies, 0);
  } else {
    return undefined;
  }
  return versions;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---- pnpm -----------------------------------------------------------------------------------

/**
 * pnpm-lock.yaml: the keys of the top-level `packages:` (and v9 `snapshots:`) maps, read line by line
 * (no YAML parse of a file that can be megabytes): `/@smithy/node-http-handler@4.4.0` (v6),
 * `'@smithy/node-http-handler@4.4.0'` (v9), `/@smithy/node-http-handler/4.4.0` (v5), each with an
 * optional peer suffix (`(react@18.2.0)` or `_react@18.2.0`).
 */
export function parsePnpmLock(text: string): LockedVersions | undefined {
  if (!/^lockfileVersion:/m.test(text)) return undefined;
  const versions: LockedVersions = Object.create(null);
  let inPackages = false;
  let keyIndent: number | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const indent = line.length - line.trimStart().length;
    if (indent === 0) {
      inPackages = /^(?:packages|snapshots):\s*$/.test(line);
      keyIndent = undefined;
      continue;
    }
    if (!inPackages) continue;
    keyIndent ??= indent;
    if (indent !== keyIndent) continue;
    const m = /^\s*(?:'([^']*)'|"([^"]*)"|([^\s'"][^:]*?)):\s*(?:\{\s*\}\s*)?$/.exec(line);
    if (!m) continue;
    const parsed = pnpmKey(m[1] ?? m[2] ?? m[3]);
    if (parsed) add(versions, parsed.name, parsed.version);
  }
  return versions;
}

function pnpmKey(raw: string): { name: string; version: string } | undefined {
  let key = raw.trim().replace(/^\//, '');
  // v5: name/version, `@scope/name/version`, with an optional `_peer@x` suffix.
  const v5 = /^((?:@[^/@]+\/)?[^/@]+)\/(\d+\.\d+\.\d+[^/]*)$/.exec(key);
  if (v5) return versionPart(v5[1], v5[2]);
  // v6+: name@version (the name may start with its scope's @), with an optional `(peer@x)` suffix.
  const paren = key.indexOf('(');
  if (paren >= 0) key = key.slice(0, paren);
  const at = key.indexOf('@', 1);
  if (at > 0 && !key.slice(at + 1).includes('/')) return versionPart(key.slice(0, at), key.slice(at + 1));
  return undefined;
}

function versionPart(name: string, version: string): { name: string; version: string } | undefined {
  // v5 peer suffix: `4.4.0_react@18.2.0`.
  const v = version.replace(/_.*$/, '');
  return /^\d+\.\d+\.\d+/.test(v) ? { name, version: v } : undefined;
}

// ---- yarn -----------------------------------------------------------------------------------

/**
 * yarn.lock: an entry starts at column 0 with its descriptors (`"@smithy/node-http-handler@^4.0.0",
 * "@smithy/node-http-handler@^4.1.0":` in classic, `"@smithy/node-http-handler@npm:^4.0.0":` in
 * berry) and holds an indented `version "4.4.0"` (classic) or `version: 4.4.0` (berry).
 */
export function parseYarnLock(text: string): LockedVersions | undefined {
  const versions: LockedVersions = Object.create(null);
  let names: string[] = [];
  let entries = 0;
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    if (!/^\s/.test(line)) {
      names = line.endsWith(':') ? yarnNames(line.slice(0, -1)) : [];
      if (names.length > 0) entries++;
      continue;
    }
    if (names.length === 0) continue;
    const m = /^\s+version:?\s+"?([^"\s]+)"?\s*$/.exec(line);
    if (!m) continue;
    for (const name of names) add(versions, name, m[1]);
    names = [];
  }
  return entries > 0 || /yarn lockfile v1|__metadata:/.test(text) ? versions : undefined;
}

function yarnNames(descriptors: string): string[] {
  const out: string[] = [];
  for (const part of descriptors.split(',')) {
    const d = part.trim().replace(/^"|"$/g, '');
    const at = d.indexOf('@', 1);
    if (at <= 0) continue;
    const name = d.slice(0, at);
    if (!out.includes(name)) out.push(name);
  }
  return out;
}

// ---- versions -------------------------------------------------------------------------------

/**
 * Whether `version` is older than `since` (both `major.minor.patch`): undefined when it cannot be
 * told (not a version, or a prerelease of `since` itself, which may or may not have what it added).
 */
export function olderThan(version: string, since: string): boolean | undefined {
  const a = /^v?(\d+)\.(\d+)\.(\d+)(-[0-9A-Za-z.-]+)?(?:\+.*)?$/.exec(version.trim());
  const b = /^(\d+)\.(\d+)\.(\d+)$/.exec(since);
  if (!a || !b) return undefined;
  for (let i = 1; i <= 3; i++) {
    const d = Number(a[i]) - Number(b[i]);
    if (d !== 0) return d < 0;
  }
  return a[4] ? undefined : false;
}
