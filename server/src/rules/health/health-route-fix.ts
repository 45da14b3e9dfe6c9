// missing-health-endpoint's fix: a liveness route in the framework's own idiom, inserted right after
// the statement that creates the app (or the Koa router mounted at its root), in the file's style.
// Safe when nothing on the app could have seen the path before (only pass-through middleware is
// mounted without a path); unsafe when the new route bypasses a middleware, hook or default auth.

import { ts } from '../../engine/ts';
import type { ParsedDocument } from '../../engine/document';
import type { Fix } from '../../engine/types';
import { jsServiceFacts, passThrough, type RouterFact } from '../../engine/model/service-facts';
import { ServerReader } from '../shutdown/servers';
import { codeStyle, quoted } from '../shutdown/fix-style';
import { moduleBindings, stripExpression } from '../shutdown/syntax';

const { forEachChild, isCallExpression, isIdentifier, isPropertyAccessExpression, isStringLiteralLike, isVariableDeclaration, isVariableStatement } = ts;

/** The fix for the listen call whose name starts at `at`, serving `path`; undefined when there is none to offer. */
export function healthRouteFix(doc: ParsedDocument, at: number, path: string): Fix | undefined {
  const sf = doc.sourceFile;
  const start = new ServerReader(sf).starts().find((s) => s.name.getStart(sf) === at);
  if (!start || start.framework === 'nest' || start.framework === 'nest-microservice' || start.framework === 'hono') return undefined;
  const facts = jsServiceFacts(doc);
  const app = appOf(doc, start.receiver, facts.routers, 0);
  if (!app || !['express', 'fastify', 'koa', 'hapi'].includes(app.router.framework)) return undefined;
  const mounted = app.router.framework === 'koa' ? rootKoaRouter(doc, app.router.key, facts.routers) : undefined;
  const anchor = mounted ?? app;
  const style = codeStyle(doc, anchor.statement);
  const { quote: q, semicolon: semi, indentUnit: u } = style;
  const arrows = doc.text.includes('=>');
  const p = quoted(path, q);
  const status = `{ status: ${quoted('ok', q)} }`;
  const name = anchor.router.key;
  let body: string[];
  switch (app.router.framework) {
    case 'express':
      body = [`${name}.get(${p}, ${arrows ? '(req, res) => {' : 'function (req, res) {'}`, `${u}res.json(${status})${semi}`, `})${semi}`];
      break;
    case 'fastify':
      body = arrows ? [`${name}.get(${p}, async () => (${status}))${semi}`] : [`${name}.get(${p}, function (request, reply) {`, `${u}reply.send(${status})${semi}`, `})${semi}`];
      break;
    case 'hapi': {
      const auth = /\.auth\s*\.\s*default\s*\(/.test(doc.text);
      body = [
        `${name}.route({`,
        `${u}method: ${quoted('GET', q)},`,
        `${u}path: ${p},`,
        ...(auth ? [`${u}options: { auth: false },`] : []),
        `${u}handler: ${arrows ? '() =>' : 'function () { return'} (${status})${arrows ? '' : `${semi} }`},`,
        `})${semi}`,
      ];
      break;
    }
    default:
      body = mounted
        ? [`${name}.get(${p}, ${arrows ? '(ctx) => {' : 'function (ctx) {'}`, `${u}ctx.body = ${status}${semi}`, `})${semi}`]
        : [
            `${name}.use(${arrows ? 'async (ctx, next) => {' : 'async function (ctx, next) {'}`,
            `${u}if (ctx.path === ${p}) {`,
            `${u}${u}ctx.body = ${status}${semi}`,
            `${u}${u}return${semi}`,
            `${u}}`,
            `${u}await next()${semi}`,
            `})${semi}`,
          ];
  }
  const base = lineIndent(doc, anchor.statement.getStart(sf));
  const eol = doc.lines.eol;
  const statementEnd = anchor.statement.end;
  const lineEnd = doc.lines.lineEnd(doc.lines.positionAt(statementEnd).line);
  const rest = doc.text.slice(statementEnd, lineEnd);
  const insertAt = /^\s*(?:\/\/.*)?$/.test(rest) ? lineEnd : statementEnd;
  const newText = eol + body.map((line) => base + line).join(eol);
  const bypassed = bypassedBy(doc, app.router);
  const where = mounted ? `${name}.get` : app.router.framework === 'hapi' ? `${name}.route` : app.router.framework === 'koa' ? `${name}.use` : `${name}.get`;
  return {
    title: bypassed ? `Serve ${path} with ${where} (unsafe: ${bypassed})` : `Serve ${path} with ${where}`,
    safe: bypassed === undefined,
    edits: [{ start: insertAt, end: insertAt, newText }],
  };
}

interface App {
  router: RouterFact;
  statement: ts.Statement;
}

/** The app behind a listen call's receiver: an app made in this file, or the app an `http.createServer(app)` serves. */
function appOf(doc: ParsedDocument, receiver: ts.Expression | undefined, routers: RouterFact[], depth: number): App | undefined {
  if (!receiver || depth > 3) return undefined;
  const e = stripExpression(receiver);
  if (isCallExpression(e)) {
    // `http.createServer(app).listen()`, `app.callback()` for Koa.
    const callee = stripExpression(e.expression);
    if (isPropertyAccessExpression(callee) && callee.name.text === 'createServer' && e.arguments.length > 0) return appOf(doc, e.arguments[e.arguments.length - 1], routers, depth + 1);
    if (isPropertyAccessExpression(callee) && callee.name.text === 'callback') return appOf(doc, callee.expression, routers, depth + 1);
    return undefined;
  }
  if (!isIdentifier(e)) return undefined;
  const declaration = declarationOf(doc.sourceFile, e.text);
  if (!declaration) return undefined;
  const router = routers.find((r) => r.key === e.text && r.app);
  if (router) return { router, statement: declaration.statement };
  return declaration.init ? appOf(doc, declaration.init, routers, depth + 1) : undefined;
}

/** The one `const x = ...` of the file and its statement (a `let`/`var` assigned later is not followed). */
function declarationOf(sf: ts.SourceFile, name: string): { init: ts.Expression | undefined; statement: ts.Statement } | undefined {
  const found: ts.VariableDeclaration[] = [];
  const visit = (node: ts.Node): void => {
    if (isVariableDeclaration(node) && isIdentifier(node.name) && node.name.text === name) found.push(node);
    forEachChild(node, visit);
  };
  visit(sf);
  if (found.length !== 1) return undefined;
  const statement = found[0].parent?.parent;
  if (!statement || !isVariableStatement(statement)) return undefined;
  return { init: found[0].initializer, statement };
}

/** A Koa router without a prefix mounted at the app's root (`app.use(router.routes())`): its routes are the app's. */
function rootKoaRouter(doc: ParsedDocument, appKey: string, routers: RouterFact[]): App | undefined {
  const facts = jsServiceFacts(doc);
  for (const mount of facts.mounts) {
    if (mount.parent !== appKey || mount.prefix !== '' || !('local' in mount.target)) continue;
    const local = mount.target.local;
    const router = routers.find((r) => r.key === local && !r.app && r.framework === 'koa' && r.prefix === '');
    const declaration = router && declarationOf(doc.sourceFile, router.key);
    if (router && declaration) return { router, statement: declaration.statement };
  }
  return undefined;
}

/**
 * What the new route would answer before, where that could matter: a middleware mounted on the app
 * without a path that is not known to pass every request through, a Fastify hook or plugin from a
 * package, hapi's default auth strategy or request extensions. Undefined when nothing.
 */
function bypassedBy(doc: ParsedDocument, app: RouterFact): string | undefined {
  const sf = doc.sourceFile;
  const modules = moduleBindings(sf);
  const routers = new Set(jsServiceFacts(doc).routers.map((r) => r.key));
  let found: string | undefined;
  const passes = (arg: ts.Expression): boolean => {
    const e = stripExpression(arg);
    if (isIdentifier(e)) {
      if (routers.has(e.text)) return true;
      const b = modules.get(e.text);
      return b !== undefined && !b.module.startsWith('.') && passThrough(b.module, b.imported);
    }
    if (isCallExpression(e)) {
      const callee = stripExpression(e.expression);
      const root = isPropertyAccessExpression(callee) ? stripExpression(callee.expression) : callee;
      if (isPropertyAccessExpression(callee) && isIdentifier(root) && routers.has(root.text) && /^(?:routes|middleware|allowedMethods)$/.test(callee.name.text)) return true;
      const b = isIdentifier(root) ? modules.get(root.text) : undefined;
      if (!b || b.module.startsWith('.')) return false;
      return passThrough(b.module, isPropertyAccessExpression(callee) ? callee.name.text : b.imported) || passThrough(b.module, b.imported);
    }
    return false;
  };
  const visit = (node: ts.Node): void => {
    if (found) return;
    if (isCallExpression(node)) {
      const callee = stripExpression(node.expression);
      const receiver = isPropertyAccessExpression(callee) ? stripExpression(callee.expression) : undefined;
      if (isPropertyAccessExpression(callee) && receiver && isIdentifier(receiver) && receiver.text === app.key) {
        const method = callee.name.text;
        if (method === 'use' && (app.framework === 'express' || app.framework === 'koa')) {
          const args = [...node.arguments];
          if (args.length > 0 && isStringLiteralLike(stripExpression(args[0]))) return forEachChild(node, visit);
          const other = args.find((a) => !passes(a));
          if (other) found = `it answers before \`${other.getText(sf).slice(0, 40)}\` runs`;
        } else if (app.framework === 'fastify' && method === 'addHook') found = 'the app\'s hooks run on it too: check that a probe passes them';
        else if (app.framework === 'fastify' && method === 'register' && node.arguments[0]) {
          const target = stripExpression(node.arguments[0]);
          const b = isIdentifier(target) ? modules.get(target.text) : isCallExpression(target) && isIdentifier(target.expression) && target.expression.text === 'require' && isStringLiteralLike(target.arguments[0]) ? { module: target.arguments[0].text, imported: '*' } : undefined;
          if (b && !b.module.startsWith('.') && !passThrough(b.module, b.imported)) found = `the plugin ${b.module} may guard it: check that a probe passes`;
        } else if (app.framework === 'hapi' && method === 'ext') found = 'the server\'s request extensions run on it too';
      }
    }
    forEachChild(node, visit);
  };
  visit(sf);
  if (!found && app.framework === 'hapi' && /\.auth\s*\.\s*default\s*\(/.test(doc.text)) found = 'it opts out of the default auth strategy with `auth: false`';
  return found;
}

function lineIndent(doc: ParsedDocument, offset: number): string {
  const line = doc.lines.lineText(doc.lines.positionAt(offset).line);
  return /^[ \t]*/.exec(line)![0];
}
