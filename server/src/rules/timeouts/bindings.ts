// What a name in a JS/TS file stands for, found by walking up the lexical scopes from where it is
// used: an import or `require` of a module, a local variable (with its declaration), a parameter or
// something else. Only what the file itself makes plain; each scope's names are read once, on demand.

import { ts } from '../../engine/ts';

// TypeScript's namespace serves every member through a getter (engine/ts.ts): read
// the ones the walks use once, not on every node.
const { NodeFlags, SyntaxKind, isAsExpression, isAwaitExpression, isBindingElement, isCallExpression, isCaseBlock, isCatchClause, isClassDeclaration, isClassExpression, isEnumDeclaration, isExternalModuleReference, isForInStatement, isForOfStatement, isForStatement, isFunctionDeclaration, isFunctionExpression, isIdentifier, isImportDeclaration, isImportEqualsDeclaration, isNamespaceImport, isNonNullExpression, isObjectBindingPattern, isParenthesizedExpression, isPropertyAccessExpression, isSatisfiesExpression, isSourceFile, isStringLiteralLike, isTypeAssertionExpression, isVariableDeclarationList, isVariableStatement } = ts;

// `ts` and its members are getters on ts-morph's export: read once.

export type Binding =
  /** `import x from 'm'`, `import * as x`, `import { a as x }`, `const x = require('m')`, `const { a: x } = require('m')`. */
  | { kind: 'module'; module: string; imported: string }
  /** A variable declared with a plain identifier name. */
  | { kind: 'variable'; declaration: ts.VariableDeclaration; isConst: boolean }
  /** A function declaration (a name that holds a function). */
  | { kind: 'function'; declaration: ts.FunctionDeclaration }
  /** A parameter, a destructured variable, a class, an enum, a catch variable: nothing we can follow. */
  | { kind: 'opaque' };

/** `import * as x` and `const x = require('m')` bind the whole module. */
export const WHOLE_MODULE = '*';

/** Strips parentheses, `as`, `satisfies`, `!` and `<T>x` from an expression. */
export function unwrap(node: ts.Expression): ts.Expression {
  let n = node;
  for (;;) {
    if (isParenthesizedExpression(n) || isAsExpression(n) || isNonNullExpression(n) || isTypeAssertionExpression(n)) {
      n = n.expression;
    } else if (isSatisfiesExpression(n)) {
      n = n.expression;
    } else {
      return n;
    }
  }
}

/** `require('m')` -> 'm', `require('m').default` -> 'm' with `default`, `await import('m')` -> 'm'. */
export function requiredModule(expr: ts.Expression): { module: string; imported: string } | undefined {
  let e = unwrap(expr);
  let imported = WHOLE_MODULE;
  if (isPropertyAccessExpression(e) && isIdentifier(e.name)) {
    imported = e.name.text;
    e = unwrap(e.expression);
  }
  if (isAwaitExpression(e)) e = unwrap(e.expression);
  // Compiled output: `__importDefault(require('m'))`, `_interopRequireWildcard(require('m'))`, `tslib.__importStar(...)`.
  if (isCallExpression(e) && e.arguments.length >= 1 && INTEROP_HELPER.test(calleeName(e.expression))) e = unwrap(e.arguments[0]);
  if (!isCallExpression(e) || e.arguments.length !== 1) return undefined;
  const arg = e.arguments[0];
  if (!isStringLiteralLike(arg)) return undefined;
  const isRequire = isIdentifier(e.expression) && e.expression.text === 'require';
  const isImport = e.expression.kind === SyntaxKind.ImportKeyword;
  if (!isRequire && !isImport) return undefined;
  return { module: arg.text, imported };
}

const INTEROP_HELPER = /^_*(?:importDefault|importStar|interopRequireDefault|interopRequireWildcard|toESM)$/;

function calleeName(callee: ts.Expression): string {
  if (isIdentifier(callee)) return callee.text;
  if (isPropertyAccessExpression(callee)) return callee.name.text;
  return '';
}

const FUNCTION_KINDS = new Set<number>([
  SyntaxKind.FunctionDeclaration,
  SyntaxKind.FunctionExpression,
  SyntaxKind.ArrowFunction,
  SyntaxKind.MethodDeclaration,
  SyntaxKind.Constructor,
  SyntaxKind.GetAccessor,
  SyntaxKind.SetAccessor,
]);

/** Nodes that declare names visible to their descendants. */
const SCOPE_KINDS = new Set<number>([
  ...FUNCTION_KINDS,
  SyntaxKind.SourceFile,
  SyntaxKind.Block,
  SyntaxKind.ModuleBlock,
  SyntaxKind.CaseBlock,
  SyntaxKind.ForStatement,
  SyntaxKind.ForOfStatement,
  SyntaxKind.ForInStatement,
  SyntaxKind.CatchClause,
  SyntaxKind.ClassExpression,
]);

function isFunctionLike(node: ts.Node): node is ts.SignatureDeclaration & { parameters: ts.NodeArray<ts.ParameterDeclaration> } {
  return FUNCTION_KINDS.has(node.kind);
}

/** The innermost function (or the source file) that holds a node: where its code runs. */
export function functionOf(node: ts.Node): ts.Node {
  for (let n = node.parent; n; n = n.parent) {
    if (isFunctionLike(n) || isSourceFile(n)) return n;
  }
  return node.getSourceFile();
}

/**
 * The names each scope declares, kept per scope node for every reader and every version: they are
 * read from the scope's own parameters and statements only, and a scope node the incremental parser
 * reused holds the very same ones (the declarations a binding points at included). A scope that holds
 * the edit is a new node, and the source file is new every version. Held by the nodes (WeakMap).
 */
const declaredNames = new WeakMap<ts.Node, Map<string, Binding>>();

export class Scopes {

  /** What `name`, used at `from`, is bound to; undefined for a global (or undeclared) name. */
  resolve(from: ts.Node, name: string): Binding | undefined {
    for (let n: ts.Node | undefined = from.parent; n; n = n.parent) {
      if (!introducesNames(n)) continue;
      const names = this.namesOf(n);
      const found = names.get(name);
      if (found) return found;
    }
    return undefined;
  }

  /** The names the module scope declares (its imports, requires, top-level declarations). */
  moduleNames(sf: ts.SourceFile): ReadonlyMap<string, Binding> {
    return this.namesOf(sf);
  }

  private namesOf(scope: ts.Node): ReadonlyMap<string, Binding> {
    let names = declaredNames.get(scope);
    if (!names) {
      names = new Map();
      collectNames(scope, names);
      declaredNames.set(scope, names);
    }
    return names;
  }
}

function introducesNames(n: ts.Node): boolean {
  return SCOPE_KINDS.has(n.kind);
}

function collectNames(scope: ts.Node, names: Map<string, Binding>): void {
  const add = (name: string, binding: Binding) => {
    // The first declaration wins; a redeclaration with another meaning makes the name opaque.
    const previous = names.get(name);
    if (!previous) names.set(name, binding);
    else if (previous.kind !== binding.kind) names.set(name, { kind: 'opaque' });
  };
  if (isFunctionLike(scope)) {
    for (const parameter of scope.parameters) addBindingNames(parameter.name, add);
    if ((isFunctionExpression(scope)) && scope.name) add(scope.name.text, { kind: 'opaque' });
    return;
  }
  if (isClassExpression(scope)) {
    if (scope.name) add(scope.name.text, { kind: 'opaque' });
    return;
  }
  if (isCatchClause(scope)) {
    if (scope.variableDeclaration) addBindingNames(scope.variableDeclaration.name, add);
    return;
  }
  if (isForStatement(scope) || isForOfStatement(scope) || isForInStatement(scope)) {
    const init = scope.initializer;
    if (init && isVariableDeclarationList(init)) for (const d of init.declarations) addBindingNames(d.name, add);
    return;
  }
  const statements: readonly ts.Statement[] = isCaseBlock(scope)
    ? scope.clauses.flatMap((c) => [...c.statements])
    : (scope as ts.SourceFile | ts.Block | ts.ModuleBlock).statements;
  for (const statement of statements) {
    if (isVariableStatement(statement)) {
      const isConst = (statement.declarationList.flags & NodeFlags.Const) !== 0;
      for (const declaration of statement.declarationList.declarations) addVariable(declaration, isConst, add);
    } else if (isFunctionDeclaration(statement)) {
      if (statement.name) add(statement.name.text, { kind: 'function', declaration: statement });
    } else if (isClassDeclaration(statement) || isEnumDeclaration(statement)) {
      if (statement.name) add(statement.name.text, { kind: 'opaque' });
    } else if (isImportDeclaration(statement)) {
      addImport(statement, add);
    } else if (isImportEqualsDeclaration(statement)) {
      const ref = statement.moduleReference;
      if (isExternalModuleReference(ref) && isStringLiteralLike(ref.expression)) {
        add(statement.name.text, { kind: 'module', module: ref.expression.text, imported: WHOLE_MODULE });
      } else {
        add(statement.name.text, { kind: 'opaque' });
      }
    }
  }
}

type Add = (name: string, binding: Binding) => void;

function addBindingNames(name: ts.BindingName, add: Add): void {
  if (isIdentifier(name)) {
    add(name.text, { kind: 'opaque' });
    return;
  }
  for (const element of name.elements) {
    if (isBindingElement(element)) addBindingNames(element.name, add);
  }
}

function addVariable(declaration: ts.VariableDeclaration, isConst: boolean, add: Add): void {
  const { name, initializer } = declaration;
  const required = initializer ? requiredModule(initializer) : undefined;
  if (isIdentifier(name)) {
    add(name.text, required ? { kind: 'module', ...required } : { kind: 'variable', declaration, isConst });
    return;
  }
  if (required && required.imported === WHOLE_MODULE && isObjectBindingPattern(name)) {
    // `const { request, get: httpGet } = require('http')`
    for (const element of name.elements) {
      if (!isIdentifier(element.name)) {
        addBindingNames(element.name, add);
        continue;
      }
      const property = element.propertyName;
      const imported = element.dotDotDotToken
        ? undefined
        : property
          ? isIdentifier(property) || isStringLiteralLike(property)
            ? property.text
            : undefined
          : element.name.text;
      add(element.name.text, imported ? { kind: 'module', module: required.module, imported } : { kind: 'opaque' });
    }
    return;
  }
  addBindingNames(name, add);
}

function addImport(statement: ts.ImportDeclaration, add: Add): void {
  const specifier = statement.moduleSpecifier;
  const clause = statement.importClause;
  if (!clause || !isStringLiteralLike(specifier)) return;
  const module = specifier.text;
  if (clause.name) add(clause.name.text, { kind: 'module', module, imported: 'default' });
  const bindings = clause.namedBindings;
  if (!bindings) return;
  if (isNamespaceImport(bindings)) {
    add(bindings.name.text, { kind: 'module', module, imported: WHOLE_MODULE });
    return;
  }
  for (const element of bindings.elements) {
    const imported = element.propertyName ? element.propertyName.text : element.name.text;
    add(element.name.text, { kind: 'module', module, imported });
  }
}

/** Whether two bindings are the same: the same module and export, or the same declaration node (or both none). */
export function sameBinding(a: Binding | undefined, b: Binding | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'module':
      return a.module === (b as typeof a).module && a.imported === (b as typeof a).imported;
    case 'variable':
      return a.declaration === (b as typeof a).declaration && a.isConst === (b as typeof a).isConst;
    case 'function':
      return a.declaration === (b as typeof a).declaration;
    default:
      return true;
  }
}
