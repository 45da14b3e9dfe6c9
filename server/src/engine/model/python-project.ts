// Python projects as the project model reads them, beside package.json: which folder is a Python
// project (pyproject.toml, setup.cfg, setup.py, requirements*.txt), the console scripts setup.cfg
// installs (pyproject.toml's are read by `pyproject.ts`), and which app server a launch command runs
// a module under (uvicorn, gunicorn, hypercorn in a Dockerfile CMD/ENTRYPOINT, a Procfile line, a
// compose `command:`). Pure: text in, facts out. What the readers do not understand is skipped.

import type { PyprojectScript } from './pyproject';

/** Files whose folder is a Python project (its package root, for path conventions). */
export function isPythonProjectFile(name: string): boolean {
  return name === 'pyproject.toml' || name === 'setup.cfg' || name === 'setup.py' || /^requirements(?:[-_.][\w.-]*)?\.txt$/i.test(name);
}

/** Files holding the console scripts a project installs. */
export function isEntryPointFile(name: string): boolean {
  return name === 'pyproject.toml' || name === 'setup.cfg';
}

/** Files whose text may launch an app server: Procfiles (Heroku, foreman, honcho). Dockerfiles and compose files are manifests already. */
export function isProcfileName(name: string): boolean {
  return name === 'Procfile' || /^Procfile\.[\w-]+$/.test(name);
}

/**
 * setup.cfg's `[options.entry_points]` `console_scripts =` / `gui_scripts =` lists (setuptools docs,
 * "Entry points"): indented `name = module:function` lines under the key.
 */
export function readSetupCfgScripts(text: string): PyprojectScript[] {
  const out: PyprojectScript[] = [];
  let section = '';
  let inScripts = false;
  text.split(/\r?\n/).forEach((raw, index) => {
    if (/^\s*[#;]/.test(raw) || raw.trim() === '') return;
    const header = /^\[\s*([^\]]+?)\s*\]/.exec(raw);
    if (header) {
      section = header[1];
      inScripts = false;
      return;
    }
    if (section !== 'options.entry_points') return;
    const key = /^([\w.-]+)\s*=\s*(.*)$/.exec(raw);
    if (key && !/^\s/.test(raw)) {
      inScripts = key[1] === 'console_scripts' || key[1] === 'gui_scripts';
      if (inScripts && key[2].trim()) pushEntry(key[2], index);
      return;
    }
    if (inScripts && /^\s/.test(raw)) pushEntry(raw, index);
  });
  return out;

  function pushEntry(line: string, index: number): void {
    const m = /^\s*([\w.-]+)\s*=\s*([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\s*(?::\s*([A-Za-z_][\w.]*))?\s*(?:\[[^\]]*\])?\s*$/.exec(line);
    if (m) out.push({ name: m[1], module: m[2], ...(m[3] ? { attribute: m[3] } : {}), line: index + 1 });
  }
}

export type AppServer = 'uvicorn' | 'gunicorn' | 'hypercorn';

/** One launch of an app server: which server, the module it imports, and the 1-based line. */
export interface AppServerRun {
  server: AppServer;
  module: string;
  line: number;
}

const SERVER_WORD = /(?:^|[\s"'\[,;&|(=/])(uvicorn|gunicorn|hypercorn)(?=$|[\s"',\]])/;
/** `module.path:attribute` or `module.path:factory()`; a host:port or a path never starts with a letter and a dot-free word before `:` then a digit. */
const APP_TARGET = /(?:^|[\s"',=])([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*):([A-Za-z_]\w*)(?:\(\))?(?=$|[\s"',\]])/g;
/** gunicorn's `module` alone (its attribute defaults to `application`): Django's `project.wsgi`. */
const WSGI_MODULE = /(?:^|[\s"',=])([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*\.(?:wsgi|asgi))(?=$|[\s"',\]])/g;
/** Option values that look like targets but are not the app (`-k uvicorn.workers.UvicornWorker` has no colon; these do). */
const NOT_APP = /^(?:unix|fd|tcp|http|https|file)$/;

/**
 * The app servers a launch text runs and the module each imports. `text` is the whole Dockerfile,
 * Procfile or compose file; only lines naming a server are read, and only a target written out
 * (`app.main:app`, `config.wsgi`) counts: `$APP_MODULE` is unknown.
 */
export function appServerRuns(text: string): AppServerRun[] {
  const out: AppServerRun[] = [];
  const lines = text.split(/\r?\n/);
  // Dockerfile and shell continuations: a command may span lines ending in `\`.
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i];
    const first = i;
    while (/\\\s*$/.test(line) && i + 1 < lines.length) line = `${line.replace(/\\\s*$/, ' ')}${lines[++i]}`;
    if (/^\s*#/.test(line)) continue;
    const server = SERVER_WORD.exec(line)?.[1] as AppServer | undefined;
    if (!server) continue;
    const after = line.slice(line.search(SERVER_WORD));
    const seen = new Set<string>();
    for (const m of after.matchAll(APP_TARGET)) {
      if (NOT_APP.test(m[1]) || seen.has(m[1])) continue;
      seen.add(m[1]);
      out.push({ server, module: m[1], line: first + 1 });
    }
    if (server === 'gunicorn' && seen.size === 0) {
      for (const m of after.matchAll(WSGI_MODULE)) out.push({ server, module: m[1], line: first + 1 });
    }
  }
  return out;
}

/**
 * Whether `relative` (a path relative to the launching file's folder) is the module `module`
 * (dotted): `app/main.py` or `app/main/__init__.py`, at that folder or one folder below it (`src/`,
 * a compose build context such as `backend/`). Deeper is not known: the image's WORKDIR decides.
 */
export function isModuleFile(relative: string, module: string): boolean {
  const base = module.split('.').join('/');
  const rest = relative.replace(/^[^/]+\//, '');
  return [relative, rest].some((r) => r === `${base}.py` || r === `${base}/__init__.py`);
}
