// Hand-written retry loops: a `for`/`while`/`do` loop whose body tries an awaited call, leaves the
// loop when it succeeds (`return`/`break` in the `try`) and goes round again from the `catch`. For
// each such loop: how it waits before the next attempt (not at all, a constant, something that grows)
// and whether anything bounds the attempts. A loop that walks a list (`for...of`, `items[i]`) is not
// a retry; a wait whose length the file does not make plain counts as backoff (unknown: no finding).

import { ts } from '../../engine/ts';
import { kindSet, nodesOfKinds } from '../../engine/incremental';
import type { ParsedDocument } from '../../engine/document';
import { unwrap } from '../timeouts/bindings';
import { Reader } from './values';

const { SyntaxKind, forEachChild, isArrowFunction, isAwaitExpression, isBlock, isCallExpression, isDoStatement, isElementAccessExpression, isForStatement, isFunctionExpression, isIdentifier, isNewExpression, isNumericLiteral, isPropertyAccessExpression, isTryStatement, isVariableDeclarationList, isWhileStatement } = ts;
/** What `find` reads, kept per statement for a live document (engine/incremental.ts). */
const LOOPS = kindSet(SyntaxKind.ForStatement, SyntaxKind.WhileStatement, SyntaxKind.DoStatement);

/** Names of functions that wait: `await sleep(ms)`, `await setTimeout(ms)` from timers/promises. */
const WAIT_NAME = /^(?:sleep|delay|wait|pause|timeout|setTimeout|setTimeoutPromise|setTimeoutAsync|waitMs|sleepMs|delayMs|wait\w*Ms|snooze)$/i;
/** A wait whose name says it grows: `await backoff(attempt)`, `await exponentialDelay(i)`. */
const BACKOFF_NAME = /backoff|exponential|jitter/i;

export type LoopDelay =
  | { kind: 'none' }
  | { kind: 'constant'; at: ts.Expression; text: string }
  | { kind: 'growing' }
  | { kind: 'unknown' };

export interface RetryLoop {
  loop: ts.IterationStatement;
  /** The loop's keyword, where findings about it sit. */
  keyword: { start: number; end: number };
  catchClause: ts.CatchClause;
  delay: LoopDelay;
  /** Nothing ends the loop but success: `while (true)` with no throw, return or break outside the `try`. */
  unbounded: boolean;
}

const cache = new WeakMap<ts.SourceFile, RetryLoop[]>();

export function retryLoops(doc: ParsedDocument): RetryLoop[] {
  const sf = doc.sourceFile;
  let loops = cache.get(sf);
  if (!loops) {
    loops = find(doc);
    cache.set(sf, loops);
  }
  return loops;
}

function find(doc: ParsedDocument): RetryLoop[] {
  const sf = doc.sourceFile;
  if (!/\bcatch\b/.test(doc.text)) return [];
  const reader = new Reader(sf);
  const out: RetryLoop[] = [];
  for (const node of nodesOfKinds(sf, LOOPS)) {
    if (isForStatement(node) || isWhileStatement(node) || isDoStatement(node)) {
      const found = retryLoop(node, reader, sf);
      if (found) out.push(found);
    }
  }
  return out;
}

function isFunctionLike(node: ts.Node): boolean {
  return (
    isArrowFunction(node) ||
    isFunctionExpression(node) ||
    node.kind === SyntaxKind.FunctionDeclaration ||
    node.kind === SyntaxKind.MethodDeclaration ||
    node.kind === SyntaxKind.ClassDeclaration ||
    node.kind === SyntaxKind.ClassExpression
  );
}

/** Visits a subtree without entering nested functions. */
function walk(node: ts.Node, visit: (n: ts.Node) => boolean | void): void {
  const go = (n: ts.Node): void => {
    if (visit(n) === false) return;
    forEachChild(n, (c) => {
      if (!isFunctionLike(c)) go(c);
    });
  };
  go(node);
}

function isIteration(node: ts.Node): boolean {
  return isForStatement(node) || isWhileStatement(node) || isDoStatement(node) || node.kind === SyntaxKind.ForOfStatement || node.kind === SyntaxKind.ForInStatement;
}

/** Whether a statement under `root` leaves `loop`: return, throw, break (not of a nested loop or switch), `process.exit`. */
function exitsLoop(root: ts.Node, kinds: { returns: boolean; throws: boolean; breaks: boolean }): boolean {
  let exits = false;
  const go = (n: ts.Node, nestedBreakable: boolean): void => {
    if (exits || isFunctionLike(n)) return;
    if (kinds.returns && n.kind === SyntaxKind.ReturnStatement) exits = true;
    else if (kinds.throws && n.kind === SyntaxKind.ThrowStatement) exits = true;
    else if (kinds.breaks && n.kind === SyntaxKind.BreakStatement && (!nestedBreakable || (n as ts.BreakStatement).label !== undefined)) exits = true;
    else if (isCallExpression(n) && n.expression.getText() === 'process.exit') exits = true;
    const nested = nestedBreakable || isIteration(n) || n.kind === SyntaxKind.SwitchStatement;
    forEachChild(n, (c) => go(c, nested));
  };
  forEachChild(root, (c) => go(c, false));
  return exits;
}

function retryLoop(loop: ts.ForStatement | ts.WhileStatement | ts.DoStatement, reader: Reader, sf: ts.SourceFile): RetryLoop | undefined {
  const body = loop.statement;
  if (!isBlock(body)) return undefined;
  const tries = body.statements.filter(isTryStatement);
  if (tries.length !== 1) return undefined;
  const attempt = tries[0];
  const catchClause = attempt.catchClause;
  if (!catchClause) return undefined;
  // The attempt: an awaited call, and leaving the loop when it worked.
  let awaitsCall = false;
  walk(attempt.tryBlock, (n) => {
    if (isAwaitExpression(n) && isCallExpression(unwrap(n.expression)) && !isWait(unwrap(n.expression) as ts.CallExpression)) awaitsCall = true;
  });
  if (!awaitsCall) return undefined;
  if (!exitsLoop(attempt.tryBlock, { returns: true, throws: false, breaks: true })) return undefined;
  // A catch that always leaves the loop does not retry.
  const last = catchClause.block.statements[catchClause.block.statements.length - 1];
  if (last && (last.kind === SyntaxKind.ThrowStatement || last.kind === SyntaxKind.ReturnStatement || last.kind === SyntaxKind.BreakStatement)) return undefined;
  // `for (let i = 0; i < items.length; i++)` over a list: not a retry.
  const counter = counterOf(loop);
  if (counter && usesAsIndex(attempt.tryBlock, counter)) return undefined;
  if (counter && /\.length\b/.test(loop.kind === SyntaxKind.ForStatement && (loop as ts.ForStatement).condition ? (loop as ts.ForStatement).condition!.getText(sf) : '')) return undefined;
  // A retry loop counts attempts or runs until success: `i < 5`, `retries-- > 0`, `true`. Anything else
  // (`while ((flow = pending.get(key)))`, a condition on the clock, which is a poll until ready) is not one.
  const condition = isForStatement(loop) ? loop.condition : loop.expression;
  if (condition && !isTrue(condition) && !isAttemptCondition(condition)) return undefined;
  if (condition && /\b(?:Date|performance)\b|deadline/i.test(condition.getText(sf))) return undefined;
  // Failover: the target is picked in the loop (`const client = pick(remaining)`), so the next attempt goes elsewhere.
  if (picksTargetInLoop(body, attempt)) return undefined;
  const keywordStart = loop.getStart(sf);
  const keywordText = loop.kind === SyntaxKind.ForStatement ? 'for' : loop.kind === SyntaxKind.WhileStatement ? 'while' : 'do';
  return {
    loop,
    keyword: { start: keywordStart, end: keywordStart + keywordText.length },
    catchClause,
    delay: delayOf(body, attempt, reader),
    unbounded: isForever(loop) && !outsideTryExits(body, attempt),
  };
}

const COMPARISONS = new Set<number>([SyntaxKind.LessThanToken, SyntaxKind.LessThanEqualsToken, SyntaxKind.GreaterThanToken, SyntaxKind.GreaterThanEqualsToken, SyntaxKind.ExclamationEqualsEqualsToken, SyntaxKind.ExclamationEqualsToken]);

function isOperand(e: ts.Expression): boolean {
  const u = unwrap(e);
  return isIdentifier(u) || isPropertyAccessExpression(u) || isNumericLiteral(u) || ts.isPrefixUnaryExpression(u) || ts.isPostfixUnaryExpression(u);
}

/** `attempt < MAX`, `retries > 0`, `retries--`, `--left > 0`, `i <= this.maxRetries`. */
function isAttemptCondition(e: ts.Expression): boolean {
  const u = unwrap(e);
  if (ts.isBinaryExpression(u)) return COMPARISONS.has(u.operatorToken.kind) && isOperand(u.left) && isOperand(u.right);
  if (ts.isPostfixUnaryExpression(u) || ts.isPrefixUnaryExpression(u)) return isIdentifier(unwrap(u.operand));
  return false;
}

/** Whether an awaited call in the attempt goes through, or is given, a name declared in the loop body outside the `try`. */
function picksTargetInLoop(body: ts.Block, attempt: ts.TryStatement): boolean {
  const declared = new Set<string>();
  for (const s of body.statements) {
    if (s === attempt || !ts.isVariableStatement(s)) continue;
    for (const d of s.declarationList.declarations) if (isIdentifier(d.name)) declared.add(d.name.text);
  }
  if (declared.size === 0) return false;
  let picks = false;
  walk(attempt.tryBlock, (n) => {
    if (!isAwaitExpression(n)) return;
    const call = unwrap(n.expression);
    if (!isCallExpression(call)) return;
    // The callee's root or an argument: `client.call(...)`, `fetch(host, ...)`.
    let root: ts.Expression = unwrap(call.expression);
    while (isPropertyAccessExpression(root) || isElementAccessExpression(root)) root = unwrap(root.expression);
    const names = [root, ...call.arguments.map((a) => unwrap(a))];
    if (names.some((e) => isIdentifier(e) && declared.has(e.text))) picks = true;
  });
  return picks;
}

function counterOf(loop: ts.IterationStatement): string | undefined {
  if (!isForStatement(loop)) return undefined;
  const init = loop.initializer;
  if (init && isVariableDeclarationList(init) && init.declarations.length === 1 && isIdentifier(init.declarations[0].name)) return init.declarations[0].name.text;
  return undefined;
}

function usesAsIndex(block: ts.Node, counter: string): boolean {
  let used = false;
  walk(block, (n) => {
    if (isElementAccessExpression(n) && isIdentifier(unwrap(n.argumentExpression)) && (unwrap(n.argumentExpression) as ts.Identifier).text === counter) used = true;
  });
  return used;
}

function isTrue(e: ts.Expression | undefined): boolean {
  if (!e) return true;
  const u = unwrap(e);
  return u.kind === SyntaxKind.TrueKeyword || (isNumericLiteral(u) && u.text !== '0');
}

function isForever(loop: ts.ForStatement | ts.WhileStatement | ts.DoStatement): boolean {
  if (isForStatement(loop)) return loop.condition === undefined;
  return isTrue(loop.expression);
}

/** Whether anything in the loop body but the `try` block (the catch, the statements around it) can end the loop. */
function outsideTryExits(body: ts.Block, attempt: ts.TryStatement): boolean {
  const kinds = { returns: true, throws: true, breaks: true };
  if (attempt.catchClause && exitsLoop(attempt.catchClause.block, kinds)) return true;
  if (attempt.finallyBlock && exitsLoop(attempt.finallyBlock, kinds)) return true;
  return body.statements.some((s) => s !== attempt && (EXIT_KINDS.has(s.kind) || exitsLoop(s, kinds)));
}

const EXIT_KINDS = new Set<number>([SyntaxKind.ReturnStatement, SyntaxKind.ThrowStatement, SyntaxKind.BreakStatement]);

function isWait(call: ts.CallExpression): boolean {
  const callee = unwrap(call.expression);
  const name = isIdentifier(callee) ? callee.text : isPropertyAccessExpression(callee) ? callee.name.text : '';
  return WAIT_NAME.test(name) || BACKOFF_NAME.test(name);
}

/** How the loop waits before its next attempt. */
function delayOf(body: ts.Block, attempt: ts.TryStatement, reader: Reader): LoopDelay {
  let delay: LoopDelay = { kind: 'none' };
  let otherAwait = false;
  const consider = (found: LoopDelay) => {
    // Several waits: the strongest claim of a bound wins (growing > unknown > constant > none).
    const rank = { none: 0, constant: 1, unknown: 2, growing: 3 } as const;
    if (rank[found.kind] > rank[delay.kind]) delay = found;
  };
  walk(body, (n) => {
    if (n === attempt.tryBlock) {
      // Only waits in the attempt count there (`if (i > 0) await sleep(...)`), not the call itself.
      walk(n, (m) => {
        if (isAwaitExpression(m)) {
          const w = waitOf(unwrap(m.expression), reader);
          if (w) consider(w);
        }
      });
      return false;
    }
    if (isAwaitExpression(n)) {
      const w = waitOf(unwrap(n.expression), reader);
      if (w) consider(w);
      else otherAwait = true;
    } else if (isCallExpression(n) && !isAwaitParent(n)) {
      const callee = unwrap(n.expression);
      // A callback-style `setTimeout(retry, ms)` or a call that may wait somewhere else.
      if (isIdentifier(callee) && callee.text === 'setTimeout') consider({ kind: 'unknown' });
    }
  });
  if (delay.kind === 'none' && otherAwait) return { kind: 'unknown' };
  return delay;
}

function isAwaitParent(n: ts.Node): boolean {
  return n.parent !== undefined && isAwaitExpression(n.parent);
}

/** A wait and how long it is: `sleep(1000)`, `new Promise((r) => setTimeout(r, ms))`, `setTimeout(ms)` (timers/promises). */
function waitOf(e: ts.Expression, reader: Reader): LoopDelay | undefined {
  if (isNewExpression(e) && isIdentifier(e.expression) && e.expression.text === 'Promise' && e.arguments?.length === 1) {
    const executor = unwrap(e.arguments[0]);
    if (!isArrowFunction(executor) && !isFunctionExpression(executor)) return undefined;
    let found: LoopDelay | undefined;
    forEachChild(executor, function go(n): void {
      if (found) return;
      if (isCallExpression(n) && isIdentifier(n.expression) && n.expression.text === 'setTimeout') {
        found = n.arguments[1] ? lengthOf(n.arguments[1], reader) : { kind: 'none' };
        return;
      }
      forEachChild(n, go);
    });
    return found;
  }
  if (!isCallExpression(e)) return undefined;
  const callee = unwrap(e.expression);
  const name = isIdentifier(callee) ? callee.text : isPropertyAccessExpression(callee) ? callee.name.text : '';
  if (BACKOFF_NAME.test(name)) return { kind: 'growing' };
  if (!WAIT_NAME.test(name)) return undefined;
  const arg = e.arguments[0];
  if (!arg) return { kind: 'unknown' };
  return lengthOf(arg, reader);
}

/** A wait's length: a constant the file states, or something that may grow. */
function lengthOf(arg: ts.Expression, reader: Reader): LoopDelay {
  const v = reader.value(arg);
  if (v.kind === 'literal' && v.number !== undefined) return { kind: 'constant', at: arg, text: v.text };
  const e = unwrap(arg);
  if (e.kind === SyntaxKind.StringLiteral) return { kind: 'constant', at: arg, text: (e as ts.StringLiteral).text };
  return { kind: 'growing' };
}
