// Which logger a log line at some point of a file should go to, nearest first: the request's own
// logger (`request.log` in a Fastify handler, `req.log` under pino-http, `ctx.log` under
// koa-pino-logger), the framework's (`fastify.log` in a plugin, `app.log` of a Fastify instance
// created with a logger, `this.logger` of a class holding a NestJS `Logger`), then a logger bound
// in the module (file-facts.ts). Only what the file makes plain; the project model can add hints.

import { ts } from '../../engine/ts';
import { insideFunction, loggerInScope, perFile, unwrap, type FileFacts, type LoggerKind } from './file-facts';

// TypeScript's namespace serves every member through a getter (engine/ts.ts): read
// the ones the walks use once, not on every node.
const { SyntaxKind, getModifiers, isArrowFunction, isCallExpression, isClassLike, isConstructorDeclaration, isExportAssignment, isExpressionStatement, isFunctionDeclaration, isFunctionLike, isIdentifier, isImportDeclaration, isMethodDeclaration, isNamedImports, isNewExpression, isObjectLiteralExpression, isPropertyAccessExpression, isPropertyAssignment, isPropertyDeclaration, isStringLiteral, isStringLiteralLike, isTypeReferenceNode, isVariableDeclaration, isVariableStatement, forEachChild } = ts;

/** A NestJS `Logger` (`@nestjs/common`): `log`/`error`/`warn`/`debug`/`verbose`, message first. */
export type TargetKind = LoggerKind | 'nest';

export interface LoggerTarget {
  /** The expression to call the level method on: `request.log`, `fastify.log`, `this.logger`, `logger`. */
  name: string;
  kind: TargetKind;
  /** Where it comes from, nearest first. */
  source: 'request' | 'framework' | 'module';
}

/** Facts the project model may know that the file does not show. */
export interface LoggerHints {
  /** The service installs a request logger (pino-http, express-pino-logger) in another file. */
  requestLogger?: boolean;
}

/** Modules whose request logger puts a pino child logger on the request (`req.log`) or context (`ctx.log`). */
const REQUEST_LOGGER_MODULES: Record<string, 'req' | 'ctx'> = {
  'pino-http': 'req', // https://github.com/pinojs/pino-http#api: "req.log"
  'express-pino-logger': 'req', // wraps pino-http
  'koa-pino-logger': 'ctx', // https://github.com/pinojs/koa-pino-logger: "ctx.log"
};

/** Methods that register a route or hook on Fastify, Express or Koa routers: their callbacks are handlers. */
const ROUTE_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'del', 'head', 'options', 'all', 'use', 'route', 'addHook', 'setErrorHandler', 'setNotFoundHandler', 'register']);
const FASTIFY_REQUEST_TYPES = new Set(['FastifyRequest']);
const FASTIFY_INSTANCE_TYPES = new Set(['FastifyInstance']);
const FASTIFY_PLUGIN_TYPES = new Set(['FastifyPluginAsync', 'FastifyPluginCallback', 'FastifyPluginAsyncTypebox', 'FastifyPluginAsyncZod', 'FastifyPluginAsyncJsonSchemaToTs', 'FastifyPluginCallbackTypebox']);

interface Frameworks {
  fastify: boolean;
  /** Local names of `fastify-plugin`'s default export (`fp`). */
  fastifyPlugin: Set<string>;
  /** Local names of `fastify`'s default export (the factory). */
  fastifyFactory: Set<string>;
  /** Local names of `Logger` from `@nestjs/common`. */
  nestLogger: Set<string>;
  requestLogger: 'req' | 'ctx' | undefined;
}

const frameworkCache = new WeakMap<ts.SourceFile, Frameworks>();

function requireOf(e: ts.Expression | undefined): string | undefined {
  if (!e) return undefined;
  const u = unwrap(e);
  if (isCallExpression(u) && isIdentifier(u.expression) && u.expression.text === 'require' && u.arguments.length === 1 && isStringLiteralLike(u.arguments[0])) {
    return u.arguments[0].text;
  }
  if (isPropertyAccessExpression(u) && u.name.text === 'default') return requireOf(u.expression);
  return undefined;
}

function frameworksOf(sf: ts.SourceFile): Frameworks {
  const cached = frameworkCache.get(sf);
  if (cached) return cached;
  const out: Frameworks = { fastify: false, fastifyPlugin: new Set(), fastifyFactory: new Set(), nestLogger: new Set(), requestLogger: undefined };
  const note = (module: string, local: string | undefined, imported: string) => {
    if (module === 'fastify' || module.startsWith('@fastify/') || module === 'fastify-plugin') out.fastify = true;
    if (module === 'fastify-plugin' && local && imported === 'default') out.fastifyPlugin.add(local);
    if (module === 'fastify' && local && (imported === 'default' || imported === 'fastify')) out.fastifyFactory.add(local);
    if (module === '@nestjs/common' && local && imported === 'Logger') out.nestLogger.add(local);
    const request = REQUEST_LOGGER_MODULES[module];
    if (request) out.requestLogger = request;
  };
  for (const statement of sf.statements) {
    if (isImportDeclaration(statement) && isStringLiteral(statement.moduleSpecifier)) {
      const module = statement.moduleSpecifier.text;
      const clause = statement.importClause;
      note(module, clause?.name?.text, 'default');
      const bindings = clause?.namedBindings;
      if (bindings && isNamedImports(bindings)) for (const el of bindings.elements) note(module, el.name.text, (el.propertyName ?? el.name).text);
      if (!clause) note(module, undefined, 'side-effect');
    } else if (isVariableStatement(statement)) {
      for (const d of statement.declarationList.declarations) {
        const module = requireOf(d.initializer);
        if (!module) continue;
        if (isIdentifier(d.name)) note(module, d.name.text, 'default');
        else if (d.name.kind === SyntaxKind.ObjectBindingPattern) {
          for (const el of d.name.elements) {
            if (isIdentifier(el.name)) note(module, el.name.text, el.propertyName && isIdentifier(el.propertyName) ? el.propertyName.text : el.name.text);
          }
        }
      }
    }
  }
  // `app.use(require('pino-http')())` anywhere in the file.
  if (!out.requestLogger && /require\(\s*['"](?:pino-http|express-pino-logger|koa-pino-logger)['"]/.test(sf.text)) {
    const visit = (node: ts.Node): void => {
      if (isCallExpression(node)) {
        const module = requireOf(node);
        if (module && REQUEST_LOGGER_MODULES[module]) out.requestLogger = REQUEST_LOGGER_MODULES[module];
      }
      if (!out.requestLogger) forEachChild(node, visit);
    };
    visit(sf);
  }
  frameworkCache.set(sf, out);
  return out;
}

function typeName(type: ts.TypeNode | undefined): string | undefined {
  if (!type || !isTypeReferenceNode(type)) return undefined;
  return isIdentifier(type.typeName) ? type.typeName.text : type.typeName.right.text;
}

/** The call a function is handed to as an argument, and the method it calls (`app.get(...)` -> `get`). */
function handedTo(fn: ts.Node): { call: ts.CallExpression; method: string | undefined } | undefined {
  let n: ts.Node = fn;
  while (n.parent && (n.parent.kind === SyntaxKind.ParenthesizedExpression || n.parent.kind === SyntaxKind.AsExpression)) n = n.parent;
  const call = n.parent;
  if (!call || !isCallExpression(call) || !call.arguments.includes(n as ts.Expression)) return undefined;
  const callee = unwrap(call.expression);
  return { call, method: isPropertyAccessExpression(callee) ? callee.name.text : isIdentifier(callee) ? callee.text : undefined };
}

/** A route or hook callback: handed to `x.get(...)`, `x.addHook(...)`, ..., or the `handler` of a route object. */
function isHandler(fn: ts.Node): boolean {
  const to = handedTo(fn);
  if (to) return to.method !== undefined && ROUTE_METHODS.has(to.method) && isPropertyAccessExpression(unwrap(to.call.expression));
  const parent = fn.parent;
  return !!parent && isPropertyAssignment(parent) && isIdentifier(parent.name) && parent.name.text === 'handler' && isObjectLiteralExpression(parent.parent);
}

/** The variable a function is assigned to (`const plugin: FastifyPluginAsync = async (fastify) => ...`). */
function declaredAs(fn: ts.Node): ts.VariableDeclaration | undefined {
  let n: ts.Node = fn;
  while (n.parent && n.parent.kind === SyntaxKind.ParenthesizedExpression) n = n.parent;
  return n.parent && isVariableDeclaration(n.parent) && n.parent.initializer === n ? n.parent : undefined;
}

/** A Fastify plugin: `fp(fn)`, `x.register(fn)`, typed `FastifyPluginAsync`, its first parameter a `FastifyInstance`, or the module's export in a Fastify file. */
function isFastifyPlugin(fn: ts.SignatureDeclaration, fw: Frameworks): boolean {
  const first = fn.parameters[0];
  if (!first || !isIdentifier(first.name)) return false;
  if (FASTIFY_INSTANCE_TYPES.has(typeName(first.type) ?? '')) return true;
  const decl = declaredAs(fn);
  if (decl && FASTIFY_PLUGIN_TYPES.has(typeName(decl.type) ?? '')) return true;
  if (!fw.fastify) return false;
  const to = handedTo(fn);
  if (to) {
    const callee = unwrap(to.call.expression);
    if (isIdentifier(callee) && fw.fastifyPlugin.has(callee.text)) return true;
    return to.method === 'register' && isPropertyAccessExpression(callee) && to.call.arguments[0] === fn;
  }
  // `module.exports = async function (fastify, opts) {...}`, `export default async function (fastify) {...}`.
  const parent = fn.parent;
  if (parent && isExportAssignment(parent)) return true;
  if (isFunctionDeclaration(fn) && getModifiers(fn)?.some((m) => m.kind === SyntaxKind.DefaultKeyword)) return true;
  if (parent && parent.kind === SyntaxKind.BinaryExpression && isExpressionStatement(parent.parent)) {
    const left = (parent as ts.BinaryExpression).left;
    return isPropertyAccessExpression(left) && isIdentifier(left.expression) && left.expression.text === 'module' && left.name.text === 'exports';
  }
  return false;
}

/** `new Logger(...)` with `Logger` from `@nestjs/common`, or a declared type of that `Logger`. */
function isNestLogger(fw: Frameworks, init: ts.Expression | undefined, type: ts.TypeNode | undefined): boolean {
  if (type) return fw.nestLogger.has(typeName(type) ?? '');
  if (!init) return false;
  const e = unwrap(init);
  return isNewExpression(e) && isIdentifier(e.expression) && fw.nestLogger.has(e.expression.text);
}

/** The property of a class that holds a NestJS Logger (`private readonly logger = new Logger(X.name)`). */
function nestLoggerProperty(cls: ts.ClassLikeDeclaration, fw: Frameworks): string | undefined {
  const found: string[] = [];
  for (const member of cls.members) {
    if (isPropertyDeclaration(member) && isIdentifier(member.name) && !getModifiers(member)?.some((m) => m.kind === SyntaxKind.StaticKeyword)) {
      if (isNestLogger(fw, member.initializer, member.type)) found.push(member.name.text);
    } else if (isConstructorDeclaration(member)) {
      for (const p of member.parameters) {
        if (isIdentifier(p.name) && (getModifiers(p)?.length ?? 0) > 0 && isNestLogger(fw, undefined, p.type)) found.push(p.name.text);
      }
    }
  }
  return found.includes('logger') ? 'logger' : found[0];
}

/** `const app = Fastify({ logger: ... })` with a logger that is on: its `app.log` writes. */
const fastifyInstances = perFile((facts: FileFacts): Map<string, ts.VariableDeclaration> => {
  const fw = frameworksOf(facts.sourceFile);
  const out = new Map<string, ts.VariableDeclaration>();
  if (fw.fastifyFactory.size === 0) return out;
  for (const statement of facts.sourceFile.statements) {
    if (!isVariableStatement(statement)) continue;
    for (const d of statement.declarationList.declarations) {
      if (!isIdentifier(d.name) || !d.initializer) continue;
      const init = unwrap(d.initializer);
      if (!isCallExpression(init) || !isIdentifier(init.expression) || !fw.fastifyFactory.has(init.expression.text)) continue;
      const options = init.arguments[0] && unwrap(init.arguments[0]);
      if (!options || !isObjectLiteralExpression(options)) continue;
      const logger = options.properties.find((p) => p.name && isIdentifier(p.name) && (p.name.text === 'logger' || p.name.text === 'loggerInstance'));
      if (!logger) continue;
      // `logger: false` turns it off; `logger: process.env.X === 'y'` may: unknown.
      if (isPropertyAssignment(logger)) {
        const v = unwrap(logger.initializer);
        if (v.kind !== SyntaxKind.TrueKeyword && !isObjectLiteralExpression(v) && !isIdentifier(v)) continue;
      }
      if (facts.declarationsOf(d.name.text).length === 1) out.set(d.name.text, d);
    }
  }
  return out;
});

/** True when `name` is declared as a parameter of a function between `node` and `fn` (shadowing fn's). */
function shadowed(node: ts.Node, fn: ts.Node, name: string): boolean {
  for (let n = node.parent; n && n !== fn; n = n.parent) {
    if (isFunctionLike(n) && n.parameters.some((p) => isIdentifier(p.name) && p.name.text === name)) return true;
  }
  return false;
}

/** The request-scoped logger of a handler's parameter, when the file makes it plain. */
function requestLogger(fn: ts.SignatureDeclaration, fw: Frameworks, hints: LoggerHints): string | undefined {
  const params = fn.parameters.filter((p) => isIdentifier(p.name)).map((p) => ({ name: (p.name as ts.Identifier).text, type: typeName(p.type) }));
  if (params.length === 0 || params.length !== fn.parameters.length) return undefined;
  const [first] = params;
  // Fastify: `request.log` is always there (a child of the instance logger).
  if (FASTIFY_REQUEST_TYPES.has(first.type ?? '')) return first.name;
  if (!isHandler(fn)) return undefined;
  if (fw.fastify && (first.name === 'request' || first.name === 'req')) return first.name;
  const kind = fw.requestLogger ?? (hints.requestLogger ? 'req' : undefined);
  if (kind === 'ctx' && first.name === 'ctx') return 'ctx';
  if (kind === 'req') {
    // `(req, res, next)` or an error handler `(err, req, res, next)`.
    const at = params.length === 4 ? 1 : 0;
    const req = params[at];
    if (req && (req.name === 'req' || req.name === 'request') && params[at + 1]) return req.name;
  }
  return undefined;
}

/** The logger a log line at `node` should use, nearest first; undefined when the file shows none. */
export function loggerTargetAt(facts: FileFacts, node: ts.Node, hints: LoggerHints = {}): LoggerTarget | undefined {
  const fw = frameworksOf(facts.sourceFile);
  const binding = loggerInScope(facts, node);
  // `this` stays the class instance through arrow functions and the class's own methods.
  let thisBound = true;
  let framework: LoggerTarget | undefined;
  for (let n: ts.Node | undefined = node.parent; n; n = n.parent) {
    if (isFunctionLike(n)) {
      const fn = n as ts.SignatureDeclaration;
      const req = requestLogger(fn, fw, hints);
      if (req && !shadowed(node, fn, req)) return { name: `${req}.log`, kind: 'pino', source: 'request' };
      if (!framework && isFastifyPlugin(fn, fw)) {
        const instance = (fn.parameters[0].name as ts.Identifier).text;
        if (!shadowed(node, fn, instance)) framework = { name: `${instance}.log`, kind: 'pino', source: 'framework' };
      }
      if (!isArrowFunction(fn) && !(isMethodDeclaration(fn) || isConstructorDeclaration(fn) || fn.kind === SyntaxKind.GetAccessor || fn.kind === SyntaxKind.SetAccessor)) {
        thisBound = false;
      }
    } else if (isClassLike(n) && thisBound && !framework && fw.nestLogger.size > 0) {
      const prop = nestLoggerProperty(n, fw);
      // A static method has no instance.
      const member = n.members.find((m) => m.pos <= node.pos && node.end <= m.end);
      const isStatic = member && ts.canHaveModifiers(member) && getModifiers(member)?.some((m) => m.kind === SyntaxKind.StaticKeyword);
      if (prop && !isStatic && !(member && isPropertyDeclaration(member) && member.name && isIdentifier(member.name) && member.name.text === prop)) {
        framework = { name: `this.${prop}`, kind: 'nest', source: 'framework' };
      }
      thisBound = false;
    }
  }
  if (framework) return framework;
  // Where no instance holds one (a static method, a plain function), NestJS's Logger has static methods.
  const nest = [...fw.nestLogger].find((name) => facts.declarationsOf(name).length === 1);
  if (nest && !binding) return { name: nest, kind: 'nest', source: 'framework' };
  // A module-level binding in an inner scope (a request's child logger) is nearer than a Fastify instance.
  if (binding && !binding.moduleLevel) return { name: binding.name, kind: binding.kind, source: 'module' };
  for (const [name, decl] of fastifyInstances(facts)) {
    if (decl.end <= node.getStart(facts.sourceFile) || insideFunction(node)) {
      if (!binding) return { name: `${name}.log`, kind: 'pino', source: 'framework' };
    }
  }
  return binding && { name: binding.name, kind: binding.kind, source: 'module' };
}

/**
 * The kind of a request's or the framework's logger (`request.log` in a Fastify handler, `fastify.log`
 * in a plugin, `app.log` of a Fastify instance with a logger, `req.log` under pino-http), for
 * interpolated-log-message's notion of a logger. Undefined when `expr` is none of these.
 */
export function frameworkLoggerKind(expr: ts.Expression, facts: FileFacts, hints: LoggerHints = {}): LoggerKind | undefined {
  const e = unwrap(expr);
  if (!isPropertyAccessExpression(e) || e.name.text !== 'log' || !isIdentifier(e.expression)) return undefined;
  const name = e.expression.text;
  const fw = frameworksOf(facts.sourceFile);
  for (let n: ts.Node | undefined = e.parent; n; n = n.parent) {
    if (!isFunctionLike(n)) continue;
    const fn = n as ts.SignatureDeclaration;
    if (!fn.parameters.some((p) => isIdentifier(p.name) && p.name.text === name)) continue;
    // The nearest function declaring the name decides what it is.
    if (requestLogger(fn, fw, hints) === name) return 'pino';
    if (isFastifyPlugin(fn, fw) && (fn.parameters[0].name as ts.Identifier).text === name) return 'pino';
    return undefined;
  }
  return fastifyInstances(facts).has(name) ? 'pino' : undefined;
}
