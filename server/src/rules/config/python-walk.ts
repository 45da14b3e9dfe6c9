// The Python walk of the config rules: the calls of known Python clients (PY_CLIENTS in
// knowledge.ts) and the literals in them, Django/Flask secret keys, secret-named environment reads
// with a literal default, plus the literals whose shape alone says credential (a vendor token, a
// password in a URL, an `Authorization` header). Read from the module's tree-sitter tree through
// module-facts; what the module does not make plain (a parameter, `**kwargs`, a value from
// elsewhere) is not reported. Fixes read the value from `os.environ["NAME"]`.

import type { ParsedDocument } from '../../engine/document';
import type { PyNode } from '../../engine/python';
import type { TextEdit } from '../../engine/types';
import { callArguments, moduleFacts, nodesOfType, qualifiedName, unparen, valueOf, type ModuleFacts } from '../python/module-facts';
import { deriveUrlEnv, urlEnvForScheme, type CredentialHit, type Hit, type UrlHit } from './js-walk';
import { isDevSettingsName, isSettingsModulePath } from '../../engine/model/python-settings';
import {
  PY_CLIENTS,
  PY_CREDENTIAL_KEYWORDS,
  PY_HOST_KEYWORDS,
  PY_URL_KEYWORDS,
  SERVICE_SCHEMES,
  hostOf,
  internalHost,
  isNotCredentialValue,
  isPlaceholder,
  isSecretName,
  urlPassword,
  vendorToken,
  type PyClientRow,
} from './knowledge';

/** A Python hit: a fix may need `import os` as well as the replacement. */
export type PyHit = (CredentialHit | UrlHit) & { imports?: TextEdit[] };

const cache = new WeakMap<ParsedDocument, PyHit[]>();

export function pythonHits(doc: ParsedDocument): PyHit[] {
  let hits = cache.get(doc);
  if (!hits) {
    const facts = moduleFacts(doc);
    const root = doc.pythonTree?.rootNode;
    hits = facts && root && !root.hasError ? new PyWalk(doc, facts, root).run() : [];
    cache.set(doc, hits);
  }
  return hits;
}

interface PyString {
  node: PyNode;
  /** The text up to the first interpolation (the whole value for a plain string). */
  text: string;
  /** Where `text` starts in the document. */
  start: number;
  /** No interpolation: `text` is the whole value. */
  whole: boolean;
  /** The document's characters are the value's (no escapes), so offsets inside it are exact. */
  exact: boolean;
}

/** A string literal's value (a plain or f-string; not a bytes literal's escapes, not a concatenation). */
function pyString(node: PyNode): PyString | undefined {
  if (node.type !== 'string') return undefined;
  const startToken = node.children.find((c) => c?.type === 'string_start');
  const endToken = node.children.find((c) => c?.type === 'string_end');
  if (!startToken || !endToken) return undefined;
  let text = '';
  let whole = true;
  let exact = true;
  for (const child of node.children) {
    if (!child || child.type === 'string_start' || child.type === 'string_end') continue;
    if (child.type === 'interpolation') {
      whole = false;
      break;
    }
    if (child.type === 'escape_sequence') exact = false;
    text += child.text;
  }
  if (!exact) {
    // An escaped value is reported on the literal as a whole; its text is only used for shapes.
    text = text.replace(/\\(.)/g, '$1');
  }
  return { node, text, start: startToken.endIndex, whole, exact };
}

export class PyWalk {
  private readonly hits: PyHit[] = [];
  private readonly reported = new Set<number>();
  private readonly quote: string;

  constructor(
    private readonly doc: ParsedDocument,
    private readonly facts: ModuleFacts,
    private readonly root: PyNode,
  ) {
    const text = doc.text;
    const doubles = (text.match(/(?:^|[\s(\[{=,:])"/gm) ?? []).length;
    const singles = (text.match(/(?:^|[\s(\[{=,:])'/gm) ?? []).length;
    this.quote = singles > doubles ? "'" : '"';
  }

  run(): PyHit[] {
    for (const call of this.facts.calls) this.call(call);
    this.envFallbacks();
    this.settings();
    for (const node of nodesOfType(this.facts, 'string')) this.shapes(node);
    const seen = new Set<string>();
    return this.hits
      .filter((h) => {
        const key = `${h.rule}:${h.start}`;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      })
      .sort((a, b) => a.start - b.start);
  }

  // ---- Reading the environment ------------------------------------------------------------

  /** `os.environ["NAME"]` in the module's own names, and the `import os` it may need. */
  private envRead(name: string): { text: string; imports: TextEdit[] } | undefined {
    if (!/^[A-Z_][A-Z0-9_]*$/i.test(name)) return undefined;
    const key = `${this.quote}${name}${this.quote}`;
    if (this.facts.imports.get('os') === 'os') return { text: `os.environ[${key}]`, imports: [] };
    for (const [local, q] of this.facts.imports) if (q === 'os.environ') return { text: `${local}[${key}]`, imports: [] };
    if (this.facts.imports.has('os') || this.root.descendantsOfType('identifier').some((id) => id?.text === 'os')) return undefined;
    return { text: `os.environ[${key}]`, imports: [this.importOs()] };
  }

  private importOs(): TextEdit {
    const eol = this.doc.lines.eol;
    const plain = this.root.namedChildren.filter((s): s is PyNode => s?.type === 'import_statement');
    const before = plain.find((s) => (s.namedChildren[0]?.text ?? '') > 'os');
    if (before) return { start: before.startIndex, end: before.startIndex, newText: `import os${eol}` };
    const last = plain[plain.length - 1];
    if (last) return { start: last.endIndex, end: last.endIndex, newText: `${eol}import os` };
    // Only `from x import y` lines: before the first of them (after `from __future__`).
    const from = this.root.namedChildren.find((s) => s?.type === 'import_from_statement');
    if (from) return { start: from.startIndex, end: from.startIndex, newText: `import os${eol}` };
    return { start: 0, end: 0, newText: `import os${eol}${eol}` };
  }

  /** The name `os.environ.get("NAME", ...)`, `os.getenv("NAME", ...)`, `os.environ["NAME"]` reads. */
  private envName(node: PyNode | null | undefined): string | undefined {
    if (!node) return undefined;
    const n = unparen(node);
    if (n.type === 'call') {
      const callee = qualifiedName(this.facts, n.childForFieldName('function'));
      if (callee !== 'os.environ.get' && callee !== 'os.getenv') return undefined;
      const first = callArguments(n).positional[0];
      const s = first && pyString(first);
      return s?.whole ? s.text : undefined;
    }
    if (n.type === 'subscript' && qualifiedName(this.facts, n.childForFieldName('value')) === 'os.environ') {
      const s = n.childForFieldName('subscript');
      const str = s && pyString(s);
      return str?.whole ? str.text : undefined;
    }
    return undefined;
  }

  /**
   * `os.environ.get("DB_PASSWORD", "hunter2")`, `os.getenv("JWT_SECRET", "...")`,
   * `os.environ.get("API_TOKEN") or "..."`: whenever the variable is missing, production runs with a
   * credential everyone who read the code knows. Reported when the name says secret and the default
   * is not a placeholder.
   */
  private envFallbacks(): void {
    for (const call of this.facts.calls) {
      const name = this.envName(call);
      if (!name || !isSecretName(name)) continue;
      const args = callArguments(call);
      const fallback = args.positional[1] ?? args.keywords.get('default')?.value;
      const parent = call.parent;
      if (fallback) this.fallback(fallback, name, call, call);
      else if (parent?.type === 'boolean_operator' && parent.childForFieldName('operator')?.text === 'or' && parent.childForFieldName('left')?.id === call.id) {
        const right = parent.childForFieldName('right');
        if (right) this.fallback(right, name, parent, call);
      }
    }
  }

  private fallback(value: PyNode, name: string, whole: PyNode, read: PyNode): void {
    const s = pyString(unparen(value));
    if (!s || !s.whole || this.reported.has(s.node.id) || vendorToken(s.text)) return;
    if (s.text.length < 3 || isPlaceholder(s.text) || isNotCredentialValue(s.text)) return;
    this.reported.add(s.node.id);
    const env = this.envRead(name);
    void read;
    this.push({
      rule: 'hardcoded-credential',
      start: s.node.startIndex,
      end: s.node.endIndex,
      secret: s.text,
      what: `the default for \`${name}\`, used whenever the variable is not set`,
      env: name,
      replace: env ? { start: whole.startIndex, end: whole.endIndex, newText: env.text } : undefined,
      imports: env?.imports,
    });
  }

  // ---- Django / Flask secret keys ---------------------------------------------------------

  /**
   * Django's `SECRET_KEY = "..."` (and `DATABASES` passwords) in a settings module, Flask's
   * `app.secret_key = "..."` / `app.config["SECRET_KEY"] = "..."`. Settings modules named for
   * development or tests (`dev.py`, `local.py`, `test_settings.py`) are not production's.
   */
  private settings(): void {
    const settingsModule = isSettingsModulePath(this.doc.path) && !isDevSettingsName(this.doc.path);
    for (const statement of this.root.namedChildren) {
      if (statement?.type !== 'expression_statement') continue;
      const assignment = statement.namedChildren[0];
      if (assignment?.type !== 'assignment') continue;
      const left = assignment.childForFieldName('left');
      const right = assignment.childForFieldName('right');
      if (!left || !right) continue;
      if (settingsModule && left.type === 'identifier' && left.text === 'SECRET_KEY') {
        this.credentialValue(right, 'Django\'s `SECRET_KEY` (it signs sessions, password reset links and CSRF tokens)', 'SECRET_KEY', false);
      } else if (settingsModule && left.type === 'identifier' && left.text === 'DATABASES' && right.type === 'dictionary') {
        for (const pair of right.descendantsOfType('pair')) {
          const key = pair && pyString(pair.childForFieldName('key')!);
          const value = pair?.childForFieldName('value');
          if (key?.whole && key.text === 'PASSWORD' && value) this.credentialValue(value, 'a `DATABASES` password', 'DB_PASSWORD', false);
        }
      }
    }
    // Flask: `app.secret_key = "..."`, `app.config["SECRET_KEY"] = "..."`, `app.config.update(SECRET_KEY="...")`.
    const flask = [...this.facts.imports.values()].some((q) => q === 'flask' || q.startsWith('flask.'));
    if (!flask) return;
    for (const assignment of nodesOfType(this.facts, 'assignment')) {
      const left = assignment?.childForFieldName('left');
      const right = assignment?.childForFieldName('right');
      if (!left || !right) continue;
      const isSecretKey =
        (left.type === 'attribute' && left.childForFieldName('attribute')?.text === 'secret_key') ||
        (left.type === 'subscript' && left.childForFieldName('value')?.type === 'attribute' && left.childForFieldName('value')?.childForFieldName('attribute')?.text === 'config' && pyString(left.childForFieldName('subscript')!)?.text === 'SECRET_KEY');
      if (isSecretKey) this.credentialValue(right, 'the Flask `SECRET_KEY` (it signs the session cookie)', 'SECRET_KEY', false);
    }
  }

  // ---- Calls of known clients -------------------------------------------------------------

  private call(call: PyNode): void {
    const name = qualifiedName(this.facts, call.childForFieldName('function'));
    if (!name) return;
    const row = PY_CLIENTS.find((r) => r.calls.includes(name));
    if (!row) return;
    const args = callArguments(call);
    const label = `\`${name.split('.').slice(-2).join('.')}\``;
    if (row.secretArg !== undefined && args.positional[row.secretArg]) {
      this.credentialValue(args.positional[row.secretArg], `the secret passed to ${label}`, row.secretEnv, true);
    }
    if (row.urlArg !== undefined && args.positional[row.urlArg]) this.urlValue(args.positional[row.urlArg], row, label, true, row.urlEnv);
    if (row.hostArg !== undefined && args.positional[row.hostArg]) this.urlValue(args.positional[row.hostArg], row, label, false, row.hostEnv);
    for (const [keyword, { value }] of args.keywords) this.option(keyword, value, row, label);
    // `Consumer({"bootstrap.servers": ..., "sasl.password": ...})`: a configuration dictionary.
    for (const arg of args.positional) {
      const dict = this.dictOf(arg);
      if (!dict) continue;
      for (const pair of dict.namedChildren) {
        if (pair?.type !== 'pair') continue;
        const key = pyString(pair.childForFieldName('key')!);
        const value = pair.childForFieldName('value');
        if (key?.whole && value) this.option(key.text, value, row, label);
      }
    }
  }

  private option(keyword: string, value: PyNode, row: PyClientRow, label: string): void {
    const key = keyword.toLowerCase().replace(/[-_.]/g, '');
    if (PY_CREDENTIAL_KEYWORDS.has(key) || (key === 'key' && row.kind === 'jwt')) {
      this.credentialValue(value, `the \`${keyword}\` argument of ${label}`, credentialEnv(row, key), true);
      return;
    }
    // `auth=("user", "pw")`, `basic_auth=(...)`, `http_auth=(...)`: the second element is the password.
    if ((key === 'auth' || key === 'basicauth' || key === 'httpauth') && unparen(value).type === 'tuple') {
      const password = unparen(value).namedChildren.filter((c) => c && c.type !== 'comment')[1];
      if (password) this.credentialValue(password, `the password in the \`${keyword}\` argument of ${label}`, row.secretEnv, true);
      return;
    }
    if (PY_URL_KEYWORDS.has(key)) this.urlValue(value, row, label, true, row.urlEnv);
    else if (PY_HOST_KEYWORDS.has(key)) this.urlValue(value, row, label, false, row.hostEnv);
  }

  private dictOf(arg: PyNode): PyNode | undefined {
    const n = unparen(arg);
    if (n.type === 'dictionary') return n;
    if (n.type === 'identifier') {
      const v = valueOf(this.facts, n);
      return v?.type === 'dictionary' ? v : undefined;
    }
    return undefined;
  }

  // ---- Values -----------------------------------------------------------------------------

  /** The string a value is: itself, or the one string a name of this module is assigned. */
  private literalOf(value: PyNode): { s: PyString; constName?: string } | undefined {
    const n = unparen(value);
    const direct = pyString(n);
    if (direct) return { s: direct };
    if (n.type === 'identifier') {
      const v = valueOf(this.facts, n);
      const s = v && pyString(v);
      if (s) return { s, constName: n.text };
    }
    return undefined;
  }

  private credentialValue(value: PyNode, what: string, env: string, useConstName: boolean): void {
    const found = this.literalOf(value);
    if (!found || !found.s.whole) return;
    const { s, constName } = found;
    if (this.reported.has(s.node.id)) return;
    const secret = s.text;
    if (secret.length < 3 || isPlaceholder(secret) || isNotCredentialValue(secret)) return;
    if (this.isFallback(s.node)) return;
    this.reported.add(s.node.id);
    const name = useConstName && constName && /^[A-Z][A-Z0-9_]*$/.test(constName) ? constName : env;
    const read = this.envRead(name);
    this.push({
      rule: 'hardcoded-credential',
      start: s.node.startIndex,
      end: s.node.endIndex,
      secret,
      what,
      env: name,
      replace: read ? { start: s.node.startIndex, end: s.node.endIndex, newText: read.text } : undefined,
      imports: read?.imports,
    });
  }

  private urlValue(value: PyNode, row: PyClientRow, label: string, url: boolean, env: string, inList = false): void {
    const n = unparen(value);
    if (n.type === 'list' || n.type === 'tuple') {
      for (const element of n.namedChildren) if (element && element.type !== 'comment') this.urlValue(element, row, label, false, env, true);
      return;
    }
    const found = this.literalOf(n);
    if (!found) return;
    const { s } = found;
    if (this.isFallback(s.node)) return;
    const text = s.text;
    // `"kafka1:9092,kafka2:9092"`: the first broker.
    const first = !url && text.includes(',') ? text.split(',')[0].trim() : text;
    const host = hostOf(first);
    if (!host) return;
    if (host.hasScheme) {
      const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(text)![1].toLowerCase().split('+')[0];
      if (!SERVICE_SCHEMES.has(scheme) && !['postgresql', 'mysql', 'sqlite'].includes(scheme)) return;
    } else if (url) {
      return;
    }
    if (!s.whole && !/^[:/?#]/.test(text.slice(host.end))) return;
    const why = internalHost(host.host);
    if (!why) return;
    if (host.hasScheme && urlPassword(text)) return;
    const name = inList ? env : deriveUrlEnv(host.host, env, host.hasScheme);
    const shown = host.hasScheme ? text.replace(/^([a-z][a-z0-9+.-]*:\/\/[^\s:@/]*):[^\s@/]+@/i, '$1:****@') : first;
    const origin = host.hasScheme ? /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(text)![0] : text;
    const rest = text.slice(origin.length);
    let replace: UrlHit['replace'];
    let imports: TextEdit[] | undefined;
    const read = s.whole && !inList && first === text ? this.envRead(name) : undefined;
    if (read && s.exact) {
      const q = this.quote;
      const keepPath = rest !== '' && host.hasScheme && row.kind === 'http' && !/[{}\\]/.test(rest) && !rest.includes(q);
      replace = { start: s.node.startIndex, end: s.node.endIndex, newText: keepPath ? `f${q}{${read.text.replace(new RegExp(q, 'g'), q === '"' ? "'" : '"')}}${rest}${q}` : read.text };
      imports = read.imports;
    }
    this.push({
      rule: 'hardcoded-service-url',
      start: s.exact ? s.start + host.start : s.node.startIndex,
      end: s.exact ? s.start + host.end : s.node.endIndex,
      shown,
      why,
      what: label,
      env: name,
      replace,
      imports,
    });
  }

  // ---- Shapes that say credential wherever they are ---------------------------------------

  private shapes(node: PyNode): void {
    if (this.reported.has(node.id)) return;
    // Its quotes and fewer than six characters: too short for any shape (the test below), read
    // without going into the tree.
    if (node.endIndex - node.startIndex < 8) return;
    const s = pyString(node);
    if (!s || s.text.length < 6) return;
    // A docstring or a string on its own is documentation, not a value.
    if (node.parent?.type === 'expression_statement') return;
    const token = vendorToken(s.text);
    if (token) {
      this.reported.add(node.id);
      const whole = s.whole && token.match === s.text;
      const read = whole ? this.envRead(token.token.env) : undefined;
      this.push({
        rule: 'hardcoded-credential',
        start: s.exact ? s.start + token.index : node.startIndex,
        end: s.exact ? s.start + token.index + token.match.length : node.endIndex,
        secret: token.match,
        what: token.token.vendor,
        env: token.token.env,
        replace: read ? { start: node.startIndex, end: node.endIndex, newText: read.text } : undefined,
        imports: read?.imports,
      });
      return;
    }
    if (this.isFallback(node)) return;
    const password = urlPassword(s.text);
    const scheme = password?.scheme.split('+')[0];
    if (password && scheme && (SERVICE_SCHEMES.has(scheme) || scheme === 'postgresql' || scheme === 'mysql')) {
      this.reported.add(node.id);
      const env = urlEnvForScheme(scheme);
      const read = s.whole ? this.envRead(env) : undefined;
      this.push({
        rule: 'hardcoded-credential',
        start: s.exact ? s.start + password.start : node.startIndex,
        end: s.exact ? s.start + password.end : node.endIndex,
        secret: password.password,
        what: `the password in a \`${password.scheme}://\` URL`,
        env,
        replace: read ? { start: node.startIndex, end: node.endIndex, newText: read.text } : undefined,
        imports: read?.imports,
      });
      return;
    }
    const header = this.authorizationHeader(node, s);
    if (header) {
      this.reported.add(node.id);
      const read = this.envRead('API_TOKEN');
      const q = this.quote;
      this.push({
        rule: 'hardcoded-credential',
        start: s.exact ? s.start + header.offset : node.startIndex,
        end: s.exact ? s.start + header.offset + header.token.length : node.endIndex,
        secret: header.token,
        what: `the ${header.scheme ? `\`${header.scheme}\` ` : ''}token of an \`${header.name}\` header`,
        env: 'API_TOKEN',
        replace: read ? { start: node.startIndex, end: node.endIndex, newText: header.scheme ? `f${q}${header.scheme} {${read.text.replace(new RegExp(q, 'g'), q === '"' ? "'" : '"')}}${q}` : read.text } : undefined,
        imports: read?.imports,
      });
    }
  }

  /** `{"Authorization": "Bearer abc..."}`, `{"X-Api-Key": "..."}` in a `headers` dictionary. */
  private authorizationHeader(node: PyNode, s: PyString): { name: string; scheme: string; token: string; offset: number } | undefined {
    const pair = node.parent;
    if (pair?.type !== 'pair' || pair.childForFieldName('value')?.id !== node.id || !s.whole) return undefined;
    const key = pyString(pair.childForFieldName('key')!);
    if (!key?.whole) return undefined;
    const lower = key.text.toLowerCase();
    if (lower === 'authorization' || lower === 'proxy-authorization') {
      const m = /^(Bearer|Basic|Token|token|Bot|ApiKey)\s+(\S{6,})$/.exec(s.text);
      if (!m || isPlaceholder(m[2])) return undefined;
      return { name: key.text, scheme: m[1], token: m[2], offset: s.text.length - m[2].length };
    }
    return undefined;
  }

  /**
   * `os.environ.get("X", "default")`, `os.getenv("X", "default")`, `config("X", default="...")`,
   * `env.str("X", "...")`, `os.environ.get("X") or "default"`, `a if cond else "default"`: the value
   * comes from the environment and the literal is what a developer's machine gets.
   */
  private isFallback(node: PyNode): boolean {
    let n: PyNode = node;
    while (n.parent?.type === 'parenthesized_expression') n = n.parent;
    const parent = n.parent;
    if (!parent) return false;
    if (parent.type === 'boolean_operator' && parent.childForFieldName('right')?.id === n.id) return true;
    if (parent.type === 'conditional_expression' && parent.namedChildren[2]?.id === n.id) return true;
    const args = parent.type === 'keyword_argument' ? parent.parent : parent;
    if (args?.type === 'argument_list') {
      const call = args.parent;
      const callee = call?.childForFieldName('function')?.text ?? '';
      const first = args.namedChildren.find((c) => c && c.type !== 'comment');
      if (first?.id !== (parent.type === 'keyword_argument' ? parent.id : n.id) && /env|config|setting/i.test(callee)) return true;
    }
    return false;
  }

  private push(hit: PyHit): void {
    this.hits.push(hit);
  }
}

function credentialEnv(row: PyClientRow, key: string): string {
  if (key === 'awssecretaccesskey') return 'AWS_SECRET_ACCESS_KEY';
  if (key === 'awsaccesskeyid') return 'AWS_ACCESS_KEY_ID';
  if (key === 'awssessiontoken') return 'AWS_SESSION_TOKEN';
  return row.secretEnv;
}

export type { Hit };
