#!/usr/bin/env node
// Installs and caches, OUTSIDE the repository, the tools the editor tests need on a machine with
// no internet (see /work/shared/TESTING.md):
//   - Node 24 from the npm registry (package node-<platform>-<arch>, a binary inside the package),
//   - code-server 4.139.1 (VS Code 1.139.1) from the npm registry, installed with that Node 24
//     (its postinstall refuses other majors and builds native modules: needs libkrb5-dev + a C++ tool chain),
// and checks the tools that come from elsewhere: Debian `chromium`, npm `playwright-core` (a dev dependency),
// Debian `neovim` (for the Neovim test).
//
// Cache: ${PRODREADY_TOOLS:-$HOME/.cache/prodready-tools}. Each tool is installed into a temporary folder
// and renamed into place only when complete, so an interrupted run never leaves a half-installed tool
// that a later run would trust. A warm run only checks that files exist (well under a second).
//
// Usage: node scripts/setup-editor-tools.mjs [--need vscode,ui,nvim] [--check] [--json]
//   --need   which layers to prepare (default: all). vscode/ui need Node 24 + code-server + chromium +
//            playwright-core; nvim needs neovim.
//   --check  install nothing; report what is missing (exit 1 if anything is).
//   --json   print the resolved tool paths as JSON on stdout.
// Exit status: 0 when every needed tool is ready, 1 with a message naming what is missing otherwise.
// The runners import ensureEditorTools() from here.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export const NODE_VERSION = process.env.PRODREADY_NODE24_VERSION || '24.21.0';
// Pinned: the tests rely on code-server's internals (server-main.js, the smoke-test driver).
export const CODE_SERVER_VERSION = '4.139.1';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function toolsDir() {
  return process.env.PRODREADY_TOOLS || path.join(os.homedir(), '.cache', 'prodready-tools');
}

export class MissingToolError extends Error {}

function log(msg) {
  process.stderr.write(`[setup-editor-tools] ${msg}\n`);
}

function nodePackageName() {
  const platform = { linux: 'linux', darwin: 'darwin', win32: 'win' }[process.platform];
  const arch = { x64: 'x64', arm64: 'arm64' }[process.arch];
  if (!platform || !arch) {
    throw new MissingToolError(`no Node 24 package on the npm registry for ${process.platform}-${process.arch}`);
  }
  return `node-${platform}-${arch}`;
}

function exists(p) {
  try {
    fs.accessSync(p);
    return true;
  } catch {
    return false;
  }
}

function which(cmd) {
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    const p = path.join(dir, cmd);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      /* next */
    }
  }
  return undefined;
}

function run(cmd, args, opts) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...opts });
  if (r.error) throw r.error;
  return r;
}

/** Installs `spec` with npm into a fresh folder, then renames it to `dest` (atomic for our purpose). */
function npmInstallInto(dest, spec, env, what) {
  const tmp = `${dest}.partial-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  fs.writeFileSync(path.join(tmp, 'package.json'), JSON.stringify({ name: 'prodready-tool', private: true }) + '\n');
  const npmCli = which('npm');
  if (!npmCli) throw new MissingToolError('npm is not on PATH');
  log(`installing ${what} (${spec}) into ${dest} ...`);
  const started = Date.now();
  const r = run(npmCli, ['install', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error', spec], {
    cwd: tmp,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (r.status !== 0) {
    fs.rmSync(tmp, { recursive: true, force: true });
    const out = `${r.stdout}\n${r.stderr}`.trim().split('\n').slice(-40).join('\n');
    throw new MissingToolError(`npm install ${spec} failed (exit ${r.status}):\n${out}`);
  }
  fs.writeFileSync(path.join(tmp, '.complete'), `${spec}\n`);
  if (exists(path.join(dest, '.complete'))) {
    // Another run finished the same install meanwhile and may be using it: keep that one.
    fs.rmSync(tmp, { recursive: true, force: true });
    return;
  }
  fs.rmSync(dest, { recursive: true, force: true }); // an interrupted install's leftovers, if any
  fs.renameSync(tmp, dest);
  log(`installed ${what} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

function ensureNode24({ install }) {
  const dir = path.join(toolsDir(), `node-${NODE_VERSION}`);
  const pkg = path.join(dir, 'node_modules', nodePackageName());
  const bin = path.join(pkg, 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
  if (!exists(path.join(dir, '.complete')) || !exists(bin)) {
    if (!install) throw new MissingToolError(`Node ${NODE_VERSION} is not installed in ${dir}`);
    npmInstallInto(dir, `${nodePackageName()}@${NODE_VERSION}`, process.env, `Node ${NODE_VERSION}`);
  }
  return { bin, binDir: path.dirname(bin), headers: pkg };
}

function buildPrerequisites() {
  const missing = [];
  if (!which('make')) missing.push('make (Debian: build-essential)');
  if (!which('g++') && !which('c++')) missing.push('a C++ compiler (Debian: build-essential)');
  if (!which('python3')) missing.push('python3');
  if (!exists('/usr/include/gssapi/gssapi.h') && !which('krb5-config')) missing.push('Kerberos headers (Debian: libkrb5-dev)');
  return missing;
}

function ensureCodeServer(node, { install }) {
  const dir = path.join(toolsDir(), `code-server-${CODE_SERVER_VERSION}-node${NODE_VERSION}`);
  const root = path.join(dir, 'node_modules', 'code-server');
  const serverMain = path.join(root, 'lib', 'vscode', 'out', 'server-main.js');
  const entry = path.join(root, 'out', 'node', 'entry.js');
  if (!exists(path.join(dir, '.complete')) || !exists(serverMain) || !exists(entry)) {
    if (!install) throw new MissingToolError(`code-server ${CODE_SERVER_VERSION} is not installed in ${dir}`);
    const missing = buildPrerequisites();
    if (missing.length) {
      throw new MissingToolError(
        `cannot build code-server ${CODE_SERVER_VERSION}: missing ${missing.join(', ')}.\n` +
          `  Install them with: apt-get update && apt-get install -y build-essential python3 libkrb5-dev`,
      );
    }
    // Node 24 first on PATH: npm then runs under Node 24, code-server's postinstall sees node/v24 in the
    // user agent, and node-gyp builds the native modules against Node 24's own headers (the package ships
    // them; the machine's npmrc may point nodedir at the system Node's headers, which would not load).
    const env = {
      ...process.env,
      PATH: `${node.binDir}${path.delimiter}${process.env.PATH}`,
      npm_config_nodedir: node.headers,
    };
    // Under `npm test` the outer npm exports its own user agent (node/v20) and node path; the inner
    // npm would pass them on as its config, and the postinstall would refuse the Node version.
    for (const key of ['npm_config_user_agent', 'npm_config_node_gyp', 'npm_node_execpath', 'npm_execpath', 'NODE']) delete env[key];
    npmInstallInto(dir, `code-server@${CODE_SERVER_VERSION}`, env, `code-server ${CODE_SERVER_VERSION}`);
  }
  return { root, serverMain, entry };
}

function findChromium() {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', which('chromium')];
  for (const c of candidates) if (c && exists(c)) return c;
  throw new MissingToolError(
    'Chromium not found (looked at $CHROMIUM_PATH, /usr/bin/chromium). Install it with: apt-get install -y chromium',
  );
}

function findPlaywright() {
  try {
    return createRequire(path.join(repoRoot, 'package.json')).resolve('playwright-core');
  } catch {
    throw new MissingToolError('npm package playwright-core is not installed (it is a dev dependency: run npm ci)');
  }
}

function findNeovim() {
  const nvim = process.env.NVIM_PATH || which('nvim');
  if (!nvim || !exists(nvim)) throw new MissingToolError(`Neovim not found${nvim ? ` at ${nvim}` : ''}. Install it with: apt-get install -y neovim`);
  const r = run(nvim, ['--version'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const m = /NVIM v(\d+)\.(\d+)\.(\d+)/.exec(r.stdout || '');
  if (!m || Number(m[1]) === 0 && Number(m[2]) < 7) {
    throw new MissingToolError(`Neovim 0.7 or newer is needed (found: ${(r.stdout || '').split('\n')[0] || 'unknown'})`);
  }
  return { bin: nvim, version: `${m[1]}.${m[2]}.${m[3]}` };
}

/** The Debian packages the editor layers use, by the command or file that shows each is there. */
const DEBIAN_PACKAGES = [
  ['chromium', () => exists('/usr/bin/chromium') || exists('/usr/bin/chromium-browser') || Boolean(process.env.CHROMIUM_PATH)],
  ['neovim', () => Boolean(which('nvim'))],
  ['libkrb5-dev', () => exists('/usr/include/gssapi/gssapi.h') || Boolean(which('krb5-config'))],
  ['build-essential', () => Boolean(which('make')) && Boolean(which('g++') || which('c++'))],
  ['python3', () => Boolean(which('python3'))],
];

/**
 * On a Debian machine where we are root (CI, these development machines), installs the Debian packages
 * the editor layers need, so that `npm test` works on a fresh machine. Elsewhere it installs nothing:
 * the checks below then name what is missing and how to install it.
 */
function installDebianPackages() {
  const missing = DEBIAN_PACKAGES.filter(([, present]) => !present()).map(([name]) => name);
  if (missing.length === 0 || process.getuid?.() !== 0 || !which('apt-get')) return;
  log(`installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 'ignore', 'inherit'], env });
  if (update.status !== 0) return;
  spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: ['ignore', 'ignore', 'inherit'], env });
}

/**
 * Makes sure the tools for the given layers exist (installing what can be installed) and returns their paths.
 * Throws MissingToolError naming everything that is missing.
 */
export function ensureEditorTools({ need = ['vscode', 'ui', 'nvim'], install = true } = {}) {
  if (install) installDebianPackages();
  const tools = { toolsDir: toolsDir() };
  const problems = [];
  const attempt = (fn) => {
    try {
      fn();
    } catch (e) {
      if (e instanceof MissingToolError) problems.push(e.message);
      else throw e;
    }
  };
  if (need.includes('vscode') || need.includes('ui')) {
    attempt(() => {
      tools.node24 = ensureNode24({ install });
      tools.codeServer = ensureCodeServer(tools.node24, { install });
    });
    attempt(() => (tools.chromium = findChromium()));
    attempt(() => (tools.playwright = findPlaywright()));
  }
  if (need.includes('nvim')) attempt(() => (tools.nvim = findNeovim()));
  if (problems.length) throw new MissingToolError(problems.join('\n'));
  return tools;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const needArg = args.indexOf('--need');
  const need = needArg >= 0 ? String(args[needArg + 1] || '').split(',').filter(Boolean) : undefined;
  const started = Date.now();
  try {
    const tools = ensureEditorTools({ need, install: !args.includes('--check') });
    if (args.includes('--json')) process.stdout.write(JSON.stringify(tools, null, 2) + '\n');
    log(`editor tools ready in ${tools.toolsDir} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  } catch (e) {
    log(`NOT READY:\n${e.message}`);
    process.exit(1);
  }
}
