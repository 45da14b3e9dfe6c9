// Finding the files to analyse under a set of paths, as git would see them: `.gitignore`
// files are honoured at every level, `node_modules` and VCS folders are never entered.

import * as fs from 'node:fs';
import * as path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { readFactFile } from './safe-read';

export const NEVER_ENTER = new Set(['node_modules', '.git', '.hg', '.svn']);

export class MissingPathError extends Error {}

export interface IgnoreScope {
  dir: string;
  rules: Ignore;
}

/**
 * Every regular file under `paths` (files named directly are always included), sorted. Entries
 * whose names are not UTF-8 cannot be named in a report or read back: each is passed to `skipped`.
 */
export function collectFiles(paths: readonly string[], cwd: string, skipped: (path: string, reason: string) => void = () => undefined): string[] {
  const out: string[] = [];
  for (const given of paths) {
    const abs = path.resolve(cwd, given);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(abs);
    } catch {
      throw new MissingPathError(`${given}: no such file or directory`);
    }
    if (stat.isFile()) out.push(abs);
    else if (stat.isDirectory()) walk(abs, inheritedIgnores(abs), out, skipped);
  }
  return [...new Set(out)].sort();
}

/** The .gitignore files above `dir` inside the same repository apply to it too. */
export function inheritedIgnores(dir: string): IgnoreScope[] {
  const scopes: IgnoreScope[] = [];
  let current = path.dirname(dir);
  while (current !== path.dirname(current)) {
    const scope = readIgnore(current);
    if (scope) scopes.unshift(scope);
    if (fs.existsSync(path.join(current, '.git'))) break;
    current = path.dirname(current);
  }
  return scopes;
}

export function readIgnore(dir: string): IgnoreScope | undefined {
  // A regular file of at most 1 MiB: a FIFO or `/dev/zero` behind the name is not a .gitignore.
  const text = readFactFile(path.join(dir, '.gitignore'));
  return text === undefined ? undefined : { dir, rules: ignore().add(text) };
}

export function isIgnored(abs: string, isDir: boolean, scopes: IgnoreScope[]): boolean {
  for (const scope of scopes) {
    const rel = path.relative(scope.dir, abs).split(path.sep).join('/');
    if (!rel || rel.startsWith('..')) continue;
    if (scope.rules.ignores(isDir ? `${rel}/` : rel)) return true;
  }
  return false;
}

function walk(dir: string, scopes: IgnoreScope[], out: string[], skipped: (path: string, reason: string) => void): void {
  const own = readIgnore(dir);
  const here = own ? [...scopes, own] : scopes;
  let entries: Array<fs.Dirent<Buffer>>;
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true, encoding: 'buffer' });
  } catch {
    return; // unreadable folder: nothing to analyse there
  }
  for (const raw of entries) {
    const name = raw.name.toString('utf8');
    if (!Buffer.from(name, 'utf8').equals(raw.name)) {
      skipped(path.join(dir, raw.name.toString('latin1')), 'its name is not UTF-8');
      continue;
    }
    if (NEVER_ENTER.has(name)) continue;
    const abs = path.join(dir, name);
    // Dirent types come from the folder listing: symlinks, FIFOs, sockets and devices are neither.
    const entry = raw;
    if (entry.isDirectory()) {
      if (!isIgnored(abs, true, here)) walk(abs, here, out, skipped);
    } else if (entry.isFile()) {
      if (!isIgnored(abs, false, here)) out.push(abs);
    }
  }
}

export function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}
