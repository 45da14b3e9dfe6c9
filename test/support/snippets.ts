// A TextMate / VS Code snippet expander, so tests can see what a snippet turns into when a person
// accepts every default: tabstops, placeholders (nested), choices (first option), variables,
// variable and placeholder transforms, and escapes, following the grammar of VS Code's
// `snippetParser.ts`. Unlike VS Code, which falls back to literal text on anything malformed, the
// parser here throws: a snippet we ship must be well-formed, not rescued by a lenient parser.

import * as fs from 'node:fs';
import * as path from 'node:path';

export type SnippetNode =
  | { type: 'text'; value: string }
  | { type: 'tabstop'; index: number; children: SnippetNode[]; choice?: string[]; transform?: Transform }
  | { type: 'variable'; name: string; children: SnippetNode[] | undefined; transform?: Transform };

export interface Transform {
  regex: RegExp;
  format: FormatPart[];
}

type FormatPart =
  | { type: 'text'; value: string }
  | { type: 'group'; index: number; modifier?: 'upcase' | 'downcase' | 'capitalize' | 'camelcase' | 'pascalcase'; ifValue?: string; elseValue?: string };

export class SnippetSyntaxError extends Error {
  constructor(message: string, readonly offset: number) {
    super(`${message} at offset ${offset}`);
  }
}

/** The variables VS Code resolves (https://code.visualstudio.com/docs/editing/userdefinedsnippets#_variables). */
export const KNOWN_VARIABLES: ReadonlySet<string> = new Set([
  'TM_SELECTED_TEXT', 'TM_CURRENT_LINE', 'TM_CURRENT_WORD', 'TM_LINE_INDEX', 'TM_LINE_NUMBER', 'TM_FILENAME',
  'TM_FILENAME_BASE', 'TM_DIRECTORY', 'TM_DIRECTORY_BASE', 'TM_FILEPATH', 'RELATIVE_FILEPATH', 'CLIPBOARD',
  'WORKSPACE_NAME', 'WORKSPACE_FOLDER', 'CURSOR_INDEX', 'CURSOR_NUMBER', 'CURRENT_YEAR', 'CURRENT_YEAR_SHORT',
  'CURRENT_MONTH', 'CURRENT_MONTH_NAME', 'CURRENT_MONTH_NAME_SHORT', 'CURRENT_DATE', 'CURRENT_DAY_NAME',
  'CURRENT_DAY_NAME_SHORT', 'CURRENT_HOUR', 'CURRENT_MINUTE', 'CURRENT_SECOND', 'CURRENT_SECONDS_UNIX',
  'CURRENT_TIMEZONE_OFFSET', 'RANDOM', 'RANDOM_HEX', 'UUID', 'BLOCK_COMMENT_START', 'BLOCK_COMMENT_END',
  'LINE_COMMENT',
]);

class Parser {
  private pos = 0;

  constructor(private readonly src: string) {}

  parse(): SnippetNode[] {
    const nodes = this.sequence(false);
    if (this.pos < this.src.length) throw new SnippetSyntaxError(`unexpected '${this.src[this.pos]}'`, this.pos);
    return nodes;
  }

  /** Text and markers up to the end, or (inside a placeholder) up to its unescaped `}`. */
  private sequence(nested: boolean): SnippetNode[] {
    const nodes: SnippetNode[] = [];
    let text = '';
    const flush = () => {
      if (text) nodes.push({ type: 'text', value: text });
      text = '';
    };
    while (this.pos < this.src.length) {
      const ch = this.src[this.pos];
      if (ch === '\\') {
        const next = this.src[this.pos + 1];
        if (next === '$' || next === '}' || next === '\\') {
          text += next;
          this.pos += 2;
        } else {
          text += ch;
          this.pos += 1;
        }
        continue;
      }
      if (ch === '}' && nested) break;
      if (ch === '$') {
        const marker = this.marker();
        if (marker) {
          flush();
          nodes.push(marker);
          continue;
        }
        text += ch;
        this.pos += 1;
        continue;
      }
      text += ch;
      this.pos += 1;
    }
    flush();
    return nodes;
  }

  private marker(): SnippetNode | undefined {
    const start = this.pos;
    const rest = this.src.slice(this.pos + 1);
    let m = /^\d+/.exec(rest);
    if (m) {
      this.pos += 1 + m[0].length;
      return { type: 'tabstop', index: Number(m[0]), children: [] };
    }
    m = /^[_a-zA-Z][_a-zA-Z0-9]*/.exec(rest);
    if (m) {
      this.pos += 1 + m[0].length;
      return { type: 'variable', name: m[0], children: undefined };
    }
    if (rest[0] !== '{') return undefined; // a lone `$` is text
    this.pos += 2;
    m = /^\d+/.exec(this.src.slice(this.pos));
    if (m) {
      const index = Number(m[0]);
      this.pos += m[0].length;
      const next = this.src[this.pos];
      if (next === '}') {
        this.pos += 1;
        return { type: 'tabstop', index, children: [] };
      }
      if (next === ':') {
        this.pos += 1;
        const children = this.sequence(true);
        this.expect('}', start);
        return { type: 'tabstop', index, children };
      }
      if (next === '|') {
        if (index === 0) throw new SnippetSyntaxError('the final tabstop $0 cannot be a choice', start);
        this.pos += 1;
        const choice = this.choice(start);
        return { type: 'tabstop', index, children: [{ type: 'text', value: choice[0] }], choice };
      }
      if (next === '/') {
        const transform = this.transform(start);
        return { type: 'tabstop', index, children: [], transform };
      }
      throw new SnippetSyntaxError(`malformed tabstop \${${index}`, start);
    }
    m = /^[_a-zA-Z][_a-zA-Z0-9]*/.exec(this.src.slice(this.pos));
    if (!m) throw new SnippetSyntaxError("'${' must be followed by a tabstop number or a variable name", start);
    const name = m[0];
    this.pos += name.length;
    const next = this.src[this.pos];
    if (next === '}') {
      this.pos += 1;
      return { type: 'variable', name, children: undefined };
    }
    if (next === ':') {
      this.pos += 1;
      const children = this.sequence(true);
      this.expect('}', start);
      return { type: 'variable', name, children };
    }
    if (next === '/') return { type: 'variable', name, children: undefined, transform: this.transform(start) };
    throw new SnippetSyntaxError(`malformed variable \${${name}`, start);
  }

  /** `a,b\,c|}` after the opening `${n|`: options with `\,` `\|` `\\` escapes. */
  private choice(start: number): string[] {
    const options: string[] = [];
    let current = '';
    while (this.pos < this.src.length) {
      const ch = this.src[this.pos];
      if (ch === '\\' && ',|\\'.includes(this.src[this.pos + 1] ?? '')) {
        current += this.src[this.pos + 1];
        this.pos += 2;
      } else if (ch === ',') {
        options.push(current);
        current = '';
        this.pos += 1;
      } else if (ch === '|') {
        // VS Code reads an unescaped `|` as the end of the choice; anything but `|}` makes the
        // whole `${n|...` plain text there.
        if (this.src[this.pos + 1] !== '}') throw new SnippetSyntaxError("a choice ends with '|}' (escape a literal '|' as '\\|')", start);
        options.push(current);
        this.pos += 2;
        if (options.some((o) => o === '')) throw new SnippetSyntaxError('empty choice option', start);
        return options;
      } else {
        current += ch;
        this.pos += 1;
      }
    }
    throw new SnippetSyntaxError('unterminated choice', start);
  }

  /** `/regex/format/options}` (the cursor is on the first `/`). */
  private transform(start: number): Transform {
    this.pos += 1;
    const regexSource = this.until('/', start);
    const formatSource = this.until('/', start, true);
    const options = this.until('}', start);
    if (!/^[gimsuy]*$/.test(options)) throw new SnippetSyntaxError(`bad regex options '${options}'`, start);
    let regex: RegExp;
    try {
      regex = new RegExp(regexSource, options);
    } catch (error) {
      throw new SnippetSyntaxError(`bad regex: ${(error as Error).message}`, start);
    }
    return { regex, format: parseFormat(formatSource, start) };
  }

  /** Raw text up to an unescaped `stop` (consumed). Keeps escapes for the format string when asked. */
  private until(stop: string, start: number, keepEscapes = false): string {
    let out = '';
    // In a format string `${1:/upcase}` is one unit: its `/` does not end the format.
    let depth = 0;
    while (this.pos < this.src.length) {
      const ch = this.src[this.pos];
      if (ch === '\\' && this.pos + 1 < this.src.length) {
        const next = this.src[this.pos + 1];
        out += next === stop && !keepEscapes ? next : ch + next;
        this.pos += 2;
        continue;
      }
      if (keepEscapes && ch === '$' && this.src[this.pos + 1] === '{') depth += 1;
      else if (keepEscapes && ch === '}' && depth > 0) depth -= 1;
      if (ch === stop && depth === 0) {
        this.pos += 1;
        return out;
      }
      out += ch;
      this.pos += 1;
    }
    throw new SnippetSyntaxError('unterminated transform', start);
  }

  private expect(ch: string, start: number): void {
    if (this.src[this.pos] !== ch) throw new SnippetSyntaxError(`unterminated placeholder (missing '${ch}')`, start);
    this.pos += 1;
  }
}

function parseFormat(src: string, start: number): FormatPart[] {
  const parts: FormatPart[] = [];
  let text = '';
  let i = 0;
  const flush = () => {
    if (text) parts.push({ type: 'text', value: text });
    text = '';
  };
  while (i < src.length) {
    const ch = src[i];
    if (ch === '\\' && i + 1 < src.length) {
      const next = src[i + 1];
      text += next === 'n' ? '\n' : next === 't' ? '\t' : next;
      i += 2;
      continue;
    }
    if (ch !== '$') {
      text += ch;
      i += 1;
      continue;
    }
    let m = /^\$(\d+)/.exec(src.slice(i));
    if (m) {
      flush();
      parts.push({ type: 'group', index: Number(m[1]) });
      i += m[0].length;
      continue;
    }
    m = /^\$\{(\d+)(?::\/(upcase|downcase|capitalize|camelcase|pascalcase)|:\+([^}]*)|:\?([^:}]*):([^}]*)|:-?([^}]*))?\}/.exec(src.slice(i));
    if (!m) throw new SnippetSyntaxError(`malformed format '${src.slice(i, i + 12)}'`, start);
    flush();
    const part: FormatPart = { type: 'group', index: Number(m[1]) };
    if (m[2]) part.modifier = m[2] as NonNullable<typeof part.modifier>;
    if (m[3] !== undefined) part.ifValue = m[3];
    if (m[4] !== undefined) {
      part.ifValue = m[4];
      part.elseValue = m[5];
    }
    if (m[6] !== undefined) part.elseValue = m[6];
    parts.push(part);
    i += m[0].length;
  }
  flush();
  return parts;
}

function applyTransform(value: string, transform: Transform): string {
  const replace = (match: RegExpExecArray | RegExpMatchArray): string =>
    transform.format
      .map((part) => {
        if (part.type === 'text') return part.value;
        const group = match[part.index] ?? '';
        if (part.ifValue !== undefined && part.elseValue === undefined) return group ? part.ifValue : '';
        if (part.ifValue !== undefined) return group ? part.ifValue : part.elseValue ?? '';
        if (!group && part.elseValue !== undefined) return part.elseValue;
        switch (part.modifier) {
          case 'upcase':
            return group.toUpperCase();
          case 'downcase':
            return group.toLowerCase();
          case 'capitalize':
            return group.charAt(0).toUpperCase() + group.slice(1);
          case 'camelcase':
          case 'pascalcase': {
            const words = group.split(/[^a-zA-Z0-9]+/).filter(Boolean);
            const joined = words.map((w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase()).join('');
            return part.modifier === 'camelcase' ? joined.charAt(0).toLowerCase() + joined.slice(1) : joined;
          }
          default:
            return group;
        }
      })
      .join('');
  if (transform.regex.global) {
    return value.replace(transform.regex, (...args) => replace(args.slice(0, -2) as unknown as RegExpMatchArray));
  }
  const match = transform.regex.exec(value);
  if (!match) return value;
  return value.slice(0, match.index) + replace(match) + value.slice(match.index + match[0].length);
}

export function parseSnippet(body: string): SnippetNode[] {
  return new Parser(body).parse();
}

export interface Expansion {
  /** The text inserted when every placeholder keeps its default. */
  text: string;
  /** Tabstop numbers in the order Tab visits them ($0 last). */
  tabstops: number[];
  /** Every variable the snippet refers to. */
  variables: string[];
  /** Tabstops given two different explicit defaults (ambiguous: VS Code keeps both). */
  conflicts: number[];
}

/** Variable values; a name that resolves to undefined is unknown to the editor at that spot. */
export type VariableResolver = (name: string) => string | undefined;

/**
 * Expands a snippet body at its defaults. Semantics follow VS Code: the first occurrence of a
 * tabstop that has a default (placeholder text or the first choice) gives every empty occurrence
 * of that tabstop its value; a variable that does not resolve falls back to its default, or to its
 * own name when it has none.
 */
export function expandSnippet(body: string | string[], resolve: VariableResolver = () => undefined): Expansion {
  const source = Array.isArray(body) ? body.join('\n') : body;
  const nodes = parseSnippet(source);
  const defaults = new Map<number, SnippetNode[]>();
  const conflicts = new Set<number>();
  const variables = new Set<string>();
  const tabstops = new Set<number>();
  const collect = (list: SnippetNode[]) => {
    for (const node of list) {
      if (node.type === 'tabstop') {
        tabstops.add(node.index);
        if (node.children.length > 0) {
          const known = defaults.get(node.index);
          if (!known) defaults.set(node.index, node.children);
          else if (render(known) !== render(node.children)) conflicts.add(node.index);
        }
        collect(node.children);
      } else if (node.type === 'variable') {
        variables.add(node.name);
        if (node.children) collect(node.children);
      }
    }
  };
  const render = (list: SnippetNode[]): string =>
    list
      .map((node) => {
        if (node.type === 'text') return node.value;
        if (node.type === 'tabstop') {
          const value = render(node.children.length > 0 ? node.children : defaults.get(node.index) ?? []);
          return node.transform ? applyTransform(value, node.transform) : value;
        }
        const resolved = resolve(node.name);
        if (resolved !== undefined) return node.transform ? applyTransform(resolved, node.transform) : resolved;
        return node.children ? render(node.children) : node.name;
      })
      .join('');
  collect(nodes);
  const order = [...tabstops].sort((a, b) => (a === 0 ? 1 : b === 0 ? -1 : a - b));
  return { text: render(nodes), tabstops: order, variables: [...variables].sort(), conflicts: [...conflicts].sort((a, b) => a - b) };
}

/** The editor's indentation settings for a document (VS Code's `editor.tabSize` / `editor.insertSpaces`). */
export interface IndentOptions {
  tabSize: number;
  insertSpaces: boolean;
}

/** `'  '` -> 2 spaces, `'\t'` -> tabs (shown 4 wide): the indentation unit a host file uses. */
export function indentOptionsFor(unit: string): IndentOptions {
  return unit === '\t' ? { tabSize: 4, insertSpaces: false } : { tabSize: unit.length, insertSpaces: true };
}

/** Leading whitespace rewritten in the document's indentation style (VS Code's `normalizeIndentation`). */
export function normalizeIndentation(whitespace: string, { tabSize, insertSpaces }: IndentOptions): string {
  let columns = 0;
  for (const ch of whitespace) columns = ch === '\t' ? columns + tabSize - (columns % tabSize) : columns + 1;
  if (insertSpaces) return ' '.repeat(columns);
  return '\t'.repeat(Math.floor(columns / tabSize)) + ' '.repeat(columns % tabSize);
}

/**
 * What the editor does with the expanded text when it inserts it where `lineIndentation` ends:
 * every following line gets that indentation in front of its own, and the combined leading
 * whitespace is rewritten in the document's style (VS Code's `SnippetSession.adjustWhitespace`).
 */
export function indentForInsertion(text: string, lineIndentation: string, options: IndentOptions): string {
  return text
    .split(/\r\n|\r|\n/)
    .map((line, i) => {
      if (i === 0) return line;
      const leading = /^[ \t]*/.exec(line)![0];
      return normalizeIndentation(lineIndentation + leading, options) + line.slice(leading.length);
    })
    .join('\n');
}

/**
 * Replaces the line holding `marker` in `host` with the snippet, inserted at that line's
 * indentation. The whitespace-only line the final `$0` leaves behind is dropped. Returns the new
 * text and where the snippet sits in it.
 */
export function insertIntoHost(host: string, marker: string, expanded: string, options: IndentOptions): { text: string; start: number; end: number } {
  const at = host.indexOf(marker);
  if (at < 0) throw new Error(`host has no ${marker}`);
  if (host.indexOf(marker, at + 1) >= 0) throw new Error(`host has ${marker} twice`);
  const lineStart = host.lastIndexOf('\n', at) + 1;
  const indentation = host.slice(lineStart, at);
  if (indentation.trim() !== '') throw new Error(`${marker} must be alone on its line`);
  const lineEnd = host.indexOf('\n', at);
  const inserted = indentForInsertion(expanded, indentation, options).replace(/\n[ \t]*$/, '');
  const start = lineStart + indentation.length;
  const before = host.slice(0, start);
  const after = lineEnd < 0 ? '' : host.slice(lineEnd);
  return { text: before + inserted + after, start, end: start + inserted.length };
}

/**
 * The text VS Code inserts for a contributed snippet accepted at its defaults, typed at the end of
 * `lineIndentation` in a document with these indentation settings: what an editor test compares with.
 */
export function expectedInsertion(prefix: string, lineIndentation = '', options: IndentOptions = { tabSize: 4, insertSpaces: true }, variables: Record<string, string> = {}): string {
  for (const { file, language } of SNIPPET_FILES) {
    const snippet = readSnippetFile(file, language).snippets.find((s) => prefixesOf(s).includes(prefix));
    if (snippet) return indentForInsertion(expandSnippet(snippet.body, (name) => variables[name]).text, lineIndentation, options);
  }
  throw new Error(`no snippet with prefix ${prefix}`);
}

export interface SnippetDefinition {
  name: string;
  prefix: string | string[];
  body: string | string[];
  description?: string;
  scope?: string;
  /** Offered by "Snippets: Fill File with Snippet" for a new file. */
  isFileTemplate?: boolean;
}

export interface SnippetFile {
  /** File name under `snippets/`: `javascript.code-snippets`. */
  file: string;
  language: SnippetLanguage;
  snippets: SnippetDefinition[];
}

export type SnippetLanguage = 'javascript' | 'python' | 'yaml' | 'json' | 'dockerfile';

export const SNIPPETS_DIR = path.resolve(__dirname, '..', '..', 'snippets');

/** The snippet files package.json contributes, and the languages each is contributed for. */
export const SNIPPET_FILES: ReadonlyArray<{ file: string; language: SnippetLanguage; languages: string[] }> = [
  { file: 'javascript.code-snippets', language: 'javascript', languages: ['javascript', 'typescript', 'javascriptreact', 'typescriptreact'] },
  // VS Code gives compose files (docker-compose*.yml, compose*.yaml) their own language id,
  // `dockercompose`: without it the compose snippets never show up where they are needed.
  { file: 'yaml.code-snippets', language: 'yaml', languages: ['yaml', 'dockercompose'] },
  { file: 'json.code-snippets', language: 'json', languages: ['json', 'jsonc'] },
  { file: 'dockerfile.code-snippets', language: 'dockerfile', languages: ['dockerfile'] },
  { file: 'python.code-snippets', language: 'python', languages: ['python'] },
];

/** Reads a snippet file strictly (JSON.parse: no comments, no trailing commas). */
export function readSnippetFile(file: string, language: SnippetLanguage, dir = SNIPPETS_DIR): SnippetFile {
  const raw: unknown = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error(`${file}: not a JSON object`);
  const snippets = Object.entries(raw as Record<string, SnippetDefinition>).map(([name, def]) => ({ ...def, name }));
  return { file, language, snippets };
}

export function prefixesOf(snippet: SnippetDefinition): string[] {
  return Array.isArray(snippet.prefix) ? snippet.prefix : [snippet.prefix];
}
