// The bundle's entry point, dist/server.js (issue 22, start-up): loads the engine (dist/engine.js,
// TypeScript's compiler included, 8-16 MB of JavaScript) through a V8 code cache, so that a server,
// a CLI run or a `--jobs` worker after the first one does not compile it again. Compiling it is a
// third of a cold start: node compiles the script's top level and then every function on its first
// call, and the cache made after the first analysis holds all of that.
//
// What the cache is and where it lives:
// - One file per engine build and runtime: the engine's size and modification time, V8's version, the
//   architecture and the runtime's V8 flags are in its name (VS Code's Electron and the CLI's node
//   share nothing). V8 checks the rest itself and rejects data made for other source or flags.
// - In the folder `PRODREADY_CODE_CACHE` names (the VS Code client gives its global storage), else
//   in a folder of the user's own under the temporary folder, as node's `module.enableCompileCache()`
//   does; `PRODREADY_CODE_CACHE=off` turns it off. A folder another user could write to is not used:
//   cached data is code.
// - Written once, when there was none or V8 rejected it, after the first analysis (the engine calls
//   `saveCodeCache`), to a temporary file renamed over the old one: a reader never sees half a file.
//   Older files of the folder beyond the newest few are removed then.
// Nothing here may stop the engine from starting: every failure falls back to a plain compile.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vm from 'node:vm';
import Module from 'node:module';

const ENGINE = path.join(__dirname, 'engine.js');
const SAVE = Symbol.for('prodready.saveCodeCache');
const ENTRY = Symbol.for('prodready.entry');
/** Cache files kept per folder: a few builds and runtimes (the CLI's node, one or two editors). */
const KEEP = 4;

type Global = typeof globalThis & { [SAVE]?: () => void; [ENTRY]?: string };

/** The cache folder, made if needed; undefined when caching is off or the folder is not safe to use. */
function cacheFolder(): string | undefined {
  const setting = process.env.PRODREADY_CODE_CACHE;
  if (setting === 'off' || setting === '0') return undefined;
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  const dir = setting ? path.resolve(setting) : path.join(os.tmpdir(), `prodready-code-cache${uid === undefined ? '' : `-${uid}`}`);
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const stat = fs.statSync(dir);
    if (!stat.isDirectory()) return undefined;
    if (uid !== undefined && (stat.uid !== uid || (stat.mode & 0o022) !== 0)) return undefined;
    return dir;
  } catch {
    return undefined;
  }
}

/** The cache file's name for this engine build and this runtime. */
function cacheName(engine: fs.Stats): string {
  const flags = [...process.execArgv].sort().join(' ');
  let hash = 0;
  for (let i = 0; i < flags.length; i++) hash = (Math.imul(hash, 31) + flags.charCodeAt(i)) | 0;
  const runtime = `${process.versions.v8}-${process.arch}-${(hash >>> 0).toString(36)}`.replace(/[^\w.-]/g, '_');
  return `engine-${engine.size}-${Math.round(engine.mtimeMs)}-${runtime}.cache`;
}

function readCache(file: string): Buffer | undefined {
  try {
    return fs.readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Writes the script's code cache to `file` (atomically) and removes the folder's oldest caches. */
function writeCache(script: vm.Script, file: string): void {
  const temp = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(temp, script.createCachedData(), { mode: 0o600 });
    fs.renameSync(temp, file);
    const dir = path.dirname(file);
    const others = fs
      .readdirSync(dir)
      .filter((name) => name.startsWith('engine-') && name.endsWith('.cache') && name !== path.basename(file))
      .map((name) => ({ name, at: fs.statSync(path.join(dir, name)).mtimeMs }))
      .sort((a, b) => b.at - a.at);
    for (const old of others.slice(KEEP - 1)) fs.rmSync(path.join(dir, old.name), { force: true });
  } catch {
    fs.rmSync(temp, { force: true });
  }
}

/** Loads dist/engine.js as node's `require` would, compiled from the code cache when there is one. */
function loadEngine(): unknown {
  const source = fs.readFileSync(ENGINE, 'utf8');
  const dir = cacheFolder();
  const file = dir ? path.join(dir, cacheName(fs.statSync(ENGINE))) : undefined;
  const cachedData = file ? readCache(file) : undefined;
  let script: vm.Script;
  try {
    script = new vm.Script(Module.wrap(source), { filename: ENGINE, cachedData });
  } catch {
    script = new vm.Script(Module.wrap(source), { filename: ENGINE });
  }
  const g = globalThis as Global;
  g[ENTRY] = __filename;
  if (file && (!cachedData || script.cachedDataRejected)) {
    let saved = false;
    g[SAVE] = () => {
      if (saved) return;
      saved = true;
      writeCache(script, file);
    };
  }
  const engine = new Module(ENGINE, module);
  engine.filename = ENGINE;
  engine.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(__dirname);
  const run = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: Module, filename: string, dirname: string) => void;
  run.call(engine.exports, engine.exports, Module.createRequire(ENGINE), engine, ENGINE, __dirname);
  engine.loaded = true;
  return engine.exports;
}

const engine = loadEngine() as { startFromCommandLine(): void };
module.exports = engine;
if (require.main === module) engine.startFromCommandLine();
