// Small readers over the raw TypeScript AST shared by the shutdown rule and its facts: which local
// names a file binds to which module, and expressions without their wrappers.

import { ts } from '../../engine/ts';
import { kindSet, nodesOfKinds } from '../../engine/incremental';

// TypeScript's namespace serves every member through a getter (engine/ts.ts): read
// the ones the walks use once, not on every node.
const { isAsExpression, isAwaitExpression, isCallExpression, isExternalModuleReference, isIdentifier, isImportDeclaration, isImportEqualsDeclaration, isNamedImports, isNamespaceImport, isNonNullExpression, isObjectBindingPattern, isParenthesizedExpression, isPropertyAccessExpression, isSatisfiesExpression, isStringLiteralLike, isTypeAssertionExpression, isVariableDeclaration } = ts;

/** What `moduleBindings` reads, kept per statement for a live document (engine/incremental.ts). */
const BINDING_FORMS = kindSet(ts.SyntaxKind.ImportDeclaration, ts.SyntaxKind.ImportEqualsDeclaration, ts.SyntaxKind.VariableDeclaration);

/** What a local name is bound to: `'default'`, `'*'` (namespace or the whole `require`), or an export name. */
export interface ModuleBinding {
  module: string;
  imported: string;
}

/** `node:http` and `http` are the same module. */
export function normalizeModule(name: string): string {
  return name.startsWith('node:') ? name.slice(5) : name;
}

export function moduleNameOf(node: ts.Node | undefined): string | undefined {
  if (!node) return undefined;
  return isStringLiteralLike(node) ? normalizeModule(node.text) : undefined;
}

/** `(x)`, `x!`, `x as T`, `<T>x`, `x satisfies T` and `await x` all stand for `x` here. */
export function stripExpression(node: ts.Expression): ts.Expression {
  let e = node;
  for (;;) {
    if (isParenthesizedExpression(e) || isNonNullExpression(e) || isAsExpression(e) || isTypeAssertionExpression(e) || isSatisfiesExpression(e) || isAwaitExpression(e)) {
      e = e.expression;
    } else {
      return e;
    }
  }
}

/** `require('m')` (possibly `require('m').default` or `require('m').name`) as a binding, else undefined. */
export function requireOf(node: ts.Expression): ModuleBinding | undefined {
  const e = stripExpression(node);
  if (isCallExpression(e) && isIdentifier(e.expression) && e.expression.text === 'require' && e.arguments.length === 1) {
    const module = moduleNameOf(e.arguments[0]);
    return module ? { module, imported: '*' } : undefined;
  }
  if (isPropertyAccessExpression(e)) {
    const inner = requireOf(e.expression);
    if (inner && inner.imported === '*') return { module: inner.module, imported: e.name.text };
  }
  return undefined;
}

/**
 * The file's module bindings: ES imports, `import x = require()`, and `require()` assigned to a
 * name or destructured. A name bound twice to different things is left out (cannot be told apart).
 */
export function moduleBindings(sf: ts.SourceFile): Map<string, ModuleBinding> {
  const out = new Map<string, ModuleBinding>();
  const conflicted = new Set<string>();
  const bind = (name: string, binding: ModuleBinding) => {
    const previous = out.get(name);
    if (previous && (previous.module !== binding.module || previous.imported !== binding.imported)) conflicted.add(name);
    else out.set(name, binding);
  };
  for (const node of nodesOfKinds(sf, BINDING_FORMS)) {
    if (isImportDeclaration(node)) {
      const module = moduleNameOf(node.moduleSpecifier);
      const clause = node.importClause;
      if (module && clause) {
        if (clause.name) bind(clause.name.text, { module, imported: 'default' });
        const named = clause.namedBindings;
        if (named && isNamespaceImport(named)) bind(named.name.text, { module, imported: '*' });
        if (named && isNamedImports(named)) {
          for (const element of named.elements) {
            bind(element.name.text, { module, imported: (element.propertyName ?? element.name).text });
          }
        }
      }
      continue;
    }
    if (isImportEqualsDeclaration(node) && isExternalModuleReference(node.moduleReference)) {
      const module = moduleNameOf(node.moduleReference.expression);
      if (module) bind(node.name.text, { module, imported: '*' });
      continue;
    }
    if (isVariableDeclaration(node) && node.initializer) {
      const required = requireOf(node.initializer);
      if (required) {
        if (isIdentifier(node.name)) bind(node.name.text, required);
        else if (isObjectBindingPattern(node.name) && required.imported === '*') {
          for (const element of node.name.elements) {
            if (!isIdentifier(element.name) || element.dotDotDotToken) continue;
            const property = element.propertyName && isIdentifier(element.propertyName) ? element.propertyName.text : element.name.text;
            bind(element.name.text, { module: required.module, imported: property });
          }
        }
      }
    }
  }
  for (const name of conflicted) out.delete(name);
  return out;
}
