// Reads a pyproject.toml for what the project model needs: the console scripts it installs
// (`[project.scripts]`, Poetry's `[tool.poetry.scripts]`, `[project.gui-scripts]`), each an entry point
// `module.path:function` whose module is a command line tool. Pure: text in, facts out. Only the
// TOML the tables above use is read (tables, `key = "string"` pairs, comments); anything else is
// skipped, never guessed.

export interface PyprojectScript {
  /** The command's name (`orders-cli`). */
  name: string;
  /** The dotted module (`orders.cli`). */
  module: string;
  /** The function after the colon, when there is one. */
  attribute?: string;
  /** 1-based line of the entry, for evidence. */
  line: number;
}

export interface Pyproject {
  name?: string;
  scripts: PyprojectScript[];
}

const SCRIPT_TABLES = new Set(['project.scripts', 'project.gui-scripts', 'tool.poetry.scripts']);

/** `[a.b]` / `[ "a" . b ]` to `a.b`; undefined for arrays of tables and anything unreadable. */
function tableName(line: string): string | undefined {
  const m = /^\[\s*([^\[\]]+?)\s*\]\s*(?:#.*)?$/.exec(line);
  if (!m) return undefined;
  const parts = m[1].split('.').map((p) => p.trim().replace(/^"(.*)"$|^'(.*)'$/, '$1$2'));
  return parts.every((p) => p.length > 0) ? parts.join('.') : undefined;
}

/** `key = "value"` (basic or literal string), with an optional trailing comment. */
function stringPair(line: string): { key: string; value: string } | undefined {
  const m = /^("[^"]+"|'[^']+'|[A-Za-z0-9_.-]+)\s*=\s*("((?:[^"\\]|\\.)*)"|'([^']*)')\s*(?:#.*)?$/.exec(line);
  if (!m) return undefined;
  const key = m[1].replace(/^["']|["']$/g, '');
  const value = m[3] !== undefined ? m[3].replace(/\\(["\\])/g, '$1') : m[4];
  return { key, value };
}

/** `{ reference = "module:function", type = "console" }` (Poetry's table form), the reference part. */
function inlineReference(line: string): { key: string; value: string } | undefined {
  const m = /^("[^"]+"|'[^']+'|[A-Za-z0-9_.-]+)\s*=\s*\{(.*)\}\s*(?:#.*)?$/.exec(line);
  if (!m) return undefined;
  const ref = /(?:^|,)\s*(?:reference|callable)\s*=\s*"([^"]+)"/.exec(m[2]);
  return ref ? { key: m[1].replace(/^["']|["']$/g, ''), value: ref[1] } : undefined;
}

const ENTRY_POINT = /^\s*([A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)*)\s*(?::\s*([A-Za-z_][\w.]*))?\s*(?:\[[^\]]*\])?\s*$/;

export function readPyproject(text: string): Pyproject {
  const out: Pyproject = { scripts: [] };
  let table = '';
  let inMultiline: string | undefined;
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (inMultiline) {
      if (line.includes(inMultiline)) inMultiline = undefined;
      return;
    }
    if (line === '' || line.startsWith('#')) return;
    if (/^[^=]*=\s*("""|''')/.test(line) && !/("""|''').*\1/.test(line.slice(line.indexOf('=') + 1))) {
      inMultiline = /("""|''')/.exec(line)![1];
      return;
    }
    if (line.startsWith('[')) {
      table = line.startsWith('[[') ? '' : (tableName(line) ?? '');
      return;
    }
    const pair = stringPair(line) ?? (SCRIPT_TABLES.has(table) ? inlineReference(line) : undefined);
    if (!pair) return;
    if (table === 'project' && pair.key === 'name') out.name = pair.value;
    else if (table === 'tool.poetry' && pair.key === 'name' && out.name === undefined) out.name = pair.value;
    else if (SCRIPT_TABLES.has(table)) {
      const entry = ENTRY_POINT.exec(pair.value);
      if (entry) out.scripts.push({ name: pair.key, module: entry[1], ...(entry[2] ? { attribute: entry[2] } : {}), line: index + 1 });
    }
  });
  return out;
}

/**
 * The files a script's module may be, relative to the pyproject's folder: `orders/cli.py` or
 * `orders/cli/__init__.py`, at the root or under `src/` (the two layouts packaging tools accept).
 */
export function scriptModuleFiles(script: PyprojectScript): string[] {
  const base = script.module.split('.').join('/');
  return ['', 'src/'].flatMap((root) => [`${root}${base}.py`, `${root}${base}/__init__.py`]);
}
