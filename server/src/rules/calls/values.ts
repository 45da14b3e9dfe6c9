// What an options object says, as far as the file makes it plain: the value at a key path
// (`requestHandler.requestTimeout`), following `const` objects, spreads of known objects and
// `new Handler({...})` wrappers; what a value is (a number, `true`, something that turns a bound
// off, or something we cannot know). Anything else is unknown, and unknown is never a finding.

import { ts } from '../../engine/ts';
import { Scopes, WHOLE_MODULE, requiredModule, unwrap } from '../timeouts/bindings';

const { SyntaxKind, isBinaryExpression, isCallExpression, isConditionalExpression, isComputedPropertyName, isIdentifier, isNewExpression, isNumericLiteral, isObjectLiteralExpression, isPrefixUnaryExpression, isPropertyAccessExpression, isPropertyAssignment, isShorthandPropertyAssignment, isSpreadAssignment, isStringLiteralLike } = ts;

export type Lookup =
  | { kind: 'absent'; /** the deepest object literal on the path, where a fix would add the rest */ object?: ts.ObjectLiteralExpression; missing: string[] }
  | { kind: 'unknown' }
  | { kind: 'found'; value: ts.Expression; property: ts.ObjectLiteralElementLike };

/** A value reduced to what the tables compare: `0`, `true`, `Infinity`, `null`, a number, or `other`. */
export type Value = { kind: 'literal'; text: string; number?: number } | { kind: 'other' };

/** `{ module, imported }` that an expression names: `Pool` from `import { Pool } from 'pg'`, `pg.Pool`, `require('pg').Pool`. */
export interface ExportRef {
  module: string;
  /** The export's name, `default`, `*` (the module), or a member path below it: `Redis.Cluster`. */
  imported: string;
}

export class Reader {
  readonly scopes = new Scopes();

  constructor(readonly sf: ts.SourceFile) {}

  /** The module export an expression refers to, through imports, requires and `const` aliases. */
  exportOf(expr: ts.Expression, depth = 0): ExportRef | undefined {
    const e = unwrap(expr);
    if (depth > 4) return undefined;
    const required = requiredModule(e);
    if (required) return required;
    if (isIdentifier(e)) {
      const binding = this.scopes.resolve(e, e.text);
      if (!binding) return undefined;
      if (binding.kind === 'module') return { module: binding.module, imported: binding.imported };
      if (binding.kind === 'variable' && binding.isConst && binding.declaration.initializer) {
        const init = unwrap(binding.declaration.initializer);
        if (isIdentifier(init) || isPropertyAccessExpression(init)) return this.exportOf(init, depth + 1);
      }
      return undefined;
    }
    if (isPropertyAccessExpression(e)) {
      const base = this.exportOf(e.expression, depth + 1);
      if (!base) return undefined;
      const name = e.name.text;
      if (base.imported === WHOLE_MODULE || base.imported === 'default') {
        return { module: base.module, imported: name === 'default' ? base.imported : name };
      }
      return { module: base.module, imported: `${base.imported}.${name}` };
    }
    return undefined;
  }

  /** An object literal that `expr` is, or names through a `const`. */
  objectOf(expr: ts.Expression, depth = 0): ts.ObjectLiteralExpression | undefined {
    const e = unwrap(expr);
    if (isObjectLiteralExpression(e)) return e;
    if (!isIdentifier(e) || depth > 3) return undefined;
    const binding = this.scopes.resolve(e, e.text);
    if (!binding || binding.kind !== 'variable' || !binding.isConst || !binding.declaration.initializer) return undefined;
    return this.objectOf(binding.declaration.initializer, depth + 1);
  }

  /**
   * The value at `path` in an object literal. Along the path a value may be an object literal, a
   * `const` naming one, or `new X({...})` / `X.create({...})` (a handler built from options).
   */
  lookup(object: ts.ObjectLiteralExpression, path: readonly string[], depth = 0): Lookup {
    const [key, ...rest] = path;
    const found = this.lookupKey(object, key, depth);
    if (found.kind !== 'found') return found.kind === 'absent' ? { kind: 'absent', object, missing: [...path] } : found;
    if (rest.length === 0) return found;
    const inner = this.optionsInside(found.value);
    if (!inner) return { kind: 'unknown' };
    return this.lookup(inner, rest, depth + 1);
  }

  /** The options object a value stands for: a literal, a `const`, or the first argument of `new X({...})`. */
  optionsInside(expr: ts.Expression): ts.ObjectLiteralExpression | undefined {
    const e = unwrap(expr);
    const direct = this.objectOf(e);
    if (direct) return direct;
    if ((isNewExpression(e) || isCallExpression(e)) && e.arguments && e.arguments.length === 1) return this.objectOf(e.arguments[0]);
    return undefined;
  }

  private lookupKey(object: ts.ObjectLiteralExpression, key: string, depth: number): Lookup {
    let result: Lookup = { kind: 'absent', missing: [key] };
    for (const element of object.properties) {
      if (isSpreadAssignment(element)) {
        const inner = depth < 3 ? this.objectOf(element.expression) : undefined;
        if (!inner) {
          // `...(cond && { a })`, `...(cond ? { a } : {})`: absent when no branch has the key.
          const branches = depth < 3 ? this.spreadBranches(element.expression) : undefined;
          if (!branches || branches.some((b) => this.lookupKey(b, key, depth + 1).kind !== 'absent')) result = { kind: 'unknown' };
          continue;
        }
        const found = this.lookupKey(inner, key, depth + 1);
        if (found.kind !== 'absent') result = found;
        continue;
      }
      const name = propertyName(element);
      if (name === undefined) {
        result = { kind: 'unknown' };
        continue;
      }
      if (name !== key) continue;
      if (isPropertyAssignment(element)) result = { kind: 'found', value: element.initializer, property: element };
      else if (isShorthandPropertyAssignment(element)) result = { kind: 'found', value: element.name, property: element };
      else result = { kind: 'unknown' };
    }
    return result;
  }

  /** The object literals a conditional spread may add; undefined when one branch may be anything else. */
  private spreadBranches(expr: ts.Expression): ts.ObjectLiteralExpression[] | undefined {
    const e = unwrap(expr);
    if (isBinaryExpression(e) && e.operatorToken.kind === SyntaxKind.AmpersandAmpersandToken) {
      // A falsy left side spreads nothing.
      const right = this.objectOf(e.right);
      return right ? [right] : undefined;
    }
    if (isConditionalExpression(e)) {
      const branches = [e.whenTrue, e.whenFalse].map((b) => this.objectOf(b));
      return branches.every((b) => b !== undefined) ? (branches as ts.ObjectLiteralExpression[]) : undefined;
    }
    return undefined;
  }

  /** A value reduced to a literal the tables can compare, following `const`s. */
  value(expr: ts.Expression, depth = 0): Value {
    const e = unwrap(expr);
    switch (e.kind) {
      case SyntaxKind.NumericLiteral: {
        const number = Number((e as ts.NumericLiteral).text.replace(/_/g, ''));
        return { kind: 'literal', text: String(number), number };
      }
      case SyntaxKind.TrueKeyword:
        return { kind: 'literal', text: 'true' };
      case SyntaxKind.FalseKeyword:
        return { kind: 'literal', text: 'false' };
      case SyntaxKind.NullKeyword:
        return { kind: 'literal', text: 'null' };
      case SyntaxKind.VoidExpression:
        return { kind: 'literal', text: 'undefined' };
    }
    if (isPrefixUnaryExpression(e) && e.operator === SyntaxKind.MinusToken && isNumericLiteral(e.operand)) {
      const number = -Number(e.operand.text.replace(/_/g, ''));
      return { kind: 'literal', text: String(number), number };
    }
    if (isStringLiteralLike(e)) return { kind: 'literal', text: JSON.stringify(e.text) };
    if (isIdentifier(e)) {
      const binding = this.scopes.resolve(e, e.text);
      if (!binding) return e.text === 'undefined' || e.text === 'Infinity' ? { kind: 'literal', text: e.text } : { kind: 'other' };
      if (binding.kind === 'variable' && binding.isConst && binding.declaration.initializer && depth < 3) return this.value(binding.declaration.initializer, depth + 1);
      return { kind: 'other' };
    }
    if (isPropertyAccessExpression(e) && isIdentifier(e.expression) && e.expression.text === 'Number' && e.name.text === 'POSITIVE_INFINITY') {
      return { kind: 'literal', text: 'Infinity' };
    }
    if (isBinaryExpression(e) && depth < 6) {
      const l = this.value(e.left, depth + 1);
      const r = this.value(e.right, depth + 1);
      if (l.kind !== 'literal' || r.kind !== 'literal' || l.number === undefined || r.number === undefined) return { kind: 'other' };
      let n: number | undefined;
      if (e.operatorToken.kind === SyntaxKind.AsteriskToken) n = l.number * r.number;
      else if (e.operatorToken.kind === SyntaxKind.PlusToken) n = l.number + r.number;
      else if (e.operatorToken.kind === SyntaxKind.MinusToken) n = l.number - r.number;
      if (n === undefined || !Number.isFinite(n)) return { kind: 'other' };
      return { kind: 'literal', text: String(n), number: n };
    }
    return { kind: 'other' };
  }

  /** The text of a string the file writes (a literal, a template without holes, a `const` naming one). */
  stringOf(expr: ts.Expression, depth = 0): string | undefined {
    const e = unwrap(expr);
    if (isStringLiteralLike(e)) return e.text;
    if (isIdentifier(e) && depth < 3) {
      const binding = this.scopes.resolve(e, e.text);
      if (binding?.kind === 'variable' && binding.isConst && binding.declaration.initializer) return this.stringOf(binding.declaration.initializer, depth + 1);
    }
    return undefined;
  }
}

export function propertyName(element: ts.ObjectLiteralElementLike): string | undefined {
  const name = element.name;
  if (!name) return undefined;
  if (isIdentifier(name) || isStringLiteralLike(name) || isNumericLiteral(name)) return name.text;
  if (isComputedPropertyName(name) && isStringLiteralLike(name.expression)) return name.expression.text;
  return undefined;
}
