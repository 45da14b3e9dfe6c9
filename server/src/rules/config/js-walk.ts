// The JS/TS walk of the config rules: one pass over the raw TypeScript tree that finds the calls of
// known clients (knowledge.ts's CLIENTS) and the literals in them, plus the literals whose shape alone
// says credential (a vendor token, a password in a URL, an `Authorization` header). What the walk
// cannot read as a literal (a parameter, a spread, `process.env.X || 'default'`) is not reported.

import { ts } from '../../engine/ts';
import { isLiveTree, kindSet, nodesOfKinds, statementNodesOfKinds } from '../../engine/incremental';
import type { ParsedDocument } from '../../engine/document';
import { Scopes, WHOLE_MODULE, sameBinding, unwrap, type Binding } from '../timeouts/bindings';
import {
  CREDENTIAL_OPTIONS,
  GLOBAL_FETCH,
  HOST_OPTIONS,
  SERVICE_SCHEMES,
  URL_OPTIONS,
  clientFor,
  hostOf,
  internalHost,
  isNotCredentialValue,
  isPlaceholder,
  isSecretName,
  normaliseOption,
  urlPassword,
  vendorToken,
  mayBindClientModule,
  type ClientRow,
} from './knowledge';

const { SyntaxKind, isArrayLiteralExpression, isBinaryExpression, isCallExpression, isComputedPropertyName, isConditionalExpression, isIdentifier, isNewExpression, isNoSubstitutionTemplateLiteral, isObjectLiteralExpression, isPropertyAccessExpression, isPropertyAssignment, isStringLiteral, isTemplateExpression, isImportDeclaration, isExportDeclaration, isExternalModuleReference, isLiteralTypeNode } = ts;

/** The kinds `Walk.run` acts on or stops at (`typedObject`'s among them), kept per statement for a live document. */
const WALKED = kindSet(
  SyntaxKind.ImportDeclaration, SyntaxKind.ExportDeclaration, SyntaxKind.ExternalModuleReference, SyntaxKind.LiteralType,
  SyntaxKind.StringLiteral, SyntaxKind.NoSubstitutionTemplateLiteral, SyntaxKind.CallExpression, SyntaxKind.NewExpression, SyntaxKind.BinaryExpression,
  SyntaxKind.VariableDeclaration, SyntaxKind.ReturnStatement, SyntaxKind.ArrowFunction, SyntaxKind.SatisfiesExpression, SyntaxKind.AsExpression,
);

function isInside(node: ts.Node, ancestor: ts.Node): boolean {
  for (let n = node.parent; n; n = n.parent) if (n === ancestor) return true;
  return false;
}

/** A literal the rules report: where it is, what it is, and how a fix reads it from the environment. */
export interface CredentialHit {
  rule: 'hardcoded-credential';
  /** The secret's own span (inside the literal). */
  start: number;
  end: number;
  secret: string;
  /** What it is, for the message: "the `password` option of pg". */
  what: string;
  env: string;
  /** The literal node a fix replaces and what it becomes, when a fix can be written. */
  replace?: { start: number; end: number; newText: string };
}

export interface UrlHit {
  rule: 'hardcoded-service-url';
  start: number;
  end: number;
  /** The address as shown in the message (a password in it masked). */
  shown: string;
  why: string;
  what: string;
  env: string;
  replace?: { start: number; end: number; newText: string };
}

export type Hit = CredentialHit | UrlHit;

const cache = new WeakMap<ParsedDocument, Hit[]>();

/**
 * What the walk of one top-level statement of a live document found, kept for the next version
 * (issue 22). The walk reads the statement, the names it resolves in the module scope (a const's
 * initializer may lie in another statement) and whether the text names a client module: when the
 * next version reused the statement and those are the same, its hits are the same, each shifted as
 * far as the statement it lies in moved. test/unit/incremental.test.ts compares with a full analysis.
 */
interface StatementWalk {
  hits: Array<{ hit: Hit; home: ts.Statement; pos: number }>;
  /** The literals it reported (a later statement's walk skips them). */
  reported: ts.Node[];
  /** The names it resolved in the module scope (or found nowhere), with what they were. */
  lookups: Map<string, Binding | undefined>;
  mayBindClient: boolean;
}
const walked = new WeakMap<ts.Statement, StatementWalk>();

export function jsHits(doc: ParsedDocument): Hit[] {
  let hits = cache.get(doc);
  if (!hits) {
    hits = new Walk(doc).run();
    cache.set(doc, hits);
  }
  return hits;
}

type Literal = ts.StringLiteral | ts.NoSubstitutionTemplateLiteral;

/** A hit moved by `delta` characters (its statement moved). */
function shifted(hit: Hit, delta: number): Hit {
  if (delta === 0) return hit;
  return { ...hit, start: hit.start + delta, end: hit.end + delta, replace: hit.replace && { ...hit.replace, start: hit.replace.start + delta, end: hit.replace.end + delta } };
}

class Walk {
  private readonly sf: ts.SourceFile;
  private readonly scopes = new Scopes();
  private readonly hits: Hit[] = [];
  private readonly seen = new Set<string>();
  /** Literals already reported as a credential (by option or by shape): one finding each. */
  private readonly reported = new Set<ts.Node>();

  /** Whether the file names a client module at all (`mayBindClientModule`). */
  private readonly mayBindClient: boolean;
  /** A live document's statement being walked: what it finds is kept for the next version. */
  private recording: StatementWalk | undefined;
  /** The module scope's names, while a live document's statements are walked. */
  private moduleNames: ReadonlyMap<string, Binding> | undefined;

  constructor(doc: ParsedDocument) {
    this.sf = doc.sourceFile;
    this.mayBindClient = mayBindClientModule(doc.text);
  }

  run(): Hit[] {
    if (!isLiveTree(this.sf)) {
      this.walk(nodesOfKinds(this.sf, WALKED));
      return this.hits.sort((a, b) => a.start - b.start);
    }
    const names = (this.moduleNames = this.scopes.moduleNames(this.sf));
    const statements = this.sf.statements;
    const current = new Set<ts.Node>(statements);
    const unchanged = (kept: StatementWalk): boolean => {
      if (kept.mayBindClient !== this.mayBindClient) return false;
      for (const h of kept.hits) if (!current.has(h.home)) return false;
      for (const [name, binding] of kept.lookups) if (!sameBinding(binding, names.get(name))) return false;
      return true;
    };
    for (const statement of statements) {
      const kept = walked.get(statement);
      if (kept && unchanged(kept)) {
        for (const { hit, home, pos } of kept.hits) this.push(shifted(hit, home.pos - pos));
        for (const node of kept.reported) this.reported.add(node);
        continue;
      }
      const recording: StatementWalk = { hits: [], reported: [], lookups: new Map(), mayBindClient: this.mayBindClient };
      this.recording = recording;
      this.walk(statementNodesOfKinds(statement, WALKED));
      this.recording = undefined;
      walked.set(statement, recording);
    }
    return this.hits.sort((a, b) => a.start - b.start);
  }

  /** The statement's (or the file's) nodes a walk acts on, in its order. */
  private walk(nodes: readonly ts.Node[]): void {
    // What lies under an import, an export, a module reference or a literal type is not read (it
    // follows such a node in the list: skipped while inside it).
    let pruned: ts.Node | undefined;
    for (const node of nodes) {
      if (pruned && isInside(node, pruned)) continue;
      pruned = undefined;
      if (isImportDeclaration(node) || isExportDeclaration(node) || isExternalModuleReference(node) || isLiteralTypeNode(node)) {
        pruned = node;
        continue;
      }
      if (isStringLiteral(node) || isNoSubstitutionTemplateLiteral(node)) this.shapes(node);
      else if (isCallExpression(node) || isNewExpression(node)) this.call(node);
      else if (isBinaryExpression(node)) this.envFallback(node);
      else this.typedObject(node);
    }
  }

  /** What `name` stands for at `from`; an answer of the module scope (or none) is kept with the statement being walked. */
  private resolve(from: ts.Node, name: string): Binding | undefined {
    const binding = this.scopes.resolve(from, name);
    if (this.recording && (binding === undefined || this.moduleNames?.get(name) === binding)) this.recording.lookups.set(name, binding);
    return binding;
  }

  /** A literal reported (once: by option or by shape), kept with the statement being walked. */
  private report(node: ts.Node): void {
    this.reported.add(node);
    this.recording?.reported.push(node);
  }

  /** The top-level statement holding `offset`. */
  private homeOf(offset: number): ts.Statement {
    const statements = this.sf.statements;
    let lo = 0;
    let hi = statements.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (statements[mid].pos <= offset) lo = mid;
      else hi = mid - 1;
    }
    return statements[lo];
  }

  private push(hit: Hit): void {
    if (this.recording) {
      const home = this.homeOf(hit.start);
      this.recording.hits.push({ hit, home, pos: home.pos });
    }
    const key = `${hit.rule}:${hit.start}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.hits.push(hit);
  }

  // ---- Shapes that say credential wherever they are -------------------------------------------

  private shapes(literal: Literal): void {
    const text = literal.text;
    if (text.length < 6 || isRequireArgument(literal) || this.reported.has(literal)) return;
    const contentStart = literal.getStart(this.sf) + 1;
    const raw = this.sf.text.slice(contentStart, literal.end - 1);
    const token = vendorToken(text);
    // Positions are only exact when the literal has no escapes; an escaped token is reported on the literal.
    const exact = raw === text;
    if (token) {
      this.report(literal);
      const whole = token.match === text;
      this.push({
        rule: 'hardcoded-credential',
        start: exact ? contentStart + token.index : literal.getStart(this.sf),
        end: exact ? contentStart + token.index + token.match.length : literal.end,
        secret: token.match,
        what: token.token.vendor,
        env: token.token.env,
        replace: whole ? this.tokenReplacement(literal, token.token.env) : undefined,
      });
      return;
    }
    if (isFallback(literal)) return;
    const password = urlPassword(text);
    if (password && SERVICE_SCHEMES.has(password.scheme)) {
      this.report(literal);
      const env = urlEnvForScheme(password.scheme);
      this.push({
        rule: 'hardcoded-credential',
        start: exact ? contentStart + password.start : literal.getStart(this.sf),
        end: exact ? contentStart + password.end : literal.end,
        secret: password.password,
        what: `the password in a \`${password.scheme}://\` URL`,
        env,
        replace: { start: literal.getStart(this.sf), end: literal.end, newText: envRead(env) },
      });
      return;
    }
    const header = authorizationHeader(literal);
    if (header) {
      this.report(literal);
      this.push({
        rule: 'hardcoded-credential',
        start: exact ? contentStart + header.offset : literal.getStart(this.sf),
        end: exact ? contentStart + header.offset + header.token.length : literal.end,
        secret: header.token,
        what: `the ${header.scheme ? `\`${header.scheme}\` ` : ''}token of an \`${header.name}\` header`,
        env: 'API_TOKEN',
        replace: {
          start: literal.getStart(this.sf),
          end: literal.end,
          newText: header.scheme ? `\`${header.scheme} \${${envRead('API_TOKEN')}}\`` : envRead('API_TOKEN'),
        },
      });
    }
  }

  /** The literal becomes `process.env.X`; as the fallback of a value read from the environment, the fallback goes. */
  private tokenReplacement(literal: Literal, env: string): { start: number; end: number; newText: string } {
    let node: ts.Node = literal;
    while (node.parent && node.parent.kind === SyntaxKind.ParenthesizedExpression) node = node.parent;
    const parent = node.parent;
    if (parent && isBinaryExpression(parent) && parent.right === node && isFallback(literal)) {
      return { start: parent.left.end, end: node.end, newText: '' };
    }
    return { start: literal.getStart(this.sf), end: literal.end, newText: envRead(env) };
  }

  /**
   * `process.env.DB_PASSWORD || 'hunter2'`: when the variable is missing (a typo in the manifest, a
   * new environment) the service runs with a credential everyone who read the code knows. Reported
   * when the variable's name says secret and the fallback is not a placeholder (`''`, `'dev-secret'`).
   */
  private envFallback(node: ts.BinaryExpression): void {
    const op = node.operatorToken.kind;
    if (op !== SyntaxKind.BarBarToken && op !== SyntaxKind.QuestionQuestionToken) return;
    const name = envName(node.left);
    const right = unwrap(node.right);
    if (!name || !isSecretName(name) || !(isStringLiteral(right) || isNoSubstitutionTemplateLiteral(right))) return;
    if (this.reported.has(right) || vendorToken(right.text)) return;
    const secret = right.text;
    if (secret.length < 3 || isPlaceholder(secret) || isNotCredentialValue(secret)) return;
    this.report(right);
    this.push({
      rule: 'hardcoded-credential',
      start: right.getStart(this.sf),
      end: right.end,
      secret,
      what: `the fallback for \`${name}\`, used whenever the variable is not set`,
      env: name,
      replace: { start: node.left.end, end: node.end, newText: '' },
    });
  }

  /**
   * An object literal typed as a client's options: `const config: PoolConfig = {...}`, a method
   * returning `JwtModuleOptions` (Nest's `createJwtOptions()`), `{...} satisfies RedisOptions`.
   */
  /** Only these kinds do anything in `typedObject` (keep `WALKED` in step with it). */
  private typedObject(node: ts.Node): void {
    if (ts.isVariableDeclaration(node) && node.type && node.initializer) {
      this.typedOptions(node.type, node.initializer);
    } else if (ts.isReturnStatement(node) && node.expression) {
      let fn: ts.Node | undefined = node.parent;
      while (fn && !ts.isFunctionLike(fn)) fn = fn.parent;
      const type = fn && (fn as ts.SignatureDeclaration).type;
      if (type) this.typedOptions(type, node.expression);
    } else if (ts.isArrowFunction(node) && node.type && !ts.isBlock(node.body)) {
      this.typedOptions(node.type, node.body);
    } else if ((ts.isSatisfiesExpression(node) || ts.isAsExpression(node)) && isObjectLiteralExpression(unwrap(node.expression))) {
      this.typedOptions(node.type, node.expression);
    }
  }

  private typedOptions(type: ts.TypeNode, value: ts.Expression, depth = 0): void {
    const object = unwrap(value);
    if (!isObjectLiteralExpression(object) || depth > 2 || !ts.isTypeReferenceNode(type)) return;
    let name: ts.EntityName = type.typeName;
    while (ts.isQualifiedName(name)) name = name.left;
    if (name.text === 'Promise' && type.typeArguments?.length === 1) {
      this.typedOptions(type.typeArguments[0], value, depth + 1);
      return;
    }
    const binding = this.resolve(type, name.text);
    if (binding?.kind !== 'module') return;
    const row = clientFor(binding.module);
    if (row && row.kind !== 'http') this.options(object, row, binding.module, 0);
  }

  // ---- Calls of known clients ---------------------------------------------------------------

  private call(call: ts.CallExpression | ts.NewExpression): void {
    const target = this.client(call.expression);
    if (!target) return;
    const { row, member, module } = target;
    const args = call.arguments ?? [];
    const label = module ?? 'fetch';
    const secretIndex = row.secretArgs?.[member];
    if (secretIndex !== undefined && args[secretIndex]) {
      this.credentialValue(args[secretIndex], `the secret passed to ${label}${member ? `'s \`${member}\`` : ''}`, row.secretEnv);
    }
    const urlIndex = row.urlArgs?.[member];
    if (urlIndex !== undefined && urlIndex >= 0 && args[urlIndex]) {
      this.urlValue(args[urlIndex], row, label, true, row.urlEnv);
    }
    // `new mongoose.Schema({ password: 'String' })`, `sequelize.define(...)`: a data model, not options.
    if (row.dataMembers?.includes(member)) return;
    for (const arg of args) {
      const object = this.objectOf(arg);
      if (object) this.options(object, row, label, 0);
    }
  }

  /** The client a callee is rooted at: `new Pool`, `pg.Pool`, `mongoose.connect`, `AWS.config.update`, global `fetch`. */
  private client(callee: ts.Expression): { row: ClientRow; member: string; module?: string } | undefined {
    const path: string[] = [];
    let e = unwrap(callee);
    while (isPropertyAccessExpression(e)) {
      path.unshift(e.name.text);
      e = unwrap(e.expression);
    }
    if (!isIdentifier(e)) return undefined;
    // With no client module named in the file, only the global `fetch` can be a client: nothing else needs resolving.
    if (!this.mayBindClient && (e.text !== 'fetch' || path.length > 0)) return undefined;
    const binding = this.resolve(e, e.text);
    if (!binding) {
      if (e.text === 'fetch' && path.length === 0) return { row: GLOBAL_FETCH, member: '' };
      return undefined;
    }
    if (binding.kind !== 'module') return undefined;
    const row = clientFor(binding.module);
    if (!row) return undefined;
    // `import pg from 'pg'; new pg.Pool()`, `jwt.sign`, `AWS.config.update`: the first member after the
    // module; `import { Pool } from 'pg'`: the named export.
    const whole = binding.imported === WHOLE_MODULE || binding.imported === 'default';
    const member = whole ? (path[0] === 'default' ? path[1] ?? '' : path[0] ?? '') : binding.imported;
    return { row, member, module: binding.module };
  }

  /** An object literal argument, or a `const` holding one in this file. */
  private objectOf(arg: ts.Expression): ts.ObjectLiteralExpression | undefined {
    const e = unwrap(arg);
    if (isObjectLiteralExpression(e)) return e;
    const declaration = this.constDeclaration(e);
    const init = declaration?.initializer && unwrap(declaration.initializer);
    return init && isObjectLiteralExpression(init) ? init : undefined;
  }

  private constDeclaration(e: ts.Expression): ts.VariableDeclaration | undefined {
    if (!isIdentifier(e)) return undefined;
    const binding = this.resolve(e, e.text);
    return binding?.kind === 'variable' && binding.isConst ? binding.declaration : undefined;
  }

  private options(object: ts.ObjectLiteralExpression, row: ClientRow, label: string, depth: number, inAuth = false): void {
    if (depth > 3) return;
    for (const property of object.properties) {
      if (!isPropertyAssignment(property) || isComputedPropertyName(property.name)) continue;
      const name = property.name.getText(this.sf).replace(/^['"]|['"]$/g, '');
      const key = normaliseOption(name);
      const value = unwrap(property.initializer);
      if (isObjectLiteralExpression(value)) {
        // An HTTP client's headers (read by shape) and bodies are data, not the client's own options.
        if (row.kind === 'http' && key !== 'auth') continue;
        this.options(value, row, label, depth + 1, key === 'auth');
        continue;
      }
      if (CREDENTIAL_OPTIONS.has(key) || (row.kind === 'aws' && key === 'accesskeyid')) {
        if (row.kind !== 'http' || inAuth) this.credentialValue(property.initializer, `the \`${name}\` option of ${label}`, credentialEnv(row, key));
        continue;
      }
      if (URL_OPTIONS.has(key)) this.urlValue(property.initializer, row, label, true, row.urlEnv);
      else if (HOST_OPTIONS.has(key) && row.kind !== 'http' && !row.hostMayBeBind) this.urlValue(property.initializer, row, label, false, row.hostEnv);
    }
  }

  // ---- Values -------------------------------------------------------------------------------

  /** The literal a value is: itself, or the initializer of a `const` in this file. */
  private literalOf(value: ts.Expression): { literal: Literal; constName?: string } | undefined {
    const e = unwrap(value);
    if (isStringLiteral(e) || isNoSubstitutionTemplateLiteral(e)) return { literal: e };
    const declaration = this.constDeclaration(e);
    const init = declaration?.initializer && unwrap(declaration.initializer);
    if (init && (isStringLiteral(init) || isNoSubstitutionTemplateLiteral(init)) && isIdentifier(declaration!.name)) {
      return { literal: init, constName: declaration!.name.text };
    }
    return undefined;
  }

  private credentialValue(value: ts.Expression, what: string, env: string): void {
    const found = this.literalOf(value);
    if (!found) return;
    const { literal, constName } = found;
    if (this.reported.has(literal)) return;
    const secret = literal.text;
    if (isPlaceholder(secret) || isNotCredentialValue(secret) || secret.length < 3) return;
    const name = constName && /^[A-Z][A-Z0-9_]*$/.test(constName) ? constName : env;
    this.report(literal);
    this.push({
      rule: 'hardcoded-credential',
      start: literal.getStart(this.sf),
      end: literal.end,
      secret,
      what,
      env: name,
      replace: { start: literal.getStart(this.sf), end: literal.end, newText: envRead(name) },
    });
  }

  private urlValue(value: ts.Expression, row: ClientRow, label: string, url: boolean, env: string, inList = false): void {
    const e = unwrap(value);
    if (isArrayLiteralExpression(e)) {
      for (const element of e.elements) this.urlValue(element, row, label, false, env, true);
      return;
    }
    let text: string;
    let start: number;
    let whole = true;
    const found = this.literalOf(e);
    if (found) {
      text = found.literal.text;
      start = found.literal.getStart(this.sf) + 1;
    } else if (isTemplateExpression(e)) {
      // `http://localhost:${port}/x`: the host is written out even though the port is not.
      text = e.head.text;
      start = e.head.getStart(this.sf) + 1;
      whole = false;
    } else {
      return;
    }
    const host = hostOf(text);
    if (!host) return;
    if (host.hasScheme) {
      const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(text)![1].toLowerCase();
      if (!SERVICE_SCHEMES.has(scheme)) return;
    } else if (url) {
      // A URL position holding a bare word is something else: `knex('users')` names a table.
      return;
    }
    // In a template the host must end inside the literal head (`http://${host}`, `http://api-${env}` are unknown).
    if (!whole && !/^[:/?#]/.test(text.slice(host.end))) return;
    const why = internalHost(host.host);
    if (!why) return;
    // A URL with a password in it is hardcoded-credential's, whose fix takes the whole URL from the environment.
    if (host.hasScheme && urlPassword(text)) return;
    const raw = this.sf.text.slice(start, start + text.length);
    const exact = raw === text;
    const name = inList ? env : deriveUrlEnv(host.host, env, host.hasScheme);
    const shown = host.hasScheme ? maskUserinfo(text) : text;
    const origin = host.hasScheme ? /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(text)![0] : text;
    const rest = text.slice(origin.length);
    let replace: UrlHit['replace'];
    const literalNode = found?.literal;
    if (literalNode && whole && !inList) {
      const newText = rest === '' || !host.hasScheme || row.kind !== 'http' ? envRead(name) : `\`\${${envRead(name)}}${rest.replace(/[`\\$]/g, (c) => `\\${c}`)}\``;
      replace = { start: literalNode.getStart(this.sf), end: literalNode.end, newText };
    }
    this.push({
      rule: 'hardcoded-service-url',
      start: exact ? start + host.start : start - 1,
      end: exact ? start + host.end : start - 1 + text.length + 2,
      shown,
      why,
      what: label,
      env: name,
      replace,
    });
  }
}

/** `process.env.NAME`, `process.env['NAME']` -> NAME. */
function envName(expression: ts.Expression): string | undefined {
  const e = unwrap(expression);
  let object: ts.Expression;
  let name: string;
  if (isPropertyAccessExpression(e)) {
    object = unwrap(e.expression);
    name = e.name.text;
  } else if (ts.isElementAccessExpression(e) && isStringLiteral(e.argumentExpression)) {
    object = unwrap(e.expression);
    name = e.argumentExpression.text;
  } else {
    return undefined;
  }
  return isPropertyAccessExpression(object) && object.name.text === 'env' && isIdentifier(object.expression) && object.expression.text === 'process' ? name : undefined;
}

function envRead(name: string): string {
  return `process.env.${name}`;
}

function credentialEnv(row: ClientRow, key: string): string {
  if (row.kind === 'aws') return key === 'accesskeyid' ? 'AWS_ACCESS_KEY_ID' : 'AWS_SECRET_ACCESS_KEY';
  if (key === 'apikey' && row.kind === 'vendor') return row.secretEnv;
  return row.secretEnv;
}

export function urlEnvForScheme(scheme: string): string {
  if (scheme.startsWith('mongodb')) return 'MONGODB_URI';
  if (scheme.startsWith('redis')) return 'REDIS_URL';
  if (scheme.startsWith('amqp')) return 'AMQP_URL';
  if (scheme.startsWith('mqtt')) return 'MQTT_URL';
  if (scheme.startsWith('smtp')) return 'SMTP_URL';
  if (scheme.startsWith('http') || scheme.startsWith('ws')) return 'API_URL';
  if (scheme === 'nats') return 'NATS_URL';
  return 'DATABASE_URL';
}

/** `http://inventory:8080` -> INVENTORY_URL; `orders.shop.svc.cluster.local` -> ORDERS_URL; localhost -> the client's variable. */
export function deriveUrlEnv(host: string, fallback: string, hasScheme: boolean): string {
  const h = host.toLowerCase();
  const why = internalHost(h);
  if (why === 'a name only the cluster or compose network resolves' || why === 'a Kubernetes service name' || why === 'an internal DNS name') {
    const label = h.split('.')[0].replace(/-/g, '_').toUpperCase();
    if (/^[A-Z][A-Z0-9_]*$/.test(label)) return `${label}_${hasScheme ? 'URL' : 'HOST'}`;
  }
  return fallback;
}

function maskUserinfo(text: string): string {
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/[^\s:@/]*):[^\s@/]+@/i, '$1:****@');
}

/** `require('x')`, `import('x')`: module names are not values. */
function isRequireArgument(literal: Literal): boolean {
  const parent = literal.parent;
  return !!parent && isCallExpression(parent) && (parent.expression.kind === SyntaxKind.ImportKeyword || (isIdentifier(parent.expression) && parent.expression.text === 'require'));
}

/**
 * `process.env.X || 'default'`, `process.env.X ?? 'default'`, `env.X ? env.X : 'default'`: the value
 * comes from the environment and the literal is what a developer's machine gets. Not reported
 * (see the rules' docs); a vendor token is reported even there.
 */
export function isFallback(literal: ts.Node): boolean {
  let node: ts.Node = literal;
  while (node.parent && (node.parent.kind === SyntaxKind.ParenthesizedExpression || node.parent.kind === SyntaxKind.AsExpression)) node = node.parent;
  const parent = node.parent;
  if (!parent) return false;
  if (isBinaryExpression(parent) && parent.right === node) {
    const op = parent.operatorToken.kind;
    if (op === SyntaxKind.BarBarToken || op === SyntaxKind.QuestionQuestionToken) return true;
  }
  if (isConditionalExpression(parent) && parent.whenFalse === node) return true;
  // `getEnv('X', 'default')`, `config.get('x', 'default')`, `env.str('X', { default: '...' })`.
  if (isCallExpression(parent) && parent.arguments.length >= 2 && parent.arguments[0] !== node) return /env|config|setting/i.test(parent.expression.getText());
  if (isPropertyAssignment(parent) && /^(?:default|devDefault|fallback)$/.test(parent.name.getText())) return true;
  return false;
}

/** An `Authorization` (or API key) header written as a literal, with its token's offset in the literal. */
function authorizationHeader(literal: Literal): { name: string; scheme: string; token: string; offset: number } | undefined {
  const parent = literal.parent;
  if (!parent || !isPropertyAssignment(parent) || parent.initializer !== literal) return undefined;
  const name = parent.name.getText().replace(/^['"]|['"]$/g, '');
  const lower = name.toLowerCase();
  const text = literal.text;
  if (lower === 'authorization' || lower === 'proxy-authorization') {
    const m = /^(Bearer|Basic|Token|token|Bot|ApiKey)\s+(\S{6,})$/.exec(text);
    if (!m || isPlaceholder(m[2])) return undefined;
    return { name, scheme: m[1], token: m[2], offset: text.length - m[2].length };
  }
  if (/^(?:x-)?api-?key$|^x-auth-token$|^x-access-token$/.test(lower)) {
    // Only inside a `headers` object: `{ headers: { 'x-api-key': '...' } }`.
    const object = parent.parent;
    const holder = object?.parent;
    if (!holder || !isPropertyAssignment(holder) || holder.name.getText().replace(/^['"]|['"]$/g, '').toLowerCase() !== 'headers') return undefined;
    if (isPlaceholder(text) || /\s/.test(text)) return undefined;
    return { name, scheme: '', token: text, offset: 0 };
  }
  return undefined;
}
