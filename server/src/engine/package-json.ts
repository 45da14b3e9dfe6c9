// What a package.json says about its package and its files, read by the workspace index: whether the
// package is a published library or an application, and which files its npm scripts run as
// one-off scripts (a release script, a seed, a local test server) rather than as the service.

import * as path from 'node:path';

export type PackageKind = 'library' | 'application';
export type ScriptRole = 'service' | 'one-off';

export interface PackageInfo {
  kind: PackageKind | undefined;
  /**
   * Files (absolute, forward slashes) that npm scripts run directly with Node or a TypeScript
   * runner: `service` for the long-running program (not followed by `&&` or `;`) of a script that
   * starts the service (see `SERVICE_SCRIPT`), `one-off` for every other.
   */
  scriptFiles: Map<string, ScriptRole>;
  /** What the package needs at run time: `dependencies`, `peerDependencies`, `optionalDependencies` (not dev). */
  dependencies: Set<string>;
}

/**
 * Script names that start the service itself (`start`, `start:prod`, `start-server-dev`, `dev`,
 * `serve`, `server`, `prod`, `worker`, `watch`): the file they run is service code.
 */
const SERVICE_SCRIPT = /^(?:start|dev|develop|serve|server|prod|production|worker|watch)(?:$|[-:._])/i;

/** Commands that run their first file argument as a program. */
const RUNNERS = new Set(['node', 'nodejs', 'tsx', 'ts-node', 'ts-node-dev', 'ts-node-esm', 'babel-node', 'esno', 'esr', 'vite-node', 'bun', 'nodemon', 'jiti', 'sucrase-node']);
/** Commands that only set up the environment of the command after them. */
const PREFIXES = new Set(['npx', 'cross-env', 'cross-env-shell', 'env', 'dotenv', 'exec', 'time', 'nice']);
/** Runner flags whose next word is a value, not the program (`node -r dotenv/config app.js`). */
const FLAG_WITH_VALUE = new Set(['-r', '--require', '--import', '--loader', '--experimental-loader', '-e', '--eval', '-p', '--print', '--env-file', '--watch-path', '--inspect-port', '--title', '--conditions', '-C', '--tsconfig', '--project', '-P']);
const SOURCE_FILE = /\.(?:[cm]?[jt]s|[jt]sx)$/i;

export function parsePackageJson(text: string, dir: string): PackageInfo | undefined {
  let pkg: unknown;
  try {
    pkg = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof pkg !== 'object' || pkg === null || Array.isArray(pkg)) return undefined;
  const record = pkg as Record<string, unknown>;
  const scripts = (typeof record.scripts === 'object' && record.scripts !== null ? record.scripts : {}) as Record<string, unknown>;
  const dependencies = new Set<string>();
  for (const key of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
    const deps = record[key];
    if (typeof deps === 'object' && deps !== null && !Array.isArray(deps)) for (const name of Object.keys(deps)) dependencies.add(name);
  }
  return { kind: packageKind(record, scripts), scriptFiles: scriptFiles(scripts, dir), dependencies };
}

function packageKind(pkg: Record<string, unknown>, scripts: Record<string, unknown>): PackageKind | undefined {
  if (pkg.private === true || typeof scripts.start === 'string') return 'application';
  if (['main', 'exports', 'module', 'types', 'typings', 'bin', 'files'].some((key) => pkg[key] !== undefined)) return 'library';
  return undefined;
}

function scriptFiles(scripts: Record<string, unknown>, dir: string): Map<string, ScriptRole> {
  const oneOff = new Set<string>();
  const service = new Set<string>();
  for (const [name, command] of Object.entries(scripts)) {
    if (typeof command !== 'string') continue;
    const startsService = SERVICE_SCRIPT.test(name);
    // In `node migrate.js && node server.js` the first program must exit before the next starts:
    // only a program nothing waits for can be the service.
    for (const { file, awaited } of programsRunBy(command, dir)) (startsService && !awaited ? service : oneOff).add(file);
  }
  const roles = new Map<string, ScriptRole>();
  for (const file of oneOff) roles.set(file, 'one-off');
  for (const file of service) roles.set(file, 'service');
  return roles;
}

/**
 * The files a shell command line runs with a Node runner, resolved against `dir` and any `cd` the
 * line does first. Only plain words are read: a word with quotes, `$` or globs is not a path we know.
 */
export function filesRunBy(command: string, dir: string): string[] {
  return programsRunBy(command, dir).map((p) => p.file);
}

/** Like `filesRunBy`, with whether the line waits for each program to exit (`&&` or `;` after it). */
function programsRunBy(command: string, dir: string): Array<{ file: string; awaited: boolean }> {
  const out: Array<{ file: string; awaited: boolean }> = [];
  let cwd = dir;
  const pieces = command.split(/(&&|\|\||[;|&])/);
  for (let p = 0; p < pieces.length; p += 2) {
    const awaited = pieces[p + 1] === '&&' || pieces[p + 1] === ';';
    const words = pieces[p].trim().split(/\s+/).filter(Boolean);
    let i = 0;
    // `FOO=bar cross-env BAZ=1 npx tsx file.ts`: skip assignments and environment prefixes.
    while (i < words.length && (/^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i]) || PREFIXES.has(words[i]) || (words[i] === '--' && i > 0))) i++;
    const runner = words[i];
    if (runner === undefined) continue;
    if (runner === 'cd' && words[i + 1] && isPlainPath(words[i + 1])) {
      cwd = join(cwd, words[i + 1]);
      continue;
    }
    if (!RUNNERS.has(runner)) continue;
    i++;
    if ((runner === 'bun' && words[i] === 'run') || (runner === 'tsx' && words[i] === 'watch')) i++;
    for (; i < words.length; i++) {
      const word = words[i];
      if (FLAG_WITH_VALUE.has(word)) {
        i++;
        continue;
      }
      if (word.startsWith('-')) continue;
      // The first plain word is the program; what follows are its own arguments.
      if (isPlainPath(word) && SOURCE_FILE.test(word)) out.push({ file: join(cwd, word), awaited });
      break;
    }
  }
  return out;
}

/** `dir` + a relative or absolute path, forward slashes (a Windows drive letter stays as it is). */
function join(dir: string, p: string): string {
  return path.posix.normalize(p.startsWith('/') ? p : `${dir}/${p}`).replace(/\/$/, '');
}

function isPlainPath(word: string): boolean {
  return /^[\w./@+-]+$/.test(word) && !word.includes('*');
}
