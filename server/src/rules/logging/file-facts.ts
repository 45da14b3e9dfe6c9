// What the logging rules need to know about one JS/TS file, gathered in a single walk of the raw
// syntax tree and kept per document version (both logging rules share it): the console calls,
// the calls on structured loggers, which names are bound to which logger, and the imports that
// tell service code from browser code.

import { ts } from '../../engine/ts';
import type { ParsedDocument } from '../../engine/document';
import type { WorkspaceFacts } from '../../engine/workspace-facts';
import { kindSet, nodesOfKinds } from '../../engine/incremental';

// TypeScript's namespace serves every member through a getter (engine/ts.ts): read
// the ones the walks use once, not on every node.
const { SyntaxKind, canHaveModifiers, isElementAccessExpression, getModifiers, isAsExpression, isAwaitExpression, isBlock, isCallExpression, isCaseClause, isConstructorDeclaration, isDefaultClause, isExpressionStatement, isExternalModuleReference, isForInStatement, isForOfStatement, isForStatement, isFunctionLike, isIdentifier, isImportDeclaration, isImportEqualsDeclaration, isModuleBlock, isNamespaceImport, isNewExpression, isNonNullExpression, isObjectBindingPattern, isOmittedExpression, isParenthesizedExpression, isPrivateIdentifier, isPropertyAccessExpression, isSatisfiesExpression, isSourceFile, isStringLiteral, isStringLiteralLike, isTypeAssertionExpression, isTypeReferenceNode, isVariableStatement } = ts;

export type LoggerKind = 'pino' | 'winston' | 'bunyan';

export const CONSOLE_METHODS = new Set(['log', 'info', 'warn', 'error', 'debug', 'trace']);

/** The methods that log at a level, per logger. */
export const LOGGER_METHODS: Record<LoggerKind, Set<string>> = {
  pino: new Set(['trace', 'debug', 'info', 'warn', 'error', 'fatal']),
  bunyan: new Set(['trace', 'debug', 'info', 'warn', 'error', 'fatal']),
  winston: new Set(['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly', 'log']),
};

type DeclKind = 'var' | 'param' | 'function' | 'class' | 'import' | 'catch' | 'other';

interface Declaration {
  kind: DeclKind;
  node: ts.Node;
  /** For `const x = <init>`. */
  init?: ts.Expression;
  /** A declared type (`logger: pino.Logger`). */
  type?: ts.TypeNode;
  /** Imported from a module of the project: `import { logger } from './logger'` is `{ './logger', 'logger' }`. */
  from?: ImportedName;
}

/**
 * A name imported from a relative module: `default`, a named export, or `module.exports` (the whole
 * CommonJS export, what `require('./x')` returns).
 */
export interface ImportedName {
  specifier: string;
  name: string;
}

/** What the workspace knows about loggers other modules export (WorkspaceFacts.loggerExport). */
export type ImportedLoggers = (specifier: string, name: string) => LoggerKind | undefined;

/** A name bound to a logger, with where it can be used. */
export interface LoggerBinding {
  name: string;
  kind: LoggerKind;
  /** End of the declaration: a call before it would hit the temporal dead zone. */
  declEnd: number;
  /** The block (or file) the binding is visible in. */
  scope: ts.Node;
  moduleLevel: boolean;
}

export interface LoggerCall {
  call: ts.CallExpression;
  callee: ts.PropertyAccessExpression;
  kind: LoggerKind;
  method: string;
}

export interface ModuleNames {
  /** Local names of the pino factory (`import pino from 'pino'`, `const pino = require('pino')`). */
  pino: Set<string>;
  /** Namespace/default names of winston and bunyan. */
  winston: Set<string>;
  bunyan: Set<string>;
  /** `createLogger` imported by name. */
  winstonCreate: Set<string>;
  bunyanCreate: Set<string>;
  /** `util` namespace names, and `format` imported from util. */
  util: Set<string>;
  utilFormat: Set<string>;
  /** Logger types imported by name (`import type { Logger } from 'pino'`). */
  loggerTypes: Map<string, LoggerKind>;
}

export interface ConsoleCall {
  call: ts.CallExpression;
  callee: ts.PropertyAccessExpression | ts.ElementAccessExpression;
  method: string;
  callback?: true;
  computed?: true;
}

/**
 * The console method a callee names: `console.log`, `console['log']`, or `console[level]` (computed:
 * any method, unknown here). Undefined when it is not `console`'s or not a logging method.
 */
function consoleMethodOf(callee: ts.Expression, sf: ts.SourceFile): { method: string; computed?: true } | undefined {
  if (isPropertyAccessExpression(callee)) {
    if (!isIdentifier(callee.expression) || callee.expression.text !== 'console' || !isIdentifier(callee.name)) return undefined;
    return CONSOLE_METHODS.has(callee.name.text) ? { method: callee.name.text } : undefined;
  }
  if (!isElementAccessExpression(callee) || callee.questionDotToken) return undefined;
  if (!isIdentifier(callee.expression) || callee.expression.text !== 'console') return undefined;
  const key = callee.argumentExpression;
  if (isStringLiteralLike(key)) return CONSOLE_METHODS.has(key.text) ? { method: key.text } : undefined;
  // A number or another literal names no method; anything else picks one at run time.
  if (key.kind === SyntaxKind.NumericLiteral || key.kind === SyntaxKind.TrueKeyword || key.kind === SyntaxKind.FalseKeyword || key.kind === SyntaxKind.NullKeyword) return undefined;
  return { method: key.getText(sf).replace(/\s+/g, ' '), computed: true };
}

export interface FileFacts {
  sourceFile: ts.SourceFile;
  /**
   * `console.<method>(...)` calls, and `console.<method>` handed to a call as a callback
   * (`main().catch(console.error)`: then `call` is the call it is handed to). `console['log'](...)`
   * is the same call; `console[level](...)` is a console call whose method is only known at run time
   * (`computed`, with `method` the key's text).
   */
  consoleCalls: ConsoleCall[];
  loggerCalls: LoggerCall[];
  /**
   * `<name>.log.<method>(...)` calls on something the walk cannot type (`request.log`, `fastify.log`):
   * logger-targets.ts decides whether the receiver is a request's or a framework's logger.
   */
  dotLogCalls: Array<{ call: ts.CallExpression; callee: ts.PropertyAccessExpression }>;
  loggers: LoggerBinding[];
  modules: ModuleNames;
  /** Every name declared anywhere in the file. */
  declared: Set<string>;
  /** Declarations that are catch-clause variables. */
  catchVariables: Set<ts.Node>;
  /** Imports a UI framework (react, vue, svelte, preact, solid). */
  importsUiFramework: boolean;
  /** Imports a library for talking to a person on a terminal (commander, chalk, ...), or reads `process.argv`. */
  importsTerminalLibrary: boolean;
  /** Imports a test framework (node:test, vitest, jest, mocha, ...). */
  importsTestFramework: boolean;
  /** Module specifiers of relative imports and requires (`./helpers/db`), as written. */
  relativeImports: string[];
  /** Uses the browser's `window` or `document` globals. */
  touchesDom: boolean;
  /** Has a `'use client'` directive (a React client component). */
  useClient: boolean;
  /** The last top-level import or require statement, where an added import goes. */
  lastImport: ts.Statement | undefined;
  hasEsmSyntax: boolean;
  hasRequire: boolean;
  /** Resolves an identifier used at `node` to the declarations of its name (file-wide, not scope-exact). */
  declarationsOf(name: string): readonly Declaration[];
  /** The logger kind of an expression, when the file makes it plain. */
  loggerKindOf(expr: ts.Expression): LoggerKind | undefined;
}

const UI_MODULE = /^(?:react|react-dom|vue|svelte|preact|solid-js)(?:\/|$)/;
const UTIL_MODULE = new Set(['util', 'node:util']);
const TEST_MODULE = /^(?:node:test|vitest|@jest\/globals|mocha|tap|ava|chai|supertest|@playwright\/test|uvu)(?:\/|$)/;
/** Libraries for talking to a person on a terminal: a file importing one is a command line tool. */
export const TERMINAL_MODULES = String.raw`(?:node:)?readline|commander|yargs|meow|cac|inquirer|@inquirer\/[^/'"]+|prompts|enquirer|ora|listr2?|chalk|kleur|picocolors|colorette|colors|cli-table3?|@clack\/prompts|yeoman-generator|boxen|figlet|log-symbols|cli-progress|@oclif\/[^/'"]+|clipanion|sade|gluegun|vorpal`;
const TERMINAL_MODULE = new RegExp(`^(?:${TERMINAL_MODULES})(?:\\/|$)`);

/** The facts of the rule context's document, with the workspace answering about imported loggers. */
export function factsFor(ctx: { doc: ParsedDocument; workspace: WorkspaceFacts }): FileFacts {
  return fileFacts(ctx.doc, (specifier, name) => ctx.workspace.loggerExport(ctx.doc.path, specifier, name));
}

interface Cached {
  facts: FileFacts;
  /** The questions about imported loggers the facts depend on, with the answers they got. */
  asked: Array<[specifier: string, name: string, answer: LoggerKind | undefined]>;
}

/**
 * Per document version, the last two gatherings: the rules ask with the workspace's answers, the
 * workspace index asks with none (for what the module exports), and neither must evict the other.
 */
const cache = new WeakMap<ParsedDocument, Cached[]>();

/**
 * The facts of a document. `imported` answers which relative imports are loggers (the workspace
 * index knows); the facts are kept per document version and gathered again only when one of the
 * answers they used has changed.
 */
export function fileFacts(doc: ParsedDocument, imported?: ImportedLoggers): FileFacts {
  const entries = cache.get(doc) ?? [];
  const hit = entries.find((entry) => entry.asked.every(([specifier, name, answer]) => imported?.(specifier, name) === answer));
  if (hit) return hit.facts;
  const asked: Cached['asked'] = [];
  const facts = gather(doc.sourceFile, (specifier, name) => {
    const answer = imported?.(specifier, name);
    asked.push([specifier, name, answer]);
    return answer;
  });
  cache.set(doc, [{ facts, asked }, ...entries.slice(0, 1)]);
  return facts;
}

/**
 * `gather` kept per file facts (one document version). For what a fix works out about the whole file
 * (its quote style, whether its keys are snake_case, where each call is) and then asks of every
 * finding: gathered once, not once per finding, so a file's fixes cost its size plus its findings.
 */
export function perFile<T>(gather: (facts: FileFacts) => T): (facts: FileFacts) => T {
  const kept = new WeakMap<FileFacts, { value: T }>();
  return (facts) => {
    let entry = kept.get(facts);
    if (!entry) {
      entry = { value: gather(facts) };
      kept.set(facts, entry);
    }
    return entry.value;
  };
}

export function unwrap(expr: ts.Expression): ts.Expression {
  let e = expr;
  for (;;) {
    if (isParenthesizedExpression(e) || isNonNullExpression(e) || isAsExpression(e) || isSatisfiesExpression(e) || isTypeAssertionExpression(e) || isAwaitExpression(e)) {
      e = e.expression;
    } else {
      return e;
    }
  }
}

function requiredModule(expr: ts.Expression | undefined): string | undefined {
  if (!expr) return undefined;
  const e = unwrap(expr);
  if (
    isCallExpression(e) &&
    isIdentifier(e.expression) &&
    e.expression.text === 'require' &&
    e.arguments.length === 1 &&
    isStringLiteralLike(e.arguments[0])
  ) {
    return e.arguments[0].text;
  }
  return undefined;
}

function isRequireStatement(statement: ts.Statement): boolean {
  if (isVariableStatement(statement)) {
    const decls = statement.declarationList.declarations;
    return decls.length > 0 && decls.every((d) => {
      if (!d.initializer) return false;
      let init = unwrap(d.initializer);
      while (isPropertyAccessExpression(init) || isCallExpression(init)) {
        if (requiredModule(init)) return true;
        init = init.expression;
      }
      return false;
    });
  }
  return isExpressionStatement(statement) && requiredModule(statement.expression) !== undefined;
}

/** The kinds `gather` reads. */
const GATHERED = kindSet(
  SyntaxKind.ImportDeclaration, SyntaxKind.ImportEqualsDeclaration, SyntaxKind.ExportAssignment, SyntaxKind.ExportDeclaration,
  SyntaxKind.VariableDeclaration, SyntaxKind.Parameter, SyntaxKind.PropertyDeclaration, SyntaxKind.BinaryExpression,
  SyntaxKind.FunctionDeclaration, SyntaxKind.FunctionExpression, SyntaxKind.ClassDeclaration, SyntaxKind.ClassExpression,
  SyntaxKind.EnumDeclaration, SyntaxKind.ModuleDeclaration, SyntaxKind.CatchClause, SyntaxKind.CallExpression,
  SyntaxKind.PropertyAccessExpression, SyntaxKind.ElementAccessExpression, SyntaxKind.TypeOfExpression,
);

function gather(sourceFile: ts.SourceFile, importedLogger: ImportedLoggers): FileFacts {
  const decls = new Map<string, Declaration[]>();
  const catchVariables = new Set<ts.Node>();
  const modules: ModuleNames = {
    pino: new Set(),
    winston: new Set(),
    bunyan: new Set(),
    winstonCreate: new Set(),
    bunyanCreate: new Set(),
    util: new Set(),
    utilFormat: new Set(),
    loggerTypes: new Map(),
  };
  /** What `this.<name>` is assigned or declared as, anywhere in the file's classes. */
  const thisProps = new Map<string, Array<{ init?: ts.Expression; type?: ts.TypeNode }>>();
  const noteThisProp = (name: string, init?: ts.Expression, type?: ts.TypeNode) => {
    let list = thisProps.get(name);
    if (!list) thisProps.set(name, (list = []));
    list.push({ init, type });
  };
  const consoleCandidates: FileFacts['consoleCalls'] = [];
  const memberCalls: Array<{ call: ts.CallExpression; callee: ts.PropertyAccessExpression }> = [];
  let importsUiFramework = false;
  let importsTerminalLibrary = false;
  let importsTestFramework = false;
  const relativeImports: string[] = [];
  let domCandidate = false;
  let hasEsmSyntax = false;
  let hasRequire = false;

  const declare = (name: string, kind: DeclKind, node: ts.Node, init?: ts.Expression, type?: ts.TypeNode, from?: ImportedName) => {
    let list = decls.get(name);
    if (!list) decls.set(name, (list = []));
    list.push({ kind, node, init, type, from });
  };
  const relative = (specifier: string, name: string): ImportedName | undefined => (specifier.startsWith('.') ? { specifier, name } : undefined);

  const noteModuleBinding = (moduleName: string, local: string, imported: 'default' | 'namespace' | string) => {
    if (imported === 'Logger' || imported === 'BaseLogger') {
      if (moduleName === 'pino') modules.loggerTypes.set(local, 'pino');
      if (moduleName === 'winston') modules.loggerTypes.set(local, 'winston');
      if (moduleName === 'bunyan') modules.loggerTypes.set(local, 'bunyan');
    }
    if (moduleName === 'pino') {
      if (imported === 'default' || imported === 'namespace' || imported === 'pino') modules.pino.add(local);
    } else if (moduleName === 'winston') {
      if (imported === 'default' || imported === 'namespace') modules.winston.add(local);
      else if (imported === 'createLogger') modules.winstonCreate.add(local);
    } else if (moduleName === 'bunyan') {
      if (imported === 'default' || imported === 'namespace') modules.bunyan.add(local);
      else if (imported === 'createLogger') modules.bunyanCreate.add(local);
    } else if (UTIL_MODULE.has(moduleName)) {
      if (imported === 'default' || imported === 'namespace') modules.util.add(local);
      else if (imported === 'format') modules.utilFormat.add(local);
    }
  };

  const declareBindingName = (name: ts.BindingName, kind: DeclKind, init?: ts.Expression, type?: ts.TypeNode) => {
    if (isIdentifier(name)) {
      declare(name.text, kind, name.parent, init, type);
      return;
    }
    const fromModule = kind === 'var' ? requiredModule(init) : undefined;
    for (const element of name.elements) {
      if (isOmittedExpression(element)) continue;
      if (fromModule && isObjectBindingPattern(name) && isIdentifier(element.name) && !element.dotDotDotToken) {
        const imported = element.propertyName && isIdentifier(element.propertyName) ? element.propertyName.text : element.name.text;
        noteModuleBinding(fromModule, element.name.text, imported);
        declare(element.name.text, 'other', element, undefined, undefined, relative(fromModule, imported));
        continue;
      }
      declareBindingName(element.name, kind === 'var' ? 'other' : kind);
    }
  };

  const visit = (node: ts.Node): void => {
    switch (node.kind) {
      case SyntaxKind.ImportDeclaration: {
        hasEsmSyntax = true;
        const imp = node as ts.ImportDeclaration;
        const moduleName = isStringLiteral(imp.moduleSpecifier) ? imp.moduleSpecifier.text : '';
        if (UI_MODULE.test(moduleName)) importsUiFramework = true;
        if (TERMINAL_MODULE.test(moduleName)) importsTerminalLibrary = true;
        if (TEST_MODULE.test(moduleName)) importsTestFramework = true;
        if (moduleName.startsWith('.')) relativeImports.push(moduleName);
        const clause = imp.importClause;
        if (clause) {
          if (clause.name) {
            declare(clause.name.text, 'import', clause, undefined, undefined, clause.isTypeOnly ? undefined : relative(moduleName, 'default'));
            noteModuleBinding(moduleName, clause.name.text, 'default');
          }
          const bindings = clause.namedBindings;
          if (bindings && isNamespaceImport(bindings)) {
            declare(bindings.name.text, 'import', bindings);
            noteModuleBinding(moduleName, bindings.name.text, 'namespace');
          } else if (bindings) {
            for (const el of bindings.elements) {
              const typeOnly = el.isTypeOnly || clause.isTypeOnly;
              declare(el.name.text, 'import', el, undefined, undefined, typeOnly ? undefined : relative(moduleName, (el.propertyName ?? el.name).text));
              const imported = (el.propertyName ?? el.name).text;
              if (!el.isTypeOnly && !clause.isTypeOnly) noteModuleBinding(moduleName, el.name.text, imported);
              else if (imported === 'Logger' || imported === 'BaseLogger') noteModuleBinding(moduleName, el.name.text, imported);
            }
          }
        }
        return;
      }
      case SyntaxKind.ImportEqualsDeclaration: {
        const imp = node as ts.ImportEqualsDeclaration;
        const ref = imp.moduleReference;
        const fromModule = isExternalModuleReference(ref) && isStringLiteral(ref.expression) && !imp.isTypeOnly ? ref.expression.text : '';
        declare(imp.name.text, 'import', imp, undefined, undefined, relative(fromModule, 'module.exports'));
        if (isExternalModuleReference(ref) && isStringLiteral(ref.expression)) {
          noteModuleBinding(ref.expression.text, imp.name.text, 'namespace');
        }
        return;
      }
      case SyntaxKind.ExportAssignment:
      case SyntaxKind.ExportDeclaration:
        hasEsmSyntax = true;
        break;
      case SyntaxKind.VariableDeclaration: {
        const d = node as ts.VariableDeclaration;
        const moduleName = requiredModule(d.initializer);
        if (moduleName && isIdentifier(d.name)) noteModuleBinding(moduleName, d.name.text, 'namespace');
        if (moduleName && isIdentifier(d.name) && d.initializer && isPropertyAccessExpression(unwrap(d.initializer))) {
          // handled below by requiredModule on the object; nothing special
        }
        // `const createLogger = require('winston').createLogger`
        if (d.initializer && isIdentifier(d.name)) {
          const init = unwrap(d.initializer);
          if (isPropertyAccessExpression(init)) {
            const from = requiredModule(init.expression);
            if (from) noteModuleBinding(from, d.name.text, init.name.text === 'default' ? 'default' : init.name.text);
          }
        }
        declareBindingName(d.name, 'var', d.initializer, d.type);
        break;
      }
      case SyntaxKind.Parameter: {
        const param = node as ts.ParameterDeclaration;
        declareBindingName(param.name, 'param', undefined, param.type);
        // `constructor(private readonly logger: Logger)` is also `this.logger`.
        if (isIdentifier(param.name) && isConstructorDeclaration(param.parent) && getModifiers(param)?.length) {
          noteThisProp(param.name.text, undefined, param.type);
        }
        break;
      }
      case SyntaxKind.PropertyDeclaration: {
        const prop = node as ts.PropertyDeclaration;
        if (isIdentifier(prop.name) || isPrivateIdentifier(prop.name)) noteThisProp(prop.name.text, prop.initializer, prop.type);
        break;
      }
      case SyntaxKind.BinaryExpression: {
        const bin = node as ts.BinaryExpression;
        if (
          bin.operatorToken.kind === SyntaxKind.EqualsToken &&
          isPropertyAccessExpression(bin.left) &&
          bin.left.expression.kind === SyntaxKind.ThisKeyword
        ) {
          noteThisProp(bin.left.name.text, bin.right);
        }
        break;
      }
      case SyntaxKind.FunctionDeclaration:
      case SyntaxKind.FunctionExpression:
      case SyntaxKind.ClassDeclaration:
      case SyntaxKind.ClassExpression: {
        const name = (node as ts.FunctionDeclaration | ts.ClassDeclaration).name;
        if (name) declare(name.text, node.kind === SyntaxKind.ClassDeclaration || node.kind === SyntaxKind.ClassExpression ? 'class' : 'function', node);
        break;
      }
      case SyntaxKind.EnumDeclaration:
      case SyntaxKind.ModuleDeclaration: {
        const name = (node as ts.EnumDeclaration).name;
        if (isIdentifier(name)) declare(name.text, 'other', node);
        break;
      }
      case SyntaxKind.CatchClause: {
        // Its variable is a `catch` binding, not a `var` one: the walk below skips its VariableDeclaration.
        const v = (node as ts.CatchClause).variableDeclaration;
        if (v && isIdentifier(v.name)) {
          declare(v.name.text, 'catch', v);
          catchVariables.add(v);
        }
        break;
      }
      case SyntaxKind.CallExpression: {
        const call = node as ts.CallExpression;
        const callee = call.expression;
        if (isIdentifier(callee) && callee.text === 'require') {
          hasRequire = true;
          const arg = call.arguments[0];
          if (arg && isStringLiteralLike(arg) && TERMINAL_MODULE.test(arg.text)) importsTerminalLibrary = true;
          if (arg && isStringLiteralLike(arg) && TEST_MODULE.test(arg.text)) importsTestFramework = true;
          if (arg && isStringLiteralLike(arg) && arg.text.startsWith('.')) relativeImports.push(arg.text);
        }
        if (isPropertyAccessExpression(callee) && isIdentifier(callee.name)) {
          if (isIdentifier(callee.expression) && callee.expression.text === 'console') {
            if (CONSOLE_METHODS.has(callee.name.text)) consoleCandidates.push({ call, callee, method: callee.name.text });
          } else {
            memberCalls.push({ call, callee });
          }
        } else if (isElementAccessExpression(callee)) {
          const named = consoleMethodOf(callee, sourceFile);
          if (named) consoleCandidates.push({ call, callee, ...named });
        }
        break;
      }
      case SyntaxKind.PropertyAccessExpression: {
        const pa = node as ts.PropertyAccessExpression;
        if (isIdentifier(pa.expression) && (pa.expression.text === 'window' || pa.expression.text === 'document')) domCandidate = true;
        // `process.argv`: a program driven from a command line.
        if (pa.name.text === 'argv' && isIdentifier(pa.expression) && pa.expression.text === 'process') importsTerminalLibrary = true;
        if (
          isIdentifier(pa.expression) &&
          pa.expression.text === 'console' &&
          CONSOLE_METHODS.has(pa.name.text) &&
          isCallExpression(pa.parent) &&
          pa.parent.arguments.some((a) => a === pa)
        ) {
          consoleCandidates.push({ call: pa.parent, callee: pa, method: pa.name.text, callback: true });
        }
        break;
      }
      case SyntaxKind.ElementAccessExpression: {
        // `promise.catch(console['error'])`: handed over as a callback, like `console.error`.
        const ea = node as ts.ElementAccessExpression;
        if (isCallExpression(ea.parent) && ea.parent.arguments.some((a) => a === ea)) {
          const named = consoleMethodOf(ea, sourceFile);
          if (named) consoleCandidates.push({ call: ea.parent, callee: ea, ...named, callback: true });
        }
        break;
      }
      case SyntaxKind.TypeOfExpression: {
        // `typeof window !== 'undefined'`: code written to run in a browser too.
        const operand = (node as ts.TypeOfExpression).expression;
        if (isIdentifier(operand) && (operand.text === 'window' || operand.text === 'document')) domCandidate = true;
        break;
      }
      default:
        break;
    }
  };
  // The nodes of the kinds read above, in a pre-order walk's order (engine/incremental.ts: one walk shared with the other
  // readers in the CLI, kept per statement in the editor). Nothing under an import is read; a catch clause's identifier
  // variable is its own kind of binding.
  let pruned: ts.Node | undefined;
  for (const node of nodesOfKinds(sourceFile, GATHERED)) {
    if (pruned && node.pos >= pruned.pos && node.end <= pruned.end) continue;
    pruned = undefined;
    if (node.kind === SyntaxKind.ImportDeclaration || node.kind === SyntaxKind.ImportEqualsDeclaration) pruned = node;
    else if (node.kind === SyntaxKind.VariableDeclaration && node.parent.kind === SyntaxKind.CatchClause && isIdentifier((node as ts.VariableDeclaration).name)) continue;
    visit(node);
  }

  const declarationsOf = (name: string): readonly Declaration[] => decls.get(name) ?? [];

  const touchesDom = domCandidate && declarationsOf('window').length === 0 && declarationsOf('document').length === 0;

  // Logger kinds, resolved after the walk (a function may use a logger declared below it).
  const nameKinds = new Map<string, LoggerKind | null>();
  const resolving = new Set<string>();

  const kindOfName = (name: string): LoggerKind | undefined => {
    if (nameKinds.has(name)) return nameKinds.get(name) ?? undefined;
    if (resolving.has(name)) return undefined;
    resolving.add(name);
    const list = declarationsOf(name);
    let kind: LoggerKind | undefined;
    let ok = list.length > 0;
    for (const d of list) {
      const k = d.from
        ? importedLogger(d.from.specifier, d.from.name)
        : d.type && (d.kind === 'var' || d.kind === 'param')
          ? loggerKindOfType(d.type)
          : d.kind === 'var' && d.init ? loggerKindOf(d.init) : undefined;
      if (!k || (kind && kind !== k)) {
        ok = false;
        break;
      }
      kind = k;
    }
    resolving.delete(name);
    const result = ok ? kind : undefined;
    nameKinds.set(name, result ?? null);
    return result;
  };

  const thisKinds = new Map<string, LoggerKind | null>();
  const kindOfThisProp = (name: string): LoggerKind | undefined => {
    if (thisKinds.has(name)) return thisKinds.get(name) ?? undefined;
    thisKinds.set(name, null); // cycles: `this.log = this.log.child(...)`
    const list = thisProps.get(name) ?? [];
    let kind: LoggerKind | undefined;
    let ok = list.length > 0;
    for (const entry of list) {
      const k = entry.type ? loggerKindOfType(entry.type) : entry.init ? loggerKindOf(entry.init) : undefined;
      if (!k && !entry.type && !entry.init) continue; // `logger;` with neither: says nothing
      if (!k || (kind && kind !== k)) {
        ok = false;
        break;
      }
      kind = k;
    }
    const result = ok ? kind : undefined;
    thisKinds.set(name, result ?? null);
    return result;
  };

  function loggerKindOfType(type: ts.TypeNode): LoggerKind | undefined {
    if (!isTypeReferenceNode(type) || type.typeArguments?.length) return undefined;
    const name = type.typeName;
    if (isIdentifier(name)) {
      if (declarationsOf(name.text).length !== 1) return undefined;
      const kind = modules.loggerTypes.get(name.text);
      if (kind) return kind;
      // bunyan's default export is the Logger class itself.
      return modules.bunyan.has(name.text) ? 'bunyan' : undefined;
    }
    if (!isIdentifier(name.left) || declarationsOf(name.left.text).length !== 1) return undefined;
    const member = name.right.text;
    if (member !== 'Logger' && member !== 'BaseLogger') return undefined;
    if (modules.pino.has(name.left.text)) return 'pino';
    if (modules.winston.has(name.left.text)) return 'winston';
    if (modules.bunyan.has(name.left.text)) return 'bunyan';
    return undefined;
  }

  const isModuleName = (set: Set<string>, e: ts.Expression): boolean => isIdentifier(e) && set.has(e.text) && declarationsOf(e.text).length === 1;

  function loggerKindOf(expr: ts.Expression): LoggerKind | undefined {
    const e = unwrap(expr);
    if (isIdentifier(e)) return kindOfName(e.text);
    if (isPropertyAccessExpression(e) && e.expression.kind === SyntaxKind.ThisKeyword) return kindOfThisProp(e.name.text);
    if (isNewExpression(e)) {
      if (isModuleName(modules.bunyan, e.expression)) return 'bunyan';
      return undefined;
    }
    // `require('./logger').logger`, `require('./logger').default`: an export of a project module.
    if (isPropertyAccessExpression(e)) {
      const from = requiredModule(e.expression);
      return from?.startsWith('.') ? importedLogger(from, e.name.text) : undefined;
    }
    if (!isCallExpression(e)) return undefined;
    const callee = unwrap(e.expression);
    // `require('./logger')`: the module's whole export.
    const requiredHere = requiredModule(e);
    if (requiredHere?.startsWith('.')) return importedLogger(requiredHere, 'module.exports');
    if (isIdentifier(callee)) {
      if (isModuleName(modules.pino, callee)) return 'pino';
      if (isModuleName(modules.winstonCreate, callee)) return 'winston';
      if (isModuleName(modules.bunyanCreate, callee)) return 'bunyan';
      return undefined;
    }
    const required = requiredModule(callee);
    if (required === 'pino') return 'pino';
    if (isPropertyAccessExpression(callee)) {
      const method = callee.name.text;
      const target = unwrap(callee.expression);
      if (method === 'child') return loggerKindOf(target) ?? (isModuleName(modules.winston, target) ? 'winston' : undefined);
      if (method === 'createLogger') {
        const from = requiredModule(target);
        if (isModuleName(modules.winston, target) || from === 'winston') return 'winston';
        if (isModuleName(modules.bunyan, target) || from === 'bunyan') return 'bunyan';
      }
      if ((method === 'pino' || method === 'default') && (isModuleName(modules.pino, target) || requiredModule(target) === 'pino')) return 'pino';
    }
    return undefined;
  }

  const loggerCalls: LoggerCall[] = [];
  const dotLogCalls: FileFacts['dotLogCalls'] = [];
  for (const { call, callee } of memberCalls) {
    const method = callee.name.text;
    const target = unwrap(callee.expression);
    // winston's default logger: `winston.info(...)`.
    const kind = loggerKindOf(target) ?? (isModuleName(modules.winston, target) ? 'winston' : undefined);
    if (kind && LOGGER_METHODS[kind].has(method)) loggerCalls.push({ call, callee, kind, method });
    else if (!kind && LOGGER_METHODS.pino.has(method) && isPropertyAccessExpression(target) && target.name.text === 'log' && isIdentifier(target.expression)) {
      dotLogCalls.push({ call, callee });
    }
  }

  const loggers: LoggerBinding[] = [];
  for (const [name, list] of decls) {
    const kind = kindOfName(name);
    if (!kind) continue;
    for (const d of list) {
      const scope = scopeOf(d.node);
      loggers.push({ name, kind, declEnd: d.node.end, scope, moduleLevel: isSourceFile(scope) });
    }
  }

  // A file's own `console` binding shadows the global inside its scope.
  const consoleScopes = declarationsOf('console').map((d) => scopeOf(d.node));
  const consoleCalls = consoleCandidates.filter(({ callee }) => !consoleScopes.some((scope) => scope.pos <= callee.pos && callee.end <= scope.end));

  let lastImport: ts.Statement | undefined;
  let useClient = false;
  for (const statement of sourceFile.statements) {
    if (isImportDeclaration(statement) || isImportEqualsDeclaration(statement) || isRequireStatement(statement)) lastImport = statement;
    if (isExpressionStatement(statement) && isStringLiteral(statement.expression) && statement.expression.text === 'use client') useClient = true;
    // `export function ...`: an ES module even without an import.
    if (canHaveModifiers(statement) && getModifiers(statement)?.some((m) => m.kind === SyntaxKind.ExportKeyword)) hasEsmSyntax = true;
  }

  return {
    sourceFile,
    consoleCalls,
    loggerCalls,
    dotLogCalls,
    loggers,
    modules,
    declared: new Set(decls.keys()),
    catchVariables,
    importsUiFramework,
    importsTerminalLibrary,
    importsTestFramework,
    relativeImports,
    touchesDom,
    useClient,
    lastImport,
    hasEsmSyntax,
    hasRequire,
    declarationsOf,
    loggerKindOf,
  };
}

function scopeOf(node: ts.Node): ts.Node {
  let n: ts.Node | undefined = node.parent;
  while (n) {
    if (isBlock(n) || isSourceFile(n) || isModuleBlock(n) || isCaseClause(n) || isDefaultClause(n) || isFunctionLike(n) || isForStatement(n) || isForOfStatement(n) || isForInStatement(n)) {
      return n;
    }
    n = n.parent;
  }
  return node.getSourceFile();
}

/** Whether `node` sits inside a function (so a module-level binding declared after it is initialised by the time it runs). */
export function insideFunction(node: ts.Node): boolean {
  for (let n = node.parent; n; n = n.parent) if (isFunctionLike(n)) return true;
  return false;
}

/** The innermost logger binding usable at `node`, preferring `logger`, then `log`. */
export function loggerInScope(facts: FileFacts, node: ts.Node): LoggerBinding | undefined {
  const pos = node.getStart(facts.sourceFile);
  let best: LoggerBinding | undefined;
  let bestDepth = -1;
  for (const b of facts.loggers) {
    if (!(b.scope.pos <= pos && pos < b.scope.end)) continue;
    if (b.declEnd > pos && !(b.moduleLevel && insideFunction(node))) continue;
    const depth = b.scope.pos + (b.moduleLevel ? 0 : 1);
    const rank = b.name === 'logger' ? 2 : b.name === 'log' ? 1 : 0;
    const score = depth * 4 + rank;
    if (score > bestDepth) {
      best = b;
      bestDepth = score;
    }
  }
  return best;
}

/**
 * The loggers a module exports, by export name: `export const logger = pino()`, `export default
 * logger`, `export { logger as log }`, `module.exports = winston.createLogger(...)` (as
 * `module.exports`), `module.exports = { logger }` and `exports.logger = ...` (as `logger`). Only
 * what the module makes plain; a logger re-exported from another module is not followed.
 */
export function exportedLoggers(doc: ParsedDocument): Map<string, LoggerKind> {
  const facts = fileFacts(doc);
  const out = new Map<string, LoggerKind>();
  const note = (name: string, expr: ts.Expression | undefined) => {
    const kind = expr && facts.loggerKindOf(expr);
    if (kind) out.set(name, kind);
  };
  const isModuleExports = (e: ts.Expression) =>
    isPropertyAccessExpression(e) && isIdentifier(e.expression) && e.expression.text === 'module' && e.name.text === 'exports';
  for (const statement of doc.sourceFile.statements) {
    if (isVariableStatement(statement)) {
      if (!getModifiers(statement)?.some((m) => m.kind === SyntaxKind.ExportKeyword)) continue;
      for (const d of statement.declarationList.declarations) if (isIdentifier(d.name)) note(d.name.text, d.name);
    } else if (statement.kind === SyntaxKind.ExportAssignment) {
      const assignment = statement as ts.ExportAssignment;
      note(assignment.isExportEquals ? 'module.exports' : 'default', assignment.expression);
    } else if (statement.kind === SyntaxKind.ExportDeclaration) {
      const declaration = statement as ts.ExportDeclaration;
      if (declaration.moduleSpecifier || declaration.isTypeOnly || !declaration.exportClause || declaration.exportClause.kind !== SyntaxKind.NamedExports) continue;
      for (const el of declaration.exportClause.elements) if (!el.isTypeOnly) note(el.name.text, el.propertyName && isIdentifier(el.propertyName) ? el.propertyName : el.name as ts.Identifier);
    } else if (isExpressionStatement(statement) && statement.expression.kind === SyntaxKind.BinaryExpression) {
      const { left, operatorToken, right } = statement.expression as ts.BinaryExpression;
      if (operatorToken.kind !== SyntaxKind.EqualsToken || !isPropertyAccessExpression(left)) continue;
      if (isModuleExports(left)) {
        const value = unwrap(right);
        if (ts.isObjectLiteralExpression(value)) {
          for (const p of value.properties) {
            if (ts.isShorthandPropertyAssignment(p)) note(p.name.text, p.name);
            else if (ts.isPropertyAssignment(p) && (isIdentifier(p.name) || isStringLiteral(p.name))) note(p.name.text, p.initializer);
          }
        } else note('module.exports', right);
      } else if (isModuleExports(left.expression) || (isIdentifier(left.expression) && left.expression.text === 'exports')) {
        note(left.name.text, right);
      }
    }
  }
  return out;
}
