// Service facts of the project model: what a JS/TS file says about the HTTP service it is part of.
// The routes it serves (with the router, controller and prefix they hang on), the ports it listens
// on, and the drain bound of its SIGTERM handler (the timer that force-exits). Pure: a parsed
// document in, plain JSON facts out, once per document version. The workspace index keeps them for
// every file and `packageServiceFacts` joins the files of a package into one route table.
//
// Unknown stays unknown: a route whose path is not a literal, a middleware from a package that may
// answer requests itself, a port read from configuration. The package-level answer says so
// (`routesKnown: false`, a port `null`), and the rules never judge an unknown.

import * as path from 'node:path';
import { ts } from '../ts';
import type { ParsedDocument } from '../document';
import { kindSet, nodesOfKinds } from '../incremental';
import { AnchoredPattern } from '../anchored';
import { moduleBindings, stripExpression, type ModuleBinding } from '../../rules/shutdown/syntax';
import { ServerReader } from '../../rules/shutdown/servers';

const { SyntaxKind, forEachChild, isArrayLiteralExpression, isArrowFunction, isBinaryExpression, isCallExpression, isClassDeclaration, isDecorator, isFunctionDeclaration, isFunctionExpression, isIdentifier, isMethodDeclaration, isNewExpression, isNoSubstitutionTemplateLiteral, isNumericLiteral, isObjectLiteralExpression, isPrefixUnaryExpression, isPropertyAccessExpression, isPropertyAssignment, isStringLiteral, isStringLiteralLike, isVariableDeclaration, isExportAssignment } = ts;

/** A port as the code gives it: a literal, an environment variable (with its fallback), or unknown (null). */
export type PortValue = { literal: number } | { env: string; fallback: number | 'none' | 'unknown' } | null;

export interface RouteFact {
  method: string;
  /** The path as written on its router or controller (`/health`, `:id`, ``). */
  path: string;
  line: number;
  column: number;
}

/** A value routes hang on: an app (served at the root), a router, a function whose parameter is an app or plugin instance. */
export interface RouterFact {
  key: string;
  app: boolean;
  framework: string;
  /** Its own prefix (koa-router `new Router({ prefix })`, `router.prefix()`), '' when none. */
  prefix: string;
  routes: RouteFact[];
}

/** `parent.use('/prefix', child)`, `fastify.register(child, { prefix })`, `routes(app)`. */
export interface MountFact {
  parent: string;
  prefix: string;
  /** A router of the same file, an import (relative module and export name), or an npm module's middleware (serves under the prefix, unknown paths). */
  target: { local: string } | { module: string; name: string } | { opaque: string };
  line: number;
}

export interface ListenFact {
  line: number;
  column: number;
  framework: string;
  port: PortValue;
}

export interface DrainFact {
  line: number;
  column: number;
  /** The delay of the timer that force-exits, in milliseconds. */
  ms: number;
}

export interface JsServiceFacts {
  routers: RouterFact[];
  mounts: MountFact[];
  /** Which routers the module exports: `default`, `module.exports` or a named export. */
  exports: Array<{ name: string; key: string }>;
  /** NestJS controllers: the controller's path and its handlers' paths. */
  controllers: Array<{ prefix: string; line: number; routes: RouteFact[] }>;
  /** `app.setGlobalPrefix('api')`: undefined when not set, null when not a literal (unknown). */
  globalPrefix: string | null | undefined;
  /** Paths of the global prefix's `exclude` option (served without the prefix); null when not literal. */
  globalPrefixExclude: string[] | null;
  listens: ListenFact[];
  drains: DrainFact[];
  /** Something makes the route table uncertain (a path that is not a literal, a middleware that may serve requests, Nest's RouterModule or versioning), with where. */
  unknownRoutes: string | undefined;
}

/**
 * Cheap looks at the text before any parse. Routes: a route or mount call with a literal path, a Nest
 * controller or prefix, a route object, or a server framework's name (an app made here mounts
 * routers without a path). The walks for listen calls and SIGTERM timers run only where their words are.
 */
const ROUTE_TEXT = new AnchoredPattern(
  /\.(?:get|post|put|delete|patch|all|head|options|use|register|route)\s*\(\s*['"`]\/|\.route\s*\(\s*[{[]|@Controller\b|setGlobalPrefix|\b(?:express|koa|fastify|hapi|hono|restify)\b/,
  ['.get', '.post', '.put', '.delete', '.patch', '.all', '.head', '.options', '.use', '.register', '.route', '@Controller', 'setGlobalPrefix', 'express', 'koa', 'fastify', 'hapi', 'hono', 'restify'],
);
/**
 * `.listen(`, `. start (`, `serve(`: the method's name is the anchor, the dot before it a lookbehind.
 * The lookbehind comes after the name: placed first, it ran backwards over the blanks before every
 * position of a run of them (quadratic in 200,000 blanks; test/hostile.test.ts).
 */
const LISTEN_TEXT = new AnchoredPattern(/(?:listen|start)(?<=\.\s*(?:listen|start))\s*\(|\bserve\s*\(/, ['listen', 'start', 'serve']);
export const SERVICE_FACTS_PREFILTER = new AnchoredPattern(new RegExp(`${ROUTE_TEXT.pattern.source}|${LISTEN_TEXT.pattern.source}|SIGTERM`), [...ROUTE_TEXT.anchors, ...LISTEN_TEXT.anchors, 'SIGTERM']);

// What the walks below read, as kept per statement for a live document (incremental.ts).
const CALLS = kindSet(SyntaxKind.CallExpression);
const CALLS_AND_CLASSES = kindSet(SyntaxKind.CallExpression, SyntaxKind.ClassDeclaration);
const PARAMETERS = kindSet(SyntaxKind.Parameter);
const DECLARATIONS = kindSet(SyntaxKind.VariableDeclaration, SyntaxKind.FunctionDeclaration);
const EXPORT_FORMS = kindSet(SyntaxKind.BinaryExpression, SyntaxKind.ExportAssignment, SyntaxKind.ExportDeclaration, SyntaxKind.VariableStatement, SyntaxKind.FunctionDeclaration);

const HTTP_METHODS = new Set(['get', 'post', 'put', 'delete', 'del', 'patch', 'head', 'options', 'all']);

/**
 * Middleware packages that never answer a request on a path of their own (they parse, log, protect,
 * compress): `app.use(cors())` keeps the route table known. Any other package's middleware mounted
 * without a path (`app.use(actuator())`) may serve a health path: the table becomes unknown.
 */
const PASS_THROUGH_MIDDLEWARE = new Set([
  'cors', 'helmet', 'compression', 'morgan', 'body-parser', 'cookie-parser', 'express-session', 'cookie-session', 'passport',
  'multer', 'pino-http', 'express-pino-logger', 'express-winston', 'express-rate-limit', 'hpp', 'method-override', 'serve-favicon',
  'connect-flash', 'csurf', 'express-validator', 'response-time', 'express-fileupload', 'express-mongo-sanitize', 'xss-clean',
  'express-request-id', 'express-async-errors', 'connect-timeout', 'express-http-context', 'cls-rtracer', 'express-useragent',
  '@koa/cors', 'koa-bodyparser', 'koa-body', 'koa-helmet', 'koa-compress', 'koa-logger', 'koa-pino-logger', 'koa2-cors', 'koa-cors',
  '@fastify/cors', '@fastify/helmet', '@fastify/compress', '@fastify/cookie', '@fastify/formbody', '@fastify/multipart',
  '@fastify/rate-limit', '@fastify/sensible', 'fastify-cors', 'fastify-helmet', 'fastify-sensible', 'fastify-plugin',
  '@sentry/node', 'express-openapi-validator', 'i18next-http-middleware', 'nocache', 'express-prom-bundle',
]);

/** Express's own middleware (`express.json()`, `express.static(...)`) passes through (a static file named like a probe path is not a route). */
const EXPRESS_PASS_THROUGH = new Set(['json', 'urlencoded', 'text', 'raw', 'static']);

interface Reader {
  sf: ts.SourceFile;
  modules: Map<string, ModuleBinding>;
  /** Local name -> its initializer (`const x = ...`), when declared once. */
  consts: Map<string, ts.Expression>;
  /** Local function name -> its declaration. */
  functions: Map<string, ts.FunctionLikeDeclaration>;
  routers: Map<string, RouterFact>;
  /** The names of the file's parameters, made when `parameterRouter` first asks. */
  parameterNames?: Set<string>;
}

const cache = new WeakMap<ParsedDocument, { facts: JsServiceFacts; handlers: Map<RouteFact, ts.Node> }>();

/** The service facts of a JS/TS document, once per version (empty facts for other kinds). */
export function jsServiceFacts(doc: ParsedDocument): JsServiceFacts {
  return serviceReading(doc).facts;
}

/** The facts with each route's handler node (the last argument of the route call, or the decorated method). */
export function serviceReading(doc: ParsedDocument): { facts: JsServiceFacts; handlers: Map<RouteFact, ts.Node> } {
  let reading = cache.get(doc);
  if (!reading) {
    reading = doc.kind === 'js' && doc.testAnchored(SERVICE_FACTS_PREFILTER) ? read(doc) : { facts: emptyFacts(), handlers: new Map() };
    cache.set(doc, reading);
  }
  return reading;
}

export function emptyFacts(): JsServiceFacts {
  return { routers: [], mounts: [], exports: [], controllers: [], globalPrefix: undefined, globalPrefixExclude: [], listens: [], drains: [], unknownRoutes: undefined };
}

function read(doc: ParsedDocument): { facts: JsServiceFacts; handlers: Map<RouteFact, ts.Node> } {
  const sf = doc.sourceFile;
  const facts = emptyFacts();
  const handlers = new Map<RouteFact, ts.Node>();
  const reader: Reader = { sf, modules: moduleBindings(sf), consts: new Map(), functions: new Map(), routers: new Map() };
  collectDeclarations(reader);
  const lineOf = (node: ts.Node) => {
    const p = sf.getLineAndCharacterOfPosition(node.getStart(sf));
    return { line: p.line + 1, column: p.character + 1 };
  };
  const unknown = (node: ts.Node, why: string) => {
    if (!facts.unknownRoutes) facts.unknownRoutes = `${why} (line ${lineOf(node).line})`;
  };

  // Routers made in the file: `const app = express()`, `const router = express.Router()`, `new Router({ prefix })`, ...
  for (const [name, init] of reader.consts) {
    const made = creationOf(reader, init);
    if (made) reader.routers.set(name, { key: name, ...made, routes: [] });
  }

  const routerOf = (receiver: ts.Expression): RouterFact | undefined => {
    const e = stripExpression(receiver);
    if (isIdentifier(e)) return reader.routers.get(e.text) ?? parameterRouter(reader, e);
    return undefined;
  };

  const visit = (root: ts.SourceFile): void => {
    for (const node of nodesOfKinds(root, CALLS_AND_CLASSES)) {
      if (isCallExpression(node)) readCall(node);
      if (isClassDeclaration(node)) readController(node);
    }
  };

  const addRoute = (router: RouterFact, method: string, pathNode: ts.Expression | undefined, at: ts.Node, handler: ts.Node | undefined) => {
    const p = pathNode === undefined ? '' : literalString(reader, pathNode);
    if (p === undefined) {
      // A regular expression or a computed path: this router serves what cannot be read.
      unknown(at, 'a route whose path is not a literal');
      return;
    }
    const route: RouteFact = { method, path: p, ...lineOf(at) };
    router.routes.push(route);
    if (handler) handlers.set(route, handler);
  };

  function readCall(call: ts.CallExpression): void {
    const callee = stripExpression(call.expression);
    if (!isPropertyAccessExpression(callee)) {
      // `require('./routes')(app)` / `routes(app)`: a function of another module (or this one) adds routes to `app`.
      const target = calledModuleFunction(reader, callee);
      const parent = call.arguments[0] && routerOf(call.arguments[0]);
      if (target && parent) facts.mounts.push({ parent: parent.key, prefix: '', target, line: lineOf(call).line });
      return;
    }
    const method = callee.name.text;
    // `app.route('/x').get(h)`: express's chained route.
    if (HTTP_METHODS.has(method) && isCallExpression(stripExpression(callee.expression))) {
      const inner = stripExpression(callee.expression) as ts.CallExpression;
      const innerCallee = stripExpression(inner.expression);
      if (isPropertyAccessExpression(innerCallee) && innerCallee.name.text === 'route') {
        const router = routerOf(innerCallee.expression);
        if (router) addRoute(router, method, inner.arguments[0], inner.arguments[0] ?? inner, call.arguments[call.arguments.length - 1]);
        return;
      }
    }
    const router = routerOf(callee.expression);
    if (method === 'setGlobalPrefix' && call.arguments.length > 0) {
      const prefix = literalString(reader, call.arguments[0]);
      facts.globalPrefix = prefix ?? null;
      const options = call.arguments[1] && stripExpression(call.arguments[1]);
      if (options && isObjectLiteralExpression(options)) {
        const exclude = propertyOf(options, 'exclude');
        if (exclude) {
          const e = stripExpression(exclude);
          const paths = isArrayLiteralExpression(e) ? e.elements.map((x) => literalString(reader, x) ?? (isObjectLiteralExpression(x) ? literalString(reader, propertyOf(x, 'path')) : undefined)) : [];
          facts.globalPrefixExclude = isArrayLiteralExpression(e) && paths.every((x) => x !== undefined) ? (paths as string[]) : null;
        }
      }
      return;
    }
    if (method === 'enableVersioning') unknown(call, "Nest's URI versioning");
    if (!router) {
      if (method === 'register' && isIdentifier(stripExpression(callee.expression)) && /^RouterModule$/.test((stripExpression(callee.expression) as ts.Identifier).text)) unknown(call, "Nest's RouterModule");
      return;
    }
    if (HTTP_METHODS.has(method) && call.arguments.length >= 2) {
      addRoute(router, method, call.arguments[0], call.arguments[0], call.arguments[call.arguments.length - 1]);
      return;
    }
    if (method === 'prefix' && call.arguments.length === 1) {
      const prefix = literalString(reader, call.arguments[0]);
      if (prefix === undefined) unknown(call, 'a router prefix that is not a literal');
      else router.prefix = prefix;
      return;
    }
    if (method === 'route' && call.arguments.length === 1) {
      // fastify `route({ method, url })`, hapi `route({ method, path })` or a list of them.
      const arg = stripExpression(call.arguments[0]);
      const specs = isArrayLiteralExpression(arg) ? arg.elements : [arg];
      for (const spec of specs) {
        const s = stripExpression(spec as ts.Expression);
        if (!isObjectLiteralExpression(s)) {
          unknown(spec, 'a route defined elsewhere');
          continue;
        }
        const m = propertyOf(s, 'method');
        const methodText = m ? literalString(reader, m) ?? (isArrayLiteralExpression(stripExpression(m)) ? 'all' : undefined) : 'get';
        const p = propertyOf(s, 'url') ?? propertyOf(s, 'path');
        if (!p) continue;
        addRoute(router, (methodText ?? 'all').toLowerCase() === '*' ? 'all' : (methodText ?? 'all').toLowerCase(), p, p, propertyOf(s, 'handler'));
      }
      return;
    }
    if (method === 'use' || method === 'register') {
      readMount(router, call, method);
    }
  }

  function readMount(router: RouterFact, call: ts.CallExpression, method: 'use' | 'register'): void {
    const args = [...call.arguments];
    let prefix = '';
    if (method === 'use' && args.length > 0) {
      const first = stripExpression(args[0]);
      if (isStringLiteralLike(first) || (isIdentifier(first) && literalString(reader, first) !== undefined)) {
        prefix = literalString(reader, first)!;
        args.shift();
      } else if (isArrayLiteralExpression(first) || isTemplateLike(first)) {
        unknown(call, 'a mount path that is not a literal');
        return;
      }
    }
    if (method === 'register' && args.length >= 2) {
      const options = stripExpression(args[1]);
      if (isObjectLiteralExpression(options)) {
        const p = propertyOf(options, 'prefix');
        if (p) {
          const literal = literalString(reader, p);
          if (literal === undefined) {
            unknown(call, 'a plugin prefix that is not a literal');
            return;
          }
          prefix = literal;
        }
      } else {
        unknown(call, 'plugin options from elsewhere');
        return;
      }
    }
    const line = lineOf(call).line;
    const targets = method === 'register' ? args.slice(0, 1) : args;
    for (const arg of targets) {
      const target = mountTarget(reader, arg);
      if (target === 'pass-through') continue;
      if (target === undefined) {
        // A local function (middleware) or a value from elsewhere: a local middleware is read by the
        // text net of the package (its paths are literals somewhere); a value we cannot see is unknown.
        const e = stripExpression(arg);
        if (isIdentifier(e) && (reader.functions.has(e.text) || reader.consts.has(e.text))) continue;
        if (isArrowFunction(e) || isFunctionExpression(e)) continue;
        if (isCallExpression(e) && isIdentifier(stripExpression(e.expression)) && reader.functions.has((stripExpression(e.expression) as ts.Identifier).text)) continue;
        unknown(arg, 'middleware from elsewhere that may serve requests');
        continue;
      }
      facts.mounts.push({ parent: router.key, prefix, target, line });
    }
  }

  function readController(node: ts.ClassDeclaration): void {
    const decorators = ts.canHaveDecorators(node) ? ts.getDecorators(node) ?? [] : [];
    const controller = decorators.map(decoratorCall).find((d) => d?.name === 'Controller');
    if (!controller) return;
    let prefix: string | undefined = '';
    const arg = controller.call.arguments[0] && stripExpression(controller.call.arguments[0]);
    if (arg) {
      if (isObjectLiteralExpression(arg)) {
        if (propertyOf(arg, 'version') || propertyOf(arg, 'host')) unknown(arg, 'a versioned or host-bound controller');
        const p = propertyOf(arg, 'path');
        prefix = p ? literalString(reader, p) : '';
      } else prefix = literalString(reader, arg);
    }
    if (prefix === undefined) {
      unknown(controller.call, 'a controller path that is not a literal');
      return;
    }
    const routes: RouteFact[] = [];
    for (const member of node.members) {
      if (!isMethodDeclaration(member)) continue;
      for (const d of (ts.canHaveDecorators(member) ? ts.getDecorators(member) ?? [] : []).map(decoratorCall)) {
        if (!d) continue;
        if (d.name === 'Version') unknown(d.call, 'a versioned route');
        const m = d.name.toLowerCase();
        if (!HTTP_METHODS.has(m) || d.name[0] !== d.name[0].toUpperCase()) continue;
        const a = d.call.arguments[0];
        const p = a === undefined ? '' : literalString(reader, a);
        if (p === undefined) {
          unknown(d.call, 'a route whose path is not a literal');
          continue;
        }
        const route: RouteFact = { method: m, path: p, ...lineOf(d.call) };
        routes.push(route);
        handlers.set(route, member);
      }
    }
    facts.controllers.push({ prefix, line: lineOf(controller.call).line, routes });
  }

  if (doc.testAnchored(ROUTE_TEXT)) visit(sf);

  // Listen calls (the servers the shutdown rule recognises) and the port each is given.
  const servers = doc.testAnchored(LISTEN_TEXT) ? new ServerReader(sf).starts() : [];
  for (const start of servers) {
    if (start.framework === 'nest-microservice') continue;
    let port: PortValue = null;
    const first = start.call.arguments[0];
    if (start.framework === 'hapi') port = hapiPort(reader, start.receiver);
    else if (first) {
      const e = stripExpression(first);
      port = isObjectLiteralExpression(e) ? (propertyOf(e, 'port') ? portOf(reader, propertyOf(e, 'port')!) : start.framework === 'fastify' ? { literal: 3000 } : null) : portOf(reader, e);
    }
    facts.listens.push({ ...lineOf(start.name), framework: start.framework, port });
  }

  facts.drains = doc.includes('SIGTERM') ? drainTimers(reader, lineOf) : [];
  facts.routers = [...reader.routers.values()].filter((r) => r.routes.length > 0 || r.app || facts.mounts.some((m) => m.parent === r.key || ('local' in m.target && m.target.local === r.key)));
  facts.exports = exportsOf(reader);
  // Parameter routers (plugins, `module.exports = (app) => ...`) are only worth keeping when exported or mounted.
  return { facts, handlers };
}

/** Declarations the walk resolves names through: `const x = <init>` (declared once) and functions. */
function collectDeclarations(reader: Reader): void {
  const seen = new Map<string, number>();
  for (const node of nodesOfKinds(reader.sf, DECLARATIONS)) {
    if (isVariableDeclaration(node) && isIdentifier(node.name) && node.initializer) {
      seen.set(node.name.text, (seen.get(node.name.text) ?? 0) + 1);
      reader.consts.set(node.name.text, node.initializer);
      const init = stripExpression(node.initializer);
      if (isArrowFunction(init) || isFunctionExpression(init)) reader.functions.set(node.name.text, init);
    }
    if (isFunctionDeclaration(node) && node.name) reader.functions.set(node.name.text, node);
  }
  for (const [name, count] of seen) if (count > 1) reader.consts.delete(name);
}

/** What a value made in the file is, when it is an app or a router. */
function creationOf(reader: Reader, init: ts.Expression): Omit<RouterFact, 'key' | 'routes'> | undefined {
  const e = stripExpression(init);
  if (!isCallExpression(e) && !isNewExpression(e)) return undefined;
  const binding = calleeBinding(reader, stripExpression(e.expression));
  if (!binding) return undefined;
  const { module, imported } = binding;
  const whole = imported === 'default' || imported === '*';
  const firstArg = e.arguments?.[0] && stripExpression(e.arguments[0]);
  if (module === 'express') {
    if (whole && isCallExpression(e)) return { app: true, framework: 'express', prefix: '' };
    if (imported === 'Router') return { app: false, framework: 'express', prefix: '' };
  }
  if (module === 'koa' && whole) return { app: true, framework: 'koa', prefix: '' };
  if (module === '@koa/router' || module === 'koa-router' || module === 'koa-tree-router') {
    let prefix = '';
    if (firstArg && isObjectLiteralExpression(firstArg)) {
      const p = propertyOf(firstArg, 'prefix');
      if (p) {
        const literal = literalString(reader, p);
        if (literal === undefined) return undefined;
        prefix = literal;
      }
    }
    return { app: false, framework: 'koa', prefix };
  }
  if (module === 'fastify' && (whole || imported === 'fastify')) return { app: true, framework: 'fastify', prefix: '' };
  if ((module === '@hapi/hapi' || module === 'hapi') && (imported === 'server' || imported === 'Server')) return { app: true, framework: 'hapi', prefix: '' };
  if (module === 'hono' && imported === 'Hono') return { app: true, framework: 'hono', prefix: '' };
  if (module === 'restify' && imported === 'createServer') return { app: true, framework: 'restify', prefix: '' };
  return undefined;
}

/** `express`, `express.Router`, `require('express').Router`, `Hapi.server`, `NestFactory.create`. */
function calleeBinding(reader: Reader, callee: ts.Expression): ModuleBinding | undefined {
  if (isIdentifier(callee)) return reader.modules.get(callee.text);
  if (isCallExpression(callee) && isIdentifier(callee.expression) && callee.expression.text === 'require' && callee.arguments.length === 1 && isStringLiteralLike(callee.arguments[0])) {
    return { module: callee.arguments[0].text, imported: '*' };
  }
  if (isPropertyAccessExpression(callee)) {
    const base = calleeBinding(reader, stripExpression(callee.expression));
    if (base && (base.imported === '*' || base.imported === 'default')) return { module: base.module, imported: callee.name.text };
  }
  return undefined;
}

/**
 * A parameter used as an app or router: the first parameter of an exported function (`module.exports =
 * (app) => { app.get(...) }`, a fastify plugin `async function routes(fastify) {...}`). Its key names the
 * function, so a mount of that function reaches it.
 */
function parameterRouter(reader: Reader, id: ts.Identifier): RouterFact | undefined {
  // Asked of nearly every call's receiver (`Object.keys`, `subscriber.next`): a name no function of the
  // file takes as a parameter is answered without walking up from every call (a UMD bundle nests deep).
  if (!reader.parameterNames) {
    reader.parameterNames = new Set();
    for (const p of nodesOfKinds(reader.sf, PARAMETERS)) if (isIdentifier((p as ts.ParameterDeclaration).name)) reader.parameterNames.add(((p as ts.ParameterDeclaration).name as ts.Identifier).text);
  }
  if (!reader.parameterNames.has(id.text)) return undefined;
  for (let n: ts.Node | undefined = id.parent; n; n = n.parent) {
    if (!(isFunctionDeclaration(n) || isFunctionExpression(n) || isArrowFunction(n) || isMethodDeclaration(n))) continue;
    const first = n.parameters[0];
    if (!first || !isIdentifier(first.name) || first.name.text !== id.text) {
      if (n.parameters.some((p) => isIdentifier(p.name) && p.name.text === id.text)) return undefined;
      continue;
    }
    const key = functionKey(n);
    if (!key) return undefined;
    let router = reader.routers.get(key);
    if (!router) reader.routers.set(key, (router = { key, app: false, framework: 'unknown', prefix: '', routes: [] }));
    return router;
  }
  return undefined;
}

/** The key of a function that receives an app: `fn:<name>`, or `fn:module.exports` / `fn:default` when exported unnamed. */
function functionKey(fn: ts.FunctionLikeDeclaration): string | undefined {
  if (isFunctionDeclaration(fn) && fn.name) return `fn:${fn.name.text}`;
  const parent = fn.parent;
  if (parent && isVariableDeclaration(parent) && isIdentifier(parent.name)) return `fn:${parent.name.text}`;
  if (parent && isBinaryExpression(parent) && parent.operatorToken.kind === SyntaxKind.EqualsToken && isModuleExports(parent.left)) return 'fn:module.exports';
  if (parent && isExportAssignment(parent)) return 'fn:default';
  // `export default function (app) {}`
  if (isFunctionDeclaration(fn) && !fn.name && fn.modifiers?.some((m) => m.kind === SyntaxKind.DefaultKeyword)) return 'fn:default';
  // `fp(async (fastify) => {...})` assigned or exported: the wrapper's holder names it.
  if (parent && isCallExpression(parent)) {
    const holder = parent.parent;
    if (holder && isVariableDeclaration(holder) && isIdentifier(holder.name)) return `fn:${holder.name.text}`;
    if (holder && isBinaryExpression(holder) && isModuleExports(holder.left)) return 'fn:module.exports';
    if (holder && isExportAssignment(holder)) return 'fn:default';
  }
  return undefined;
}

function isModuleExports(node: ts.Expression): boolean {
  const e = stripExpression(node);
  return isPropertyAccessExpression(e) && e.name.text === 'exports' && isIdentifier(e.expression) && e.expression.text === 'module';
}

/** What the module exports of its routers: `module.exports = router`, `export default router`, `export { router }`, `exports.x = router`. */
function exportsOf(reader: Reader): Array<{ name: string; key: string }> {
  const out: Array<{ name: string; key: string }> = [];
  const keyOf = (e: ts.Expression): string | undefined => {
    const x = stripExpression(e);
    if (isIdentifier(x)) {
      if (reader.routers.has(x.text)) return x.text;
      if (reader.routers.has(`fn:${x.text}`)) return `fn:${x.text}`;
      // `module.exports = fp(routes)`
    }
    if (isCallExpression(x) && x.arguments.length > 0) return keyOf(x.arguments[0]);
    return undefined;
  };
  for (const node of nodesOfKinds(reader.sf, EXPORT_FORMS)) {
    if (isBinaryExpression(node) && node.operatorToken.kind === SyntaxKind.EqualsToken) {
      const left = stripExpression(node.left);
      if (isModuleExports(left)) {
        const key = keyOf(node.right);
        if (key) out.push({ name: 'module.exports', key });
      } else if (isPropertyAccessExpression(left) && (isModuleExports(left.expression) || (isIdentifier(left.expression) && left.expression.text === 'exports'))) {
        const key = keyOf(node.right);
        if (key) out.push({ name: left.name.text, key });
      }
    }
    if (isExportAssignment(node)) {
      const key = keyOf(node.expression);
      if (key) out.push({ name: 'default', key });
    }
    if (ts.isExportDeclaration(node) && node.exportClause && ts.isNamedExports(node.exportClause) && !node.moduleSpecifier) {
      for (const el of node.exportClause.elements) {
        const local = (el.propertyName ?? el.name).text;
        const key = reader.routers.has(local) ? local : reader.routers.has(`fn:${local}`) ? `fn:${local}` : undefined;
        if (key) out.push({ name: el.name.text, key });
      }
    }
    if ((ts.isVariableStatement(node) || isFunctionDeclaration(node)) && node.modifiers?.some((m) => m.kind === SyntaxKind.ExportKeyword)) {
      const isDefault = node.modifiers.some((m) => m.kind === SyntaxKind.DefaultKeyword);
      const names = ts.isVariableStatement(node) ? node.declarationList.declarations.flatMap((d) => (isIdentifier(d.name) ? [d.name.text] : [])) : node.name ? [node.name.text] : [];
      for (const name of names) {
        const key = reader.routers.has(name) ? name : reader.routers.has(`fn:${name}`) ? `fn:${name}` : undefined;
        if (key) out.push({ name: isDefault ? 'default' : name, key });
      }
    }
  }
  for (const key of ['fn:module.exports', 'fn:default']) if (reader.routers.has(key)) out.push({ name: key.slice(3), key });
  return out;
}

/** What `app.use(x)` / `register(x)` mounts, or `pass-through` for middleware that serves nothing itself. */
function mountTarget(reader: Reader, arg: ts.Expression): MountFact['target'] | 'pass-through' | undefined {
  const e = stripExpression(arg);
  if (isIdentifier(e)) {
    if (reader.routers.has(e.text)) return { local: e.text };
    if (reader.routers.has(`fn:${e.text}`)) return { local: `fn:${e.text}` };
    const binding = reader.modules.get(e.text);
    if (binding) return binding.module.startsWith('.') ? { module: binding.module, name: binding.imported === '*' ? 'module.exports' : binding.imported } : passThrough(binding.module, binding.imported) ? 'pass-through' : { opaque: binding.module };
    return undefined;
  }
  if (isCallExpression(e)) {
    const callee = stripExpression(e.expression);
    // `require('./routes')` inline, `fp(routes)`.
    if (isIdentifier(callee) && callee.text === 'require' && e.arguments.length === 1 && isStringLiteralLike(e.arguments[0])) {
      const module = e.arguments[0].text;
      return module.startsWith('.') ? { module, name: 'module.exports' } : passThrough(module, '*') ? 'pass-through' : { opaque: module };
    }
    const binding = calleeBinding(reader, callee);
    if (binding) {
      if (binding.module === 'express' && EXPRESS_PASS_THROUGH.has(binding.imported)) return 'pass-through';
      if (binding.module.startsWith('.')) return undefined; // a factory of this project: unknown result
      return passThrough(binding.module, binding.imported) ? 'pass-through' : { opaque: binding.module };
    }
    if (isPropertyAccessExpression(callee) && calleeBinding(reader, stripExpression(callee.expression))?.module === 'express') return 'pass-through';
    // `router.routes()` (koa-router), `router.middleware()`.
    if (isPropertyAccessExpression(callee) && (callee.name.text === 'routes' || callee.name.text === 'middleware') && isIdentifier(stripExpression(callee.expression))) {
      const name = (stripExpression(callee.expression) as ts.Identifier).text;
      if (reader.routers.has(name)) return { local: name };
      const binding2 = reader.modules.get(name);
      if (binding2?.module.startsWith('.')) return { module: binding2.module, name: binding2.imported === '*' ? 'module.exports' : binding2.imported };
    }
  }
  return undefined;
}

/** Middleware that never answers a request itself (the table above): read by missing-health-endpoint's fix too. */
export function passThrough(module: string, imported: string): boolean {
  return PASS_THROUGH_MIDDLEWARE.has(module) || (module === 'express' && EXPRESS_PASS_THROUGH.has(imported));
}

/** `require('./routes')` / an imported function, called with the app: the module's function adds routes. */
function calledModuleFunction(reader: Reader, callee: ts.Expression): MountFact['target'] | undefined {
  if (isCallExpression(callee) && isIdentifier(callee.expression) && callee.expression.text === 'require' && callee.arguments.length === 1 && isStringLiteralLike(callee.arguments[0])) {
    const module = callee.arguments[0].text;
    return module.startsWith('.') ? { module, name: 'module.exports' } : undefined;
  }
  if (isIdentifier(callee)) {
    if (reader.routers.has(`fn:${callee.text}`)) return { local: `fn:${callee.text}` };
    const binding = reader.modules.get(callee.text);
    if (binding?.module.startsWith('.')) return { module: binding.module, name: binding.imported === '*' ? 'module.exports' : binding.imported };
  }
  return undefined;
}

interface DecoratorCall {
  name: string;
  call: ts.CallExpression;
}

function decoratorCall(d: ts.Decorator | undefined): DecoratorCall | undefined {
  if (!d || !isDecorator(d)) return undefined;
  const e = d.expression;
  if (!isCallExpression(e)) return undefined;
  const callee = e.expression;
  if (isIdentifier(callee)) return { name: callee.text, call: e };
  return undefined;
}

export function propertyOf(object: ts.ObjectLiteralExpression, name: string): ts.Expression | undefined {
  for (const p of object.properties) {
    if (isPropertyAssignment(p) && (isIdentifier(p.name) || isStringLiteral(p.name)) && p.name.text === name) return p.initializer;
    if (ts.isShorthandPropertyAssignment(p) && p.name.text === name) return p.name;
  }
  return undefined;
}

function isTemplateLike(e: ts.Expression): boolean {
  return e.kind === SyntaxKind.TemplateExpression || isBinaryExpression(e);
}

/** A string the code spells out: a literal, or a `const` holding one. */
function literalString(reader: Reader, node: ts.Expression | undefined, depth = 0): string | undefined {
  if (!node || depth > 3) return undefined;
  const e = stripExpression(node);
  if (isStringLiteral(e) || isNoSubstitutionTemplateLiteral(e)) return e.text;
  if (isIdentifier(e)) {
    const init = reader.consts.get(e.text);
    return init ? literalString(reader, init, depth + 1) : undefined;
  }
  return undefined;
}

/** A port expression: `3000`, `process.env.PORT || 3000`, `Number(process.env.PORT ?? '8080')`, a `const` holding one. */
export function portOf(reader: Reader, node: ts.Expression, depth = 0): PortValue {
  if (depth > 4) return null;
  const e = stripExpression(node);
  if (isNumericLiteral(e)) return { literal: Number(e.text) };
  if (isStringLiteralLike(e)) return /^\d+$/.test(e.text) ? { literal: Number(e.text) } : null;
  const env = envName(e);
  if (env) return { env, fallback: 'none' };
  if (isIdentifier(e)) {
    const init = reader.consts.get(e.text);
    return init ? portOf(reader, init, depth + 1) : null;
  }
  if (isPrefixUnaryExpression(e) && e.operator === SyntaxKind.PlusToken) return portOf(reader, e.operand, depth + 1);
  if (isCallExpression(e)) {
    const callee = stripExpression(e.expression);
    const name = isIdentifier(callee) ? callee.text : isPropertyAccessExpression(callee) ? callee.name.text : '';
    if (/^(?:Number|parseInt|parseFloat|String|normalizePort|toNumber|toInt)$/.test(name) && e.arguments.length >= 1) return portOf(reader, e.arguments[0], depth + 1);
    return null;
  }
  if (isBinaryExpression(e) && (e.operatorToken.kind === SyntaxKind.BarBarToken || e.operatorToken.kind === SyntaxKind.QuestionQuestionToken)) {
    const left = portOf(reader, e.left, depth + 1);
    const right = portOf(reader, e.right, depth + 1);
    if (left && 'env' in left && left.fallback === 'none') return { env: left.env, fallback: right && 'literal' in right ? right.literal : 'unknown' };
    return null;
  }
  return null;
}

/** `process.env.PORT`, `process.env['PORT']`. */
function envName(e: ts.Expression): string | undefined {
  if (isPropertyAccessExpression(e) && isProcessEnv(e.expression)) return e.name.text;
  if (ts.isElementAccessExpression(e) && isProcessEnv(e.expression) && isStringLiteralLike(e.argumentExpression)) return e.argumentExpression.text;
  return undefined;
}

function isProcessEnv(e: ts.Expression): boolean {
  const x = stripExpression(e);
  return isPropertyAccessExpression(x) && x.name.text === 'env' && isIdentifier(x.expression) && x.expression.text === 'process';
}

/** hapi: the port is an option of the server's creation (`Hapi.server({ port: 3000 })`). */
function hapiPort(reader: Reader, receiver: ts.Expression | undefined): PortValue {
  const e = receiver && stripExpression(receiver);
  if (!e || !isIdentifier(e)) return null;
  const init = reader.consts.get(e.text);
  const made = init && stripExpression(init);
  if (!made || !(isCallExpression(made) || isNewExpression(made))) return null;
  const options = made.arguments?.[0] && stripExpression(made.arguments[0]);
  if (!options || !isObjectLiteralExpression(options)) return null;
  const port = propertyOf(options, 'port');
  return port ? portOf(reader, port) : null;
}

/** A number of milliseconds the code spells out: `10000`, `10_000`, `10 * 1000`, a `const` holding one. */
function milliseconds(reader: Reader, node: ts.Expression | undefined, depth = 0): number | undefined {
  if (!node || depth > 3) return undefined;
  const e = stripExpression(node);
  if (isNumericLiteral(e)) return Number(e.text.replace(/_/g, ''));
  if (isIdentifier(e)) {
    const init = reader.consts.get(e.text);
    return init ? milliseconds(reader, init, depth + 1) : undefined;
  }
  if (isBinaryExpression(e) && e.operatorToken.kind === SyntaxKind.AsteriskToken) {
    const a = milliseconds(reader, e.left, depth + 1);
    const b = milliseconds(reader, e.right, depth + 1);
    return a !== undefined && b !== undefined ? a * b : undefined;
  }
  return undefined;
}

/**
 * The drain bound of each SIGTERM handler: the delay of a `setTimeout` inside it (or inside a function of
 * the file it calls by name) whose callback calls `process.exit`. A handler with no such timer has no
 * known bound, and is not here.
 */
function drainTimers(reader: Reader, lineOf: (n: ts.Node) => { line: number; column: number }): DrainFact[] {
  const out: DrainFact[] = [];
  const handlers: ts.Node[] = [];
  for (const node of nodesOfKinds(reader.sf, CALLS)) {
    if (isCallExpression(node)) {
      const callee = stripExpression(node.expression);
      if (isPropertyAccessExpression(callee) && /^(?:on|once|addListener|prependListener)$/.test(callee.name.text) && isIdentifier(stripExpression(callee.expression)) && (stripExpression(callee.expression) as ts.Identifier).text === 'process') {
        const signal = node.arguments[0] && literalString(reader, node.arguments[0]);
        const handler = node.arguments[1] && stripExpression(node.arguments[1]);
        if (signal === 'SIGTERM' && handler) {
          if (isArrowFunction(handler) || isFunctionExpression(handler)) handlers.push(handler);
          else if (isIdentifier(handler) && reader.functions.has(handler.text)) handlers.push(reader.functions.get(handler.text)!);
          else if (isCallExpression(handler) && isIdentifier(handler.expression) && reader.functions.has(handler.expression.text)) handlers.push(reader.functions.get(handler.expression.text)!);
        }
      }
    }
  }
  for (const handler of handlers) {
    let best: DrainFact | undefined;
    const seen = new Set<ts.Node>();
    const search = (node: ts.Node, depth: number): void => {
      if (seen.has(node)) return;
      seen.add(node);
      const walk = (n: ts.Node): void => {
        if (isCallExpression(n)) {
          const callee = stripExpression(n.expression);
          if (isIdentifier(callee) && callee.text === 'setTimeout' && n.arguments.length >= 2 && exits(n.arguments[0])) {
            const ms = milliseconds(reader, n.arguments[1]);
            if (ms !== undefined && (!best || ms > best.ms)) best = { ...lineOf(n), ms };
          } else if (isIdentifier(callee) && depth < 2 && reader.functions.has(callee.text)) search(reader.functions.get(callee.text)!, depth + 1);
        }
        forEachChild(n, walk);
      };
      walk(node);
    };
    search(handler, 0);
    if (best) out.push(best);
  }
  return out;
}

/** Whether a timer's callback force-exits (`process.exit(...)`, `process.kill(process.pid, ...)`). */
function exits(node: ts.Node): boolean {
  let found = false;
  const walk = (n: ts.Node): void => {
    if (found) return;
    if (isCallExpression(n)) {
      const callee = stripExpression(n.expression);
      if (isPropertyAccessExpression(callee) && (callee.name.text === 'exit' || callee.name.text === 'kill') && isIdentifier(callee.expression) && callee.expression.text === 'process') found = true;
    }
    forEachChild(n, walk);
  };
  walk(node);
  return found;
}

// ---- a package's route table -------------------------------------------------------------------

/** A route of the package with its full path as far as it is known. */
export interface ServedRoute {
  method: string;
  /** The full path pattern (`/api/health`, `/users/:id`); when `prefixKnown` is false, a suffix of the real path. */
  path: string;
  prefixKnown: boolean;
  file: string;
  line: number;
  column: number;
}

/** What a package serves and listens on, joined from its files' facts. */
export interface PackageService {
  dir: string;
  routes: ServedRoute[];
  /** Whether the route table can be trusted to be complete (no unknown path, middleware or prefix). */
  routesKnown: boolean;
  /** Why not, when not. */
  unknownRoutes: string | undefined;
  /** Words of the path-like string literals (`'/healthz'`) anywhere in the package's sources: what a handler may match by hand. */
  pathWords: ReadonlySet<string>;
  listens: Array<ListenFact & { file: string }>;
  drains: Array<DrainFact & { file: string }>;
}

export function joinPath(...parts: string[]): string {
  const joined = parts.map((p) => p.replace(/^\/+|\/+$/g, '')).filter((p) => p !== '').join('/');
  return `/${joined}`;
}

const SOURCE_EXTENSIONS = ['.ts', '.js', '.mjs', '.cjs', '.tsx', '.jsx', '.mts', '.cts'];

/** Joins the facts of a package's files (`files`: absolute path -> facts) into its routes and ports. */
export function packageService(dir: string, files: ReadonlyMap<string, JsServiceFacts>, pathWords: ReadonlySet<string>): PackageService {
  const routes: ServedRoute[] = [];
  const listens: PackageService['listens'] = [];
  const drains: PackageService['drains'] = [];
  let unknownRoutes: string | undefined;
  const node = (file: string, key: string) => `${file}#${key}`;
  // Every router node's possible prefixes (null: unknown), from apps down through mounts.
  const prefixes = new Map<string, Set<string> | null>();
  const mountsOf = new Map<string, Array<{ child: string; prefix: string }>>();
  const resolveModule = (from: string, specifier: string): string | undefined => {
    const base = path.posix.normalize(`${path.posix.dirname(from)}/${specifier}`).replace(/\.(?:[cm]?js|jsx)$/, '');
    for (const candidate of [base, ...SOURCE_EXTENSIONS.map((x) => base + x), ...SOURCE_EXTENSIONS.map((x) => `${base}/index${x}`)]) if (files.has(candidate)) return candidate;
    return undefined;
  };
  let globalPrefix: string | null | undefined;
  let exclude: string[] | null = [];
  for (const [file, facts] of files) {
    const relative = file.slice(dir.length + 1);
    if (facts.unknownRoutes && !unknownRoutes) unknownRoutes = `${relative}: ${facts.unknownRoutes}`;
    if (facts.globalPrefix !== undefined) {
      globalPrefix = globalPrefix === undefined || globalPrefix === facts.globalPrefix ? facts.globalPrefix : null;
      exclude = facts.globalPrefixExclude;
    }
    for (const l of facts.listens) listens.push({ ...l, file });
    for (const d of facts.drains) drains.push({ ...d, file });
    for (const router of facts.routers) if (router.app) prefixes.set(node(file, router.key), new Set([router.prefix]));
    for (const mount of facts.mounts) {
      let child: string | undefined;
      if ('local' in mount.target) child = node(file, mount.target.local);
      else if ('module' in mount.target) {
        const target = resolveModule(file, mount.target.module);
        const exported = target && files.get(target)!.exports.find((x) => x.name === (mount.target as { name: string }).name || (x.name === 'module.exports' && (mount.target as { name: string }).name === 'default'));
        if (target && exported) child = node(target, exported.key);
        else if (!unknownRoutes) unknownRoutes = `${relative}: a mount of ${mount.target.module} that the index does not read (line ${mount.line})`;
      } else {
        // An npm module's middleware mounted at a path serves under it: any path below the prefix.
        routes.push({ method: 'all', path: joinPath(mount.prefix, '*'), prefixKnown: false, file, line: mount.line, column: 1 });
        if (mount.prefix === '' && !unknownRoutes) unknownRoutes = `${relative}: ${mount.target.opaque} middleware (line ${mount.line})`;
        continue;
      }
      if (!child) continue;
      const list = mountsOf.get(node(file, mount.parent)) ?? [];
      list.push({ child, prefix: mount.prefix });
      mountsOf.set(node(file, mount.parent), list);
    }
  }
  // Propagate prefixes from apps through mounts (bounded: a cycle adds nothing new after a few rounds).
  for (let round = 0; round < 6; round++) {
    let changed = false;
    for (const [parent, children] of mountsOf) {
      const from = prefixes.get(parent);
      if (!from) continue;
      for (const { child, prefix } of children) {
        const [childFile, childKey] = [child.slice(0, child.indexOf('#')), child.slice(child.indexOf('#') + 1)];
        const own = files.get(childFile)?.routers.find((r) => r.key === childKey)?.prefix ?? '';
        let set = prefixes.get(child);
        if (!set) prefixes.set(child, (set = new Set()));
        for (const p of from) {
          const full = joinPath(p, prefix, own);
          if (!set.has(full) && set.size < 16) {
            set.add(full);
            changed = true;
          }
        }
      }
    }
    if (!changed) break;
  }
  for (const [file, facts] of files) {
    for (const router of facts.routers) {
      const known = prefixes.get(node(file, router.key));
      for (const route of router.routes) {
        if (known) for (const p of known) routes.push({ method: route.method, path: joinPath(p, route.path), prefixKnown: true, file, line: route.line, column: route.column });
        else routes.push({ method: route.method, path: joinPath(router.prefix, route.path), prefixKnown: false, file, line: route.line, column: route.column });
      }
    }
    for (const controller of facts.controllers) {
      for (const route of controller.routes) {
        const bare = joinPath(controller.prefix, route.path);
        const at = { method: route.method, file, line: route.line, column: route.column };
        if (globalPrefix === null || exclude === null) routes.push({ ...at, path: bare, prefixKnown: false });
        else if (globalPrefix === undefined || exclude.some((x) => joinPath(x) === bare)) routes.push({ ...at, path: bare, prefixKnown: true });
        else routes.push({ ...at, path: joinPath(globalPrefix, bare), prefixKnown: true });
      }
    }
  }
  return { dir, routes, routesKnown: unknownRoutes === undefined, unknownRoutes, pathWords, listens, drains };
}

/** Whether a route's pattern serves a request path (`:param` segments, `*` and `(.*)` wildcards; an unknown prefix matches any). */
export function routeServes(route: ServedRoute, requestPath: string): boolean {
  const pattern = route.path
    .split('/')
    .map((segment) => {
      if (segment === '*' || /^\{?\*\w*\}?$/.test(segment) || segment === '(.*)') return '.*';
      if (/^:\w+\?$/.test(segment)) return '[^/]*';
      if (/^:\w+/.test(segment)) return '[^/]+';
      return segment.replace(/[.+?^${}()|[\]\\*]/g, '\\$&');
    })
    .join('/')
    .replace(/\/\.\*$/, '(?:/.*)?');
  const re = new RegExp(`${route.prefixKnown ? '^' : '(?:^|/)'}${pattern.replace(/^\//, route.prefixKnown ? '/' : '')}/?$`);
  return re.test(normalizeRequestPath(requestPath));
}

/** A probe's path without its query string or fragment, with one leading slash. */
export function normalizeRequestPath(p: string): string {
  const bare = p.replace(/[?#].*$/, '');
  return `/${bare.replace(/^\/+/, '')}`;
}

/** Words of the path-like string literals of a text (`'/healthz'`, `"/api/ready"`): a cheap scan, no parse. */
export function pathLiteralWords(text: string): string[] {
  const out = new Set<string>();
  for (const match of text.matchAll(/['"`]\/?([\w\-.:/]{2,80})/g)) {
    for (const word of match[1].split(/[/.:]/)) if (word.length > 1 && out.size < 4000) out.add(word.toLowerCase());
  }
  return [...out];
}
