// The handlers behind a file's health routes (liveness: /health, /healthz, /livez, ...; readiness:
// /ready, /readyz), read from the service facts' route table, and what they do: the dependency calls
// they await, or that they check nothing at all. Library knowledge as a table: the calls that reach a
// database, cache, broker or another service.

import { ts } from '../../engine/ts';
import type { ParsedDocument } from '../../engine/document';
import { serviceReading, type RouteFact } from '../../engine/model/service-facts';
import { stripExpression } from '../shutdown/syntax';
import type { PyNode } from '../../engine/python';
import { pyRouteHandlers } from '../../engine/model/python-service-facts';
import { moduleFacts, qualifiedName } from '../python/module-facts';

const { forEachChild, isArrowFunction, isAwaitExpression, isCallExpression, isFunctionExpression, isFunctionLike, isIdentifier, isMethodDeclaration, isPropertyAccessExpression } = ts;

export const LIVENESS_SEGMENT = /^(?:health|healthz|livez|live|liveness|alive)$/i;
export const READINESS_SEGMENT = /^(?:ready|readyz|readiness)$/i;
/** What the text of a file with a liveness or readiness route holds (both patterns' words, anywhere). */
const HEALTH_WORD = /health|live|ready/i;

/**
 * Calls that reach a dependency, by method name (pg/mysql `query`, Prisma `$queryRaw`, redis `ping`,
 * knex `raw`, Sequelize `authenticate`, Mongo `command`/`ping`, Nest terminus `pingCheck`, ...), and
 * the HTTP clients by callee (`fetch`, `axios.*`, `got`).
 */
const DEPENDENCY_METHOD = /^(?:query|ping|raw|execute|\$queryRaw|\$queryRawUnsafe|\$executeRaw|\$executeRawUnsafe|command|authenticate|pingCheck|checkConnection|listCollections|serverStatus|headBucket|describeTable|getConnection|isConnected)$/;
const HTTP_CALLEE = /^(?:fetch|axios|got|request|superagent)$/;

export interface HealthHandler {
  route: RouteFact;
  kind: 'liveness' | 'readiness';
  node: ts.Node;
}

/** The file's own health routes and their handlers (inline functions or decorated methods). */
export function healthHandlers(doc: ParsedDocument): HealthHandler[] {
  // A health route's path names it in the file's text: a file without the words is not read.
  if (!HEALTH_WORD.test(doc.text)) return [];
  const { handlers } = serviceReading(doc);
  const out: HealthHandler[] = [];
  for (const [route, node] of handlers) {
    if (route.method !== 'get' && route.method !== 'all') continue;
    const last = route.path.replace(/\/+$/, '').split('/').pop() ?? '';
    const kind = LIVENESS_SEGMENT.test(last) ? 'liveness' : READINESS_SEGMENT.test(last) ? 'readiness' : undefined;
    if (!kind) continue;
    const fn = stripExpression(node as ts.Expression);
    if (!(isArrowFunction(fn) || isFunctionExpression(fn) || isMethodDeclaration(fn))) continue;
    out.push({ route, kind, node: fn });
  }
  return out;
}

/**
 * The dependency calls a handler makes, in source order. Functions inside it count: they are what it
 * hands to a checker (`health.check([() => db.pingCheck('database')])`) or a `Promise.all`.
 */
export function dependencyCalls(handler: ts.Node): ts.CallExpression[] {
  const out: ts.CallExpression[] = [];
  const visit = (node: ts.Node): void => {
    if (isCallExpression(node) && reachesDependency(node)) out.push(node);
    forEachChild(node, visit);
  };
  visit(handler);
  return out;
}

function reachesDependency(call: ts.CallExpression): boolean {
  const callee = stripExpression(call.expression);
  if (isIdentifier(callee)) return HTTP_CALLEE.test(callee.text);
  if (!isPropertyAccessExpression(callee)) return false;
  if (DEPENDENCY_METHOD.test(callee.name.text)) return true;
  const root = stripExpression(callee.expression);
  return isIdentifier(root) && /^(?:axios|got|superagent)$/.test(root.text);
}

/** Whether a handler's body only answers: no await, no condition, no call but on its own parameters (`res.status(200).json({...})`). */
export function checksNothing(handler: ts.Node): boolean {
  const fn = handler as ts.FunctionLikeDeclaration;
  const params = new Set(fn.parameters.flatMap((p) => (isIdentifier(p.name) ? [p.name.text] : [])));
  let trivial = true;
  const visit = (node: ts.Node): void => {
    if (!trivial) return;
    if (node !== handler && isFunctionLike(node)) {
      trivial = false;
      return;
    }
    if (isAwaitExpression(node) || ts.isIfStatement(node) || ts.isConditionalExpression(node) || ts.isTryStatement(node) || ts.isBinaryExpression(node)) {
      trivial = false;
      return;
    }
    if (isIdentifier(node) && !params.has(node.text) && !isPropertyName(node)) {
      trivial = false;
      return;
    }
    forEachChild(node, visit);
  };
  if (fn.body) visit(fn.body);
  return trivial;
}

function isPropertyName(node: ts.Identifier): boolean {
  const parent = node.parent;
  return (isPropertyAccessExpression(parent) && parent.name === node) || (ts.isPropertyAssignment(parent) && parent.name === node);
}

/** Packages whose presence says the service has dependencies a readiness check should look at. */
export const DEPENDENCY_PACKAGES = ['pg', 'mysql', 'mysql2', 'mongoose', 'mongodb', 'redis', 'ioredis', '@prisma/client', 'typeorm', 'sequelize', 'knex', 'amqplib', 'kafkajs', '@nestjs/typeorm', '@nestjs/mongoose', 'drizzle-orm', 'bullmq', 'bull', 'nats', 'cassandra-driver', '@elastic/elasticsearch'];

// ---- Python handlers (FastAPI, Flask, aiohttp: model/python-service-facts.ts) -----------------------

/** Methods that reach a database, cache or broker from Python (SQLAlchemy/psycopg `execute`, asyncpg `fetchval`, redis `ping`, pymongo `command`, Django `cursor`, ...). */
const PY_DEPENDENCY_METHOD = /^(?:execute|executemany|exec_driver_sql|ping|query|fetch|fetchval|fetchrow|fetch_one|fetch_all|fetch_val|scalar|scalars|command|server_info|list_collection_names|cursor|connect|cluster_health|health_check|get_connection)$/;
/** HTTP client modules whose calls reach another service. */
const PY_HTTP_MODULE = /^(?:requests|httpx|aiohttp|urllib\.request|urllib3)\./;
/** What a constant answer may be built from: response classes and helpers of the frameworks. */
const PY_RESPONSE_NAMES = new Set(['JSONResponse', 'Response', 'PlainTextResponse', 'HTMLResponse', 'ORJSONResponse', 'UJSONResponse', 'jsonify', 'make_response', 'HttpResponse', 'JsonResponse', 'web', 'json_response', 'dict', 'status', 'HTTP_200_OK', 'True', 'False', 'None', 'HTTPStatus', 'OK']);

export interface PyHealthHandler {
  route: RouteFact;
  kind: 'liveness' | 'readiness';
  node: PyNode;
}

export function pythonHealthHandlers(doc: ParsedDocument): PyHealthHandler[] {
  const out: PyHealthHandler[] = [];
  for (const [route, node] of pyRouteHandlers(doc)) {
    if (route.method !== 'get' && route.method !== 'all') continue;
    const last = route.path.replace(/\/+$/, '').split('/').pop() ?? '';
    const kind = LIVENESS_SEGMENT.test(last) ? 'liveness' : READINESS_SEGMENT.test(last) ? 'readiness' : undefined;
    if (kind && node.type === 'function_definition') out.push({ route, kind, node });
  }
  return out;
}

/** The calls of a Python handler that reach a dependency, in source order. */
export function pythonDependencyCalls(doc: ParsedDocument, handler: PyNode): PyNode[] {
  const facts = moduleFacts(doc);
  const body = handler.childForFieldName('body');
  if (!body || !facts) return [];
  return body.descendantsOfType('call').filter((call): call is PyNode => {
    if (!call) return false;
    const fn = call.childForFieldName('function');
    if (!fn) return false;
    const q = qualifiedName(facts, fn);
    if (q && PY_HTTP_MODULE.test(q)) return true;
    return fn.type === 'attribute' && PY_DEPENDENCY_METHOD.test(fn.childForFieldName('attribute')?.text ?? '');
  });
}

/** Whether a Python handler only answers a constant: a docstring and `return <literal or response of literals>`. */
export function pythonChecksNothing(handler: PyNode): boolean {
  const body = handler.childForFieldName('body');
  if (!body) return false;
  const params = new Set<string>();
  for (const p of handler.childForFieldName('parameters')?.namedChildren ?? []) {
    const id = p?.type === 'identifier' ? p : p?.namedChildren.find((c) => c?.type === 'identifier');
    if (id) params.add(id.text);
  }
  const statements = body.namedChildren.filter((s): s is PyNode => !!s && s.type !== 'comment');
  if (statements.length === 0) return false;
  for (const [i, s] of statements.entries()) {
    if (s.type === 'expression_statement' && i === 0 && s.namedChildren[0]?.type === 'string') continue;
    if (s.type !== 'return_statement' || i !== statements.length - 1) return false;
    const value = s.namedChildren[0];
    if (!value) return true;
    if (value.descendantsOfType(['await', 'conditional_expression', 'lambda', 'boolean_operator', 'comparison_operator']).length > 0) return false;
    for (const id of value.descendantsOfType('identifier')) {
      if (!id) continue;
      if (id.parent?.type === 'keyword_argument' && id.parent.childForFieldName('name')?.id === id.id) continue;
      if (PY_RESPONSE_NAMES.has(id.text) || params.has(id.text)) continue;
      return false;
    }
    return true;
  }
  return false;
}
