// Service facts of the project model for Python: what a Python file says about the HTTP service it is
// part of, in the shapes of `service-facts.ts` (routers with their routes, mounts with their prefixes,
// listen calls with their ports), so that one join (`packageService`) makes the package's route table.
// Read from the tree-sitter tree through `rules/python/module-facts.ts`, once per document version.
//
// What is read:
// - FastAPI: `FastAPI()` apps, `APIRouter(prefix=...)`, `@app.get("/x")` / `@router.api_route(...)`,
//   `app.add_api_route("/x", f)`, `include_router(r, prefix=...)` (across files by import), `app.mount`.
// - Flask: `Flask(__name__)`, `Blueprint(..., url_prefix=...)`, `@app.route` / `@bp.get`,
//   `add_url_rule`, `register_blueprint(bp, url_prefix=...)` (which replaces the blueprint's own prefix).
// - Django: a module's `urlpatterns` (`path()`, simple `re_path()`, `include("mod.urls")`), the settings'
//   `ROOT_URLCONF`, `ALLOWED_HOSTS`, `MIDDLEWARE`, and `DJANGO_SETTINGS_MODULE` defaults.
// - aiohttp: `web.Application()`, `web.RouteTableDef()` decorators, `app.router.add_get(...)`,
//   `app.add_routes([web.get(...)])`, `add_subapp`.
// - Listen calls a module makes itself (`uvicorn.run(port=...)`, Flask `app.run(port=...)`,
//   `web.run_app(port=...)`), with `os.environ.get("PORT", "8000")` read as an env variable and its default.
//
// Unknown stays unknown: a path, prefix or port that is not a literal (a variable from elsewhere, an
// f-string), a route table built by an extension we do not read (Flask-RESTful, connexion, Starlette
// `routes=[...]`), a sub-application or urlconf from another package: the file says `unknownRoutes`.

import * as path from 'node:path';
import type { ParsedDocument } from '../document';
import type { PyNode } from '../python';
import { calleeMethod, calleePath, calleeOf, callArguments, moduleFacts, nodesOfType, qualifiedName, unparen, valueOf, type ListedType, type ModuleFacts } from '../../rules/python/module-facts';
import { emptyFacts, packageService, type JsServiceFacts, type ListenFact, type MountFact, type PackageService, type PortValue, type RouteFact, type RouterFact } from './service-facts';

/** Django settings a module assigns (only what the cross-checks read). */
export interface DjangoSettingsFacts {
  /** `ALLOWED_HOSTS = [...]`: the hosts when every entry is a string literal, else null (unknown). */
  allowedHosts?: { hosts: string[] | null; line: number; column: number };
  /** `ALLOWED_HOSTS += ...`, `.append(...)`, `.extend(...)`, or a second assignment: what it holds is not known. */
  allowedHostsChanged?: boolean;
  /** `MIDDLEWARE = [...]` entries when all are literals, else null. */
  middleware?: string[] | null;
  rootUrlconf?: string | null;
  /** `from .base import *` / `from config.settings.base import *`: the modules whose settings this one starts from. */
  starImports: string[];
}

export interface PyServiceFacts {
  facts: JsServiceFacts;
  /** Indices of `facts.mounts` that replace the child's own prefix (Flask `register_blueprint(bp, url_prefix=...)`). */
  replacing: number[];
  /** Keys of routers that are Django urlconfs (`urlpatterns`): an app only when ROOT_URLCONF names the module. */
  urlconf: boolean;
  django: DjangoSettingsFacts | undefined;
  /** `os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")`: the settings module it names. */
  settingsDefault: string | undefined;
  /** Top-level modules the file imports (`sqlalchemy`, `redis`): what the service depends on. */
  imports: string[];
}

/** Cheap look at the text before any parse: a framework, a route decorator, a urlconf, settings, a listen call. */
export const PY_SERVICE_PREFILTER = /\b(?:fastapi|flask|aiohttp|django|urlpatterns|ALLOWED_HOSTS|ROOT_URLCONF|DJANGO_SETTINGS_MODULE|uvicorn|APIRouter|Blueprint|include_router|register_blueprint)\b/;

const HTTP_METHODS = new Set(['get', 'post', 'put', 'delete', 'patch', 'head', 'options']);

/** Default ports of the listen calls a module makes itself (each project's documented default). */
const LISTEN_DEFAULTS: Record<string, number> = {
  // https://www.uvicorn.org/settings/#socket-binding: --port default 8000
  'uvicorn.run': 8000,
  // https://flask.palletsprojects.com/en/stable/api/#flask.Flask.run: port defaults to 5000
  'flask.run': 5000,
  // https://docs.aiohttp.org/en/stable/web_reference.html#aiohttp.web.run_app: port 8080
  'aiohttp.web.run_app': 8080,
};

/** Middleware and extensions that never answer a request on a path of their own. */
const PASS_THROUGH_MIDDLEWARE = /(?:^|\.)(?:CORSMiddleware|GZipMiddleware|TrustedHostMiddleware|HTTPSRedirectMiddleware|SessionMiddleware|ProxyHeadersMiddleware|BaseHTTPMiddleware|SentryAsgiMiddleware|CorrelationIdMiddleware|RawContextMiddleware)$/;

/** Modules whose import means the route table is built in a way this reader does not follow. */
const UNREAD_ROUTERS = /^(?:flask_restful|flask_restx|flask_restplus|connexion|flask_smorest|flask_appbuilder|fastapi_utils\.cbv|ninja|starlette\.routing|sanic|falcon|tornado|bottle|quart|litestar|rest_framework\.routers)\b/;

/** Modules that are a dependency a readiness check should look at (databases, caches, brokers). */
export const PY_DEPENDENCY_MODULES = ['sqlalchemy', 'psycopg', 'psycopg2', 'asyncpg', 'aiomysql', 'pymysql', 'MySQLdb', 'pymongo', 'motor', 'redis', 'aioredis', 'databases', 'tortoise', 'sqlmodel', 'peewee', 'pika', 'aio_pika', 'kafka', 'aiokafka', 'confluent_kafka', 'celery', 'elasticsearch', 'cassandra', 'django.db', 'beanie', 'odmantic', 'mongoengine'];

const cache = new WeakMap<ParsedDocument, PyServiceFacts | null>();

/** The service facts of a Python document (undefined when it has no tree or says nothing). */
export function pyServiceFacts(doc: ParsedDocument): PyServiceFacts | undefined {
  let out = cache.get(doc);
  if (out === undefined) {
    const facts = doc.kind === 'python' && PY_SERVICE_PREFILTER.test(doc.text) ? moduleFacts(doc) : undefined;
    out = facts && doc.pythonTree ? read(doc, facts) : null;
    if (doc.pythonTree || doc.kind !== 'python') cache.set(doc, out);
  }
  return out ?? undefined;
}

interface Reader {
  doc: ParsedDocument;
  facts: ModuleFacts;
  /** Relative imports (`from .routers import health`): local name -> `.routers.health` (leading dots kept). */
  relative: Map<string, string>;
  routers: Map<string, RouterFact>;
  out: PyServiceFacts;
  handlers: Map<RouteFact, PyNode>;
}

function position(node: PyNode): { line: number; column: number } {
  return { line: node.startPosition.row + 1, column: node.startPosition.column + 1 };
}

/** A Python string literal's value (no f-string, no concatenation), through a module-level name. */
export function pyString(facts: ModuleFacts | undefined, node: PyNode | null | undefined, depth = 0): string | undefined {
  if (!node || depth > 3) return undefined;
  const n = unparen(node);
  if (n.type === 'string') {
    if (n.namedChildren.some((c) => c?.type === 'interpolation')) return undefined;
    const start = n.namedChildren.find((c) => c?.type === 'string_start')?.text ?? '';
    if (/[fFbB]/.test(start)) return undefined;
    return n.namedChildren.filter((c) => c?.type === 'string_content').map((c) => c!.text).join('');
  }
  if (n.type === 'concatenated_string') {
    const parts = n.namedChildren.map((c) => pyString(facts, c, depth + 1));
    return parts.every((p) => p !== undefined) ? parts.join('') : undefined;
  }
  if (n.type === 'identifier' && facts) {
    const v = valueOf(facts, n);
    return v ? pyString(facts, v, depth + 1) : undefined;
  }
  return undefined;
}

/** A route path as the join reads it: FastAPI `{id}` / Flask and Django `<int:id>` become `:id`, `{p:path}` / `<path:p>` a wildcard. */
export function routePattern(p: string): string {
  return p
    .replace(/\{(\w+):path\}/g, '*')
    .replace(/<path:\w+>/g, '*')
    .replace(/\{(\w+)(?::\w+)?\}/g, ':$1')
    .replace(/<(?:\w+:)?(\w+)>/g, ':$1');
}

/** A simple Django `re_path` pattern (`^health/?$`, `^api/`) as a path, else undefined. */
function regexPath(re: string, include: boolean): string | undefined {
  let body = re.replace(/^\^/, '');
  const anchored = body.endsWith('$');
  body = body.replace(/\$$/, '').replace(/\/\?$/, '/');
  if (!anchored && !include) return undefined;
  return /^[\w\-/]*$/.test(body) ? body : undefined;
}

function read(doc: ParsedDocument, facts: ModuleFacts): PyServiceFacts {
  const out: PyServiceFacts = { facts: emptyFacts(), replacing: [], urlconf: false, django: undefined, settingsDefault: undefined, imports: [] };
  const reader: Reader = { doc, facts, relative: new Map(), routers: new Map(), out, handlers: new Map() };
  readImports(reader);
  readRouters(reader);
  readDjango(reader);
  // Decorated route handlers: `@app.get("/health")`, `@bp.route("/x")`, `@routes.get("/x")` (none
  // without a router of this module: `readRouteCall` reads only calls on one).
  for (const node of reader.routers.size > 0 ? descendants(reader, 'decorated_definition') : []) {
    const definition = node.childForFieldName('definition');
    for (const decorator of node.namedChildren) {
      if (decorator?.type !== 'decorator') continue;
      const call = decorator.namedChildren[0];
      if (call?.type === 'call') readRouteCall(reader, call, definition ?? undefined, true);
    }
  }
  for (const call of facts.calls) readCall(reader, call);
  out.facts.routers = [...reader.routers.values()];
  out.facts.exports = out.facts.routers.map((r) => ({ name: r.key, key: r.key }));
  handlerCache.set(doc, reader.handlers);
  return out;
}

const handlerCache = new WeakMap<ParsedDocument, Map<RouteFact, PyNode>>();

/** The facts with each route's handler (the decorated function, or the function a route call names in this file). */
export function pyRouteHandlers(doc: ParsedDocument): Map<RouteFact, PyNode> {
  pyServiceFacts(doc);
  return handlerCache.get(doc) ?? new Map();
}

/** Every node of a type in the module, from the list the module facts keep (no walk of the tree). */
function descendants(reader: Reader, type: ListedType): readonly PyNode[] {
  return nodesOfType(reader.facts, type);
}

function readImports(reader: Reader): void {
  const tops = new Set<string>();
  for (const q of reader.facts.imports.values()) tops.add(q.split('.')[0]);
  for (const node of descendants(reader, 'import_from_statement')) {
    const module = node.childForFieldName('module_name');
    if (!module) continue;
    if (module.type !== 'relative_import') {
      if (/^django\.db\b/.test(module.text)) tops.add('django.db');
      if (node.namedChildren.some((c) => c?.type === 'wildcard_import')) (reader.out.django ??= { starImports: [] }).starImports.push(insideTry(node) ? '?' : module.text);
      continue;
    }
    const base = module.text;
    if (node.namedChildren.some((c) => c?.type === 'wildcard_import')) {
      reader.out.django ??= { starImports: [] };
      // `try: from .local import *`: a file that may not exist here (kept out of the repository) and may override anything.
      reader.out.django.starImports.push(insideTry(node) ? '?' : base);
    }
    for (const child of node.childrenForFieldName('name')) {
      if (!child) continue;
      const name = child.type === 'aliased_import' ? child.childForFieldName('name')?.text : child.text;
      const alias = child.type === 'aliased_import' ? child.childForFieldName('alias')?.text : child.text;
      if (name && alias) reader.relative.set(alias, `${base}${base.endsWith('.') ? '' : '.'}${name}`);
    }
  }
  for (const node of descendants(reader, 'import_statement')) {
    if (/\bdjango\.db\b/.test(node.text)) tops.add('django.db');
  }
  reader.out.imports = [...tops].filter((t) => PY_DEPENDENCY_MODULES.includes(t)).sort();
  for (const q of reader.facts.imports.values()) {
    if (UNREAD_ROUTERS.test(q)) unknown(reader, reader.doc.pythonTree!.rootNode, `routes through ${q.split('.').slice(0, 2).join('.')}, which is not read`);
  }
}

function insideTry(node: PyNode): boolean {
  for (let n = node.parent; n; n = n.parent) if (n.type === 'try_statement') return true;
  return false;
}

function unknown(reader: Reader, node: PyNode, why: string): void {
  if (!reader.out.facts.unknownRoutes) reader.out.facts.unknownRoutes = `${why} (line ${position(node).line})`;
}

/** Apps and routers made in the file: `app = FastAPI()`, `router = APIRouter(prefix="/x")`, `bp = Blueprint(...)`. */
function readRouters(reader: Reader): void {
  for (const [key, values] of reader.facts.assignments) {
    const name = key.slice(key.indexOf(':') + 1);
    if (name.includes('.')) continue;
    for (const value of values) {
      const v = unparen(value);
      if (v.type !== 'call') continue;
      const callee = qualifiedName(reader.facts, calleeOf(reader.facts, v));
      if (!callee) continue;
      const args = callArguments(v);
      const made = creation(reader, callee, args, v);
      if (!made) continue;
      const existing = reader.routers.get(name);
      if (existing && (existing.prefix !== made.prefix || existing.app !== made.app)) {
        unknown(reader, v, `'${name}' is made twice, differently`);
        continue;
      }
      if (!existing) reader.routers.set(name, { key: name, ...made, routes: [] });
    }
  }
}

function creation(reader: Reader, callee: string, args: ReturnType<typeof callArguments>, at: PyNode): Omit<RouterFact, 'key' | 'routes'> | undefined {
  const prefixOf = (keyword: string): string | undefined | null => {
    const k = args.keywords.get(keyword);
    if (!k) return args.splat ? null : '';
    const p = pyString(reader.facts, k.value);
    return p === undefined ? null : p;
  };
  if (callee === 'fastapi.FastAPI' || callee === 'starlette.applications.Starlette') {
    if (args.keywords.has('routes')) unknown(reader, at, 'an app made with a routes= list');
    return { app: true, framework: 'fastapi', prefix: '' };
  }
  if (callee === 'fastapi.APIRouter' || callee === 'fastapi.routing.APIRouter') {
    const prefix = prefixOf('prefix');
    if (prefix === null) {
      unknown(reader, at, 'a router prefix that is not a literal');
      return undefined;
    }
    if (args.keywords.has('routes')) unknown(reader, at, 'a router made with a routes= list');
    return { app: false, framework: 'fastapi', prefix: routePattern(prefix ?? '') };
  }
  if (callee === 'flask.Flask') return { app: true, framework: 'flask', prefix: '' };
  if (callee === 'flask.Blueprint') {
    const prefix = prefixOf('url_prefix');
    if (prefix === null) {
      unknown(reader, at, 'a blueprint url_prefix that is not a literal');
      return undefined;
    }
    return { app: false, framework: 'flask', prefix: routePattern(prefix ?? '') };
  }
  if (callee === 'aiohttp.web.Application') return { app: true, framework: 'aiohttp', prefix: '' };
  if (callee === 'aiohttp.web.RouteTableDef') return { app: false, framework: 'aiohttp', prefix: '' };
  return undefined;
}

/** The router a receiver expression names: `app`, `router`, `app.router` (aiohttp). */
function routerOf(reader: Reader, receiver: PyNode | null | undefined): RouterFact | undefined {
  if (!receiver) return undefined;
  const r = unparen(receiver);
  if (r.type === 'identifier') return routerNamed(reader, [r.text]);
  if (r.type === 'attribute' && r.childForFieldName('attribute')?.text === 'router') return routerNamed(reader, [r.childForFieldName('object')?.text ?? '', 'router']);
  return undefined;
}

/** The router a receiver names, by its names (`['app']`, `['app', 'router']`). */
function routerNamed(reader: Reader, names: readonly string[]): RouterFact | undefined {
  if (names.length === 1) return reader.routers.get(names[0]);
  // Router names hold no dot (`readRouters`): `a.b.router` names none.
  if (names.length === 2 && names[1] === 'router') {
    const base = reader.routers.get(names[0]);
    return base?.framework === 'aiohttp' ? base : undefined;
  }
  return undefined;
}

/**
 * The router a method call is made on (`app.get(...)`): from the names of the callee's chain when it
 * is one (the facts keep them), without reading the tree; else from its receiver expression.
 */
function callRouter(reader: Reader, call: PyNode): RouterFact | undefined {
  const path = calleePath(reader.facts, call);
  return path ? routerNamed(reader, path.slice(0, -1)) : routerOf(reader, calleeOf(reader.facts, call)?.childForFieldName('object'));
}

/** `@app.get("/x")`, `@bp.route("/x", methods=[...])`, `@router.api_route(...)`, `@routes.get(...)`. */
function readRouteCall(reader: Reader, call: PyNode, handler: PyNode | undefined, decorator: boolean): boolean {
  const method = calleeMethod(reader.facts, call);
  if (method === undefined) return false;
  const router = callRouter(reader, call);
  if (!router) return false;
  const args = callArguments(call);
  const isRoute = HTTP_METHODS.has(method) || method === 'route' || method === 'api_route' || method === 'websocket';
  if (!isRoute || !decorator) return false;
  if (method === 'websocket') return true;
  addRoute(reader, router, routeMethod(reader, method, args), args.positional[0] ?? args.keywords.get('path')?.value ?? args.keywords.get('rule')?.value, call, handler);
  return true;
}

function routeMethod(reader: Reader, method: string, args: ReturnType<typeof callArguments>): string {
  if (HTTP_METHODS.has(method)) return method;
  const methods = args.keywords.get('methods')?.value;
  if (!methods) return method === 'api_route' ? 'all' : 'get';
  const v = unparen(methods);
  if (v.type !== 'list' && v.type !== 'tuple' && v.type !== 'set') return 'all';
  const names = v.namedChildren.map((c) => pyString(reader.facts, c)?.toLowerCase());
  if (names.some((n) => n === undefined)) return 'all';
  return names.includes('get') ? 'get' : (names[0] ?? 'all');
}

function addRoute(reader: Reader, router: RouterFact, method: string, pathNode: PyNode | undefined, at: PyNode, handler: PyNode | undefined): void {
  const p = pathNode ? pyString(reader.facts, pathNode) : undefined;
  if (p === undefined) {
    unknown(reader, at, 'a route whose path is not a literal');
    return;
  }
  const route: RouteFact = { method, path: routePattern(p), ...position(pathNode ?? at) };
  router.routes.push(route);
  if (handler) reader.handlers.set(route, handler);
}

/** A function of this module by name (a route call's handler). */
function localFunction(reader: Reader, node: PyNode | undefined): PyNode | undefined {
  if (!node || node.type !== 'identifier') return undefined;
  const root = reader.doc.pythonTree?.rootNode;
  if (!root) return undefined;
  return descendants(reader, 'function_definition').find((f) => f.childForFieldName('name')?.text === node.text);
}

function readCall(reader: Reader, call: PyNode): void {
  const fn = calleeOf(reader.facts, call);
  const qualified = qualifiedName(reader.facts, fn);
  if (qualified === 'uvicorn.run' || qualified === 'aiohttp.web.run_app') {
    listen(reader, call, qualified, callArguments(call), 1);
    return;
  }
  if (qualified === 'os.environ.setdefault') {
    const args = callArguments(call);
    if (pyString(reader.facts, args.positional[0]) === 'DJANGO_SETTINGS_MODULE') {
      reader.out.settingsDefault = pyString(reader.facts, args.positional[1]);
      return;
    }
  }
  const method = calleeMethod(reader.facts, call);
  if (method === undefined || reader.routers.size === 0) return;
  // Most calls are on no router of this module: their arguments need not be read.
  const router = callRouter(reader, call);
  if (!router) return;
  const args = callArguments(call);
  const line = position(call).line;
  switch (method) {
    case 'run':
      if (router.framework === 'flask') listen(reader, call, 'flask.run', args, 1);
      return;
    case 'add_api_route':
    case 'add_url_rule': {
      const handlerNode = args.keywords.get('endpoint')?.value ?? args.keywords.get('view_func')?.value ?? args.positional[method === 'add_api_route' ? 1 : 2];
      addRoute(reader, router, routeMethod(reader, method === 'add_api_route' ? 'api_route' : 'route', args), args.positional[0] ?? args.keywords.get('path')?.value ?? args.keywords.get('rule')?.value, call, localFunction(reader, handlerNode));
      return;
    }
    case 'add_route':
    case 'add_get':
    case 'add_post':
    case 'add_put':
    case 'add_delete':
    case 'add_patch':
    case 'add_head': {
      if (router.framework !== 'aiohttp') return;
      const m = method === 'add_route' ? (pyString(reader.facts, args.positional[0])?.toLowerCase() ?? 'all') : method.slice(4);
      const pathArg = method === 'add_route' ? args.positional[1] : args.positional[0];
      addRoute(reader, router, m === '*' ? 'all' : m, pathArg, call, localFunction(reader, method === 'add_route' ? args.positional[2] : args.positional[1]));
      return;
    }
    case 'add_routes': {
      const list = args.positional[0] && unparen(args.positional[0]);
      if (!list) return;
      if (list.type === 'identifier') {
        if (reader.routers.has(list.text)) mount(reader, router, '', { local: list.text }, line, false);
        else unknown(reader, call, 'routes added from elsewhere');
        return;
      }
      if (list.type !== 'list') return unknown(reader, call, 'routes added from elsewhere');
      for (const item of list.namedChildren) {
        const c = item && unparen(item);
        const q = c?.type === 'call' ? qualifiedName(reader.facts, c.childForFieldName('function')) : undefined;
        const m = q && /^aiohttp\.web\.(get|post|put|delete|patch|head|route|view)$/.exec(q)?.[1];
        if (!c || !m) {
          if (item) unknown(reader, item, 'a route defined elsewhere');
          continue;
        }
        const a = callArguments(c);
        if (m === 'route') addRoute(reader, router, pyString(reader.facts, a.positional[0])?.toLowerCase() ?? 'all', a.positional[1], c, localFunction(reader, a.positional[2]));
        else addRoute(reader, router, m === 'view' ? 'all' : m, a.positional[0], c, localFunction(reader, a.positional[1]));
      }
      return;
    }
    case 'include_router':
    case 'register_blueprint': {
      const prefixKey = method === 'include_router' ? 'prefix' : 'url_prefix';
      const given = args.keywords.get(prefixKey);
      const prefix = given ? pyString(reader.facts, given.value) : '';
      if (prefix === undefined || args.splat) return unknown(reader, call, `a ${prefixKey} that is not a literal`);
      const target = mountTarget(reader, args.positional[0] ?? args.keywords.get(method === 'include_router' ? 'router' : 'blueprint')?.value);
      if (!target) return unknown(reader, call, `a ${method === 'include_router' ? 'router' : 'blueprint'} from elsewhere`);
      mount(reader, router, routePattern(prefix), target, line, method === 'register_blueprint' && given !== undefined);
      return;
    }
    case 'add_subapp':
    case 'mount': {
      const prefix = pyString(reader.facts, args.positional[0] ?? args.keywords.get('path')?.value);
      if (prefix === undefined) return unknown(reader, call, 'a mount path that is not a literal');
      const sub = args.positional[1] ?? args.keywords.get('app')?.value;
      const target = sub ? mountTarget(reader, sub) : undefined;
      if (target && 'local' in target) mount(reader, router, prefix, target, line, false);
      else {
        // StaticFiles, a WSGI app, another package's app: serves anything under its prefix.
        const q = sub && unparen(sub).type === 'call' ? qualifiedName(reader.facts, unparen(sub).childForFieldName('function')) : undefined;
        mount(reader, router, prefix, target ?? { opaque: q ?? 'a sub-application' }, line, false);
      }
      return;
    }
    case 'add_middleware': {
      const m = args.positional[0];
      const q = m ? (qualifiedName(reader.facts, m) ?? m.text) : '';
      if (!PASS_THROUGH_MIDDLEWARE.test(q)) mount(reader, router, '', { opaque: q || 'middleware' }, line, false);
      return;
    }
    default:
      return;
  }
}

function mount(reader: Reader, router: RouterFact, prefix: string, target: MountFact['target'], line: number, replaces: boolean): void {
  if (replaces) reader.out.replacing.push(reader.out.facts.mounts.length);
  reader.out.facts.mounts.push({ parent: router.key, prefix, target, line });
}

/** What `include_router(x)` / `register_blueprint(x)` mounts: a router of this file, or one imported (`py:` module targets). */
function mountTarget(reader: Reader, node: PyNode | undefined): MountFact['target'] | undefined {
  if (!node) return undefined;
  const n = unparen(node);
  if (n.type === 'identifier' && reader.routers.has(n.text)) return { local: n.text };
  const relative = relativeName(reader, n);
  const q = relative ?? qualifiedName(reader.facts, n);
  if (!q) return undefined;
  const cut = q.lastIndexOf('.');
  if (cut <= 0) return undefined;
  return { module: `py:${q.slice(0, cut)}`, name: q.slice(cut + 1) };
}

/** `health.router` / `router` bound by a relative import: `.routers.health.router`. */
function relativeName(reader: Reader, node: PyNode): string | undefined {
  if (node.type === 'identifier') return reader.relative.get(node.text);
  if (node.type === 'attribute') {
    const base = relativeName(reader, node.childForFieldName('object')!);
    const attr = node.childForFieldName('attribute')?.text;
    return base && attr ? `${base}.${attr}` : undefined;
  }
  return undefined;
}

function listen(reader: Reader, call: PyNode, framework: string, args: ReturnType<typeof callArguments>, portPosition: number): void {
  const portArg = args.keywords.get('port')?.value ?? (framework === 'flask.run' ? args.positional[portPosition] : undefined);
  let port: PortValue;
  if (portArg) port = pyPort(reader.facts, portArg);
  else port = args.splat || args.keywords.has('uds') || args.keywords.has('fd') || args.keywords.has('sock') || args.keywords.has('path') ? null : { literal: LISTEN_DEFAULTS[framework] };
  const fact: ListenFact = { ...position(call), framework, port };
  reader.out.facts.listens.push(fact);
}

/** A port expression: `8000`, `"8000"`, `int(os.environ.get("PORT", "8000"))`, `os.getenv("PORT", 8000)`, `os.environ["PORT"]`. */
export function pyPort(facts: ModuleFacts, node: PyNode, depth = 0): PortValue {
  if (depth > 4) return null;
  const n = unparen(node);
  if (n.type === 'integer') return /^\d+$/.test(n.text) ? { literal: Number(n.text) } : null;
  const s = pyString(undefined, n);
  if (s !== undefined) return /^\d+$/.test(s) ? { literal: Number(s) } : null;
  if (n.type === 'identifier') {
    const v = valueOf(facts, n);
    return v ? pyPort(facts, v, depth + 1) : null;
  }
  if (n.type === 'subscript') {
    const value = n.childForFieldName('value');
    const key = n.childForFieldName('subscript');
    if (value && qualifiedName(facts, value) === 'os.environ' && key) {
      const name = pyString(facts, key);
      return name ? { env: name, fallback: 'none' } : null;
    }
    return null;
  }
  if (n.type === 'call') {
    const callee = qualifiedName(facts, n.childForFieldName('function')) ?? n.childForFieldName('function')?.text;
    const args = callArguments(n);
    if ((callee === 'int' || callee === 'str') && args.positional.length === 1) return pyPort(facts, args.positional[0], depth + 1);
    if (callee === 'os.environ.get' || callee === 'os.getenv') {
      const name = pyString(facts, args.positional[0]);
      if (!name) return null;
      const fallbackNode = args.positional[1] ?? args.keywords.get('default')?.value;
      if (!fallbackNode) return { env: name, fallback: 'none' };
      const fallback = pyPort(facts, fallbackNode, depth + 1);
      return { env: name, fallback: fallback && 'literal' in fallback ? fallback.literal : 'unknown' };
    }
  }
  if (n.type === 'boolean_operator' && /\bor\b/.test(n.text)) {
    const left = n.childForFieldName('left');
    const right = n.childForFieldName('right');
    const l = left ? pyPort(facts, left, depth + 1) : null;
    const r = right ? pyPort(facts, right, depth + 1) : null;
    if (l && 'env' in l && l.fallback === 'none') return { env: l.env, fallback: r && 'literal' in r ? r.literal : 'unknown' };
  }
  return null;
}

/** Django: `urlpatterns` (a urlconf), and the settings the cross-checks read. */
function readDjango(reader: Reader): void {
  const { facts } = reader;
  const moduleAssignments = (name: string) => facts.assignments.get(`module:${name}`) ?? [];
  const patterns = moduleAssignments('urlpatterns');
  if (patterns.length > 0) {
    reader.out.urlconf = true;
    const router: RouterFact = { key: 'urlpatterns', app: false, framework: 'django', prefix: '', routes: [] };
    reader.routers.set('urlpatterns', router);
    for (const value of patterns) readUrlList(reader, router, value);
    // `urlpatterns += [...]`
    for (const node of descendants(reader, 'augmented_assignment')) {
      if (node.childForFieldName('left')?.text === 'urlpatterns' && node.childForFieldName('right')) readUrlList(reader, router, node.childForFieldName('right')!);
    }
  }
  const settings = (): DjangoSettingsFacts => (reader.out.django ??= { starImports: [] });
  const hosts = moduleAssignments('ALLOWED_HOSTS');
  if (hosts.length > 0) {
    const s = settings();
    const v = unparen(hosts[hosts.length - 1]);
    const list = v.type === 'list' || v.type === 'tuple' ? v.namedChildren.filter((c): c is PyNode => !!c && c.type !== 'comment') : undefined;
    const values = list?.map((c) => pyString(undefined, c));
    s.allowedHosts = { hosts: values && values.every((x) => x !== undefined) ? (values as string[]) : null, ...position(v) };
    if (hosts.length > 1) s.allowedHostsChanged = true;
  }
  // The text gates below are exact: each test compares a node's text with the name they look for.
  const namesHosts = reader.doc.text.includes('ALLOWED_HOSTS');
  const hostNodes = namesHosts ? [...descendants(reader, 'augmented_assignment'), ...descendants(reader, 'call')] : [];
  if (hostNodes.some((n) => (n.type === 'augmented_assignment' && n.childForFieldName('left')?.text === 'ALLOWED_HOSTS') || (n.type === 'call' && /^ALLOWED_HOSTS\.(?:append|extend|insert)$/.test(n.childForFieldName('function')?.text ?? '')))) {
    settings().allowedHostsChanged = true;
  }
  // Assigned inside a function or a condition (`if DEBUG: ALLOWED_HOSTS = [...]`): which one holds is not known.
  for (const a of namesHosts ? descendants(reader, 'assignment') : []) {
    if (a.childForFieldName('left')?.text === 'ALLOWED_HOSTS' && a.parent?.parent?.type !== 'module') settings().allowedHostsChanged = true;
  }
  const middleware = moduleAssignments('MIDDLEWARE');
  if (middleware.length > 0) {
    const v = unparen(middleware[middleware.length - 1]);
    const list = v.type === 'list' || v.type === 'tuple' ? v.namedChildren.filter((c): c is PyNode => !!c && c.type !== 'comment').map((c) => pyString(undefined, c)) : undefined;
    settings().middleware = list && list.every((x) => x !== undefined) && middleware.length === 1 ? (list as string[]) : null;
  }
  if ((reader.doc.text.includes('MIDDLEWARE') && descendants(reader, 'augmented_assignment').some((n) => n.childForFieldName('left')?.text === 'MIDDLEWARE')) || /\bMIDDLEWARE\.(?:append|insert|extend)\b/.test(reader.doc.text)) settings().middleware = null;
  const urlconf = moduleAssignments('ROOT_URLCONF');
  if (urlconf.length > 0) settings().rootUrlconf = urlconf.length === 1 ? (pyString(undefined, urlconf[0]) ?? null) : null;
}

function readUrlList(reader: Reader, router: RouterFact, value: PyNode): void {
  const v = unparen(value);
  if (v.type === 'binary_operator') {
    for (const side of [v.childForFieldName('left'), v.childForFieldName('right')]) if (side) readUrlList(reader, router, side);
    return;
  }
  if (v.type === 'call') {
    // `static(settings.MEDIA_URL, ...)`, `staticfiles_urlpatterns()`, `format_suffix_patterns(...)`: files or suffixes, not health routes.
    const q = qualifiedName(reader.facts, v.childForFieldName('function')) ?? '';
    if (/(?:^|\.)(?:static|staticfiles_urlpatterns|format_suffix_patterns|i18n_patterns)$/.test(q)) return;
    unknown(reader, v, 'url patterns built by a call');
    return;
  }
  if (v.type === 'identifier' || v.type === 'attribute') {
    unknown(reader, v, 'url patterns from elsewhere');
    return;
  }
  if (v.type !== 'list' && v.type !== 'tuple') return;
  for (const item of v.namedChildren) {
    if (!item || item.type === 'comment') continue;
    const c = unparen(item);
    const q = c.type === 'call' ? qualifiedName(reader.facts, c.childForFieldName('function')) : undefined;
    const kind = q && /^django\.(?:urls|conf\.urls)\.(path|re_path|url)$/.exec(q)?.[1];
    if (!kind) {
      unknown(reader, item, 'a url pattern that is not path() or re_path()');
      continue;
    }
    const args = callArguments(c);
    const raw = pyString(reader.facts, args.positional[0] ?? args.keywords.get('route')?.value);
    const view = args.positional[1] ?? args.keywords.get('view')?.value;
    const includeCall = view && unparen(view).type === 'call' && /(?:^|\.)include$/.test(qualifiedName(reader.facts, unparen(view).childForFieldName('function')) ?? '') ? unparen(view) : undefined;
    const p = raw === undefined ? undefined : kind === 'path' ? raw : regexPath(raw, includeCall !== undefined);
    if (p === undefined) {
      unknown(reader, c, 'a url pattern that is not a literal path');
      continue;
    }
    const line = position(c).line;
    if (includeCall) {
      const inc = callArguments(includeCall);
      const first = inc.positional[0] && unparen(inc.positional[0]);
      const module = first && (pyString(reader.facts, first) ?? (first.type === 'tuple' ? pyString(reader.facts, first.namedChildren[0]) : undefined));
      if (module) mount(reader, router, routePattern(p), { module: `py:${module}`, name: 'urlpatterns' }, line, false);
      // `include(router.urls)` (DRF), `include(admin.site.urls)`: another package's routes, under the prefix.
      else mount(reader, router, routePattern(p), { opaque: first?.text ?? 'include' }, line, false);
      continue;
    }
    if (view && unparen(view).type === 'attribute' && /\.urls$/.test(unparen(view).text)) {
      mount(reader, router, routePattern(p), { opaque: unparen(view).text }, line, false);
      continue;
    }
    const route: RouteFact = { method: 'all', path: routePattern(p), ...position(args.positional[0] ?? c) };
    router.routes.push(route);
  }
}

// ---- a Python package's route table ------------------------------------------------------------

/** What a Python service's files say beyond the JS shape: Django settings, the dependencies it imports. */
export interface PythonServiceExtras {
  /** The Django settings module the package's entry points default to, and the settings of each module (by dotted name). */
  settingsDefaults: string[];
  settings: Array<DjangoSettingsFacts & { file: string; module: string }>;
  /** Dependency modules imported anywhere in the package. */
  dependencies: string[];
  /** Whether the package holds a gunicorn configuration file (`gunicorn.conf.py` and the like): its settings are not read. */
  gunicornConfig: boolean;
}

/** Dotted names a file answers to, relative to the package folder: `app/routers/health.py` -> `app.routers.health` (and without a leading `src.`). */
function dottedNames(relative: string): string[] {
  const bare = relative.replace(/\.py$/, '').replace(/\/__init__$/, '');
  const dotted = bare.split('/').join('.');
  const out = [dotted];
  const parts = dotted.split('.');
  // A build context one level above the import root (`backend/app/...`, `src/app/...`).
  if (parts.length > 1) out.push(parts.slice(1).join('.'));
  return out;
}

/** Joins the Python files of a package into its route table (`files`: absolute path -> facts). */
export function pythonPackageService(dir: string, files: ReadonlyMap<string, PyServiceFacts>, pathWords: ReadonlySet<string>, otherFiles: readonly string[] = []): PackageService & { python: PythonServiceExtras } {
  const byName = new Map<string, string[]>();
  for (const file of files.keys()) {
    for (const name of dottedNames(file.slice(dir.length + 1))) {
      const list = byName.get(name) ?? [];
      list.push(file);
      byName.set(name, list);
    }
  }
  const resolve = (from: string, module: string): string | undefined => {
    let dotted = module;
    if (module.startsWith('.')) {
      const level = /^\.+/.exec(module)![0].length;
      const own = dottedNames(from.slice(dir.length + 1))[0].split('.');
      const isPackage = /\/__init__\.py$/.test(from);
      const base = own.slice(0, own.length - (isPackage ? 0 : 1) - (level - 1));
      dotted = [...base, ...module.slice(level).split('.').filter(Boolean)].join('.');
    }
    const found = byName.get(dotted);
    return found && found.length === 1 ? found[0] : undefined;
  };
  const settings: PythonServiceExtras['settings'] = [];
  const settingsDefaults = new Set<string>();
  const dependencies = new Set<string>();
  let rootUrlconf: string | null | undefined;
  for (const [file, f] of files) {
    if (f.settingsDefault) settingsDefaults.add(f.settingsDefault);
    for (const d of f.imports) dependencies.add(d);
    if (f.django && (f.django.allowedHosts || f.django.rootUrlconf !== undefined || f.django.middleware !== undefined || f.django.allowedHostsChanged)) {
      settings.push({ ...f.django, file, module: dottedNames(file.slice(dir.length + 1))[0] });
    }
    if (f.django?.rootUrlconf !== undefined) rootUrlconf = rootUrlconf === undefined || rootUrlconf === f.django.rootUrlconf ? f.django.rootUrlconf : null;
  }
  const rootFile = rootUrlconf ? resolve(dir + '/x.py', rootUrlconf) : undefined;
  const converted = new Map<string, JsServiceFacts>();
  let unknownRoutes: string | undefined;
  for (const [file, f] of files) {
    const facts: JsServiceFacts = { ...f.facts, routers: f.facts.routers.map((r) => ({ ...r, app: r.app || (f.urlconf && r.key === 'urlpatterns' && file === rootFile) })), mounts: [] };
    for (const m of f.facts.mounts) {
      let target = m.target;
      if ('module' in target && target.module.startsWith('py:')) {
        // `from app.routers import health` + `health.router`: module `app.routers.health`. One that is not a
        // file of the package stays as it is, and the join calls the table unknown.
        const to = resolve(file, target.module.slice(3));
        if (to) target = { module: `./${path.posix.relative(path.posix.dirname(file), to)}`, name: target.name };
      }
      facts.mounts.push({ ...m, target });
    }
    converted.set(file, facts);
  }
  // Flask: the url_prefix given at registration replaces the blueprint's own. A blueprint with its own
  // prefix registered both ways has two prefixes the join cannot express: unknown.
  const childOf = (file: string, m: MountFact): { file: string; key: string } | undefined => {
    if ('local' in m.target) return { file, key: m.target.local };
    if ('module' in m.target && m.target.module.startsWith('./')) return { file: path.posix.normalize(`${path.posix.dirname(file)}/${m.target.module}`), key: m.target.name };
    return undefined;
  };
  const replaced = new Set<string>();
  const plain = new Set<string>();
  for (const [file, f] of files) {
    converted.get(file)!.mounts.forEach((m, i) => {
      const child = childOf(file, m);
      if (child) (f.replacing.includes(i) ? replaced : plain).add(`${child.file}#${child.key}`);
    });
  }
  for (const id of replaced) {
    const [file, key] = [id.slice(0, id.lastIndexOf('#')), id.slice(id.lastIndexOf('#') + 1)];
    const facts = converted.get(file);
    const child = facts?.routers.find((r) => r.key === key);
    if (!facts || !child || child.prefix === '') continue;
    if (plain.has(id)) unknownRoutes ??= `${file.slice(dir.length + 1)}: blueprint '${key}' registered with and without a url_prefix`;
    else facts.routers = facts.routers.map((r) => (r === child ? { ...r, prefix: '' } : r));
  }
  const service = packageService(dir, converted, pathWords);
  if (unknownRoutes && service.routesKnown) {
    service.routesKnown = false;
    service.unknownRoutes = unknownRoutes;
  }
  // Django without a root urlconf that can be read: its urlconfs' prefixes are unknown.
  if ([...files.values()].some((f) => f.urlconf) && !rootFile && service.routesKnown) {
    service.routesKnown = false;
    service.unknownRoutes = 'Django urlconfs with no ROOT_URLCONF that names one of them';
  }
  const gunicornConfig = [...files.keys(), ...otherFiles].some((f) => /(?:^|\/)gunicorn[\w.-]*\.py$/.test(f));
  return { ...service, python: { settingsDefaults: [...settingsDefaults], settings, dependencies: [...dependencies].sort(), gunicornConfig } };
}

// ---- the port an app server's command line listens on ----------------------------------------------

/** A variable's value where the command runs: a string, `unknown`, or undefined (not set). */
type EnvValue = (name: string) => string | 'unknown' | undefined;

export interface LaunchPort {
  port: number;
  how: string;
}

/**
 * The app servers a command can run, with the flags that set the port and each one's documented default.
 * `bind`: the flag takes `host:port`; otherwise it takes the port. `env`: a variable the server reads
 * for its port when no flag gives it. `unknown`: flags after which the port cannot be read (a socket,
 * a file descriptor, a configuration file).
 */
const APP_SERVERS: Array<{ name: string; match: RegExp; flags: string[]; bind: boolean; fallback: number; env?: string; unknown: string[]; source: string }> = [
  { name: 'uvicorn', match: /^(?:uvicorn|-m\s+uvicorn)$/, flags: ['--port'], bind: false, fallback: 8000, env: 'UVICORN_PORT', unknown: ['--uds', '--fd'], source: 'https://www.uvicorn.org/settings/#socket-binding' },
  { name: 'gunicorn', match: /^(?:gunicorn|-m\s+gunicorn)$/, flags: ['-b', '--bind'], bind: true, fallback: 8000, env: 'PORT', unknown: ['-c', '--config'], source: 'https://docs.gunicorn.org/en/stable/settings.html#bind' },
  { name: 'hypercorn', match: /^(?:hypercorn|-m\s+hypercorn)$/, flags: ['-b', '--bind'], bind: true, fallback: 8000, unknown: ['-c', '--config', '--fd', '--uds'], source: 'https://hypercorn.readthedocs.io/en/latest/how_to_guides/configuring.html' },
  { name: 'daphne', match: /^daphne$/, flags: ['-p', '--port'], bind: false, fallback: 8000, unknown: ['-u', '--unix-socket', '--fd', '-e', '--endpoint'], source: 'https://github.com/django/daphne#running' },
  { name: 'fastapi', match: /^fastapi\s+(?:run|dev)$/, flags: ['--port'], bind: false, fallback: 8000, unknown: [], source: 'https://fastapi.tiangolo.com/fastapi-cli/' },
  { name: 'flask', match: /^(?:flask|-m\s+flask)\s+run$/, flags: ['-p', '--port'], bind: false, fallback: 5000, env: 'FLASK_RUN_PORT', unknown: [], source: 'https://flask.palletsprojects.com/en/stable/cli/#run-the-development-server' },
];

/** Whether a command line starts an app server this table knows (the process that answers probes). */
export function isAppServerCommand(command: string | undefined): boolean {
  return command !== undefined && launchWords(command) !== undefined;
}

function launchWords(command: string): { server: (typeof APP_SERVERS)[number] | 'runserver'; rest: string[] } | undefined {
  const words = command.replace(/["']/g, ' ').split(/\s+/).filter(Boolean);
  for (let i = 0; i < words.length; i++) {
    const base = words[i].replace(/^.*\//, '');
    if (base === 'manage.py' && words[i + 1] === 'runserver') return { server: 'runserver', rest: words.slice(i + 2) };
    for (const server of APP_SERVERS) {
      const one = base;
      const two = `${base} ${words[i + 1] ?? ''}`;
      if (server.match.test(one)) return { server, rest: words.slice(i + 1) };
      if (server.match.test(two)) return { server, rest: words.slice(i + 2) };
    }
  }
  return undefined;
}

/** `$PORT`, `${PORT}`, `${PORT:-8000}`, `$(PORT)` (Kubernetes) or digits: the port they give here. */
function portWord(word: string, env: EnvValue): number | undefined | 'unknown' {
  if (/^\d+$/.test(word)) return Number(word);
  const m = /^\$(?:\{(\w+)(?::?-(\d+))?\}|\((\w+)\)|(\w+))$/.exec(word);
  if (!m) return 'unknown';
  const name = m[1] ?? m[3] ?? m[4];
  const value = env(name);
  if (value === 'unknown') return 'unknown';
  if (value !== undefined) return /^\d+$/.test(value) ? Number(value) : 'unknown';
  return m[2] ? Number(m[2]) : 'unknown';
}

/**
 * The port an app-server command line listens on: its flag, else the variable the server reads, else its
 * default. Undefined when the command runs no server of the table; `unknown` when the port cannot be read
 * (a socket, a configuration file, a variable whose value is not known here).
 */
export function launchPort(command: string, env: EnvValue, hasConfigFile: boolean): LaunchPort | 'unknown' | undefined {
  const launch = launchWords(command);
  if (!launch) return undefined;
  const { server, rest } = launch;
  if (server === 'runserver') {
    const addr = rest.find((w) => !w.startsWith('-'));
    if (!addr) return { port: 8000, how: 'runs `manage.py runserver`, which listens on 8000 by default' };
    const port = portWord(addr.includes(':') ? addr.slice(addr.lastIndexOf(':') + 1) : addr, env);
    return typeof port === 'number' ? { port, how: `runs \`manage.py runserver ${addr}\`` } : 'unknown';
  }
  if (rest.some((w) => server.unknown.some((f) => w === f || w.startsWith(`${f}=`)))) return 'unknown';
  // The command goes on past `&&` / `;` to something else: only the server's own words count.
  const own = rest.slice(0, rest.findIndex((w) => /^(?:&&|;|\|\|?)$/.test(w)) >>> 0);
  const ports: number[] = [];
  for (let i = 0; i < own.length; i++) {
    const w = own[i];
    const flag = server.flags.find((f) => w === f || w.startsWith(`${f}=`) || (f.length === 2 && w.startsWith(f) && w.length > 2));
    if (!flag) continue;
    const value = w === flag ? own[++i] : w.startsWith(`${flag}=`) ? w.slice(flag.length + 1) : w.slice(flag.length);
    if (value === undefined) return 'unknown';
    let portText = value;
    if (server.bind) {
      if (/^(?:unix|fd):/.test(value)) return 'unknown';
      const colon = value.lastIndexOf(':');
      if (colon < 0) return 'unknown';
      portText = value.slice(colon + 1);
    }
    const port = portWord(portText, env);
    if (port === 'unknown' || port === undefined) return 'unknown';
    ports.push(port);
  }
  if (ports.length > 1) return 'unknown';
  if (ports.length === 1) return { port: ports[0], how: `runs ${server.name} on port ${ports[0]}` };
  if (server.name === 'gunicorn' || server.name === 'hypercorn') {
    if (hasConfigFile) return 'unknown';
    if (env('GUNICORN_CMD_ARGS') !== undefined) return 'unknown';
  }
  if (server.env) {
    const value = env(server.env);
    if (value === 'unknown') return 'unknown';
    if (value !== undefined) return /^\d+$/.test(value) ? { port: Number(value), how: `runs ${server.name}, which listens on ${server.env}, set to ${value} here` } : 'unknown';
  }
  return { port: server.fallback, how: `runs ${server.name} with no port flag, so on its default ${server.fallback} (${server.source})` };
}

/**
 * gunicorn's graceful timeout when the command leaves it at its default (30 s,
 * https://docs.gunicorn.org/en/stable/settings.html#graceful-timeout): undefined when the command runs no
 * gunicorn, sets the timeout, or reads a configuration file that may.
 */
export function gunicornDefaultDrain(command: string | undefined, hasConfigFile: boolean): number | undefined {
  if (!command) return undefined;
  const launch = launchWords(command);
  if (!launch || launch.server === 'runserver' || launch.server.name !== 'gunicorn' || hasConfigFile) return undefined;
  if (launch.rest.some((w) => /^(?:-c|--config|--graceful-timeout)(?:=|$)/.test(w))) return undefined;
  return 30;
}
