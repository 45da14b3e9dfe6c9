// Output that runs only in debug mode: a developer's console aid, switched off in production, which
// `print-call` and `console-log` leave alone. Read from the code around the call, simply:
// - the call sits in the branch of an `if` taken when a debug flag is on (`if settings.DEBUG:`,
//   `if (this.debug)`, `if (process.env.DEBUG)`, `if VERBOSE and x:`), or in the `else` of one taken
//   when it is off (`if not DEBUG: ... else: print(...)`), or to the right of `DEBUG && console.log(...)`;
// - or an earlier statement of a block holding it leaves that block when the flag is off
//   (`if not settings.DEBUG or not queries: return`, `if (!this.verbose) return;`).
// A debug flag is a name, attribute, environment variable or settings key whose words say debug or
// verbose (`DEBUG`, `TANDOOR_PROVIDER_DEBUG`, `isDebug`, `verbosity`), or is `trace` or
// `enable_logging`/`ENABLE_LOGGING`, read as is, negated, compared with a truthy literal
// (`DEBUG == True`, `process.env.DEBUG === 'true'`, `VERBOSITY > 1`) or a level compared with
// `'debug'`/`'trace'` (`LOG_LEVEL == "DEBUG"`). What decides the flag elsewhere (a settings module,
// a registration under DEBUG in another file) is not followed. A caller may count only some flags
// (`FlagFilter`): print-call counts those the module hard-codes off (`pythonFlagsOff`).

import { ts } from '../../engine/ts';
import type { PyNode } from '../../engine/python';

const DEBUG_WORDS = new Set(['debug', 'debugging', 'verbose', 'verbosity']);
const WHOLE_NAMES = new Set(['trace', 'enable_logging', 'logging_enabled', 'enable_log', 'log_enabled']);
const DEBUG_LEVELS = new Set(['debug', 'trace', 'verbose']);

/** Whether an identifier, attribute or key names a debug flag. */
export function isDebugName(name: string): boolean {
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase().split(/[_\-.\s]+/).filter(Boolean);
  return words.some((w) => DEBUG_WORDS.has(w)) || WHOLE_NAMES.has(words.join('_'));
}

function truthyLiteral(text: string): boolean {
  const t = text.replace(/^['"`]|['"`]$/g, '').toLowerCase();
  return t !== '' && !['0', 'false', 'no', 'off', 'none', 'null', 'undefined'].includes(t);
}

// ---- Python ------------------------------------------------------------------------------------

function pyUnparen(node: PyNode): PyNode {
  let n = node;
  while (n.type === 'parenthesized_expression' && n.namedChildren.length === 1 && n.namedChildren[0]) n = n.namedChildren[0];
  return n;
}

function pyStringValue(node: PyNode | null | undefined): string | undefined {
  if (!node || node.type !== 'string') return undefined;
  return node.text.replace(/^[rbuRBU]*(['"]{1,3})/, '').replace(/(['"]{1,3})$/, '');
}

/** Which debug flags count: every one (`ANY_FLAG`), or only those the caller knows are off in production. */
export type FlagFilter = (name: string) => boolean;
const ANY_FLAG: FlagFilter = () => true;

/** A Python expression that reads a debug flag as is (true when debug is on). */
function pyFlag(node: PyNode, ok: FlagFilter = ANY_FLAG): boolean {
  const n = pyUnparen(node);
  const flag = (name: string) => isDebugName(name) && ok(name);
  if (n.type === 'identifier') return flag(n.text);
  if (n.type === 'attribute') {
    // `self.verbose`, `cls.DEBUG`, `Printer.DEBUG`: a flag of this module's classes; `settings.DEBUG` is another module's.
    const obj = n.childForFieldName('object');
    const own = ok === ANY_FLAG || (obj?.type === 'identifier' && (obj.text === 'self' || obj.text === 'cls' || /^[A-Z][a-z]/.test(obj.text)));
    return own && flag(n.childForFieldName('attribute')?.text ?? '');
  }
  if (n.type === 'subscript') {
    const key = pyStringValue(n.childForFieldName('subscript'));
    return key !== undefined && flag(key);
  }
  if (n.type === 'call') {
    const fn = n.childForFieldName('function');
    const first = n.childForFieldName('arguments')?.namedChildren[0];
    const fnName = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text ?? '' : fn?.text ?? '';
    // `os.getenv("DEBUG")`, `os.environ.get("X_DEBUG", "0")`, `config.getboolean("app", "debug")`, `bool(DEBUG)`.
    if (/^(?:get|getenv|getboolean|getbool|get_bool|bool|int|str|env|config)$/.test(fnName)) {
      return (n.childForFieldName('arguments')?.namedChildren ?? []).some((a) => !!a && (pyStringValue(a) !== undefined ? flag(pyStringValue(a)!) : a === first && pyFlag(a, ok)));
    }
    // `is_debug()`, `app.debug_enabled()`.
    return flag(fnName);
  }
  return false;
}

/** A Python condition that holds only when a debug flag is on. */
export function pyDebugOn(node: PyNode, ok: FlagFilter = ANY_FLAG): boolean {
  const n = pyUnparen(node);
  if (pyFlag(n, ok)) return true;
  if (n.type === 'boolean_operator') {
    const op = n.childForFieldName('operator')?.text ?? n.children.find((c) => c?.type === 'and' || c?.type === 'or')?.type;
    const left = n.childForFieldName('left');
    const right = n.childForFieldName('right');
    if (op === 'and') return (!!left && pyDebugOn(left, ok)) || (!!right && pyDebugOn(right, ok));
    return false;
  }
  if (n.type === 'comparison_operator') {
    const parts = n.namedChildren.filter((c): c is PyNode => !!c);
    const ops = n.children.filter((c) => !!c && !c.isNamed).map((c) => c!.text.replace(/\s+/g, ' '));
    if (parts.length !== 2 || ops.length !== 1) return false;
    const [a, b] = parts;
    const op = ops[0];
    const literal = (x: PyNode) => x.type === 'true' || x.type === 'integer' || x.type === 'string';
    for (const [flag, value] of [[a, b], [b, a]] as const) {
      // `LOG_LEVEL == "DEBUG"`: a level compared with debug.
      if (ok === ANY_FLAG && (op === '==' || op === 'in') && DEBUG_LEVELS.has((pyStringValue(value) ?? '').toLowerCase())) return true;
      if (!pyFlag(flag, ok) || !literal(value)) continue;
      if ((op === '==' || op === 'is') && truthyLiteral(value.text)) return true;
      if ((op === '>' || op === '>=') && value.type === 'integer') return true;
    }
  }
  return false;
}

/** A Python condition that holds whenever the debug flag is off (`not DEBUG`, `not DEBUG or x`). */
export function pyDebugOff(node: PyNode, ok: FlagFilter = ANY_FLAG): boolean {
  const n = pyUnparen(node);
  if (n.type === 'not_operator') {
    const arg = n.childForFieldName('argument');
    return !!arg && pyDebugOn(arg, ok);
  }
  if (n.type === 'boolean_operator') {
    const op = n.children.find((c) => c?.type === 'and' || c?.type === 'or')?.type;
    const left = n.childForFieldName('left');
    const right = n.childForFieldName('right');
    if (op === 'or') return (!!left && pyDebugOff(left, ok)) || (!!right && pyDebugOff(right, ok));
  }
  return false;
}

/**
 * The debug flags a Python module hard-codes off: a name its text assigns exactly once, to `False` or
 * `0` (`DEBUG = False` at module level, `verbose: bool = False` in a class body). Output behind such a
 * flag is dead code until someone edits the source.
 */
export function pythonFlagsOff(text: string): FlagFilter {
  const cache = new Map<string, boolean>();
  return (name) => {
    let off = cache.get(name);
    if (off === undefined) {
      const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      const assignments = text.match(new RegExp(`^[ \\t]*(?:self\\.|cls\\.)?${escaped}[ \\t]*(?::[^=\\n]+)?=(?!=)`, 'gm'))?.length ?? 0;
      off = assignments === 1 && new RegExp(`^[ \\t]*${escaped}[ \\t]*(?::[^=\\n]+)?=[ \\t]*(?:False|0)[ \\t]*(?:#.*)?$`, 'm').test(text);
      cache.set(name, off);
    }
    return off;
  };
}

const PY_EXITS = new Set(['return_statement', 'raise_statement', 'continue_statement']);

/** Whether a Python node runs only in debug mode (see the file's comment), by the flags `ok` accepts. */
export function pythonDebugOnly(node: PyNode, ok: FlagFilter = ANY_FLAG): boolean {
  let child: PyNode = node;
  for (let parent = node.parent; parent; child = parent, parent = parent.parent) {
    if (parent.type === 'if_statement') {
      const condition = parent.childForFieldName('condition');
      if (condition && parent.childForFieldName('consequence')?.id === child.id && pyDebugOn(condition, ok)) return true;
      if (condition && child.type === 'else_clause' && pyDebugOff(condition, ok)) return true;
    }
    if (parent.type === 'elif_clause') {
      const condition = parent.childForFieldName('condition');
      if (condition && parent.childForFieldName('consequence')?.id === child.id && pyDebugOn(condition, ok)) return true;
    }
    if (parent.type === 'block' || parent.type === 'module') {
      for (const statement of parent.namedChildren) {
        if (!statement || statement.startIndex >= child.startIndex) break;
        if (statement.type !== 'if_statement' || statement.childForFieldName('alternative')) continue;
        const condition = statement.childForFieldName('condition');
        const body = statement.childForFieldName('consequence')?.namedChildren.filter((s) => s && s.type !== 'comment');
        const last = body?.[body.length - 1];
        if (condition && last && PY_EXITS.has(last.type) && pyDebugOff(condition, ok)) return true;
      }
    }
  }
  return false;
}

// ---- JS/TS -------------------------------------------------------------------------------------

function jsUnwrap(e: ts.Expression): ts.Expression {
  let n = e;
  while (ts.isParenthesizedExpression(n) || ts.isAsExpression(n) || ts.isNonNullExpression(n)) n = n.expression;
  return n;
}

function jsFlag(e: ts.Expression): boolean {
  const n = jsUnwrap(e);
  if (ts.isIdentifier(n)) return isDebugName(n.text);
  if (ts.isPropertyAccessExpression(n)) return isDebugName(n.name.text);
  if (ts.isElementAccessExpression(n)) {
    const key = n.argumentExpression;
    return ts.isStringLiteralLike(key) && isDebugName(key.text);
  }
  if (ts.isCallExpression(n)) {
    const fn = jsUnwrap(n.expression);
    const name = ts.isPropertyAccessExpression(fn) ? fn.name.text : ts.isIdentifier(fn) ? fn.text : '';
    if (/^(?:Boolean|Number|get|getBoolean|getOrThrow)$/.test(name)) {
      const first = n.arguments[0];
      return !!first && (ts.isStringLiteralLike(first) ? isDebugName(first.text) : jsFlag(first));
    }
    return isDebugName(name);
  }
  if (ts.isPrefixUnaryExpression(n) && n.operator === ts.SyntaxKind.ExclamationToken) {
    const inner = jsUnwrap(n.operand);
    return ts.isPrefixUnaryExpression(inner) && inner.operator === ts.SyntaxKind.ExclamationToken && jsFlag(inner.operand);
  }
  return false;
}

function jsLiteral(e: ts.Expression): string | undefined {
  const n = jsUnwrap(e);
  if (ts.isStringLiteralLike(n) || ts.isNumericLiteral(n)) return n.text;
  if (n.kind === ts.SyntaxKind.TrueKeyword) return 'true';
  return undefined;
}

/** A JS/TS condition that holds only when a debug flag is on. */
export function jsDebugOn(e: ts.Expression): boolean {
  const n = jsUnwrap(e);
  if (jsFlag(n)) return true;
  if (ts.isBinaryExpression(n)) {
    const op = n.operatorToken.kind;
    if (op === ts.SyntaxKind.AmpersandAmpersandToken) return jsDebugOn(n.left) || jsDebugOn(n.right);
    const equal = op === ts.SyntaxKind.EqualsEqualsEqualsToken || op === ts.SyntaxKind.EqualsEqualsToken;
    const greater = op === ts.SyntaxKind.GreaterThanToken || op === ts.SyntaxKind.GreaterThanEqualsToken;
    for (const [flag, value] of [[n.left, n.right], [n.right, n.left]] as const) {
      const literal = jsLiteral(value);
      if (literal === undefined) continue;
      if (equal && DEBUG_LEVELS.has(literal.toLowerCase())) return true;
      if (!jsFlag(flag)) continue;
      if (equal && truthyLiteral(literal)) return true;
      if (greater && ts.isNumericLiteral(jsUnwrap(value))) return true;
    }
  }
  return false;
}

/** A JS/TS condition that holds whenever the debug flag is off (`!this.debug`, `!DEBUG || x`). */
export function jsDebugOff(e: ts.Expression): boolean {
  const n = jsUnwrap(e);
  if (ts.isPrefixUnaryExpression(n) && n.operator === ts.SyntaxKind.ExclamationToken) return jsDebugOn(n.operand);
  if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.BarBarToken) return jsDebugOff(n.left) || jsDebugOff(n.right);
  return false;
}

function exits(statement: ts.Statement): boolean {
  if (ts.isReturnStatement(statement) || ts.isThrowStatement(statement) || ts.isContinueStatement(statement)) return true;
  if (ts.isBlock(statement)) {
    const last = statement.statements[statement.statements.length - 1];
    return !!last && exits(last);
  }
  return false;
}

/**
 * A list's first `if (!debug) return;`, null when it has none. Kept per list node: every call under a
 * block asked it again, and for a file's top level that was a pass over every statement before the call,
 * per call. A block the incremental parser reused holds the same statements (positions shifted
 * together), so the answer holds in the next version too; a list that holds the edit is a new node.
 */
const guards = new WeakMap<ts.Node, ts.Statement | null>();
function firstDebugGuard(list: ts.Block | ts.SourceFile | ts.CaseClause | ts.DefaultClause): ts.Statement | null {
  let guard = guards.get(list);
  if (guard === undefined) {
    guard = list.statements.find((statement) => ts.isIfStatement(statement) && !statement.elseStatement && exits(statement.thenStatement) && jsDebugOff(statement.expression)) ?? null;
    guards.set(list, guard);
  }
  return guard;
}

/** Whether a JS/TS node runs only in debug mode (see the file's comment). */
export function jsDebugOnly(node: ts.Node): boolean {
  let child: ts.Node = node;
  for (let parent = node.parent; parent; child = parent, parent = parent.parent) {
    if (ts.isIfStatement(parent)) {
      if (parent.thenStatement === child && jsDebugOn(parent.expression)) return true;
      if (parent.elseStatement === child && jsDebugOff(parent.expression)) return true;
    }
    if (ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken && parent.right === child && jsDebugOn(parent.left)) return true;
    if (ts.isConditionalExpression(parent)) {
      if (parent.whenTrue === child && jsDebugOn(parent.condition)) return true;
      if (parent.whenFalse === child && jsDebugOff(parent.condition)) return true;
    }
    if (ts.isBlock(parent) || ts.isSourceFile(parent) || ts.isCaseClause(parent) || ts.isDefaultClause(parent)) {
      const guard = firstDebugGuard(parent);
      if (guard && guard.pos < child.pos) return true;
    }
  }
  return false;
}
