// interpolated-log-message for Python: stdlib logging, structlog and loguru calls whose message is
// built from values (an f-string, `%` formatting, `.format()`, `+`). The fix keeps every value:
// lazy `%s` arguments for stdlib logging, keyword fields for structlog, `logger.bind(...)` for loguru.

import type { Fix, RuleContext, RuleFinding, TextEdit } from '../../engine/types';
import type { PyNode } from '../../engine/python';
import { optedOutElsewhere } from '../../engine/opt-outs';
import { callArguments, moduleFacts, unparen } from '../python/module-facts';
import { logCalls, type LogCall } from '../python/loggers';

type How = 'an f-string' | '`%` formatting' | '`.format()`' | 'concatenation';

interface Site {
  lc: LogCall;
  message: PyNode;
  how: How;
}

function isString(node: PyNode): boolean {
  return node.type === 'string' || node.type === 'concatenated_string';
}

function isFString(node: PyNode): boolean {
  return node.type === 'string' && node.namedChildren.some((c) => c?.type === 'interpolation');
}

function interpolation(node: PyNode): How | undefined {
  const n = unparen(node);
  if (isFString(n) || (n.type === 'concatenated_string' && n.namedChildren.some((c) => c && isFString(c)))) return 'an f-string';
  if (n.type === 'binary_operator') {
    const op = n.childForFieldName('operator')?.text;
    const left = n.childForFieldName('left');
    const right = n.childForFieldName('right');
    if (op === '%' && left && isString(unparen(left))) return '`%` formatting';
    if (op === '+' && left && right) {
      const strings = [left, right].filter((s) => isString(unparen(s)) || interpolation(s) === 'concatenation');
      // `"a" + "b"` is constant; a string plus a value is not.
      if (strings.length === 1 || (strings.length === 2 && [left, right].some((s) => interpolation(s)))) return 'concatenation';
    }
  }
  if (n.type === 'call') {
    const callee = n.childForFieldName('function');
    if (callee?.type === 'attribute' && callee.childForFieldName('attribute')?.text === 'format') {
      const object = callee.childForFieldName('object');
      if (object && isString(unparen(object))) return '`.format()`';
    }
  }
  return undefined;
}

const sitesOf = new WeakMap<RuleContext['doc'], Site[]>();

/** The file's log calls with an interpolated message, once per document (each finding's fix asked for them all again). */
function sites(ctx: RuleContext): Site[] {
  const known = sitesOf.get(ctx.doc);
  if (known) return known;
  const found = findSites(ctx);
  sitesOf.set(ctx.doc, found);
  return found;
}

function findSites(ctx: RuleContext): Site[] {
  const facts = moduleFacts(ctx.doc);
  if (!facts) return [];
  const out: Site[] = [];
  for (const lc of logCalls(facts)) {
    const args = callArguments(lc.call);
    const message = args.positional[0];
    if (!message) continue;
    const how = interpolation(message);
    if (!how || optedOutElsewhere(ctx.doc, 'interpolated-log-message', message.startIndex)) continue;
    if (how === 'an f-string' && valuesAlsoFields(message, args)) continue;
    out.push({ lc, message, how });
  }
  return out;
}

/**
 * Every value the f-string interpolates is also a field of the same call: a keyword argument
 * (structlog `log.info(f"[{index}] created", index=index)`, loguru) or an entry of a stdlib `extra=`
 * dictionary, whose value is the same expression or whose name is the value's own (`index` for
 * `index`, `id` or `order_id` for `order.id`). Nothing is lost inside the text: no finding.
 */
function valuesAlsoFields(message: PyNode, args: ReturnType<typeof callArguments>): boolean {
  const values: PyNode[] = [];
  const visit = (node: PyNode): void => {
    if (node.type === 'interpolation') {
      const e = node.childForFieldName('expression');
      if (e) values.push(unparen(e));
      return;
    }
    for (const c of node.namedChildren) if (c) visit(c);
  };
  visit(message);
  if (values.length === 0) return false;
  const texts = new Set<string>();
  const names = new Set<string>();
  for (const [name, { value }] of args.keywords) {
    if (name === 'extra' && value.type === 'dictionary') {
      for (const pair of value.namedChildren) {
        if (pair?.type !== 'pair') continue;
        const key = pair.childForFieldName('key');
        const v = pair.childForFieldName('value');
        if (key?.type === 'string' && !isFString(key)) names.add(key.text.replace(/^[a-zA-Z]*['"]|['"]$/g, ''));
        if (v) texts.add(compact(unparen(v).text));
      }
      continue;
    }
    names.add(name);
    texts.add(compact(unparen(value).text));
  }
  return values.every((v) => {
    if (texts.has(compact(v.text))) return true;
    const own = v.type === 'identifier' ? v.text : v.type === 'attribute' ? v.childForFieldName('attribute')?.text : undefined;
    return own !== undefined && (names.has(own) || names.has(fieldName(v) ?? ''));
  });
}

const compact = (text: string) => text.replace(/\s+/g, '');

const LIBRARY_NAMES = { logging: 'logging', structlog: 'structlog', loguru: 'loguru' } as const;

/** Ruff's flake8-logging-format codes per way of building the message; they read stdlib logging calls. */
const RUFF_CODES: Record<How, string> = { '`.format()`': 'G001', '`%` formatting': 'G002', concatenation: 'G003', 'an f-string': 'G004' };

export function checkPython(ctx: RuleContext): RuleFinding[] {
  return sites(ctx).map((s) => ({
    start: s.message.startIndex,
    end: s.message.endIndex,
    ...(s.lc.kind === 'logging' ? { ruffCode: RUFF_CODES[s.how] } : {}),
    message: `This ${LIBRARY_NAMES[s.lc.kind]} message is built with ${s.how}: every event gets a different message and its values are lost inside the text, so they cannot be searched or grouped. ${
      s.lc.kind === 'logging' ? 'Pass them as arguments (`logger.info("order %s paid", order_id)`) or in `extra=`.' : s.lc.kind === 'structlog' ? 'Pass them as keyword fields (`log.info("order paid", order_id=order_id)`).' : 'Bind them (`logger.bind(order_id=order_id).info("order paid")`).'
    }`,
  }));
}

interface FStringParts {
  /** The constant text pieces, as written in the source (escapes kept), one more than the values. */
  texts: string[];
  values: PyNode[];
  prefix: string;
  quote: string;
}

/** An f-string split into its constant text and its values; undefined for format specs, conversions, `=`, or nested quotes. */
function splitFString(node: PyNode, text: string): FStringParts | undefined {
  if (node.type !== 'string') return undefined;
  const start = node.namedChildren[0];
  if (start?.type !== 'string_start') return undefined;
  const opening = start.text;
  const m = /^([a-zA-Z]*)('''|"""|'|")$/.exec(opening);
  if (!m || !/f/i.test(m[1]) || m[2].length === 3) return undefined;
  const prefix = m[1].replace(/f/i, '');
  const texts: string[] = [];
  const values: PyNode[] = [];
  let current = '';
  for (const child of node.namedChildren.slice(1)) {
    if (!child) continue;
    if (child.type === 'string_content' || child.type === 'escape_sequence') current += child.text;
    else if (child.type === 'interpolation') {
      if (child.childForFieldName('type_conversion') || child.childForFieldName('format_specifier')) return undefined;
      if (/=\s*\}$/.test(child.text)) return undefined; // f"{x=}"
      const expression = child.childForFieldName('expression');
      if (!expression) return undefined;
      texts.push(current);
      current = '';
      values.push(expression);
    } else if (child.type === 'string_end') {
      texts.push(current);
    } else if (child.type === 'escape_interpolation') {
      current += child.text;
    } else return undefined;
  }
  // Between children there may be text tree-sitter does not make a node of: rebuild from offsets to be sure.
  if (texts.length !== values.length + 1) return undefined;
  void text;
  return { texts: texts.map((t) => t.replace(/\{\{/g, '{').replace(/\}\}/g, '}')), values, prefix, quote: m[2] };
}

/** A field name for a value: `order_id` for `order_id`, `order_id` for `order.id`, undefined for anything else. */
function fieldName(value: PyNode): string | undefined {
  if (value.type === 'identifier') return value.text;
  if (value.type === 'attribute') {
    const object = value.childForFieldName('object');
    const attr = value.childForFieldName('attribute')?.text;
    if (!attr || !object) return undefined;
    if (object.type === 'identifier' && object.text !== 'self' && object.text !== 'request') return `${object.text}_${attr}`;
    return attr;
  }
  return undefined;
}

/** The constant message once the values are taken out: `order {id} paid` -> `order paid`. */
function eventText(texts: string[]): string {
  return texts
    .map((t) => t.replace(/[\s:=,(\[]+$/, '').replace(/^[\s:=,)\]]+/, ''))
    .filter((t) => t.length > 0)
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export function fixesPython(finding: RuleFinding, ctx: RuleContext): Fix[] {
  const site = sites(ctx).find((s) => s.message.startIndex === finding.start);
  if (!site || site.how !== 'an f-string') return [];
  const args = callArguments(site.lc.call);
  if (args.splat || args.list?.namedChildren.some((c) => c?.type === 'comment')) return [];
  const message = unparen(site.message);
  const parts = splitFString(message, ctx.doc.text);
  if (!parts) return [];
  const { texts, values, prefix, quote } = parts;
  if (site.lc.kind === 'logging') {
    if (args.positional.length !== 1) return [];
    const format = texts.map((t) => t.replace(/%/g, '%%')).join('%s');
    const newText = `${prefix}${quote}${format}${quote}${values.map((v) => `, ${v.text}`).join('')}`;
    return [{ title: 'Pass the values as lazy %s arguments', safe: true, edits: [{ start: site.message.startIndex, end: site.message.endIndex, newText }] }];
  }
  const names = values.map(fieldName);
  if (names.some((n) => n === undefined) || new Set(names).size !== names.length) return [];
  const event = eventText(texts);
  if (event === '' || /[\\{}]/.test(event)) return [];
  const fields = values.map((v, i) => `${names[i]}=${v.text}`).join(', ');
  const constant = `${prefix}${quote}${event}${quote}`;
  if (site.lc.kind === 'structlog') {
    if (args.positional.length !== 1) return [];
    const edits: TextEdit[] = [{ start: site.message.startIndex, end: site.message.endIndex, newText: `${constant}, ${fields}` }];
    return [{ title: 'Log the values as keyword fields', safe: true, edits }];
  }
  // loguru: `logger.info(f"...")` -> `logger.bind(k=v).info("...")`.
  if (args.positional.length !== 1 || args.keywords.size > 0) return [];
  const callee = site.lc.call.childForFieldName('function')!;
  const object = callee.childForFieldName('object')!;
  return [
    {
      title: 'Bind the values with logger.bind(...)',
      safe: true,
      edits: [
        { start: object.endIndex, end: object.endIndex, newText: `.bind(${fields})` },
        { start: site.message.startIndex, end: site.message.endIndex, newText: constant },
      ],
    },
  ];
}
