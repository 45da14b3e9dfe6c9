// Hand-written retry loops in Python, read from the tree: a `for attempt in range(n)` or `while`
// loop whose `try` leaves the loop on success (`return` / `break`) and whose `except` goes round
// again, and what it waits before the next attempt. The same reading as retry-loops.ts for JS/TS:
// a wait that depends on anything but a literal counts as backoff, and an `except` that calls
// something else (a reconnect, a helper) is unknown.

import type { ParsedDocument } from '../../engine/document';
import type { PyNode } from '../../engine/python';
import { callArguments, moduleFacts, nodesOfType, qualifiedName, unparen, valueOf, type ModuleFacts } from '../python/module-facts';

/** Calls that wait: the first argument is the delay in seconds. */
const SLEEPS = ['time.sleep', 'asyncio.sleep', 'trio.sleep', 'anyio.sleep', 'gevent.sleep', 'eventlet.sleep'];
/** Methods whose call in an `except` is only reporting the failure. */
const LOG_METHODS = new Set(['debug', 'info', 'warning', 'warn', 'error', 'exception', 'critical', 'log', 'trace', 'success']);

export interface PyRetryLoop {
  /** The `for` / `while` keyword. */
  keyword: { start: number; end: number };
  except: PyNode;
  delay: { kind: 'none' } | { kind: 'constant'; at: PyNode; seconds: string } | { kind: 'backoff' };
  /** `while True` with nothing in the `except` that ever leaves the loop. */
  unbounded: boolean;
}

const cache = new WeakMap<ParsedDocument, PyRetryLoop[]>();

export function pythonRetryLoops(doc: ParsedDocument): PyRetryLoop[] {
  let found = cache.get(doc);
  if (!found) {
    found = find(doc);
    cache.set(doc, found);
  }
  return found;
}

function find(doc: ParsedDocument): PyRetryLoop[] {
  if (!/\bexcept\b/.test(doc.text)) return [];
  const facts = moduleFacts(doc);
  const root = doc.pythonTree?.rootNode;
  if (!facts || !root) return [];
  const out: PyRetryLoop[] = [];
  for (const loop of nodesOfType(facts, 'for_statement', 'while_statement')) {
    if (!loop) continue;
    const kind = attemptLoop(facts, loop);
    if (!kind) continue;
    const body = loop.childForFieldName('body');
    const statements = body?.namedChildren.filter((c): c is PyNode => !!c && c.type !== 'comment') ?? [];
    const tryIndex = statements.findIndex((s) => s.type === 'try_statement');
    if (tryIndex < 0) continue;
    const tryStatement = statements[tryIndex];
    const tryBody = tryStatement.childForFieldName('body');
    if (!tryBody || !leavesOnSuccess(tryBody, loop) || !hasCall(tryBody)) continue;
    const handlers = tryStatement.namedChildren.filter((c): c is PyNode => c?.type === 'except_clause');
    if (handlers.length === 0) continue;
    // Statements after the `try` in the loop body run before the next attempt too.
    const after = statements.slice(tryIndex + 1);
    for (const handler of handlers) {
      const block = handler.namedChildren.find((c) => c?.type === 'block');
      if (!block) continue;
      const handlerStatements = block.namedChildren.filter((c): c is PyNode => !!c && c.type !== 'comment');
      // An `except` that always re-raises, leaves the loop or `continue`s elsewhere is not a retry.
      if (handlerStatements.some((s) => s.type === 'raise_statement' || s.type === 'return_statement' || s.type === 'break_statement')) continue;
      const waits = [...handlerStatements, ...after];
      const delay = delayOf(facts, waits, loop);
      if (delay === undefined) continue;
      const exits = waits.some((s) => s.descendantsOfType(['raise_statement', 'return_statement', 'break_statement']).length > 0 || s.type === 'raise_statement');
      out.push({
        keyword: { start: loop.startIndex, end: loop.startIndex + (loop.type === 'for_statement' ? 3 : 5) + (doc.text.startsWith('async', loop.startIndex) ? 6 : 0) },
        except: handler,
        delay,
        unbounded: kind === 'forever' && !exits,
      });
    }
  }
  return out;
}

/** `for attempt in range(n)`: a count; `while True`: forever; `while attempt < n` / `while retries > 0`: a count. Anything else is not an attempt loop. */
function attemptLoop(facts: ModuleFacts, loop: PyNode): 'count' | 'forever' | undefined {
  if (loop.type === 'for_statement') {
    const right = loop.childForFieldName('right');
    if (right?.type !== 'call') return undefined;
    const callee = right.childForFieldName('function');
    if (callee?.type !== 'identifier' || callee.text !== 'range' || facts.imports.has('range')) return undefined;
    const left = loop.childForFieldName('left');
    return left?.type === 'identifier' && /attempt|retr|tries|try|^i$|^n$|^_$/i.test(left.text) ? 'count' : undefined;
  }
  const condition = loop.childForFieldName('condition');
  if (!condition) return undefined;
  const c = unparen(condition);
  if (c.type === 'true') return 'forever';
  if (c.type === 'comparison_operator' && /attempt|retr|tries/i.test(c.text)) return 'count';
  return undefined;
}

/** Whether a success in the `try` leaves the loop: a `return` or a `break` of this loop. */
function leavesOnSuccess(block: PyNode, loop: PyNode): boolean {
  for (const s of block.descendantsOfType(['return_statement', 'break_statement'])) {
    if (!s) continue;
    if (s.type === 'return_statement') return true;
    let n = s.parent;
    while (n && n.type !== 'for_statement' && n.type !== 'while_statement') n = n.parent;
    if (n?.id === loop.id) return true;
  }
  return false;
}

function hasCall(block: PyNode): boolean {
  return block.descendantsOfType('call').length > 0;
}

/**
 * What the statements wait before the next attempt: none, a constant number of seconds, or
 * backoff. Undefined (unknown) when they call anything but a sleep or a log call.
 */
function delayOf(facts: ModuleFacts, statements: PyNode[], loop: PyNode): PyRetryLoop['delay'] | undefined {
  let sleep: PyNode | undefined;
  // Calls inside a sleep's or a log call's arguments (`random.random()`, `str(e)`) only compute them.
  const allowed: PyNode[] = [];
  const inside = (call: PyNode) => allowed.some((a) => a.startIndex <= call.startIndex && call.endIndex <= a.endIndex);
  for (const s of statements) {
    for (const call of s.type === 'call' ? [s] : s.descendantsOfType('call')) {
      if (!call || inside(call)) continue;
      const callee = call.childForFieldName('function');
      const name = qualifiedName(facts, callee);
      if (name && SLEEPS.includes(name)) {
        sleep ??= call;
        allowed.push(call);
        continue;
      }
      if ((callee?.type === 'identifier' && callee.text === 'print') || (callee?.type === 'attribute' && LOG_METHODS.has(callee.childForFieldName('attribute')?.text ?? ''))) {
        allowed.push(call);
        continue;
      }
      // Arguments of a log call (`str(e)`, `repr(e)`) and builtins that compute nothing outside.
      if (callee?.type === 'identifier' && ['str', 'repr', 'len', 'type', 'format'].includes(callee.text)) continue;
      return undefined;
    }
  }
  if (!sleep) return { kind: 'none' };
  const arg = callArguments(sleep).positional[0];
  if (!arg) return { kind: 'backoff' };
  let v = unparen(arg);
  if (v.type === 'identifier') {
    // `delay *= 2` in the loop grows it: backoff.
    const name = v.text;
    if (loop.descendantsOfType('augmented_assignment').some((a) => a?.childForFieldName('left')?.text === name)) return { kind: 'backoff' };
    const assigned = valueOf(facts, v);
    if (assigned) v = unparen(assigned);
  }
  if (v.type === 'integer' || v.type === 'float') return { kind: 'constant', at: arg, seconds: v.text };
  return { kind: 'backoff' };
}
