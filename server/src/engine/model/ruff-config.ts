// Which Ruff rules a project's Ruff configuration selects, so that a prodready finding Ruff also
// reports can say so instead of being a second, unexplained voice. Read from `ruff.toml` /
// `.ruff.toml` (top level and `[lint]`) or pyproject.toml's `[tool.ruff]` / `[tool.ruff.lint]`:
// `select`, `extend-select`, `ignore`, `extend-ignore` (Ruff docs, "Configuring Ruff" and "Rule
// selection": the most specific selector wins, `ALL` selects everything, the default selection is
// E4, E7, E9 and F). A code that `per-file-ignores` mentions, or a config that `extend`s another, is
// not known: no note. Pure: text in, facts out; only the TOML these keys use is read.

export interface RuffSelection {
  /** The selectors, each with its 1-based line. `select` undefined: Ruff's default selection. */
  select?: string[];
  extendSelect: string[];
  ignore: string[];
  /** Codes and prefixes `per-file-ignores` names for some files. */
  perFileIgnored: string[];
  /** The config inherits another (`extend = "..."`): what it selects is not all here. */
  extends: boolean;
}

const DEFAULT_SELECT = ['E4', 'E7', 'E9', 'F'];

/** Reads a Ruff configuration. `pyproject` reads only `[tool.ruff*]` tables; undefined when there is none. */
export function readRuffConfig(text: string, pyproject: boolean): RuffSelection | undefined {
  const prefix = pyproject ? 'tool.ruff' : '';
  const out: RuffSelection = { extendSelect: [], ignore: [], perFileIgnored: [], extends: false };
  let found = !pyproject;
  let table = '';
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\s+#.*$/, '').trim();
    if (line === '' || line.startsWith('#')) continue;
    const header = /^\[\s*([^\[\]]+?)\s*\]$/.exec(line);
    if (header) {
      table = header[1].replace(/\s*\.\s*/g, '.').replace(/"/g, '');
      if (pyproject && (table === prefix || table.startsWith(`${prefix}.`))) found = true;
      continue;
    }
    if (line.startsWith('[[')) {
      table = '';
      continue;
    }
    const inRuff = table === prefix || table === (prefix ? `${prefix}.lint` : 'lint');
    const inPerFile = table === (prefix ? `${prefix}.per-file-ignores` : 'per-file-ignores') || table === (prefix ? `${prefix}.lint.per-file-ignores` : 'lint.per-file-ignores');
    const pair = /^("?[\w.-]+"?|"[^"]*")\s*=\s*(.*)$/.exec(line);
    if (!pair) continue;
    let value = pair[2];
    // Each selector with the line it is written on (a multi-line array reads on to its closing bracket).
    const located = codes(value).map((c) => withLine(c, i));
    if (value.startsWith('[') && !balanced(value)) {
      while (i + 1 < lines.length && !balanced(value)) {
        const more = lines[++i].replace(/\s+#.*$/, '');
        value += ` ${more}`;
        located.push(...codes(more).map((c) => withLine(c, i)));
      }
    }
    const key = pair[1].replace(/"/g, '');
    if (inPerFile) {
      out.perFileIgnored.push(...codes(value));
      continue;
    }
    if (!inRuff) continue;
    if (key === 'extend' && table === prefix) out.extends = true;
    else if (key === 'select') out.select = located;
    else if (key === 'extend-select') out.extendSelect.push(...located);
    else if (key === 'ignore' || key === 'extend-ignore') out.ignore.push(...codes(value));
    else if (key === 'per-file-ignores' || key === 'extend-per-file-ignores') out.perFileIgnored.push(...codes(value));
  }
  return found ? out : undefined;
}

/** Selectors are kept as `CODE@line` internally so the note can cite the line. */
function withLine(code: string, index: number): string {
  return `${code}@${index + 1}`;
}

function balanced(value: string): boolean {
  return (value.match(/\[/g) ?? []).length <= (value.match(/\]/g) ?? []).length;
}

function codes(value: string): string[] {
  return [...value.matchAll(/"([A-Z]+[0-9]*)"|'([A-Z]+[0-9]*)'/g)].map((m) => m[1] ?? m[2]);
}

/** How specific a selector is for `code`: its length when it is a prefix of the code (`ALL`: 0), else -1. */
function specificity(selector: string, code: string): number {
  if (selector === 'ALL') return 0;
  return code.startsWith(selector) ? selector.length : -1;
}

/**
 * The 1-based line of the selector that selects `code` in this configuration, or undefined when the
 * code is not selected or that is not known (the config extends another; per-file-ignores name it).
 */
export function selectingLine(selection: RuffSelection, code: string): number | undefined {
  if (selection.extends) return undefined;
  if (selection.perFileIgnored.some((c) => specificity(c, code) >= 0)) return undefined;
  let best = -1;
  let line: number | undefined;
  const selectors = [...(selection.select ?? DEFAULT_SELECT.map((c) => `${c}@0`)), ...selection.extendSelect];
  for (const entry of selectors) {
    const [selector, at] = entry.split('@');
    const s = specificity(selector, code);
    if (s > best) {
      best = s;
      line = Number(at);
    }
  }
  const ignored = Math.max(-1, ...selection.ignore.map((c) => specificity(c, code)));
  // Ruff: an `ignore` at least as specific as the selecting selector wins.
  if (best < 0 || ignored >= best || !line) return undefined;
  return line;
}
