// gRPC clients the file makes (a grpc-js generated client, a service from `loadPackageDefinition`,
// a `makeClientConstructor` class) and the unary calls made on them in the same file: which ones
// carry a `deadline` in their call options. A client built with interceptors or a service config
// is bounded there; whatever cannot be read (options from elsewhere, a client from another file) is
// unknown and never reported.

import { ts } from '../../engine/ts';
import type { ParsedDocument } from '../../engine/document';
import type { Fix, TextEdit } from '../../engine/types';
import { unwrap, WHOLE_MODULE } from '../timeouts/bindings';
import type { GrpcClientFacts, WorkspaceFacts } from '../../engine/workspace-facts';
import { addArgumentEdits, addPropertyEdits, formatMs } from '../timeouts/edits';
import { Reader } from './values';

const { forEachChild, isArrowFunction, isCallExpression, isClassDeclaration, isClassExpression, isFunctionExpression, isIdentifier, isNewExpression, isPropertyAccessExpression, isPropertyDeclaration, isVariableDeclaration, isBinaryExpression, SyntaxKind } = ts;

/** One row per gRPC library: where clients come from and what bounds them. */
export interface GrpcLibrary {
  library: string;
  modules: readonly string[];
  /** Exports whose result is a client constructor (`makeClientConstructor`) or a tree of them (`loadPackageDefinition`). */
  constructorFactories: readonly string[];
  /** The credentials namespace export: `credentials.createInsecure()` as a constructor's second argument marks a client. */
  credentials: string;
  /** Client options that bound every call made with the client. */
  boundingClientOptions: readonly string[];
  /** Methods of the base Client class, not RPCs. */
  clientMethods: readonly string[];
  callOption: string;
  disabling: readonly string[];
  default: string;
  source: string;
}

export const GRPC_LIBRARIES: readonly GrpcLibrary[] = [
  {
    library: '@grpc/grpc-js',
    modules: ['@grpc/grpc-js', 'grpc'],
    constructorFactories: ['loadPackageDefinition', 'makeClientConstructor', 'makeGenericClientConstructor'],
    credentials: 'credentials',
    boundingClientOptions: ['interceptors', 'interceptor_providers', 'grpc.service_config'],
    clientMethods: ['close', 'getChannel', 'waitForReady', 'makeUnaryRequest', 'makeClientStreamRequest', 'makeServerStreamRequest', 'makeBidiStreamRequest', 'bind', 'call', 'apply'],
    callOption: 'deadline',
    disabling: ['Infinity', 'null', 'undefined'],
    default: 'no deadline: "by default, a call has no deadline" and waits until the server answers or the connection breaks (grpc.io, "Deadlines"; grpc-js `CallOptions.deadline`).',
    source: 'https://grpc.io/docs/guides/deadlines/',
  },
];

export interface GrpcProblem {
  start: number;
  end: number;
  message: string;
  fix?: () => Fix | undefined;
}

const cache = new WeakMap<ts.SourceFile, { deadlineMs: number; workspace: WorkspaceFacts | undefined; problems: GrpcProblem[] }>();

export function grpcProblems(doc: ParsedDocument, deadlineMs: number, workspace?: WorkspaceFacts): GrpcProblem[] {
  const sf = doc.sourceFile;
  let found = cache.get(sf);
  if (!found || found.deadlineMs !== deadlineMs || found.workspace !== workspace) {
    found = { deadlineMs, workspace, problems: new GrpcWalk(doc, deadlineMs, workspace).run() };
    cache.set(sf, found);
  }
  return found.problems;
}

/** The gRPC clients a JS/TS module exports, by export name, for the workspace index. */
export function exportedGrpcClients(doc: ParsedDocument): Map<string, GrpcClientFacts> {
  return new GrpcWalk(doc, 10000).exports();
}

/** A client the file makes, and where it is kept. */
interface Client {
  library: GrpcLibrary;
  /** The variable holding it, or `this.<name>` within a class. */
  holder: { kind: 'variable'; declaration: ts.VariableDeclaration } | { kind: 'member'; name: string; owner: ts.Node };
  bounded: boolean;
}

class GrpcWalk {
  private readonly reader: Reader;
  private readonly clients: Client[] = [];
  private readonly calls: ts.CallExpression[] = [];
  private readonly problems: GrpcProblem[] = [];

  constructor(
    private readonly doc: ParsedDocument,
    private readonly deadlineMs: number,
    private readonly workspace?: WorkspaceFacts,
  ) {
    this.reader = new Reader(doc.sourceFile);
  }

  private collected = false;

  private collect(): void {
    if (this.collected) return;
    this.collected = true;
    const visit = (node: ts.Node): void => {
      if (isNewExpression(node)) this.construction(node);
      else if (isCallExpression(node)) this.calls.push(node);
      forEachChild(node, visit);
    };
    visit(this.doc.sourceFile);
  }

  run(): GrpcProblem[] {
    // A cheap look before any walk: no gRPC module named and no module imported that exports a
    // gRPC client, nothing to do.
    const importsClients = this.importsClients();
    if (!importsClients && !/grpc/.test(this.doc.text)) return [];
    this.collect();
    if (this.clients.length === 0 && !importsClients) return [];
    for (const call of this.calls) this.call(call);
    return this.problems;
  }

  /** Whether a module this one imports relatively exports a gRPC client (the workspace index knows). */
  private importsClients(): boolean {
    const ask = this.workspace?.exportsGrpcClients;
    if (!ask) return false;
    for (const m of this.doc.text.matchAll(/(?:\bfrom|\brequire\(|\bimport\()\s*['"](\.[^'"]*)['"]/g)) {
      if (ask(this.doc.path, m[1])) return true;
    }
    return false;
  }

  // -- clients -----------------------------------------------------------------------------

  private libraryOf(module: string): GrpcLibrary | undefined {
    return GRPC_LIBRARIES.find((l) => l.modules.includes(module));
  }

  /** Which library a constructor expression's client belongs to, if the file says so. */
  private clientLibrary(node: ts.NewExpression): GrpcLibrary | undefined {
    const args = node.arguments ?? [];
    // `new XClient(address, grpc.credentials.createInsecure())`
    const creds = args[1] && this.credentialsLibrary(args[1]);
    if (creds) return creds;
    return this.constructorLibrary(node.expression, 0);
  }

  private credentialsLibrary(arg: ts.Expression, depth = 0): GrpcLibrary | undefined {
    const e = unwrap(arg);
    if (isIdentifier(e) && depth < 2) {
      const binding = this.reader.scopes.resolve(e, e.text);
      if (binding?.kind === 'variable' && binding.declaration.initializer) return this.credentialsLibrary(binding.declaration.initializer, depth + 1);
      return undefined;
    }
    // `secure ? credentials.createSsl() : credentials.createInsecure()`
    if (ts.isConditionalExpression(e)) return this.credentialsLibrary(e.whenTrue, depth) ?? this.credentialsLibrary(e.whenFalse, depth);
    if (!isCallExpression(e)) return undefined;
    // `credentials.createSsl()`, `grpc.credentials.combineChannelCredentials(...)`
    const callee = unwrap(e.expression);
    if (!isPropertyAccessExpression(callee)) return undefined;
    const ref = this.reader.exportOf(callee.expression);
    if (!ref) return undefined;
    const library = this.libraryOf(ref.module);
    return library && ref.imported === library.credentials ? library : undefined;
  }

  /** `proto.pkg.Greeter` from `loadPackageDefinition(...)`, a `makeClientConstructor(...)` class. */
  private constructorLibrary(expr: ts.Expression, depth: number): GrpcLibrary | undefined {
    if (depth > 5) return undefined;
    let e = unwrap(expr);
    while (isPropertyAccessExpression(e)) e = unwrap(e.expression);
    if (isCallExpression(e)) {
      const ref = this.reader.exportOf(e.expression);
      const library = ref && this.libraryOf(ref.module);
      return library && library.constructorFactories.includes(ref.imported) ? library : undefined;
    }
    if (isIdentifier(e)) {
      const binding = this.reader.scopes.resolve(e, e.text);
      if (binding?.kind === 'variable' && binding.declaration.initializer) return this.constructorLibrary(binding.declaration.initializer, depth + 1);
      if (binding?.kind === 'module' && /_grpc_pb(?:\.js)?$/.test(binding.module)) return GRPC_LIBRARIES[0];
    }
    return undefined;
  }

  /** The client a `new` expression makes, and whether its options bound its calls. */
  private made(node: ts.NewExpression): GrpcClientFacts | undefined {
    const library = this.clientLibrary(node);
    if (!library) return undefined;
    const options = node.arguments?.[2];
    let bounded = false;
    if (options) {
      const object = this.reader.objectOf(options);
      if (!object) bounded = true; // options from elsewhere: unknown, treat as bounded
      else bounded = library.boundingClientOptions.some((key) => this.reader.lookup(object, [key]).kind !== 'absent');
    }
    return { library: library.library, bounded };
  }

  private construction(node: ts.NewExpression): void {
    const made = this.made(node);
    if (!made) return;
    const holder = this.holderOf(node);
    if (!holder) return;
    this.clients.push({ library: GRPC_LIBRARIES.find((l) => l.library === made.library)!, holder, bounded: made.bounded });
  }

  /** The client an exported expression is: one the module made (`export const users = new UsersClient(...)`). */
  private exportedClient(expr: ts.Expression): GrpcClientFacts | undefined {
    const e = unwrap(expr);
    if (isNewExpression(e)) return this.made(e);
    if (!isIdentifier(e)) return undefined;
    const binding = this.reader.scopes.resolve(e, e.text);
    if (binding?.kind !== 'variable') return undefined;
    const client = this.clients.find((c) => c.holder.kind === 'variable' && c.holder.declaration === binding.declaration);
    return client && { library: client.library.library, bounded: client.bounded };
  }

  /** The clients the module exports, by export name (`default`, `module.exports`, a named export). */
  exports(): Map<string, GrpcClientFacts> {
    const out = new Map<string, GrpcClientFacts>();
    if (!/grpc/.test(this.doc.text)) return out;
    this.collect();
    const note = (name: string, expr: ts.Expression | undefined) => {
      const client = expr && this.exportedClient(expr);
      if (client) out.set(name, client);
    };
    const isModuleExports = (e: ts.Expression) =>
      isPropertyAccessExpression(e) && isIdentifier(e.expression) && e.expression.text === 'module' && e.name.text === 'exports';
    for (const statement of this.doc.sourceFile.statements) {
      if (ts.isVariableStatement(statement)) {
        if (!ts.getModifiers(statement)?.some((m) => m.kind === SyntaxKind.ExportKeyword)) continue;
        for (const d of statement.declarationList.declarations) if (isIdentifier(d.name)) note(d.name.text, d.name);
      } else if (ts.isExportAssignment(statement)) {
        note(statement.isExportEquals ? 'module.exports' : 'default', statement.expression);
      } else if (ts.isExportDeclaration(statement)) {
        if (statement.moduleSpecifier || statement.isTypeOnly || !statement.exportClause || !ts.isNamedExports(statement.exportClause)) continue;
        for (const el of statement.exportClause.elements) if (!el.isTypeOnly) note(el.name.text, el.propertyName && isIdentifier(el.propertyName) ? el.propertyName : el.name);
      } else if (ts.isExpressionStatement(statement) && isBinaryExpression(statement.expression)) {
        const { left, operatorToken, right } = statement.expression;
        if (operatorToken.kind !== SyntaxKind.EqualsToken || !isPropertyAccessExpression(left)) continue;
        if (isModuleExports(left)) {
          const value = unwrap(right);
          if (ts.isObjectLiteralExpression(value)) {
            for (const p of value.properties) {
              if (ts.isShorthandPropertyAssignment(p)) note(p.name.text, p.name);
              else if (ts.isPropertyAssignment(p) && (isIdentifier(p.name) || ts.isStringLiteral(p.name))) note(p.name.text, p.initializer);
            }
          } else note('module.exports', right);
        } else if (isModuleExports(left.expression) || (isIdentifier(left.expression) && left.expression.text === 'exports')) {
          note(left.name.text, right);
        }
      }
    }
    return out;
  }

  private holderOf(node: ts.NewExpression): Client['holder'] | undefined {
    let n: ts.Node = node;
    while (n.parent && (n.parent.kind === SyntaxKind.ParenthesizedExpression || n.parent.kind === SyntaxKind.AsExpression)) n = n.parent;
    const parent = n.parent;
    if (isVariableDeclaration(parent) && isIdentifier(parent.name)) return { kind: 'variable', declaration: parent };
    if (isPropertyDeclaration(parent) && isIdentifier(parent.name)) {
      const owner = parent.parent;
      return { kind: 'member', name: parent.name.text, owner };
    }
    if (isBinaryExpression(parent) && parent.operatorToken.kind === SyntaxKind.EqualsToken && parent.right === n) {
      const left = parent.left;
      if (isPropertyAccessExpression(left) && left.expression.kind === SyntaxKind.ThisKeyword) {
        const owner = classOf(parent);
        if (owner) return { kind: 'member', name: left.name.text, owner };
      }
    }
    return undefined;
  }

  private clientOf(receiver: ts.Expression): Pick<Client, 'library' | 'bounded'> | undefined {
    const e = unwrap(receiver);
    if (isIdentifier(e)) {
      const binding = this.reader.scopes.resolve(e, e.text);
      if (binding?.kind === 'module' && binding.module.startsWith('.')) {
        // A client another module of the workspace makes and exports (`import { users } from './clients'`).
        const name = binding.imported === WHOLE_MODULE ? 'module.exports' : binding.imported;
        const exported = this.workspace?.grpcClientExport?.(this.doc.path, binding.module, name);
        const library = exported && GRPC_LIBRARIES.find((l) => l.library === exported.library);
        return library ? { library, bounded: exported.bounded } : undefined;
      }
      if (binding?.kind !== 'variable') return undefined;
      return this.clients.find((c) => c.holder.kind === 'variable' && c.holder.declaration === binding.declaration);
    }
    if (isPropertyAccessExpression(e) && e.expression.kind === SyntaxKind.ThisKeyword) {
      const owner = classOf(e);
      const matching = this.clients.filter((c) => c.holder.kind === 'member' && c.holder.name === e.name.text && c.holder.owner === owner);
      // Two assignments to the same member with different options: unknown unless all agree.
      if (matching.length === 0) return undefined;
      return matching.every((c) => !c.bounded) ? matching[0] : { ...matching[0], bounded: true };
    }
    return undefined;
  }

  // -- calls -------------------------------------------------------------------------------

  private call(call: ts.CallExpression): void {
    const callee = unwrap(call.expression);
    if (!isPropertyAccessExpression(callee)) return;
    const client = this.clientOf(callee.expression);
    if (!client || client.bounded) return;
    const library = client.library;
    const method = callee.name.text;
    if (library.clientMethods.includes(method)) return;
    const args = call.arguments;
    if (args.length < 2 || args.some((a) => a.kind === SyntaxKind.SpreadElement)) return;
    const last = args[args.length - 1];
    // A unary call in callback style; a call with no callback may be a stream or promisified: not followed.
    if (!this.isFunction(last)) return;
    const middle = args.slice(1, -1);
    let optionsObject: ts.ObjectLiteralExpression | undefined;
    for (const arg of middle) {
      if (this.isMetadata(arg)) continue;
      const object = this.reader.objectOf(arg);
      if (!object) return; // metadata or options from elsewhere: unknown
      optionsObject = object;
    }
    const sf = this.doc.sourceFile;
    if (optionsObject) {
      const found = this.reader.lookup(optionsObject, [library.callOption]);
      if (found.kind === 'unknown') return;
      if (found.kind === 'found') {
        const v = this.reader.value(found.value);
        if (v.kind === 'literal' && library.disabling.includes(v.text)) {
          this.problems.push({
            start: found.value.getStart(sf),
            end: found.value.end,
            message: `gRPC call \`${method}\` with its deadline turned off (${v.text}): it waits until the server answers, however long that takes. Set \`deadline: Date.now() + ms\`.`,
          });
        }
        return;
      }
    }
    this.problems.push({
      start: callee.name.getStart(sf),
      end: callee.name.end,
      message: `gRPC call \`${method}\` without a deadline: grpc-js sets none, so a server (or a proxy) that stops answering holds this call and its callback forever. Pass \`{ deadline: Date.now() + ms }\` in the call options.`,
      fix: () => this.fix(call, optionsObject, middle),
    });
  }

  private isMetadata(arg: ts.Expression, depth = 0): boolean {
    const e = unwrap(arg);
    if (isNewExpression(e)) {
      const ref = this.reader.exportOf(e.expression);
      return ref !== undefined && this.libraryOf(ref.module) !== undefined && ref.imported === 'Metadata';
    }
    if (isIdentifier(e) && depth < 2) {
      const binding = this.reader.scopes.resolve(e, e.text);
      if (binding?.kind === 'variable' && binding.declaration.initializer) return this.isMetadata(binding.declaration.initializer, depth + 1);
    }
    return false;
  }

  private isFunction(arg: ts.Expression): boolean {
    const e = unwrap(arg);
    if (isArrowFunction(e) || isFunctionExpression(e)) return true;
    if (isIdentifier(e)) {
      const binding = this.reader.scopes.resolve(e, e.text);
      if (binding?.kind === 'function') return true;
      if (binding?.kind === 'variable' && binding.declaration.initializer) {
        const init = unwrap(binding.declaration.initializer);
        return isArrowFunction(init) || isFunctionExpression(init);
      }
      return /^(?:cb|callback|done|next|resolver?)$/i.test(e.text);
    }
    return false;
  }

  private fix(call: ts.CallExpression, options: ts.ObjectLiteralExpression | undefined, middle: readonly ts.Expression[]): Fix | undefined {
    const value = `Date.now() + ${formatMs(this.doc, this.deadlineMs)}`;
    const title = `Add deadline: ${value}`;
    let edits: TextEdit[];
    if (options && options.parent && call.arguments.includes(options as unknown as ts.Expression)) {
      edits = addPropertyEdits(this.doc, options, { before: 'deadline: ', value, after: '' });
    } else if (options) {
      // A shared options object: spread it at the call so other calls keep theirs.
      const arg = middle.find((m) => this.reader.objectOf(m) === options)!;
      const sf = this.doc.sourceFile;
      edits = [{ start: arg.getStart(sf), end: arg.end, newText: `{ ...${arg.getText(sf)}, deadline: ${value} }` }];
    } else {
      const after = middle.length > 0 ? middle[middle.length - 1] : call.arguments[0];
      edits = addArgumentEdits(this.doc, call, after, { before: '{ deadline: ', value, after: ' }' });
    }
    return edits.length > 0 ? { title, safe: true, edits } : undefined;
  }
}

function classOf(node: ts.Node): ts.Node | undefined {
  for (let n = node.parent; n; n = n.parent) if (isClassDeclaration(n) || isClassExpression(n)) return n;
  return undefined;
}
