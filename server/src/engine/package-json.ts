// What a package.json says about its package and its files, read by the workspace index: whether the
// package is a published library or an application, and which files its npm scripts run as
// one-off scripts (a release script, a seed, a local test server) rather than as the service.

import * as path from 'node:path';

export type PackageKind = 'library' | 'application';
/** `service`: an npm script starts it as the service; `one-off`: other npm scripts run it; `command`: a `bin` entry installs it as a command line program. */
export type ScriptRole = 'service' | 'one-off' | 'command';

export interface PackageInfo {
  /** The package's `name`, when it has one. */
  name: string | undefined;
  kind: PackageKind | undefined;
  /** Why the package is a front-end app (see `frontEndReason`), undefined when it is not one. */
  frontEnd: string | undefined;
  /** The full-stack front-end framework it is built with, whose server-side files are service code. */
  fullStack: FullStack | undefined;
  /** It says how it is consumed beyond npm init's `main` (`exports`, `types`, `bin`, `files`, ...). */
  shapedForPublishing: boolean;
  /**
   * Files (absolute, forward slashes) that npm scripts run directly with Node or a TypeScript
   * runner: `service` for the long-running program (not followed by `&&` or `;`) of a script that
   * starts the service (see `SERVICE_SCRIPT`), `one-off` for every other.
   */
  scriptFiles: Map<string, ScriptRole>;
  /** What the package needs at run time: `dependencies`, `peerDependencies`, `optionalDependencies` (not dev). */
  dependencies: Set<string>;
  /** The programs its `bin` installs: the first command's name, and every file `binSources` gives (candidates that may not exist). */
  bin: { name: string; files: string[] } | undefined;
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

/** Front-end frameworks that also run server code: their API routes and handlers are services. */
export type FullStack = 'next' | 'nuxt' | 'sveltekit' | 'remix' | 'astro' | 'gatsby';

const UI_DEPENDENCIES = ['react', 'react-dom', 'react-native', 'expo', 'vue', 'svelte', '@angular/core', 'preact', 'solid-js', 'jquery', 'lit', '@ionic/core', 'electron'];
const BUNDLER_DEPENDENCIES = ['vite', 'webpack', 'parcel', 'react-scripts', '@vue/cli-service', '@angular/cli', 'rollup', 'esbuild-loader', '@rsbuild/core', '@rspack/core', 'snowpack', 'metro'];
const FULL_STACK: Record<string, FullStack> = { next: 'next', nuxt: 'nuxt', '@sveltejs/kit': 'sveltekit', '@remix-run/node': 'remix', '@remix-run/react': 'remix', astro: 'astro', gatsby: 'gatsby' };
/** A dependency that makes the package a server, whatever UI it also ships. */
const SERVER_DEPENDENCIES = /^(?:express|fastify|koa|@nestjs\/core|@hapi\/hapi|hapi|restify|hono|@hono\/node-server|polka|micro|@feathersjs\/feathers|@apollo\/server|apollo-server(?:-[\w-]+)?|graphql-yoga|@trpc\/server|socket\.io|ws|@grpc\/grpc-js|grpc|amqplib|kafkajs|bullmq|bull|@adonisjs\/core|sails|loopback|@loopback\/core|moleculer|@remix-run\/express|h3|nitropack|elysia|uWebSockets\.js)$/;

/** Server-side files of full-stack frameworks, relative to the package folder. */
export const FULL_STACK_SERVER_PATHS: Record<FullStack, readonly string[]> = {
  next: ['{src/,}pages/api/**', '{src/,}app/**/route.*', '{src/,}middleware.*', '{src/,}instrumentation.*', 'server.*', 'server/**', '{src/,}server/**'],
  nuxt: ['server/**', '{src/,}server/**'],
  sveltekit: ['src/**/+server.*', 'src/**/+page.server.*', 'src/**/+layout.server.*', 'src/hooks.server.*', 'src/lib/server/**'],
  remix: ['app/**/*.server.*', 'app/entry.server.*', 'server.*', 'server/**'],
  astro: ['src/pages/api/**', 'src/middleware.*', 'src/actions/**'],
  gatsby: ['src/api/**', 'gatsby-node.*'],
};

function dependencyNames(pkg: Record<string, unknown>, ...keys: string[]): string[] {
  const out: string[] = [];
  for (const key of keys) {
    const deps = pkg[key];
    if (typeof deps === 'object' && deps !== null && !Array.isArray(deps)) out.push(...Object.keys(deps));
  }
  return out;
}

/**
 * A front-end package: it depends on a UI framework (or builds with a front-end bundler) and on no
 * server framework. The reason names what decided it.
 */
function frontEndReason(pkg: Record<string, unknown>): { reason: string | undefined; fullStack: FullStack | undefined } {
  const runtime = dependencyNames(pkg, 'dependencies');
  const all = [...runtime, ...dependencyNames(pkg, 'devDependencies', 'peerDependencies')];
  const fullStack = all.map((d) => FULL_STACK[d]).find(Boolean);
  const server = runtime.find((d) => SERVER_DEPENDENCIES.test(d));
  if (server && !fullStack) return { reason: undefined, fullStack: undefined };
  const ui = all.find((d) => UI_DEPENDENCIES.includes(d));
  const bundler = all.find((d) => BUNDLER_DEPENDENCIES.includes(d));
  if (fullStack) return { reason: `package.json depends on ${Object.keys(FULL_STACK).find((k) => FULL_STACK[k] === fullStack && all.includes(k))} (server-side files excepted)`, fullStack };
  if (ui && bundler) return { reason: `package.json depends on \`${ui}\` and builds with \`${bundler}\`, and on no server framework`, fullStack: undefined };
  if (ui && runtime.includes(ui)) return { reason: `package.json depends on \`${ui}\` and on no server framework`, fullStack: undefined };
  return { reason: undefined, fullStack: undefined };
}

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
  const files = scriptFiles(scripts, dir);
  // Prisma runs `prisma.seed` (`"seed": "ts-node prisma/seed.ts"`) once, after migrations.
  const prisma = record.prisma as Record<string, unknown> | undefined;
  if (prisma && typeof prisma.seed === 'string') for (const file of filesRunBy(prisma.seed, dir)) if (!files.has(file)) files.set(file, 'one-off');
  // `bin` entries are the command line programs the package installs (with the source file a build
  // compiled each from), unless an npm script runs it.
  const binFiles = binSources(record.bin, dir);
  for (const file of binFiles) if (!files.has(file)) files.set(file, 'command');
  const { reason, fullStack } = frontEndReason(record);
  const dependencies = new Set<string>();
  for (const key of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
    const deps = record[key];
    if (typeof deps === 'object' && deps !== null && !Array.isArray(deps)) for (const name of Object.keys(deps)) dependencies.add(name);
  }
  return { name: typeof record.name === 'string' ? record.name : undefined, kind: packageKind(record, scripts), frontEnd: reason, fullStack, shapedForPublishing: PUBLISHING_KEYS.some((key) => record[key] !== undefined), scriptFiles: files, dependencies, bin: binFiles.length > 0 ? { name: binName(record.bin, record.name), files: binFiles } : undefined };
}

/** The name of the first command a `bin` installs: its key, or the package's name (without scope) for a plain path. */
function binName(bin: unknown, name: unknown): string {
  if (typeof bin === 'object' && bin !== null) return Object.keys(bin)[0] ?? '';
  return typeof name === 'string' ? name.replace(/^@[^/]+\//, '') : String(bin);
}

/** Build output folders a `bin` entry may point into; the program's source is then under `src/` (or the package folder). */
const BUILD_OUTPUT = /^(?:dist|build|lib|out)\//;
const COMPILED_FROM: Record<string, readonly string[]> = { '.js': ['.ts', '.tsx', '.js'], '.cjs': ['.cts', '.cjs'], '.mjs': ['.mts', '.mjs'] };

/**
 * The files of a package.json `bin` (a path, or names to paths): each path as written and, when it
 * points into build output (`./dist/src/index.js`, `lib/cli.js`), the source files a TypeScript or
 * Babel build compiles to it (`src/index.ts`, `src/cli.ts`). Candidates that do not exist match no file.
 */
export function binSources(bin: unknown, dir: string): string[] {
  const entries = typeof bin === 'string' ? [bin] : typeof bin === 'object' && bin !== null && !Array.isArray(bin) ? Object.values(bin) : [];
  const out: string[] = [];
  for (const entry of entries) {
    if (typeof entry !== 'string' || !isPlainPath(entry)) continue;
    const rel = path.posix.normalize(entry.replace(/\\/g, '/')).replace(/^\.\//, '');
    if (rel.startsWith('..')) continue;
    out.push(join(dir, rel));
    if (!BUILD_OUTPUT.test(rel)) continue;
    const inner = rel.replace(BUILD_OUTPUT, '');
    const ext = path.posix.extname(inner);
    const stem = inner.slice(0, inner.length - ext.length);
    const sources = COMPILED_FROM[ext.toLowerCase()];
    if (!sources) continue;
    const stems = stem.startsWith('src/') ? [stem] : [`src/${stem}`, stem];
    for (const s of stems) for (const e of sources) out.push(join(dir, `${s}${e}`));
  }
  return [...new Set(out)];
}

const PUBLISHING_KEYS = ['exports', 'module', 'types', 'typings', 'bin', 'files', 'publishConfig'];

/** The test script npm init writes: a package.json nobody has shaped for publishing yet. */
const NPM_INIT_TEST = /^echo "Error: no test specified" && exit 1$/;

/**
 * A published package says how it is consumed (`main`, `exports`, `module`, `types`, `bin`, `files`).
 * npm init writes `"main": "index.js"` into every package.json, containerised servers included: with
 * its placeholder test script still there and nothing else of a library's, the kind is unknown. (The
 * workspace index also makes a package with its own Dockerfile an application.)
 */
function packageKind(pkg: Record<string, unknown>, scripts: Record<string, unknown>): PackageKind | undefined {
  if (pkg.private === true || typeof scripts.start === 'string') return 'application';
  const shaped = PUBLISHING_KEYS.some((key) => pkg[key] !== undefined);
  if (!shaped && typeof scripts.test === 'string' && NPM_INIT_TEST.test(scripts.test)) return undefined;
  if (shaped || pkg.main !== undefined) return 'library';
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
