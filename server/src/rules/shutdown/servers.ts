// Finding where a file starts a long-running HTTP server, from what the file itself makes plain:
// the framework's module is imported or required in this file and the value the server is started
// on was created from it in this file. An `app` imported from another module is not followed.

import { ts } from '../../engine/ts';
import { kindSet, nodesOfKinds } from '../../engine/incremental';
import { moduleBindings, requireOf, stripExpression, type ModuleBinding } from './syntax';

// TypeScript's namespace serves every member through a getter (engine/ts.ts): read
// the ones the walks use once, not on every node.
const { SyntaxKind, isBinaryExpression, isBindingElement, isCallExpression, isCatchClause, isClassDeclaration, isForInStatement, isForOfStatement, isFunctionDeclaration, isIdentifier, isNewExpression, isParameter, isPropertyAccessExpression, isPropertyDeclaration, isVariableDeclaration, isVariableDeclarationList } = ts;

// What the walks read, kept per statement for a live document (engine/incremental.ts).
const CALLS = kindSet(SyntaxKind.CallExpression);
const VALUE_FORMS = kindSet(SyntaxKind.VariableDeclaration, SyntaxKind.Parameter, SyntaxKind.FunctionDeclaration, SyntaxKind.ClassDeclaration, SyntaxKind.PropertyDeclaration, SyntaxKind.BinaryExpression);

/**
 * What a value is. `http` is a node `http.Server` (what `createServer`, express's and koa's
 * `listen`, and hono's `serve` return); the others are framework applications. `nest-microservice`
 * is what `NestFactory.createMicroservice` makes: no HTTP server, but a long-running consumer (TCP,
 * Redis, NATS, Kafka, RabbitMQ) with messages in flight, shut down the same way as a Nest app.
 */
export type ServerValue = 'http' | 'express' | 'koa' | 'fastify' | 'nest' | 'nest-microservice' | 'hapi';

export type Framework = ServerValue | 'hono';

export interface ServerStart {
  framework: Framework;
  /** The `listen(...)` / `start()` / `serve(...)` call. */
  call: ts.CallExpression;
  /** The callee's name: where the finding sits. */
  name: ts.Identifier;
  /** What `listen`/`start` is called on (absent for hono's `serve`). */
  receiver?: ts.Expression;
  /** What the receiver is. */
  receiverValue?: ServerValue;
}

const HTTP_MODULES = new Set(['http', 'https']);
const HAPI_MODULES = new Set(['@hapi/hapi', 'hapi']);
const LISTENABLE = new Set<ServerValue>(['http', 'express', 'koa', 'fastify', 'nest', 'nest-microservice']);
const AMBIGUOUS = 'ambiguous';

/** The cheap test before any parse: a file with none of these words starts no server we recognise. */
export function mayStartServer(text: string): boolean {
  return text.includes('listen') || text.includes('start') || text.includes('serve');
}

export class ServerReader {
  private readonly modules: Map<string, ModuleBinding>;
  /** Local names (and `this.name` members) bound to a server value; AMBIGUOUS when they may hold something else. */
  private readonly values = new Map<string, ServerValue | typeof AMBIGUOUS>();

  constructor(private readonly sf: ts.SourceFile) {
    this.modules = moduleBindings(sf);
    // Several passes: `const server = app.listen()` needs `app` known, wherever it is declared. A pass
    // reads only the values of the one before, so one that changed nothing would be repeated as it is:
    // stop there (most files: the second pass).
    for (let pass = 0; pass < 3; pass++) {
      const before = new Map(this.values);
      this.collectValues();
      if (sameValues(before, this.values)) break;
    }
  }

  /** Every server start in the file, in source order. */
  starts(): ServerStart[] {
    const out: ServerStart[] = [];
    for (const node of nodesOfKinds(this.sf, CALLS)) {
      if (isCallExpression(node)) {
        const start = this.startOf(node);
        if (start) out.push(start);
      }
    }
    return out;
  }

  /** What an expression evaluates to, when the file makes it plain. */
  valueOf(expression: ts.Expression): ServerValue | undefined {
    const e = stripExpression(expression);
    const key = bindingKey(e);
    if (key !== undefined) {
      const value = this.values.get(key);
      return value === AMBIGUOUS ? undefined : value;
    }
    if (isCallExpression(e)) {
      const callee = stripExpression(e.expression);
      if (isPropertyAccessExpression(callee) && callee.name.text === 'listen') {
        const receiver = this.valueOf(callee.expression);
        // express's and koa's `listen` return the http.Server; fastify's and Nest's return promises.
        if (receiver === 'http' || receiver === 'express' || receiver === 'koa') return 'http';
        return undefined;
      }
      if (isPropertyAccessExpression(callee) && callee.name.text === 'create' && this.isNestFactory(callee.expression)) return 'nest';
      if (isPropertyAccessExpression(callee) && callee.name.text === 'createMicroservice' && this.isNestFactory(callee.expression)) return 'nest-microservice';
      const binding = this.calleeBinding(callee);
      if (!binding) return undefined;
      const { module, imported } = binding;
      const whole = imported === 'default' || imported === '*';
      if (module === 'express' && whole) return 'express';
      // koa 1 exports a factory (`require('koa')()`); koa 2's class cannot be called without `new`.
      if (module === 'koa' && whole) return 'koa';
      // `http.Server(app)` without `new`: node's constructor makes the server either way.
      if (HTTP_MODULES.has(module) && imported === 'Server') return 'http';
      if (module === 'fastify' && (whole || imported === 'fastify')) return 'fastify';
      if (HTTP_MODULES.has(module) && imported === 'createServer') return 'http';
      if (HAPI_MODULES.has(module) && imported === 'server') return 'hapi';
      if (module === '@hono/node-server' && imported === 'serve') return 'http';
      return undefined;
    }
    if (isNewExpression(e)) {
      const binding = this.calleeBinding(stripExpression(e.expression));
      if (!binding) return undefined;
      const { module, imported } = binding;
      if (module === 'koa' && (imported === 'default' || imported === '*')) return 'koa';
      if (HTTP_MODULES.has(module) && imported === 'Server') return 'http';
      if (HAPI_MODULES.has(module) && imported === 'Server') return 'hapi';
    }
    return undefined;
  }

  private startOf(call: ts.CallExpression): ServerStart | undefined {
    const callee = call.expression;
    if (isPropertyAccessExpression(callee) && isIdentifier(callee.name)) {
      const method = callee.name.text;
      if (method !== 'listen' && method !== 'start' && method !== 'listenAsync') return undefined;
      const receiverValue = this.valueOf(callee.expression);
      if (!receiverValue) return undefined;
      if (method === 'listen' && !LISTENABLE.has(receiverValue)) return undefined;
      // Nest 6 and 7 started a microservice with `listenAsync()`.
      if (method === 'listenAsync' && receiverValue !== 'nest-microservice') return undefined;
      if (method === 'start' && receiverValue !== 'hapi') return undefined;
      return { framework: receiverValue, call, name: callee.name, receiver: callee.expression, receiverValue };
    }
    if (isIdentifier(callee) || isPropertyAccessExpression(callee)) {
      const binding = this.calleeBinding(callee);
      if (binding?.module === '@hono/node-server' && binding.imported === 'serve') {
        const name = isIdentifier(callee) ? callee : callee.name;
        if (isIdentifier(name)) return { framework: 'hono', call, name };
      }
    }
    return undefined;
  }

  /** The module export a callee names: `express`, `http.createServer`, `require('fastify')`. */
  private calleeBinding(callee: ts.Expression): ModuleBinding | undefined {
    if (isIdentifier(callee)) return this.modules.get(callee.text);
    const required = requireOf(callee);
    if (required) return required;
    if (isPropertyAccessExpression(callee)) {
      const object = stripExpression(callee.expression);
      const base = isIdentifier(object) ? this.modules.get(object.text) : requireOf(object);
      if (base && (base.imported === '*' || base.imported === 'default')) return { module: base.module, imported: callee.name.text };
      // `Hapi.default.server(...)` and the like are not worth following.
    }
    return undefined;
  }

  private isNestFactory(expression: ts.Expression): boolean {
    const e = stripExpression(expression);
    if (isIdentifier(e)) {
      const binding = this.modules.get(e.text);
      return binding?.module === '@nestjs/core' && binding.imported === 'NestFactory';
    }
    if (isPropertyAccessExpression(e) && e.name.text === 'NestFactory') {
      const base = this.calleeBinding(stripExpression(e.expression));
      return base?.module === '@nestjs/core';
    }
    return false;
  }

  private collectValues(): void {
    const seen = new Map<string, ServerValue | typeof AMBIGUOUS>();
    const record = (key: string, value: ServerValue | typeof AMBIGUOUS | undefined) => {
      if (value === undefined) value = AMBIGUOUS;
      const previous = seen.get(key);
      seen.set(key, previous === undefined || previous === value ? value : AMBIGUOUS);
    };
    for (const node of nodesOfKinds(this.sf, VALUE_FORMS)) {
      if (isVariableDeclaration(node)) {
        if (isIdentifier(node.name)) {
          // `let server;` says nothing; a later assignment decides. A loop or catch variable can hold anything.
          if (node.initializer && !isNothing(node.initializer)) record(node.name.text, this.valueOf(node.initializer));
          else if (!node.initializer && isLoopOrCatchVariable(node)) record(node.name.text, AMBIGUOUS);
        } else {
          for (const name of boundNames(node.name)) record(name, AMBIGUOUS);
        }
      } else if (isParameter(node)) {
        for (const name of boundNames(node.name)) record(name, AMBIGUOUS);
      } else if ((isFunctionDeclaration(node) || isClassDeclaration(node)) && node.name) {
        record(node.name.text, AMBIGUOUS);
      } else if (isPropertyDeclaration(node) && isIdentifier(node.name) && node.initializer && !isNothing(node.initializer)) {
        record(`this.${node.name.text}`, this.valueOf(node.initializer));
      } else if (isBinaryExpression(node) && node.operatorToken.kind === SyntaxKind.EqualsToken) {
        const key = bindingKey(node.left);
        if (key !== undefined && !isNothing(node.right)) record(key, this.valueOf(node.right));
      }
    }
    // An imported name is a module, never a server value.
    for (const name of this.modules.keys()) seen.set(name, AMBIGUOUS);
    this.values.clear();
    for (const [key, value] of seen) this.values.set(key, value);
  }
}

function sameValues(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [key, value] of a) if (b.get(key) !== value) return false;
  return true;
}

/** `name` for an identifier, `this.name` for a member of `this`; undefined otherwise. */
function bindingKey(node: ts.Expression): string | undefined {
  const e = stripExpression(node);
  if (isIdentifier(e)) return e.text;
  if (isPropertyAccessExpression(e) && e.expression.kind === SyntaxKind.ThisKeyword && isIdentifier(e.name)) return `this.${e.name.text}`;
  return undefined;
}

function isLoopOrCatchVariable(node: ts.VariableDeclaration): boolean {
  const list = node.parent;
  return isCatchClause(list) || (isVariableDeclarationList(list) && (isForOfStatement(list.parent) || isForInStatement(list.parent)));
}

function isNothing(node: ts.Expression): boolean {
  const e = stripExpression(node);
  return e.kind === SyntaxKind.NullKeyword || (isIdentifier(e) && e.text === 'undefined');
}

function boundNames(name: ts.BindingName): string[] {
  if (isIdentifier(name)) return [name.text];
  const out: string[] = [];
  for (const element of name.elements) {
    if (isBindingElement(element)) out.push(...boundNames(element.name));
  }
  return out;
}

