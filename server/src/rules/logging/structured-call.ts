// From a message built out of strings and values to a structured log call: the constant text
// becomes the message, each value becomes a named field. Used by both logging rules' fixes.

import { ts } from '../../engine/ts';
import { perFile, unwrap, type FileFacts, type LoggerKind } from './file-facts';

// TypeScript's namespace serves every member through a getter (engine/ts.ts): read
// the ones the walks use once, not on every node.
const { SyntaxKind, forEachChild, getLeadingCommentRanges, getTrailingCommentRanges, isBinaryExpression, isCallExpression, isCatchClause, isElementAccessExpression, isFunctionLike, isIdentifier, isNewExpression, isNoSubstitutionTemplateLiteral, isNumericLiteral, isParenthesizedExpression, isPropertyAccessExpression, isStringLiteral, isTemplateExpression } = ts;

export type Part = { text: string } | { expr: ts.Expression };

const FORMAT_PLACEHOLDER = /%[sdifjoOc%]/g;

function isStringLike(e: ts.Expression): boolean {
  const u = unwrap(e);
  return isStringLiteral(u) || isNoSubstitutionTemplateLiteral(u) || isTemplateExpression(u);
}

/** `a + b + 'x'`, flattened: the operands of a left-associated chain of `+`. */
function plusOperands(e: ts.BinaryExpression): ts.Expression[] {
  const out: ts.Expression[] = [];
  let cur: ts.Expression = e;
  while (isBinaryExpression(cur) && cur.operatorToken.kind === SyntaxKind.PlusToken) {
    out.unshift(cur.right);
    cur = cur.left;
  }
  out.unshift(cur);
  return out;
}

/** A `+` chain that builds a string (at least one operand is a string) and holds at least one value. */
export function isConcatenation(e: ts.Expression): boolean {
  const u = unwrap(e);
  if (!isBinaryExpression(u) || u.operatorToken.kind !== SyntaxKind.PlusToken) return false;
  const ops = plusOperands(u);
  return ops.some(isStringLike) && ops.some((o) => !isStringLike(o) || isTemplateExpression(unwrap(o)));
}

/** `util.format('...', a)` or `format('...', a)` with `format` imported from util. */
export function isUtilFormat(e: ts.Expression, facts: FileFacts): boolean {
  const u = unwrap(e);
  if (!isCallExpression(u) || u.arguments.length < 2) return false;
  const first = u.arguments[0];
  if (!isStringLiteral(first) && !isNoSubstitutionTemplateLiteral(first)) return false;
  const callee = unwrap(u.expression);
  const single = (set: Set<string>, name: string) => set.has(name) && facts.declarationsOf(name).length === 1;
  if (isIdentifier(callee)) return single(facts.modules.utilFormat, callee.text);
  return (
    isPropertyAccessExpression(callee) &&
    callee.name.text === 'format' &&
    isIdentifier(callee.expression) &&
    single(facts.modules.util, callee.expression.text)
  );
}

/** How the message was built, for the finding's wording; undefined when it is not built from values. */
export function interpolation(e: ts.Expression, facts: FileFacts): 'template literal' | 'concatenation' | 'util.format' | undefined {
  const u = unwrap(e);
  if (isTemplateExpression(u)) return 'template literal';
  if (isConcatenation(u)) return 'concatenation';
  if (isUtilFormat(u, facts)) return 'util.format';
  return undefined;
}

/** The parts of a message expression. */
export function partsOf(e: ts.Expression, facts: FileFacts): Part[] {
  const u = unwrap(e);
  if (isStringLiteral(u) || isNoSubstitutionTemplateLiteral(u)) return [{ text: u.text }];
  if (isNumericLiteral(u)) return [{ text: u.text }];
  if (isTemplateExpression(u)) {
    const out: Part[] = [{ text: u.head.text }];
    for (const span of u.templateSpans) {
      out.push(...partsOf(span.expression, facts), { text: span.literal.text });
    }
    return out;
  }
  if (isBinaryExpression(u) && u.operatorToken.kind === SyntaxKind.PlusToken && isConcatenation(u)) {
    // `a + b + 'x'` adds a and b first: keep the numeric prefix as one value.
    const ops = plusOperands(u);
    const firstString = ops.findIndex(isStringLike);
    const out: Part[] = [];
    if (firstString >= 2) {
      let prefix: ts.Expression = u;
      for (let i = ops.length - 1; i >= firstString; i--) prefix = (prefix as ts.BinaryExpression).left;
      out.push({ expr: prefix });
    } else if (firstString === 1) {
      out.push({ expr: ops[0] });
    }
    for (let i = Math.max(firstString, 0); i < ops.length; i++) {
      const op = ops[i];
      out.push(...(isStringLike(op) ? partsOf(op, facts) : [{ expr: op }]));
    }
    return out;
  }
  if (isUtilFormat(u, facts)) return formatParts((u as ts.CallExpression).arguments, facts);
  return [{ expr: e }];
}

/** Node's util.format (and console's) semantics: placeholders take the next arguments, the rest are appended. */
export function formatParts(args: readonly ts.Expression[], facts: FileFacts): Part[] {
  const first = args[0];
  const format = isStringLiteral(first) || isNoSubstitutionTemplateLiteral(first) ? first.text : undefined;
  if (format === undefined) return args.flatMap((a, i) => (i > 0 ? [{ text: ' ' }, ...partsOf(a, facts)] : partsOf(a, facts)));
  const out: Part[] = [];
  let next = 1;
  let last = 0;
  for (const m of format.matchAll(FORMAT_PLACEHOLDER)) {
    const at = m.index ?? 0;
    if (m[0] === '%%') {
      out.push({ text: format.slice(last, at) + '%' });
      last = at + 2;
      continue;
    }
    if (next >= args.length) break;
    out.push({ text: format.slice(last, at) });
    out.push(...partsOf(args[next++], facts));
    last = at + 2;
  }
  out.push({ text: format.slice(last) });
  for (; next < args.length; next++) out.push({ text: ' ' }, ...partsOf(args[next], facts));
  return out;
}

/** console's arguments: a format string first, or values joined by spaces. */
export function consoleParts(args: readonly ts.Expression[], facts: FileFacts): Part[] {
  const first = args[0];
  if ((isStringLiteral(first) || isNoSubstitutionTemplateLiteral(first)) && /%[sdifjoOc%]/.test(first.text) && args.length > 1) {
    return formatParts(args, facts);
  }
  return args.flatMap((a, i) => (i > 0 ? [{ text: ' ' }, ...partsOf(a, facts)] : partsOf(a, facts)));
}

// ---------------------------------------------------------------------------------------------
// Field names

const PASS_THROUGH_CALLS = new Set(['String', 'Number', 'Boolean', 'encodeURIComponent', 'decodeURIComponent', 'encodeURI', 'parseInt', 'parseFloat', 'inspect']);
const PASS_THROUGH_METHODS = new Set([
  'toString', 'toFixed', 'toPrecision', 'toISOString', 'toJSON', 'toUTCString', 'toLocaleString', 'toLocaleDateString',
  'toLocaleTimeString', 'toDateString', 'valueOf', 'join', 'trim', 'toUpperCase', 'toLowerCase', 'stringify', 'inspect',
  'replace', 'replaceAll', 'slice', 'substring', 'substr', 'padStart', 'padEnd', 'split', 'map', 'filter', 'concat',
]);
const CONTAINERS = new Set(['body', 'params', 'query', 'headers', 'config', 'options', 'opts', 'settings', 'args', 'data', 'payload', 'props', 'ctx', 'context', 'env', 'req', 'request', 'res', 'response']);
const PREPOSITIONS = 'for|of|to|at|in|on|from|with|by|as|via|into|using|after|before|until|over|per';

/** Property names that say nothing on their own: `order.id` -> `orderId`, but `card.last4` -> `last4`. */
const GENERIC_PROPERTIES = new Set(['id', 'name', 'type', 'status', 'code', 'count', 'length', 'size', 'key', 'value', 'state', 'kind', 'version', 'total', 'url', 'path', 'message', 'time', 'date', 'number', 'amount', 'host', 'title', 'label', 'result', 'error', 'stack']);
const STOP_WORDS = new Set(['for', 'of', 'to', 'at', 'in', 'on', 'from', 'with', 'by', 'as', 'is', 'was', 'and', 'or', 'the', 'a', 'an', 'after', 'before', 'than', 'took']);
const UNITS: Record<string, string> = { ms: 'Ms', s: 'S', sec: 'S', secs: 'S', seconds: 'S', bytes: 'Bytes', kb: 'Kb', mb: 'Mb', gb: 'Gb' };

/** Reserved top-level keys of each logger's records: a field with that name would clobber them. */
const RESERVED: Record<LoggerKind, Set<string>> = {
  pino: new Set(['msg', 'level', 'time', 'pid', 'hostname']),
  bunyan: new Set(['msg', 'level', 'time', 'pid', 'hostname', 'name', 'v', 'src']),
  winston: new Set(['level', 'message']),
};

export const ERROR_FIELD: Record<LoggerKind, string> = { pino: 'err', bunyan: 'err', winston: 'error' };

function capitalize(s: string): string {
  if (s.length > 1 && s === s.toUpperCase()) s = s.toLowerCase();
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** `DATABASE_URL` -> `databaseUrl`, `user-id` -> `userId`. */
function camel(s: string): string {
  const words = s.split(/[^A-Za-z0-9]+/).filter(Boolean);
  if (words.length === 0) return '';
  const [head, ...rest] = words;
  const first = head === head.toUpperCase() && head.length > 1 ? head.toLowerCase() : head.charAt(0).toLowerCase() + head.slice(1);
  return first + rest.map(capitalize).join('');
}

function stripGet(name: string): string {
  const m = /^get([A-Z].*)$/.exec(name);
  return m ? m[1].charAt(0).toLowerCase() + m[1].slice(1) : name;
}

function lastName(e: ts.Expression): string | undefined {
  const u = unwrap(e);
  if (isIdentifier(u)) return u.text;
  if (isPropertyAccessExpression(u)) return isIdentifier(u.name) ? u.name.text : u.name.text.replace('#', '');
  if (isCallExpression(u) || isElementAccessExpression(u)) return nameOf(u);
  return undefined;
}

/** A field name for a value, or undefined when nothing better than a number exists. */
export function nameOf(expr: ts.Expression): string | undefined {
  const e = unwrap(expr);
  // `PORT` -> `port`: a constant's name in capitals is not how a field is named.
  if (isIdentifier(e)) return /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$/.test(e.text) && e.text.length > 1 ? camel(e.text) : e.text;
  if (isPropertyAccessExpression(e)) {
    const prop = e.name.text.replace('#', '');
    const obj = unwrap(e.expression);
    if (obj.kind === SyntaxKind.ThisKeyword || obj.kind === SyntaxKind.SuperKeyword) return prop;
    if (isPropertyAccessExpression(obj) && isIdentifier(obj.expression) && obj.expression.text === 'process' && obj.name.text === 'env') {
      return camel(prop) || undefined;
    }
    const owner = lastName(obj);
    // `req.body.customerId` -> `customerId`, `card.last4` -> `last4`: the last property name says
    // what the value is; only a word that means nothing alone (`id`, `name`) takes its owner's name.
    if (!owner || CONTAINERS.has(owner) || !GENERIC_PROPERTIES.has(prop)) return prop;
    return camel(owner) + capitalize(prop);
  }
  if (isElementAccessExpression(e)) {
    const arg = e.argumentExpression;
    const owner = lastName(e.expression);
    if (isStringLiteral(arg)) return owner ? camel(owner) + capitalize(camel(arg.text)) : camel(arg.text) || undefined;
    return owner;
  }
  if (isCallExpression(e)) {
    const callee = unwrap(e.expression);
    if (isIdentifier(callee)) {
      if (PASS_THROUGH_CALLS.has(callee.text) && e.arguments[0]) return nameOf(e.arguments[0]);
      return stripGet(callee.text);
    }
    if (isPropertyAccessExpression(callee)) {
      const method = callee.name.text;
      if (PASS_THROUGH_METHODS.has(method)) {
        const receiver = unwrap(callee.expression);
        // JSON.stringify(x), util.inspect(x): the value is the argument.
        if ((method === 'stringify' || method === 'inspect') && e.arguments[0]) return nameOf(e.arguments[0]);
        return nameOf(receiver);
      }
      return stripGet(method.replace('#', ''));
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Building the call

export interface Field {
  key: string;
  /** The value's source text, as written. */
  value: string;
  /** A property kept as written (`err: e` from a fields object the code already had). */
  raw?: string;
}

export interface Structured {
  message: string;
  fields: Field[];
}

const ERROR_NAME = /^(?:err|error)$|[a-z](?:Err|Error)$/;

/**
 * Whether an identifier holds a caught error: the variable of an enclosing `catch`, or the
 * parameter of a callback given to `.catch(...)`; otherwise judged by its name (`err`, `dbError`).
 */
export function isCaughtError(id: ts.Identifier): boolean {
  const name = id.text;
  for (let n: ts.Node | undefined = id.parent; n; n = n.parent) {
    if (isCatchClause(n) && n.variableDeclaration && isIdentifier(n.variableDeclaration.name) && n.variableDeclaration.name.text === name) {
      return true;
    }
    if (isFunctionLike(n)) {
      const index = n.parameters.findIndex((p) => isIdentifier(p.name) && p.name.text === name);
      if (index < 0) continue;
      const call = n.parent;
      if (index === 0 && isCallExpression(call) && isPropertyAccessExpression(call.expression) && call.expression.name.text === 'catch') return true;
      return ERROR_NAME.test(name);
    }
  }
  return ERROR_NAME.test(name);
}

export function isErrorValue(expr: ts.Expression): boolean {
  const e = unwrap(expr);
  if (isIdentifier(e)) return isCaughtError(e);
  if (isNewExpression(e)) return isIdentifier(e.expression) && /Error$/.test(e.expression.text);
  return false;
}

function isIdentifierName(s: string): boolean {
  return /^[A-Za-z_$][\w$]*$/.test(s);
}

const MARK = '\u0000';

/** The constant text of the message, with what only made sense around a value (quotes, `=`, `:`) taken out. */
function cleanMessage(parts: Part[], units: Map<number, string>, words: Map<number, string>): string {
  let s = '';
  let index = 0;
  let sinceValue = '';
  for (const p of parts) {
    if ('text' in p) {
      s += p.text;
      sinceValue += p.text;
    } else {
      // The word just before a value names it when the value itself has no name (`cache ${hit ? 'hit' : 'miss'}`).
      const word = /(?:^|\s)([A-Za-z][A-Za-z0-9]*)[\s:=#]*$/.exec(sinceValue);
      const named = nameOf(p.expr);
      const phrase = new RegExp(`\\s(?:${PREPOSITIONS})\\s+${word?.[1] ?? ''}[\\s:=#]*$`, 'i').exec(sinceValue);
      if (word && phrase && (!named || named.toLowerCase().startsWith(word[1].toLowerCase())) && s.length > phrase[0].length && !STOP_WORDS.has(word[1].toLowerCase())) {
        // `server on port ${port}` -> `server` + `{ port }`: the phrase only said what the value is, and the field says it now.
        s = s.slice(0, s.length - phrase[0].length) + ' ';
        if (!named) words.set(index, camel(word[1]));
      } else if (word && !STOP_WORDS.has(word[1].toLowerCase())) words.set(index, camel(word[1]));
      s += `${MARK}${index++}${MARK}`;
      sinceValue = '';
    }
  }
  const endsWithValue = new RegExp(`${MARK}\\d+${MARK}[\\s:,;.!)\\]'"\`]*$`).test(s);
  // A unit glued to a value (`${ms}ms`) moves into the field's name.
  s = s.replace(new RegExp(`${MARK}(\\d+)${MARK}(ms|s|secs?|seconds|bytes|kb|mb|gb)\\b`, 'gi'), (_m, i: string, unit: string) => {
    units.set(Number(i), UNITS[unit.toLowerCase()]);
    return `${MARK}${i}${MARK}`;
  });
  const value = `${MARK}\\d+${MARK}`;
  s = s
    .replace(new RegExp(`(['"\`])(${value})\\1`, 'g'), '$2')
    .replace(new RegExp(`[([{<](${value})[)\\]}>]`, 'g'), '$1')
    .replace(new RegExp(`\\s*[:=#]\\s*(${value})`, 'g'), ' $1')
    // A preposition that only led to a value: `connected to ${host}` -> `connected`.
    .replace(new RegExp(`\\s+(?:for|of|to|at|in|on|from|with|by|as|is|was|after|before|into|via|until|against|over|under|per|onto|within|using)\\s+(?=${value})`, 'gi'), ' ')
    .replace(new RegExp(value, 'g'), ' ')
    .replace(/\s+/g, ' ')
    // `(after import ${x})` -> `(after import)`; `[${id}]` -> nothing.
    .replace(/\s+([)\]}>])/g, '$1')
    .replace(/([([{<])\s+/g, '$1')
    .replace(/\(\)|\[\]|\{\}|<>|''|""/g, '')
    .replace(/\s+/g, ' ')
    .replace(/(?:\s+[:=,;|\-–>]+)+(?=\s|$)/g, '')
    .replace(/^[\s:,;|\-–>]+|[\s:,;=|\-–>]+$/g, '')
    // A preposition left at the end led to a value that is a field now: `listening on` -> `listening`.
    .replace(endsWithValue ? /\s+(?:for|of|to|at|in|on|from|with|by|as|via|into|using|after|before|until)$/i : /$^/, '');
  return s;
}

/** `JSON.stringify(x)`, `util.inspect(x)`: a string made of an object, which a structured logger takes as itself. */
function stringifiedObject(expr: ts.Expression, facts: FileFacts): ts.Expression | undefined {
  const e = unwrap(expr);
  if (!isCallExpression(e) || e.arguments.length === 0 || e.arguments.some(ts.isSpreadElement)) return undefined;
  const callee = unwrap(e.expression);
  if (!isPropertyAccessExpression(callee) || !isIdentifier(callee.expression)) return undefined;
  const owner = callee.expression.text;
  const method = callee.name.text;
  const json = owner === 'JSON' && method === 'stringify' && facts.declarationsOf('JSON').length === 0;
  // A replacer changes what is logged: only `JSON.stringify(x)` and `JSON.stringify(x, null, 2)`.
  if (json && (e.arguments.length === 1 || unwrap(e.arguments[1]).kind === SyntaxKind.NullKeyword)) return e.arguments[0];
  const inspect = method === 'inspect' && facts.modules.util.has(owner) && facts.declarationsOf(owner).length === 1;
  return inspect && e.arguments.length === 1 ? e.arguments[0] : undefined;
}

/** Whether the file names its object keys in snake_case (`user_id`) rather than camelCase. */
export const usesSnakeCase = perFile((facts: FileFacts): boolean => {
  let snake = 0;
  let camelCase = 0;
  const visit = (node: ts.Node): void => {
    if ((ts.isPropertyAssignment(node) || ts.isShorthandPropertyAssignment(node)) && isIdentifier(node.name)) {
      const name = node.name.text;
      if (/^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$/.test(name)) snake++;
      else if (/^[a-z][a-z0-9]*[A-Z]/.test(name)) camelCase++;
    }
    forEachChild(node, visit);
  };
  visit(facts.sourceFile);
  return snake > camelCase;
});

function snakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/** Turns the parts of a message into a constant message and named fields. */
export function structure(parts: Part[], kind: LoggerKind, facts: FileFacts, taken: ReadonlySet<string> = new Set()): Structured {
  const sf = facts.sourceFile;
  const units = new Map<number, string>();
  const words = new Map<number, string>();
  const message = cleanMessage(parts, units, words);
  const values = parts.filter((p): p is { expr: ts.Expression } => 'expr' in p).map((p) => p.expr);
  const used = new Set(taken);
  const fields: Field[] = [];
  const seen = new Map<string, string>();
  let errorPlaced = false;
  let numbered = 0;
  const reserved = RESERVED[kind];
  let snake: boolean | undefined;
  values.forEach((original, i) => {
    const expr = stringifiedObject(original, facts) ?? original;
    const text = expr.getText(sf);
    const simple = /^[\w$.]+$/.test(text);
    if (simple && seen.has(text)) return;
    let key: string | undefined;
    if (!errorPlaced && isErrorValue(expr) && !used.has(ERROR_FIELD[kind])) {
      key = ERROR_FIELD[kind];
      errorPlaced = true;
    } else {
      key = nameOf(expr);
      if (key !== undefined && !isIdentifierName(key)) key = undefined;
      const unit = units.get(i);
      if (key === undefined && !unit) key = words.get(i);
      if (key === undefined) {
        key = unit === 'Ms' || unit === 'S' ? 'duration' : unit ? unit.toLowerCase() : `value${++numbered}`;
        if (unit === 'Ms' || unit === 'S') key += unit;
      } else if (unit && !key.toLowerCase().endsWith(unit.toLowerCase())) {
        key += unit;
      }
      if (reserved.has(key)) key += 'Value';
      // A name made up here follows the file's own keys; a value's own identifier stays as it is.
      if (key !== text && (snake ??= usesSnakeCase(facts))) key = snakeCase(key);
    }
    let unique = key;
    for (let n = 2; used.has(unique); n++) unique = `${key}${n}`;
    used.add(unique);
    seen.set(text, unique);
    let value = text;
    // `(Date.now() - start)` needs no parentheses as a property value; a comma expression does.
    if (isParenthesizedExpression(expr)) {
      const inner = expr.expression;
      if (!(isBinaryExpression(inner) && inner.operatorToken.kind === SyntaxKind.CommaToken)) value = inner.getText(sf);
    } else if (isBinaryExpression(expr) && expr.operatorToken.kind === SyntaxKind.CommaToken) {
      value = `(${text})`;
    }
    fields.push({ key: unique, value });
  });
  return { message, fields };
}

export function renderField(f: Field): string {
  if (f.raw !== undefined) return f.raw;
  return f.key === f.value ? f.key : `${f.key}: ${f.value}`;
}

export function renderFields(fields: Field[]): string {
  return `{ ${fields.map(renderField).join(', ')} }`;
}

export function quote(text: string, q: string): string {
  let out = '';
  for (const ch of text) {
    if (ch === q || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch.charCodeAt(0) < 0x20) out += `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return q + out + q;
}

/** The arguments of a structured call, in the order the logger takes them. */
export function renderArguments(s: Structured, kind: LoggerKind, q: string): string {
  const hasFields = s.fields.length > 0;
  if (kind === 'winston') {
    const message = s.message || (hasFields ? s.fields.map((f) => f.key).join(' ') : '');
    return hasFields ? `${quote(message, q)}, ${renderFields(s.fields)}` : quote(message, q);
  }
  if (!hasFields) return quote(s.message, q);
  return s.message ? `${renderFields(s.fields)}, ${quote(s.message, q)}` : renderFields(s.fields);
}

/** True when a comment sits anywhere in or between these nodes (a rewrite would drop it). */
export function hasComment(text: string, nodes: readonly ts.Node[]): boolean {
  // Comments on the same line count as "trailing" for TypeScript: ask for both, at both ends.
  const commentAt = (pos: number) =>
    (getLeadingCommentRanges(text, pos)?.length ?? 0) > 0 || (getTrailingCommentRanges(text, pos)?.length ?? 0) > 0;
  const check = (node: ts.Node): boolean =>
    commentAt(node.pos) ||
    commentAt(node.end) ||
    (forEachChild(node, (child) => (check(child) ? true : undefined)) ?? false);
  return nodes.some(check);
}

/**
 * The parts as one message for a logger that takes text (NestJS's Logger): a string literal when
 * they are all text, else a template literal holding each value where it was.
 */
export function renderTemplate(parts: Part[], facts: FileFacts, q: string): string {
  if (parts.every((p) => 'text' in p)) return quote(parts.map((p) => (p as { text: string }).text).join(''), q);
  let out = '`';
  for (const p of parts) {
    if ('text' in p) out += p.text.replace(/[\\`]|\$\{/g, (c) => `\\${c}`).replace(/\n/g, '\\n').replace(/\r/g, '\\r');
    else out += `\${${p.expr.getText(facts.sourceFile)}}`;
  }
  return `${out}\``;
}
