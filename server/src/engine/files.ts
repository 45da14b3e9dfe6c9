// Finding the files to analyse under a set of paths, as git would see them: `.gitignore`
// files are honoured at every level, `node_modules` and VCS folders are never entered.

import * as fs from 'node:fs';
import * as path from 'node:path';
import ignore, { type Ignore } from 'ignore';

export const NEVER_ENTER = new Set(['node_modules', '.git', '.hg', '.svn']);

export class MissingPathError extends Error {}

export interface IgnoreScope {
  dir: string;
  rules: Ignore;
}

/** Every regular file under `paths` (files named directly are always included), sorted. */
export function collectFiles(paths: readonly string[], cwd: string): string[] {
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
    else if (stat.isDirectory()) walk(abs, inheritedIgnores(abs), out);
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
  let text: string;
  try {
    text = fs.readFileSync(path.join(dir, '.gitignore'), 'utf8');
  } catch {
    return undefined;
  }
  return { dir, rules: ignore().add(text) };
}

export function isIgnored(abs: string, isDir: boolean, scopes: IgnoreScope[]): boolean {
  for (const scope of scopes) {
    const rel = path.relative(scope.dir, abs).split(path.sep).join('/');
    if (!rel || rel.startsWith('..')) continue;
    if (scope.rules.ignores(isDir ? `${rel}/` : rel)) return true;
  }
  return false;
}

function walk(dir: string, scopes: IgnoreScope[], out: string[]): void {
  const own = readIgnore(dir);
  const here = own ? [...scopes, own] : scopes;
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return; // unreadable folder: nothing to analyse there
  }
  for (const entry of entries) {
    if (NEVER_ENTER.has(entry.name)) continue;
    const abs = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!isIgnored(abs, true, here)) walk(abs, here, out);
    } else if (entry.isFile()) {
      if (!isIgnored(abs, false, here)) out.push(abs);
    }
  }
}

export function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}
