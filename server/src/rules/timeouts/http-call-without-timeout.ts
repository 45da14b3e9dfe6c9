// http-call-without-timeout: an outbound HTTP request that can wait forever.
//
// One walk over the raw TypeScript tree collects the calls and the few facts the file states about
// them (imports, `require`s, `axios.defaults.timeout = ...`, objects changed after creation); each
// call whose callee is rooted at an HTTP client's name is then looked at once. Whatever the file does
// not make plain (options from a parameter, an unresolved spread, an instance from another file) is
// unknown, and unknown is never reported.

import { ts } from '../../engine/ts';
import { kindSet, nodesOfKinds } from '../../engine/incremental';
import type { ParsedDocument } from '../../engine/document';
import type { Fix, Rule, RuleContext, RuleFinding, TextEdit } from '../../engine/types';
import { Scopes, WHOLE_MODULE, functionOf, requiredModule, unwrap, type Binding } from './bindings';
import { addArgumentEdits, addPropertyEdits, formatMs, insertionEdit, type Insertion } from './edits';
import { analysePython } from './python-http';

// TypeScript's namespace serves every member through a getter (engine/ts.ts): read
// the ones the walks use once, not on every node.
const { SyntaxKind, forEachChild, isArrowFunction, isAsExpression, isAwaitExpression, isBinaryExpression, isBindingElement, isCallExpression, isComputedPropertyName, isElementAccessExpression, isExpressionStatement, isExternalModuleReference, isFunctionExpression, isIdentifier, isMethodDeclaration, isNamespaceImport, isNewExpression, isNonNullExpression, isNumericLiteral, isObjectLiteralExpression, isParenthesizedExpression, isPropertyAccessExpression, isPropertyAssignment, isPropertyDeclaration, isShorthandPropertyAssignment, isSpreadAssignment, isSpreadElement, isStringLiteral, isStringLiteralLike, isTemplateExpression, isVariableDeclaration, isYieldExpression } = ts;

// `ts` and its members are getters on ts-morph's export: read once, not on every node of the walk.

export interface HttpTimeoutOptions {
  defaultMs: number;
  maxMs: number;
  includeTests?: boolean;
}


// ---------------------------------------------------------------------------------------------
// What a name stands for

type Lib = 'fetch' | 'axios' | 'got' | 'superagent' | 'http' | 'ky' | 'undici' | 'request';

const MODULE_LIB: Record<string, Lib> = {
  axios: 'axios',
  got: 'got',
  superagent: 'superagent',
  ky: 'ky',
  'ky-universal': 'ky',
  http: 'http',
  https: 'http',
  'node:http': 'http',
  'node:https': 'http',
  'node-fetch': 'fetch',
  'cross-fetch': 'fetch',
  undici: 'undici',
  // The request library (deprecated in 2020, still in many services), its promise wrappers and its
  // maintained forks: one API, `request(uri[, options][, callback])`, and no default timeout.
  request: 'request',
  'request-promise': 'request',
  'request-promise-native': 'request',
  'request-promise-any': 'request',
  'postman-request': 'request',
  '@cypress/request': 'request',
};

type Entity =
  | { kind: 'fetch' }
  | { kind: 'http-module'; module: string }
  | { kind: 'http-fn'; module: string; fn: string }
  | { kind: 'undici-module' }
  | { kind: 'undici-request' }
  | { kind: 'superagent' }
  /** axios, got, ky, request: the module itself, or an instance made from it in this file. */
  | { kind: 'axios' | 'got' | 'ky' | 'request'; instance: boolean };

const GLOBAL_OBJECTS = new Set(['globalThis', 'global', 'window', 'self']);
const AXIOS_URL_CONFIG = new Set(['get', 'delete', 'head', 'options']);
const AXIOS_URL_DATA_CONFIG = new Set(['post', 'put', 'patch', 'postForm', 'putForm', 'patchForm']);
const GOT_METHODS = new Set(['get', 'post', 'put', 'patch', 'head', 'delete', 'stream', 'paginate']);
const KY_METHODS = new Set(['get', 'post', 'put', 'patch', 'head', 'delete']);
const SUPERAGENT_METHODS = new Set(['get', 'post', 'put', 'patch', 'del', 'delete', 'head', 'options']);
/** The request library's method shortcuts: the same signature as `request(...)` itself. */
const REQUEST_METHODS = new Set(['get', 'post', 'put', 'patch', 'del', 'delete', 'head', 'options']);
/** Stream helpers that pipe into a request without bounding it (`pipeline(source, req, cb)`). */
const STREAM_MODULES = new Set(['stream', 'node:stream', 'stream/promises', 'node:stream/promises']);
/** Superagent (and Promise) methods that send the request; `.timeout` after them is too late. */
const SUPERAGENT_SENDS = new Set(['then', 'catch', 'finally', 'end', 'pipe']);

function entityOfModule(module: string, imported: string): Entity | undefined {
  const lib = MODULE_LIB[module];
  const whole = imported === WHOLE_MODULE || imported === 'default';
  switch (lib) {
    case 'fetch':
      return whole || imported === 'fetch' ? { kind: 'fetch' } : undefined;
    case 'undici':
      if (whole) return { kind: 'undici-module' };
      if (imported === 'fetch') return { kind: 'fetch' };
      if (imported === 'request') return { kind: 'undici-request' };
      return undefined;
    case 'http':
      if (whole) return { kind: 'http-module', module };
      if (imported === 'request' || imported === 'get') return { kind: 'http-fn', module, fn: imported };
      return undefined;
    case 'axios':
      return whole || imported === 'axios' ? { kind: 'axios', instance: false } : undefined;
    case 'got':
      return whole || imported === 'got' ? { kind: 'got', instance: false } : undefined;
    case 'ky':
      return whole || imported === 'ky' ? { kind: 'ky', instance: false } : undefined;
    case 'superagent':
      return whole ? { kind: 'superagent' } : undefined;
    case 'request':
      return whole ? { kind: 'request', instance: false } : undefined;
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// The walk: one pass, collecting calls and the facts the file states

interface Facts {
  calls: ts.CallExpression[];
  /** Names that may stand for an HTTP client: bound to one of its modules, or to a `.create()`/`.extend()`. */
  clientNames: Set<string>;
  /**
   * Objects changed after they are made, by name: the keys set (`o.agent = a`, `delete o.x`), or
   * ALL_KEYS when any key may be (`o[k] = v`, `Object.assign(o, ...)`).
   */
  mutated: Map<ts.Node | string, Set<string> | typeof ALL_KEYS>;
  /** `<target>.defaults.timeout = <value>` (axios). */
  defaultsTimeout: Array<{ target: ts.Expression; value: ts.Expression; node: ts.Node }>;
  /** Targets (as text) whose `interceptors.request.use(...)` mentions a timeout or signal. */
  interceptedTargets: Set<string>;
}

function rootName(expr: ts.Expression): string | undefined {
  let e = expr;
  while (isPropertyAccessExpression(e)) e = e.expression;
  return isIdentifier(e) ? e.text : undefined;
}

/** Whether a callee is rooted at `require('<client module>')` (`require('request').defaults`). */
function requiredClient(expr: ts.Expression): boolean {
  let e = unwrap(expr);
  while (isPropertyAccessExpression(e)) e = unwrap(e.expression);
  if (!isCallExpression(e)) return false;
  const required = requiredModule(e);
  return required !== undefined && MODULE_LIB[required.module] !== undefined;
}

function isAssignment(kind: ts.SyntaxKind): boolean {
  return (
    kind === SyntaxKind.EqualsToken ||
    kind === SyntaxKind.QuestionQuestionEqualsToken ||
    kind === SyntaxKind.BarBarEqualsToken ||
    kind === SyntaxKind.AmpersandAmpersandEqualsToken
  );
}

function addNames(name: ts.BindingName, into: Set<string>): void {
  if (isIdentifier(name)) into.add(name.text);
  else for (const element of name.elements) if (isBindingElement(element)) addNames(element.name, into);
}

/** What `collectFacts` reads (nothing of them lies inside an import, which the walk did not enter). */
const FACT_NODES = kindSet(SyntaxKind.CallExpression, SyntaxKind.ImportDeclaration, SyntaxKind.ImportEqualsDeclaration, SyntaxKind.VariableDeclaration, SyntaxKind.BinaryExpression, SyntaxKind.DeleteExpression);

function collectFacts(sf: ts.SourceFile, scopes: Scopes): Facts {
  const facts: Facts = {
    calls: [],
    clientNames: new Set(['fetch']),
    mutated: new Map(),
    defaultsTimeout: [],
    interceptedTargets: new Set(),
  };
  const aliases: Array<[string, string]> = [];
  const visit = (node: ts.Node): void => {
    switch (node.kind) {
      case SyntaxKind.CallExpression: {
        const call = node as ts.CallExpression;
        facts.calls.push(call);
        const callee = call.expression;
        if (isPropertyAccessExpression(callee)) {
          const method = callee.name.text;
          if (method === 'assign' && isIdentifier(callee.expression) && callee.expression.text === 'Object') {
            const target = call.arguments[0] && unwrap(call.arguments[0]);
            if (target && isIdentifier(target)) markMutated(facts, objectKey(scopes, target), ALL_KEYS);
          } else if (method === 'use' && /\.interceptors\.request$/.test(callee.expression.getText(sf))) {
            if (/timeout|signal/i.test(call.arguments.map((a) => a.getText(sf)).join(' '))) {
              const target = (callee.expression as ts.PropertyAccessExpression).expression as ts.PropertyAccessExpression;
              facts.interceptedTargets.add(normalize(target.expression.getText(sf)));
            }
          }
        }
        break;
      }
      case SyntaxKind.ImportDeclaration: {
        const decl = node as ts.ImportDeclaration;
        if (isStringLiteralLike(decl.moduleSpecifier) && MODULE_LIB[decl.moduleSpecifier.text] && decl.importClause) {
          const clause = decl.importClause;
          if (clause.name) facts.clientNames.add(clause.name.text);
          const bindings = clause.namedBindings;
          if (bindings && isNamespaceImport(bindings)) facts.clientNames.add(bindings.name.text);
          else if (bindings) for (const element of bindings.elements) facts.clientNames.add(element.name.text);
        }
        break; // nothing inside an import to look at
      }
      case SyntaxKind.ImportEqualsDeclaration: {
        const decl = node as ts.ImportEqualsDeclaration;
        const ref = decl.moduleReference;
        if (isExternalModuleReference(ref) && isStringLiteralLike(ref.expression) && MODULE_LIB[ref.expression.text]) {
          facts.clientNames.add(decl.name.text);
        }
        break;
      }
      case SyntaxKind.VariableDeclaration: {
        const decl = node as ts.VariableDeclaration;
        const init = decl.initializer;
        if (init) {
          const required = requiredModule(init);
          if (required && MODULE_LIB[required.module]) addNames(decl.name, facts.clientNames);
          const call = unwrap(init);
          if (isCallExpression(call) && isPropertyAccessExpression(call.expression)) {
            const method = call.expression.name.text;
            if ((method === 'create' || method === 'extend') && isIdentifier(decl.name)) facts.clientNames.add(decl.name.text);
          }
          // `const f = fetch`, `const client = axios`, `const http = lib.http`: maybe an alias.
          if (isIdentifier(decl.name)) {
            const from = rootName(unwrap(init));
            if (from !== undefined) aliases.push([decl.name.text, from]);
          }
        }
        break;
      }
      case SyntaxKind.BinaryExpression: {
        const binary = node as ts.BinaryExpression;
        if (isAssignment(binary.operatorToken.kind)) {
          const left = binary.left;
          if (isPropertyAccessExpression(left) || isElementAccessExpression(left)) {
            const object = unwrap(left.expression);
            if (isIdentifier(object)) markMutated(facts, objectKey(scopes, object), mutatedKey(left));
            if (
              isPropertyAccessExpression(left) &&
              left.name.text === 'timeout' &&
              isPropertyAccessExpression(object) &&
              object.name.text === 'defaults'
            ) {
              facts.defaultsTimeout.push({ target: object.expression, value: binary.right, node: left });
            }
          }
        }
        break;
      }
      case SyntaxKind.DeleteExpression: {
        const target = (node as ts.DeleteExpression).expression;
        if ((isPropertyAccessExpression(target) || isElementAccessExpression(target)) && isIdentifier(target.expression)) {
          markMutated(facts, objectKey(scopes, target.expression), mutatedKey(target));
        }
        break;
      }
    }
  };
  // Kept per statement for a live document: a keystroke re-walks only the statements it touched.
  for (const node of nodesOfKinds(sf, FACT_NODES)) visit(node);
  // An alias is a client name when what it aliases is one (chains of aliases included).
  for (let changed = true; changed; ) {
    changed = false;
    for (const [name, from] of aliases) {
      if (facts.clientNames.has(from) && !facts.clientNames.has(name)) {
        facts.clientNames.add(name);
        changed = true;
      }
    }
  }
  return facts;
}

const ALL_KEYS = '*';

function mutatedKey(target: ts.PropertyAccessExpression | ts.ElementAccessExpression): string {
  if (isPropertyAccessExpression(target)) return target.name.text;
  const arg = target.argumentExpression;
  return isStringLiteralLike(arg) ? arg.text : ALL_KEYS;
}

/** The variable an identifier names (its declaration), or the bare name when it is not a local variable. */
function objectKey(scopes: Scopes, id: ts.Identifier): ts.Node | string {
  const binding = scopes.resolve(id, id.text);
  return binding?.kind === 'variable' ? binding.declaration : id.text;
}

function markMutated(facts: Facts, name: ts.Node | string, key: string): void {
  const known = facts.mutated.get(name);
  if (known === ALL_KEYS) return;
  if (key === ALL_KEYS) facts.mutated.set(name, ALL_KEYS);
  else if (known) known.add(key);
  else facts.mutated.set(name, new Set([key]));
}

function normalize(text: string): string {
  return text.replace(/\s+/g, '');
}

// ---------------------------------------------------------------------------------------------
// Values

type Lookup =
  | { kind: 'absent' }
  | { kind: 'unknown' }
  | { kind: 'found'; key: string; value: ts.Expression; property: ts.ObjectLiteralElementLike };

/** A timeout value as far as the file states it. */
type TimeoutValue =
  | { kind: 'off'; text: string }
  | { kind: 'ms'; ms: number }
  | { kind: 'other' };

function propertyName(element: ts.ObjectLiteralElementLike): string | undefined {
  const name = element.name;
  if (!name) return undefined;
  if (isIdentifier(name) || isStringLiteralLike(name) || isNumericLiteral(name)) return name.text;
  if (isComputedPropertyName(name) && isStringLiteralLike(name.expression)) return name.expression.text;
  return undefined;
}

/** What a problem points at, and how it is fixed. */
interface Problem {
  start: number;
  end: number;
  message: string;
  fix?: () => Fix | undefined;
}

/** The analysis of one document; fixes are built from it on demand. */
class Analysis {
  readonly scopes = new Scopes();
  readonly facts: Facts;
  readonly problems: Problem[] = [];
  private readonly entityCache = new Map<ts.Node, Entity | null>();
  private readonly sf: ts.SourceFile;

  constructor(
    readonly doc: ParsedDocument,
    readonly limits: HttpTimeoutOptions,
  ) {
    this.sf = doc.sourceFile;
    this.facts = collectFacts(this.sf, this.scopes);
  }

  run(): Problem[] {
    const { clientNames } = this.facts;
    for (const call of this.facts.calls) {
      const callee = call.expression;
      const root = rootName(callee);
      if (root === undefined) {
        // `require('request').defaults({...})`, `require('axios').get(url)`: a module used where it is required.
        if (requiredClient(callee)) this.checkCall(call);
        continue;
      }
      // `globalThis.fetch(...)`, `window.fetch(...)`: the only calls on a global object worth a look.
      const globalFetch = GLOBAL_OBJECTS.has(root) && isPropertyAccessExpression(callee) && callee.name.text === 'fetch';
      if (!clientNames.has(root) && !globalFetch) continue;
      this.checkCall(call);
    }
    this.checkAxiosDefaults();
    // One finding per range: an options object shared by several calls is reported once.
    const seen = new Set<string>();
    return this.problems.filter((p) => {
      const key = `${p.start}:${p.end}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }

  // -- names and values ---------------------------------------------------------------------

  entityOf(expr: ts.Expression, depth = 0): Entity | undefined {
    const e = unwrap(expr);
    if (depth > 4) return undefined;
    if (isIdentifier(e)) {
      const binding = this.scopes.resolve(e, e.text);
      if (!binding) return e.text === 'fetch' ? { kind: 'fetch' } : undefined;
      return this.entityOfBinding(binding, depth);
    }
    if (isCallExpression(e)) {
      const required = requiredModule(e);
      return required ? entityOfModule(required.module, required.imported) : undefined;
    }
    if (isPropertyAccessExpression(e)) {
      const name = e.name.text;
      const object = unwrap(e.expression);
      if (name === 'fetch' && isIdentifier(object) && GLOBAL_OBJECTS.has(object.text) && !this.scopes.resolve(object, object.text)) {
        return { kind: 'fetch' };
      }
      const base = this.entityOf(object, depth + 1);
      if (!base) return undefined;
      switch (base.kind) {
        case 'http-module':
          if (name === 'request' || name === 'get') return { kind: 'http-fn', module: base.module, fn: name };
          return name === 'default' ? base : undefined;
        case 'undici-module':
          if (name === 'request') return { kind: 'undici-request' };
          return name === 'fetch' ? { kind: 'fetch' } : undefined;
        case 'axios':
        case 'ky':
        case 'superagent':
          return name === 'default' && (base.kind === 'superagent' || !base.instance) ? base : undefined;
        case 'got':
          return name === 'default' || name === 'stream' ? base : undefined;
        case 'request':
          return name === 'default' && !base.instance ? base : undefined;
        default:
          return undefined;
      }
    }
    return undefined;
  }

  private entityOfBinding(binding: Binding, depth: number): Entity | undefined {
    if (binding.kind === 'module') return entityOfModule(binding.module, binding.imported);
    if (binding.kind !== 'variable') return undefined;
    const declaration = binding.declaration;
    const cached = this.entityCache.get(declaration);
    if (cached !== undefined) return cached ?? undefined;
    this.entityCache.set(declaration, null); // a cycle resolves to nothing
    let entity: Entity | undefined;
    const init = declaration.initializer && unwrap(declaration.initializer);
    if (init && (isIdentifier(init) || isPropertyAccessExpression(init))) {
      entity = this.entityOf(init, depth + 1);
    } else if (init && isCallExpression(init)) {
      entity = this.instanceMadeBy(init, depth);
    }
    this.entityCache.set(declaration, entity ?? null);
    return entity;
  }

  /** `axios.create(...)`, `got.extend(...)`, `ky.create(...)`, `instance.extend(...)`: an instance of that client. */
  private instanceMadeBy(call: ts.CallExpression, depth: number): Entity | undefined {
    const callee = call.expression;
    if (!isPropertyAccessExpression(callee)) return undefined;
    const base = this.entityOf(callee.expression, depth + 1);
    const method = callee.name.text;
    if (!base) return undefined;
    if (base.kind === 'axios' && method === 'create') return { kind: 'axios', instance: true };
    if (base.kind === 'got' && method === 'extend') return { kind: 'got', instance: true };
    if (base.kind === 'ky' && (method === 'create' || method === 'extend')) return { kind: 'ky', instance: true };
    if (base.kind === 'request' && method === 'defaults') return { kind: 'request', instance: true };
    return undefined;
  }

  /** An object literal that `expr` is, or names through a `const` the file never changes afterwards. */
  objectOf(expr: ts.Expression, depth = 0): ts.ObjectLiteralExpression | undefined {
    const e = unwrap(expr);
    if (isObjectLiteralExpression(e)) return e;
    if (!isIdentifier(e) || depth > 3 || this.facts.mutated.get(objectKey(this.scopes, e)) === ALL_KEYS) return undefined;
    const binding = this.scopes.resolve(e, e.text);
    if (!binding || binding.kind !== 'variable' || !binding.isConst || !binding.declaration.initializer) return undefined;
    return this.objectOf(binding.declaration.initializer, depth + 1);
  }

  /** The last value given to one of `keys` in an object literal, following spreads of known objects. */
  lookup(object: ts.ObjectLiteralExpression, keys: readonly string[], depth = 0): Lookup {
    let result: Lookup = { kind: 'absent' };
    for (const element of object.properties) {
      if (isSpreadAssignment(element)) {
        const spread = unwrap(element.expression);
        const inner = depth < 3 && !(isIdentifier(spread) && this.setsLater(spread, keys)) ? this.objectOf(spread) : undefined;
        if (!inner) {
          result = { kind: 'unknown' };
          continue;
        }
        const found = this.lookup(inner, keys, depth + 1);
        if (found.kind !== 'absent') result = found;
        continue;
      }
      const name = propertyName(element);
      if (name === undefined) {
        result = { kind: 'unknown' }; // a computed key may be any of them
        continue;
      }
      if (!keys.includes(name)) continue;
      if (isPropertyAssignment(element)) result = { kind: 'found', key: name, value: element.initializer, property: element };
      else if (isShorthandPropertyAssignment(element)) result = { kind: 'found', key: name, value: element.name, property: element };
      else result = { kind: 'unknown' };
    }
    return result;
  }

  value(expr: ts.Expression, depth = 0): TimeoutValue {
    const e = unwrap(expr);
    const text = e.getText(this.sf);
    switch (e.kind) {
      case SyntaxKind.NumericLiteral: {
        const ms = Number((e as ts.NumericLiteral).text.replace(/_/g, ''));
        return ms === 0 ? { kind: 'off', text } : { kind: 'ms', ms };
      }
      case SyntaxKind.NullKeyword:
      case SyntaxKind.FalseKeyword:
        return { kind: 'off', text };
      case SyntaxKind.VoidExpression:
        return { kind: 'off', text };
    }
    if (isIdentifier(e)) {
      const binding = this.scopes.resolve(e, e.text);
      if (!binding) return e.text === 'undefined' || e.text === 'Infinity' ? { kind: 'off', text } : { kind: 'other' };
      if (binding.kind === 'variable' && binding.isConst && binding.declaration.initializer && depth < 3) {
        const inner = this.value(binding.declaration.initializer, depth + 1);
        return inner.kind === 'off' ? { kind: 'off', text } : inner;
      }
      return { kind: 'other' };
    }
    if (isPropertyAccessExpression(e) && isIdentifier(e.expression) && e.expression.text === 'Number') {
      if (e.name.text === 'POSITIVE_INFINITY') return { kind: 'off', text };
      if (e.name.text === 'MAX_SAFE_INTEGER' || e.name.text === 'MAX_VALUE') return { kind: 'ms', ms: Number.MAX_SAFE_INTEGER };
      return { kind: 'other' };
    }
    if (isBinaryExpression(e) && depth < 6) {
      const left = this.value(e.left, depth + 1);
      const right = this.value(e.right, depth + 1);
      const l = left.kind === 'ms' ? left.ms : left.kind === 'off' && left.text === '0' ? 0 : undefined;
      const r = right.kind === 'ms' ? right.ms : right.kind === 'off' && right.text === '0' ? 0 : undefined;
      if (l === undefined || r === undefined) return { kind: 'other' };
      let ms: number | undefined;
      switch (e.operatorToken.kind) {
        case SyntaxKind.AsteriskToken:
          ms = l * r;
          break;
        case SyntaxKind.PlusToken:
          ms = l + r;
          break;
        case SyntaxKind.MinusToken:
          ms = l - r;
          break;
        case SyntaxKind.SlashToken:
          ms = r === 0 ? undefined : l / r;
          break;
      }
      if (ms === undefined || !Number.isFinite(ms)) return { kind: 'other' };
      return ms === 0 ? { kind: 'off', text } : { kind: 'ms', ms };
    }
    return { kind: 'other' };
  }

  // -- calls ---------------------------------------------------------------------------------

  private checkCall(call: ts.CallExpression): void {
    const callee = call.expression;
    if (call.questionDotToken || call.arguments.some((a) => isSpreadElement(a))) return;
    if (racedAgainstTimer(call)) return;
    const direct = this.entityOf(callee);
    if (direct) {
      switch (direct.kind) {
        case 'fetch':
          return this.checkFetch(call);
        case 'axios':
          return this.checkAxiosRequest(call, undefined, direct.instance);
        case 'got':
          return this.checkGotRequest(call, direct.instance);
        case 'ky':
          return this.checkKyRequest(call, 1);
        case 'superagent':
          return this.checkSuperagent(call);
        case 'http-fn':
          return this.checkHttp(call, direct);
        case 'undici-request':
          return this.checkUndiciRequest(call);
        case 'request':
          return this.checkRequestCall(call, direct.instance);
        default:
          return;
      }
    }
    if (!isPropertyAccessExpression(callee)) return;
    const base = this.entityOf(callee.expression);
    if (!base) return;
    const method = callee.name.text;
    switch (base.kind) {
      case 'axios':
        if (method === 'create' && !base.instance) return this.checkAxiosCreate(call);
        if (method === 'request' || AXIOS_URL_CONFIG.has(method) || AXIOS_URL_DATA_CONFIG.has(method)) {
          return this.checkAxiosRequest(call, method, base.instance);
        }
        return;
      case 'got':
        if (method === 'extend') return this.checkGotExtend(call, base.instance);
        if (GOT_METHODS.has(method)) return this.checkGotRequest(call, base.instance);
        return;
      case 'ky':
        if (method === 'create' || method === 'extend') return this.checkKyRequest(call, 0);
        if (KY_METHODS.has(method)) return this.checkKyRequest(call, 1);
        return;
      case 'superagent':
        if (SUPERAGENT_METHODS.has(method)) return this.checkSuperagent(call);
        return;
      case 'request':
        // `.defaults()` of an instance inherits that instance's options, checked where it was made.
        if (method === 'defaults' && !base.instance) return this.checkRequestDefaults(call);
        if (REQUEST_METHODS.has(method)) return this.checkRequestCall(call, base.instance);
        return;
      default:
        return;
    }
  }

  /** Where a call's options come from. */
  private optionsOf(arg: ts.Expression | undefined): Options {
    if (!arg) return { kind: 'none' };
    const e = unwrap(arg);
    if (isObjectLiteralExpression(e)) return { kind: 'literal', object: e };
    if (isIdentifier(e)) {
      if (e.text === 'undefined' && !this.scopes.resolve(e, e.text)) return { kind: 'none' };
      const object = this.objectOf(e);
      if (object) return { kind: 'const', identifier: e, object };
    }
    return { kind: 'unknown' };
  }

  private lookupIn(options: Options, keys: readonly string[]): Lookup {
    if (options.kind === 'none') return { kind: 'absent' };
    if (options.kind === 'unknown') return { kind: 'unknown' };
    if (options.kind === 'const' && this.setsLater(options.identifier, keys)) return { kind: 'unknown' };
    return this.lookup(options.object, keys);
  }

  /** Whether the file sets one of `keys` on the object `name` names after making it. */
  private setsLater(name: ts.Identifier, keys: readonly string[]): boolean {
    const mutated = this.facts.mutated.get(objectKey(this.scopes, name));
    return mutated === ALL_KEYS || (mutated !== undefined && keys.some((k) => mutated.has(k)));
  }

  // fetch ------------------------------------------------------------------------------------

  private checkFetch(call: ts.CallExpression): void {
    const [input, init] = call.arguments;
    if (!input) return;
    const options = this.optionsOf(init);
    const signal = this.lookupIn(options, ['signal']);
    if (signal.kind === 'unknown') return;
    if (signal.kind === 'found') {
      const v = this.value(signal.value);
      if (v.kind !== 'off') {
        this.checkAbortSignalTimeout(signal.value);
        return;
      }
    } else if (this.requestCarriesSignal(input) !== 'no') {
      return;
    }
    // A `dispatcher` (undici's Agent, Pool, RetryAgent; Node's fetch takes one too) carries its own
    // headersTimeout and bodyTimeout: what they are is set where the dispatcher is made, not here.
    if (this.lookupIn(options, ['dispatcher']).kind !== 'absent') return;
    // node-fetch 2's own `timeout` option (other fetches ignore it, but a polyfill may be in place).
    const timeout = this.lookupIn(options, ['timeout']);
    if (timeout.kind === 'unknown') return;
    if (timeout.kind === 'found' && this.value(timeout.value).kind !== 'off') {
      this.checkTooLong(timeout.value, timeout.property);
      return;
    }
    const callee = call.expression;
    this.report(callee, 'fetch() without a timeout: with no `signal`, a server that stops answering holds this request for minutes (Node) or forever (node-fetch, browsers). Pass `signal: AbortSignal.timeout(ms)`.', () =>
      this.addOption(call, input, options, signal, (v) => ({ before: 'signal: AbortSignal.timeout(', value: v, after: ')' })),
    );
  }

  /** `AbortSignal.timeout(60_000)` over the limit. */
  private checkAbortSignalTimeout(expr: ts.Expression): void {
    const e = unwrap(expr);
    if (!isCallExpression(e) || e.arguments.length !== 1) return;
    const callee = e.expression;
    if (!isPropertyAccessExpression(callee) || callee.name.text !== 'timeout' || !isIdentifier(callee.expression) || callee.expression.text !== 'AbortSignal') return;
    this.checkTooLong(e.arguments[0], e.arguments[0]);
  }

  /** Whether fetch's first argument may be a `Request` that brings its own signal. */
  private requestCarriesSignal(input: ts.Expression): 'no' | 'maybe' {
    let e = unwrap(input);
    if (isIdentifier(e)) {
      const binding = this.scopes.resolve(e, e.text);
      if (binding?.kind === 'variable' && binding.declaration.initializer) {
        const init = unwrap(binding.declaration.initializer);
        if (isNewExpression(init)) e = init;
      }
    }
    if (isNewExpression(e)) {
      if (!isIdentifier(e.expression) || e.expression.text !== 'Request') return 'no';
      const init = e.arguments?.[1];
      const found = this.lookupIn(this.optionsOf(init), ['signal']);
      return found.kind === 'absent' ? 'no' : 'maybe';
    }
    const name = isIdentifier(e) ? e.text : isPropertyAccessExpression(e) ? e.name.text : '';
    return /^(?:input|resource|req|request|info)$|Request$/i.test(name) ? 'maybe' : 'no';
  }

  // axios ------------------------------------------------------------------------------------

  private axiosDefaultsBounded(targetText: string | undefined, module: boolean): boolean {
    return this.facts.defaultsTimeout.some((d) => {
      if (this.value(d.value).kind === 'off') return false;
      if (module) {
        const entity = this.entityOf(d.target);
        return entity?.kind === 'axios' && !entity.instance;
      }
      return targetText !== undefined && normalize(d.target.getText(this.sf)) === targetText;
    });
  }

  private checkAxiosRequest(call: ts.CallExpression, method: string | undefined, instance: boolean): void {
    const args = call.arguments;
    let configIndex: number;
    let anchor: ts.Expression | undefined; // the argument the config goes after when there is none
    let needsData = false;
    if (method === undefined || method === 'request') {
      // `axios(config)`, `axios.request(config)`, `axios(url[, config])`
      if (args.length === 0) return;
      const first = this.optionsOf(args[0]);
      if (first.kind === 'literal' || first.kind === 'const') {
        configIndex = 0;
      } else if (method === undefined && this.isUrl(args[0])) {
        configIndex = 1;
        anchor = args[0];
      } else {
        return;
      }
    } else if (AXIOS_URL_CONFIG.has(method)) {
      if (args.length === 0) return;
      configIndex = 1;
      anchor = args[0];
    } else {
      if (args.length === 0) return;
      configIndex = 2;
      anchor = args[1] ?? args[0];
      needsData = args.length === 1;
    }
    const config = this.optionsOf(args[configIndex]);
    const timeout = this.lookupIn(config, ['timeout']);
    if (timeout.kind === 'unknown') return;
    if (timeout.kind === 'found') {
      this.checkFoundTimeout(timeout, 'axios waits forever on 0, null and undefined', instance || this.axiosDefaultsBounded(undefined, true));
      return;
    }
    if (this.lookupIn(config, ['signal']).kind !== 'absent') return;
    if (instance || this.axiosDefaultsBounded(undefined, true)) return;
    this.report(call.expression, 'axios request without a timeout: axios waits forever by default, so a server that stops answering holds this request (and whatever awaits it). Set `timeout`.', () => {
      if (config.kind === 'none' && needsData) {
        return this.fix('Add timeout: {v}', (v) => addArgumentEdits(this.doc, call, anchor, { before: 'undefined, { timeout: ', value: v, after: ' }' }));
      }
      return this.addOption(call, anchor, config, timeout, (v) => ({ before: 'timeout: ', value: v, after: '' }));
    });
  }

  private checkAxiosCreate(call: ts.CallExpression): void {
    const config = this.optionsOf(call.arguments[0]);
    const timeout = this.lookupIn(config, ['timeout']);
    if (timeout.kind === 'unknown') return;
    if (timeout.kind === 'found') {
      this.checkFoundTimeout(timeout, 'axios waits forever on 0, null and undefined', this.axiosDefaultsBounded(undefined, true));
      return;
    }
    if (this.axiosDefaultsBounded(undefined, true)) return;
    const target = assignedTo(call, this.sf);
    if (target && (this.axiosDefaultsBounded(target, false) || this.facts.interceptedTargets.has(target) || this.usesSetTimeout(target))) return;
    this.report(call.expression, 'axios instance created without a timeout: axios waits forever by default, so every request made with it can hang. Set `timeout` here.', () =>
      this.addOption(call, undefined, config, timeout, (v) => ({ before: 'timeout: ', value: v, after: '' })),
    );
  }

  /**
   * Whether a request made in this file with the instance stored in `target` passes its own
   * `timeout` (`this.client(options)` with `options.timeout` set per call): then the instance needs none.
   */
  private usesSetTimeout(target: string, anyArgument = false): boolean {
    for (const call of this.facts.calls) {
      const callee = call.expression;
      let configs: readonly ts.Expression[];
      if (normalize(callee.getText(this.sf)) === target) {
        configs = call.arguments;
      } else if (isPropertyAccessExpression(callee) && normalize(callee.expression.getText(this.sf)) === target) {
        configs = call.arguments.slice(1);
        if (callee.name.text === 'request' || anyArgument) configs = call.arguments;
      } else {
        continue;
      }
      for (const config of configs) {
        const object = this.objectOf(config);
        if (!object) continue;
        const found = this.lookup(object, ['timeout', 'signal']);
        if (found.kind === 'found' && this.value(found.value).kind !== 'off') return true;
      }
    }
    return false;
  }

  /** `axios.defaults.timeout = 0`: turning the default off is itself a finding. */
  private checkAxiosDefaults(): void {
    for (const d of this.facts.defaultsTimeout) {
      const entity = this.entityOf(d.target);
      if (entity?.kind !== 'axios') continue;
      const v = this.value(d.value);
      if (v.kind === 'off') {
        this.report(d.value, `\`timeout = ${v.text}\` turns axios's timeout off: requests can wait forever.`, () => this.replaceValue(d.value, 'Set timeout to'));
      } else {
        this.checkTooLong(d.value, d.value);
      }
    }
  }

  // got ---------------------------------------------------------------------------------------

  private checkGotRequest(call: ts.CallExpression, instance: boolean): void {
    const args = call.arguments;
    if (args.length === 0) return;
    let options: Options;
    let anchor: ts.Expression | undefined;
    if (args.length >= 2) {
      options = this.optionsOf(args[1]);
      anchor = args[0];
    } else {
      const first = this.optionsOf(args[0]);
      if (first.kind !== 'unknown') options = first;
      else if (this.isUrl(args[0])) options = { kind: 'none' };
      else return;
      anchor = args[0];
    }
    this.checkGotOptions(call, [options], anchor, instance, 'got request without a timeout: got has none by default, so a server that stops answering holds this request forever. Set `timeout: { request: ms }`.');
  }

  private checkGotExtend(call: ts.CallExpression, instance: boolean): void {
    const options = call.arguments.map((a) => this.optionsOf(a));
    this.checkGotOptions(call, options.length ? options : [{ kind: 'none' }], undefined, instance, 'got instance created without a timeout: got has none by default, so every request made with it can hang. Set `timeout: { request: ms }` here.');
  }

  private checkGotOptions(call: ts.CallExpression, all: Options[], anchor: ts.Expression | undefined, instance: boolean, message: string): void {
    let missing: { options: Options; lookup: Lookup } | undefined;
    for (const options of all) {
      const timeout = this.lookupIn(options, ['timeout']);
      if (timeout.kind === 'unknown') return;
      if (timeout.kind === 'found') {
        const object = this.objectOf(timeout.value);
        if (object) {
          if (object.properties.length === 0) {
            this.report(timeout.property, '`timeout: {}` sets no limit: got has no timeout by default, so this request can wait forever. Set `request`.', () =>
              this.fix('Add request: {v}', (v) => addPropertyEdits(this.doc, object, { before: 'request: ', value: v, after: '' }), true),
            );
            return;
          }
          const request = this.lookup(object, ['request']);
          if (request.kind === 'found') this.checkFoundTimeout(request, 'got sets no limit for it', instance);
          return;
        }
        this.checkFoundTimeout(timeout, 'got sets no limit for it', instance);
        return;
      }
      if (this.lookupIn(options, ['signal']).kind !== 'absent') return;
      missing ??= { options, lookup: timeout };
    }
    if (instance || !missing) return;
    const { options, lookup } = missing;
    // `request` bounds the whole transfer: on a stream (a download) that may cut a slow but healthy one.
    const streaming = /\.stream\b/.test(call.expression.getText(this.sf));
    this.report(call.expression, message, () =>
      this.addOption(call, anchor, options, lookup, (v) => ({ before: 'timeout: { request: ', value: v, after: ' }' }), !streaming),
    );
  }

  // ky ----------------------------------------------------------------------------------------

  /** ky has a 10 s default: only `timeout: false` (off) or a long literal is a finding. */
  private checkKyRequest(call: ts.CallExpression, optionsIndex: number): void {
    const options = this.optionsOf(call.arguments[optionsIndex]);
    const timeout = this.lookupIn(options, ['timeout']);
    if (timeout.kind !== 'found') return;
    const v = this.value(timeout.value);
    if (v.kind === 'off' && v.text === 'false') {
      this.report(timeout.property, "`timeout: false` turns off ky's 10 s default timeout: a server that stops answering holds this request forever.", () =>
        this.replaceValue(timeout.value, 'Set timeout to'),
      );
    } else if (v.kind === 'ms') {
      this.checkTooLong(timeout.value, timeout.property);
    }
  }

  // undici request ----------------------------------------------------------------------------

  /** undici's `request` has 300 s header and body timeouts unless they are set to 0. */
  private checkUndiciRequest(call: ts.CallExpression): void {
    const options = this.optionsOf(call.arguments[1]);
    for (const key of ['headersTimeout', 'bodyTimeout']) {
      const found = this.lookupIn(options, [key]);
      if (found.kind !== 'found') continue;
      const v = this.value(found.value);
      if (v.kind === 'off' && v.text === '0') {
        this.report(found.property, `\`${key}: 0\` turns off undici's 300 s default: a server that stops answering holds this request forever.`, () =>
          this.replaceValue(found.value, `Set ${key} to`),
        );
      } else if (v.kind === 'ms') {
        this.checkTooLong(found.value, found.property);
      }
    }
  }

  // superagent --------------------------------------------------------------------------------

  private checkSuperagent(root: ts.CallExpression): void {
    if (root.arguments.length === 0) return;
    let current: ts.Expression = root;
    let sent = false;
    let firstLink: ts.PropertyAccessExpression | undefined;
    const timeouts: ts.CallExpression[] = [];
    for (;;) {
      const parent: ts.Node = current.parent;
      if (isPropertyAccessExpression(parent) && parent.expression === current && isCallExpression(parent.parent) && parent.parent.expression === parent) {
        firstLink ??= parent;
        const method = parent.name.text;
        if (SUPERAGENT_SENDS.has(method)) {
          sent = true;
          break;
        }
        if (method === 'timeout') timeouts.push(parent.parent);
        current = parent.parent;
        continue;
      }
      if (isParenthesizedExpression(parent) || isNonNullExpression(parent)) {
        current = parent;
        continue;
      }
      if (isAwaitExpression(parent) || isYieldExpression(parent)) sent = true;
      break;
    }
    if (timeouts.length > 0) {
      for (const t of timeouts) {
        const arg = t.arguments[0];
        if (!arg) continue;
        const object = this.objectOf(arg);
        if (object) {
          for (const key of ['deadline', 'response']) {
            const found = this.lookup(object, [key]);
            if (found.kind === 'found') this.checkTooLong(found.value, found.property);
          }
          continue;
        }
        const v = this.value(arg);
        if (v.kind === 'off') {
          this.report(arg, `\`.timeout(${v.text})\` turns superagent's timeout off: the request can wait forever.`, () => this.replaceValue(arg, 'Set the timeout to'));
        } else {
          this.checkTooLong(arg, arg);
        }
      }
      return;
    }
    // A request that is built here but sent elsewhere may get its timeout there.
    if (!sent) return;
    this.report(root.expression, 'superagent request without `.timeout(ms)`: superagent has no default timeout, so a server that stops answering holds this request forever.', () =>
      this.fix('Add .timeout({v})', (v) => {
        const eol = this.doc.lines.eol;
        const ins: Insertion = { before: '.timeout(', value: v, after: ')' };
        // In a chain written one link per line, the new link gets its own line.
        if (firstLink) {
          const dot = firstLink.name.getStart(this.sf) - 1;
          const line = (o: number) => this.doc.lines.positionAt(o).line;
          if (line(dot) !== line(root.end)) {
            const lineText = this.doc.lines.lineText(line(dot));
            const indent = /^[ \t]*/.exec(lineText)![0];
            return [insertionEdit(root.end, root.end, ins, eol + indent)];
          }
        }
        return [insertionEdit(root.end, root.end, ins)];
      }),
    );
  }

  // request (and request-promise) ----------------------------------------------------------

  /**
   * `request(uri[, options][, callback])`, `request(options[, callback])` and the method shortcuts.
   * The library has no timeout of its own; `timeout` bounds the wait for the response headers and
   * any silence on the socket (not the whole transfer), so adding it does not cut a long but
   * flowing download.
   */
  private checkRequestCall(call: ts.CallExpression, instance: boolean): void {
    const args = call.arguments;
    if (args.length === 0) return;
    let options: Options;
    let anchor: ts.Expression | undefined;
    const first = this.optionsOf(args[0]);
    if (first.kind === 'literal' || first.kind === 'const') {
      options = first;
    } else if (this.isUrl(args[0])) {
      anchor = args[0];
      const second = args[1];
      options = !second || this.isFunction(second) ? { kind: 'none' } : this.optionsOf(second);
    } else {
      return;
    }
    const timeout = this.lookupIn(options, ['timeout']);
    if (timeout.kind === 'unknown') return;
    if (timeout.kind === 'found') {
      // An instance's defaults are merged under the call's options, skipping undefined values.
      this.checkFoundTimeout(timeout, 'request reads 0, null, undefined and Infinity as none', instance);
      return;
    }
    if (instance) return;
    this.report(call.expression, 'request call without a timeout: the request library has no default timeout, so a server that stops answering holds this request forever. Set `timeout` (ms).', () =>
      this.addOption(call, anchor, options, timeout, (v) => ({ before: 'timeout: ', value: v, after: '' })),
    );
  }

  /** `request.defaults(options)`: the client every later call goes through. */
  private checkRequestDefaults(call: ts.CallExpression): void {
    const options = this.optionsOf(call.arguments[0]);
    const timeout = this.lookupIn(options, ['timeout']);
    if (timeout.kind === 'unknown') return;
    if (timeout.kind === 'found') {
      this.checkFoundTimeout(timeout, 'request reads 0, null, undefined and Infinity as none', false);
      return;
    }
    const target = assignedTo(call, this.sf);
    if (target && this.usesSetTimeout(target, true)) return;
    this.report(call.expression, 'request client created without a timeout: the request library has no default timeout, so every request made with it can hang. Set `timeout` (ms) here.', () =>
      this.addOption(call, undefined, options, timeout, (v) => ({ before: 'timeout: ', value: v, after: '' })),
    );
  }

  // node http / https -------------------------------------------------------------------------

  private checkHttp(call: ts.CallExpression, fn: { module: string; fn: string }): void {
    const args = call.arguments;
    if (args.length === 0) return;
    let options: Options;
    let anchor: ts.Expression | undefined;
    const first = this.optionsOf(args[0]);
    if (first.kind === 'literal' || first.kind === 'const') {
      options = first;
    } else if (this.isUrl(args[0])) {
      anchor = args[0];
      const second = args[1];
      if (!second || this.isFunction(second)) options = { kind: 'none' };
      else options = this.optionsOf(second);
    } else {
      return;
    }
    const bound = this.lookupIn(options, ['timeout', 'signal', 'agent']);
    if (bound.kind === 'unknown') return;
    if (bound.kind === 'found') {
      if (bound.key === 'timeout') {
        this.checkFoundTimeout(bound, 'node reads 0 as no timeout', false);
      } else if (bound.key === 'signal') {
        this.checkAbortSignalTimeout(bound.value);
      }
      return;
    }
    const later = this.httpRequestBoundedLater(call);
    if (later.verdict !== 'unbounded') return;
    const name = call.expression.getText(this.sf).replace(/\s+/g, '');
    const moduleName = fn.module.replace(/^node:/, '');
    // A signal bounds the whole exchange: on a request that a stream is piped into (an upload, a
    // proxied request) it may cut a slow but healthy transfer, as on got.stream.
    this.report(call.expression, `\`${name}\` without a timeout: node's ${moduleName} client waits forever on a server that stops answering. Pass \`signal: AbortSignal.timeout(ms)\`, or \`timeout\` with a 'timeout' handler that destroys the request.`, () =>
      this.addOption(call, anchor, options, bound, (v) => ({ before: 'signal: AbortSignal.timeout(', value: v, after: ')' }), !later.pipedInto),
    );
  }

  /**
   * Whether the request a call returns gets `.setTimeout(...)` (or may get it somewhere we cannot
   * see), and whether a stream is piped into it. Piping into a request (`source.pipe(req)`,
   * `pipeline(source, req, cb)`) bounds nothing and does not hand the request to anyone who could.
   */
  private httpRequestBoundedLater(call: ts.CallExpression): RequestUse {
    let current: ts.Expression = call;
    let pipedInto = false;
    for (;;) {
      const parent: ts.Node = current.parent;
      if (isPropertyAccessExpression(parent) && parent.expression === current && isCallExpression(parent.parent) && parent.parent.expression === parent) {
        const verdict = requestMethodVerdict(parent.name.text, parent.parent);
        if (verdict) return { verdict, pipedInto };
        current = parent.parent;
        continue;
      }
      if (isParenthesizedExpression(parent) || isNonNullExpression(parent) || isAsExpression(parent)) {
        current = parent;
        continue;
      }
      // `source.pipe(http.request(...))` returns the request: follow the chain on from the pipe call.
      if (isCallExpression(parent) && this.pipesInto(parent, current) === 'pipe') {
        pipedInto = true;
        current = parent;
        continue;
      }
      if (isCallExpression(parent) && this.pipesInto(parent, current) === 'pipeline') {
        return { verdict: 'unbounded', pipedInto: true };
      }
      break;
    }
    const parent = current.parent;
    if (isExpressionStatement(parent)) return { verdict: 'unbounded', pipedInto };
    if (isVariableDeclaration(parent) && parent.initializer === current && isIdentifier(parent.name)) {
      const uses = this.usesOfRequest(parent.name);
      return { verdict: uses.verdict, pipedInto: pipedInto || uses.pipedInto };
    }
    return { verdict: 'unknown', pipedInto };
  }

  /**
   * `x.pipe(req[, options])` (which returns `req`) or `pipeline(..., req, ...)` from node's stream
   * module, with `arg` as the request: a use that neither bounds the request nor lets it escape.
   */
  private pipesInto(call: ts.CallExpression, arg: ts.Expression): 'pipe' | 'pipeline' | undefined {
    const callee = unwrap(call.expression);
    if (isPropertyAccessExpression(callee) && callee.name.text === 'pipe' && call.arguments[0] === arg) return 'pipe';
    if (!call.arguments.includes(arg) || call.arguments.some((a) => isSpreadElement(a))) return undefined;
    let binding: Binding | undefined;
    if (isIdentifier(callee) && callee.text === 'pipeline') binding = this.scopes.resolve(callee, callee.text);
    else if (isPropertyAccessExpression(callee) && callee.name.text === 'pipeline' && isIdentifier(callee.expression)) {
      const object = this.scopes.resolve(callee.expression, callee.expression.text);
      if (object?.kind === 'module' && object.imported === WHOLE_MODULE) binding = { kind: 'module', module: object.module, imported: 'pipeline' };
    }
    return binding?.kind === 'module' && STREAM_MODULES.has(binding.module) && binding.imported === 'pipeline' ? 'pipeline' : undefined;
  }

  /**
   * Every use of a request variable: `.setTimeout` bounds it; piping into it changes nothing; any
   * other use but a method call lets it escape.
   */
  private usesOfRequest(name: ts.Identifier): RequestUse {
    const scope = functionOf(name);
    let verdict: RequestUse['verdict'] = 'unbounded';
    let pipedInto = false;
    const visit = (node: ts.Node): void => {
      if (verdict !== 'unbounded') return;
      if (isIdentifier(node) && node !== name && node.text === name.text) {
        const parent = node.parent;
        if (isPropertyAccessExpression(parent) && parent.name === node) return;
        if ((isPropertyAssignment(parent) || isMethodDeclaration(parent) || isPropertyDeclaration(parent)) && parent.name === node) return;
        if (isPropertyAccessExpression(parent) && parent.expression === node) {
          if (isCallExpression(parent.parent) && parent.parent.expression === parent) {
            const v = requestMethodVerdict(parent.name.text, parent.parent);
            if (v) verdict = v;
          }
          return;
        }
        // Piped into as a statement of its own: `req.pipe(clientReq);`, `pipeline(src, clientReq, cb);`.
        if (isCallExpression(parent) && this.pipesInto(parent, node) !== undefined && resultUnused(parent)) {
          pipedInto = true;
          return;
        }
        verdict = 'unknown';
        return;
      }
      forEachChild(node, visit);
    };
    forEachChild(scope, visit);
    return { verdict, pipedInto };
  }

  // -- shared checks ---------------------------------------------------------------------------

  /** A `timeout` the file sets: off (0, null, ...) or over the limit is a finding. */
  /**
   * `inherits`: the call merges its options over defaults that bound it (an instance, axios.defaults),
   * where an `undefined` value falls back to those defaults instead of turning the timeout off.
   */
  private checkFoundTimeout(found: Extract<Lookup, { kind: 'found' }>, offMeaning: string, inherits: boolean): void {
    const v = this.value(found.value);
    if (v.kind === 'off' && inherits && /^(?:undefined|void\b)/.test(v.text)) return;
    if (v.kind === 'off') {
      this.report(found.property, `\`${found.key}: ${v.text}\` turns the timeout off (${offMeaning}): a server that stops answering holds this request forever.`, () =>
        this.replaceValue(found.value, `Set ${found.key} to`),
      );
    } else if (v.kind === 'ms') {
      this.checkTooLong(found.value, found.property);
    }
  }

  private checkTooLong(valueNode: ts.Expression, at: ts.Node): void {
    const v = this.value(valueNode);
    if (v.kind !== 'ms' || v.ms <= this.limits.maxMs) return;
    this.report(at, `Timeout of ${seconds(v.ms)} is above the ${seconds(this.limits.maxMs)} limit (option maxMs): callers and load balancers usually give up sooner, and each slow request holds a connection and memory that long.`, () =>
      this.replaceValue(valueNode, 'Lower the timeout to'),
    );
  }

  private isUrl(arg: ts.Expression): boolean {
    const e = unwrap(arg);
    if (isStringLiteralLike(e) || isTemplateExpression(e)) return true;
    if (isBinaryExpression(e) && e.operatorToken.kind === SyntaxKind.PlusToken) return true;
    if (isNewExpression(e)) return isIdentifier(e.expression) && e.expression.text === 'URL';
    let name: string | undefined;
    if (isIdentifier(e)) {
      const binding = this.scopes.resolve(e, e.text);
      if (binding?.kind === 'variable' && binding.declaration.initializer) {
        const init = unwrap(binding.declaration.initializer);
        if (isStringLiteralLike(init) || isTemplateExpression(init)) return true;
        if (isNewExpression(init) && isIdentifier(init.expression) && init.expression.text === 'URL') return true;
      }
      name = e.text;
    } else if (isPropertyAccessExpression(e)) {
      name = e.name.text;
    } else if (isCallExpression(e)) {
      const callee = e.expression;
      name = isIdentifier(callee) ? callee.text : isPropertyAccessExpression(callee) ? callee.name.text : undefined;
      if (name === 'toString' || name === 'format' || name === 'resolve') return true;
    }
    return name !== undefined && /(?:^|[a-z_])(?:url|uri|href|endpoint|link)s?$|^(?:url|uri|href)/i.test(name);
  }

  private isFunction(arg: ts.Expression): boolean {
    const e = unwrap(arg);
    if (isArrowFunction(e) || isFunctionExpression(e)) return true;
    if (isIdentifier(e)) {
      const binding = this.scopes.resolve(e, e.text);
      if (binding?.kind === 'function') return true;
      if (binding?.kind === 'variable' && binding.declaration.initializer) {
        const init = unwrap(binding.declaration.initializer);
        return isArrowFunction(init) || isFunctionExpression(init);
      }
      return /^(?:cb|callback|done|next|onResponse|handle\w*)$/i.test(e.text);
    }
    return false;
  }

  // -- reporting and fixes ---------------------------------------------------------------------

  private report(at: ts.Node, message: string, fix?: () => Fix | undefined): void {
    this.problems.push({ start: at.getStart(this.sf), end: at.end, message, fix });
  }

  private ms(): string {
    return formatMs(this.doc, this.limits.defaultMs);
  }

  /** `title` names the change; `{v}` in it stands for the value. */
  private fix(title: string, edits: (value: string) => TextEdit[], safe = true): Fix | undefined {
    const value = this.ms();
    const list = edits(value);
    if (list.length === 0) return undefined;
    return { title: title.replace('{v}', value), safe, edits: list };
  }

  /**
   * Adds an option where the call's options are: into the object literal written at the call, as a
   * new argument after `anchor` when there is none, or as `{ ...name, key: value }` in place of a
   * `const` options object (the object may be shared, and a signal made once would expire for all).
   */
  private addOption(call: ts.CallExpression, anchor: ts.Expression | undefined, options: Options, lookup: Lookup, make: (v: string) => Insertion, safe = true): Fix | undefined {
    const sample = make('{v}');
    return this.fix(`Add ${sample.before}{v}${sample.after}`, (v) => {
      const ins = make(v);
      if (lookup.kind === 'found') return [insertionEdit(lookup.property.getStart(this.sf), lookup.property.end, ins)];
      switch (options.kind) {
        case 'literal': {
          // `{ "method": "POST" }`: a literal that quotes every key gets a quoted key too.
          const keys = options.object.properties.map((p) => p.name);
          const quoted = keys.length > 0 && keys.every((k) => k !== undefined && isStringLiteral(k));
          if (quoted) {
            const q = this.doc.text.charAt(keys[0]!.getStart(this.sf));
            return addPropertyEdits(this.doc, options.object, { ...ins, before: ins.before.replace(/^(\w+):/, `${q}$1${q}:`) });
          }
          return addPropertyEdits(this.doc, options.object, ins);
        }
        case 'const': {
          const id = options.identifier;
          return [insertionEdit(id.getStart(this.sf), id.end, ins, `{ ...${id.text}, `, ' }')];
        }
        case 'none': {
          const wrapped: Insertion = { before: `{ ${ins.before}`, value: ins.value, after: `${ins.after} }` };
          // `undefined` written where the options go: replace it.
          const index = anchor ? call.arguments.indexOf(anchor) + 1 : 0;
          const placeholder = call.arguments[index];
          if (placeholder && isIdentifier(placeholder) && placeholder.text === 'undefined') {
            return [insertionEdit(placeholder.getStart(this.sf), placeholder.end, wrapped)];
          }
          return addArgumentEdits(this.doc, call, anchor, wrapped);
        }
        default:
          return [];
      }
    }, safe);
  }

  /** Replaces an explicit value (off or too long): unsafe, the author chose that value on purpose. */
  private replaceValue(valueNode: ts.Expression, title: string): Fix | undefined {
    return this.fix(`${title} {v}`, (v) => [insertionEdit(valueNode.getStart(this.sf), valueNode.end, { before: '', value: v, after: '' })], false);
  }
}

/** What happens to a node http request after it is made. */
interface RequestUse {
  verdict: 'bounded' | 'unbounded' | 'unknown';
  /** A stream is piped into it (an upload or a proxy): a signal would bound the whole transfer. */
  pipedInto: boolean;
}

type Options =
  | { kind: 'none' }
  | { kind: 'literal'; object: ts.ObjectLiteralExpression }
  | { kind: 'const'; identifier: ts.Identifier; object: ts.ObjectLiteralExpression }
  | { kind: 'unknown' };

/** What calling `method` on a node http request says about its timeout, if anything. */
/**
 * The hand-written timeout: the request (or its `.then`/`.catch` chain) is an element of
 * `Promise.race([...])` beside a promise a `setTimeout` settles, so the caller waits no longer than
 * the timer (`Promise.race([fetch(url).catch(() => null), new Promise((r) => setTimeout(r, 150))])`).
 */
function racedAgainstTimer(call: ts.CallExpression): boolean {
  let element: ts.Node = call;
  // Up through `.then(...)` / `.catch(...)` / `.finally(...)`, parentheses and `await`.
  for (;;) {
    const parent: ts.Node = element.parent;
    if (isPropertyAccessExpression(parent) && parent.expression === element && isCallExpression(parent.parent) && ['then', 'catch', 'finally'].includes(parent.name.text)) element = parent.parent;
    else if (isParenthesizedExpression(parent) || isAwaitExpression(parent)) element = parent;
    else break;
  }
  const list = element.parent;
  if (!list || list.kind !== SyntaxKind.ArrayLiteralExpression) return false;
  const race = list.parent;
  if (!race || !isCallExpression(race) || race.arguments[0] !== list) return false;
  const callee = race.expression;
  if (!isPropertyAccessExpression(callee) || callee.name.text !== 'race' || !isIdentifier(callee.expression) || callee.expression.text !== 'Promise') return false;
  return (list as ts.ArrayLiteralExpression).elements.some((other) => other !== element && /\bsetTimeout\s*\(/.test(other.getText()));
}

function requestMethodVerdict(method: string, call: ts.CallExpression): 'bounded' | 'unknown' | undefined {
  if (method === 'setTimeout') return 'bounded';
  if (method === 'on' || method === 'once' || method === 'addListener') {
    const event = call.arguments[0];
    if (event && isStringLiteralLike(event) && (event.text === 'socket' || event.text === 'timeout')) return 'unknown';
  }
  return undefined;
}

/** A call that is a statement of its own, awaited or not: `x.pipe(req);`, `await pipeline(a, req);`. */
function resultUnused(call: ts.CallExpression): boolean {
  let node: ts.Node = call;
  if (isAwaitExpression(node.parent)) node = node.parent;
  return isExpressionStatement(node.parent);
}

/** The text of what a `create(...)` call is stored in: `api`, `this.client`. */
function assignedTo(call: ts.CallExpression, sf: ts.SourceFile): string | undefined {
  let node: ts.Node = call;
  while (isParenthesizedExpression(node.parent) || isAsExpression(node.parent)) node = node.parent;
  const parent = node.parent;
  if (isVariableDeclaration(parent) && isIdentifier(parent.name)) return parent.name.text;
  if (isBinaryExpression(parent) && parent.right === node) return normalize(parent.left.getText(sf));
  if (isPropertyDeclaration(parent) && isIdentifier(parent.name)) return `this.${parent.name.text}`;
  return undefined;
}

function seconds(ms: number): string {
  if (ms >= Number.MAX_SAFE_INTEGER) return 'practically forever';
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}

/** One analysis per document version and options: `fixes` is asked once per finding, and must not redo the file each time. */
const analyses = new WeakMap<RuleContext['doc'], { options: string; problems: Problem[]; byStart: Map<number, Problem[]> }>();

function analysis(ctx: RuleContext<HttpTimeoutOptions>) {
  const options = JSON.stringify(ctx.options);
  const cached = analyses.get(ctx.doc);
  if (cached?.options === options) return cached;
  const problems = analyseOnce(ctx);
  const byStart = new Map<number, Problem[]>();
  for (const p of problems) byStart.set(p.start, [...(byStart.get(p.start) ?? []), p]);
  const fresh = { options, problems, byStart };
  analyses.set(ctx.doc, fresh);
  return fresh;
}

function analyse(ctx: RuleContext<HttpTimeoutOptions>): Problem[] {
  return analysis(ctx).problems;
}

function analyseOnce(ctx: RuleContext<HttpTimeoutOptions>): Problem[] {
  const defaultMs = Number.isFinite(ctx.options.defaultMs) && ctx.options.defaultMs > 0 ? ctx.options.defaultMs : 10000;
  const maxMs = Number.isFinite(ctx.options.maxMs) && ctx.options.maxMs > 0 ? ctx.options.maxMs : 30000;
  return new Analysis(ctx.doc, { defaultMs, maxMs }).run();
}

export const httpCallWithoutTimeout: Rule<HttpTimeoutOptions> = {
  id: 'http-call-without-timeout',
  family: 'timeouts',
  kinds: ['js', 'python'],
  roles: (options) => (options.includeTests === true ? ['service', 'test'] : ['service']),
  defaultSeverity: 'warning',
  fix: 'safe',
  summary: 'An outbound HTTP request that can wait forever (no timeout, a disabled one, or one above the limit).',
  options: {
    defaultMs: {
      type: 'number',
      default: 10000,
      minimum: 1,
      description: 'The timeout, in milliseconds, that quick fixes insert.',
    },
    maxMs: {
      type: 'number',
      default: 30000,
      minimum: 1,
      description: 'A timeout written as a literal above this many milliseconds is reported as too long.',
    },
    includeTests: {
      type: 'boolean',
      default: false,
      description: 'Also check test files (the project model\'s `test` role: `*.test.*`, `*.spec.*`, `__tests__/`, `test/`, `tests/`, files importing a test library), which are skipped by default.',
    },
  },
  docs: {
    whatItDoes: [
      'Flags an outbound HTTP request in JavaScript or TypeScript (ES modules and CommonJS) or Python that can wait forever: no timeout, a timeout turned off (`0`, `Infinity`, `null`, `undefined`, `false` where the library reads them so), or a literal timeout above the `maxMs` option (30 s by default, its own message).',
      '',
      'Clients, how each one is called, and its default:',
      '',
      '- **fetch** (global, `undici`, `node-fetch`, `cross-fetch`): flagged without a `signal` in the `init` object. Node\'s built-in fetch (undici) gives up only after 300 s without response headers and 300 s between body chunks; node-fetch and browsers never do. `signal: AbortSignal.timeout(ms)`, `AbortSignal.any([...])` or a controller\'s signal counts as bounded, and so does node-fetch 2\'s own `timeout` option. A `dispatcher` option (an undici `Agent`, `Pool` or `RetryAgent`) is not flagged: its `headersTimeout` and `bodyTimeout` bound the request, and they are set where the dispatcher is made.',
      '- **axios** (`axios(config)`, `axios(url, config)`, `axios.get|delete|head|options|post|put|patch|request|postForm|...`): default `timeout: 0`, no timeout (axios README, request config). `axios.create(config)` without `timeout` is flagged on `create`, not on each use; calls on an instance made in the same file with a timeout are fine (a `timeout: undefined` on them falls back to the instance\'s). Not flagged when the file sets `axios.defaults.timeout` (or `<instance>.defaults.timeout`), when a request interceptor mentions a timeout, or when requests made with the instance in the same file pass their own `timeout`. A `signal` counts as bounded.',
      '- **got** (calls, `got.get|post|...|stream|paginate`, `got.extend`): no timeout by default (got docs, "timeout": default `{}`). `timeout: { request: 0 }` or `timeout: {}` sets no limit.',
      '- **superagent**: a request chain that is sent (awaited, `.then`, `.end`, `.pipe`) without `.timeout(...)`; superagent has no default timeout (its docs, "Timeouts"). A request built here and returned unsent is not flagged: the caller may add the timeout. Requests made through `superagent.agent()` are not followed.',
      '- **node `http` / `https`** `request` and `get` (`import * as http from \'node:http\'`, `require(\'https\')`, named imports and aliases): node has no client timeout. Bounded by a `timeout` or `signal` option, or `.setTimeout(...)` on the request (chained, or on the variable holding it). Note that node\'s `timeout` option only emits `\'timeout\'`; the request must still be destroyed in a handler, which is why the fix uses `signal`. Piping a stream into the request (`source.pipe(req)`, `pipeline(source, req, cb)` from `stream`, a hand-written proxy\'s `req.pipe(upstream)`) bounds nothing and is followed; handing the request to other code (returning it, passing it to a function) makes it unknown.',
      '- **request** (`request`, `request-promise`, `request-promise-native`, `request-promise-any`, `postman-request`, `@cypress/request`): `request(uri[, options][, callback])`, `request(options[, callback])`, `request.get|post|put|patch|del|delete|head|options(...)`: no timeout by default (request README, "Timeouts"). `request.defaults(options)` without `timeout` is flagged on `defaults`, not on each use (unless requests made with it in the same file pass their own `timeout`); calls on a client made with `defaults` inherit its options. `timeout: 0`, `null`, `undefined` and `Infinity` set none.',
      '- **ky**: 10 s by default (ky README, `timeout`), so only `timeout: false` (or a long literal) is flagged, on calls and on `ky.create`/`ky.extend`.',
      '- **undici `request`**: `headersTimeout` and `bodyTimeout` default to 300 s (undici docs, Client options); only `0` (off) or a long literal is flagged.',
      '',
      'A request raced against a timer by hand (it, or its `.then`/`.catch` chain, is an element of `Promise.race([...])` beside a promise a `setTimeout` settles) is bounded for its caller and not flagged.',
      '',
      '**Python** clients (one row each in `python-http.ts`):',
      '',
      '- **requests** (`requests.get|post|put|patch|delete|head|options|request`, and the same methods on a `requests.Session()` made in the function, the module, `self.<attr>` in `__init__`, or a `with requests.Session() as s:`): requests does not time out unless a timeout is set (requests docs, "Timeouts"). Flagged without `timeout=`, with `timeout=None`, and with a tuple holding `None` (`timeout=(3, None)` leaves the read timeout off). `session.timeout = 5` gets its own message: requests never reads that attribute.',
      '- **httpx**: 5 s by default (httpx docs, "Timeouts"), so only an explicit `None` is flagged: `timeout=None` on a call or on `httpx.Client` / `httpx.AsyncClient`, and `httpx.Timeout(None)` or a `Timeout` with a field set to `None` (`httpx.Timeout(5, read=None)`).',
      '- **aiohttp**: a `ClientSession` is bounded by default (total 300 s); a `ClientTimeout(...)` with no `total`, `sock_read` or `sock_connect` limit (`ClientTimeout(total=None)`, `ClientTimeout()`) is flagged.',
      '- **urllib.request.urlopen** without `timeout` (keyword or third argument), or with `timeout=None`: it uses the socket default, no timeout, unless the module calls `socket.setdefaulttimeout(...)`.',
      '- **urllib3**: `PoolManager()` (and `ProxyManager`, `HTTPConnectionPool`, `HTTPSConnectionPool`, `connection_from_url`) without `timeout=` is flagged on the constructor, since every request made with it waits on the socket default (no timeout); `urllib3.request(...)` without `timeout=`; `timeout=None` anywhere. Not flagged when the module calls `socket.setdefaulttimeout(...)`.',
      '',
      'A call with `**kwargs` (or `*args`) is unknown: the timeout may be in them. A session from a parameter or another module is not followed. `# noqa: S113` (Ruff / flake8-bandit) and `# nosec B113` (Bandit) on the line count as the author\'s choice.',
      '',
      'The rule follows what the file makes plain: an options object in a `const` in scope (and which keys the file sets on it afterwards), spreads of such objects, an instance created in the same file, `import`/`require`/`import()` bindings and the interop helpers of compiled CommonJS. Options from a parameter, a function call, another module or an unresolved spread are unknown: no finding. Test files (`*.test.*`, `*.spec.*`, `__tests__/`, `test/`, `tests/`) are skipped unless `includeTests` is on: the test runner\'s own timeout bounds them.',
    ].join('\n'),
    whyItMatters:
      'Checklist: "Timeouts: all external calls have explicit timeouts" and, in the review, "All HTTP calls have timeouts (< 30s)". A request with no timeout is how one slow dependency takes a whole service down: the server that stopped answering keeps the connection open, each waiting request holds a socket, memory and often a pool slot or a lock, callers retry, and the waiting piles up until the service itself stops answering. A timeout above 30 s rarely helps either: the caller, the load balancer or the user has usually given up by then, while the work keeps holding resources.',
    example: {
      path: 'src/users.ts',
      code: "import axios from 'axios';\n\nexport async function getUser(id: string) {\n  const res = await axios.get(`https://users.internal/users/${id}`);\n  return res.data;\n}\n\nexport async function getAvatar(id: string) {\n  return fetch(`https://avatars.internal/${id}`);\n}\n",
    },
    useInstead: {
      path: 'src/users.ts',
      code: "import axios from 'axios';\n\nexport async function getUser(id: string) {\n  const res = await axios.get(`https://users.internal/users/${id}`, { timeout: 10_000 });\n  return res.data;\n}\n\nexport async function getAvatar(id: string) {\n  return fetch(`https://avatars.internal/${id}`, { signal: AbortSignal.timeout(10_000) });\n}\n",
    },
    moreExamples: [
      {
        example: {
          path: 'app/users.py',
          code: ['import requests', '', '', 'def get_user(user_id):', '    return requests.get(f"https://users.internal/users/{user_id}").json()', ''].join('\n'),
        },
        useInstead: {
          path: 'app/users.py',
          code: ['import requests', '', '', 'def get_user(user_id):', '    return requests.get(f"https://users.internal/users/{user_id}", timeout=10).json()', ''].join('\n'),
        },
      },
    ],
    fixSafety: [
      'Python: adding `timeout=10` (the `defaultMs` option in seconds) as the call\'s last argument, in the layout of its arguments (a new line with a trailing comma when they are one per line), is safe; aiohttp\'s `ClientTimeout()` gets `total=10`. Replacing a `None` or a tuple the author wrote is unsafe, as below.',
      '',
      'Adding a timeout where there is none is safe: it is what the rule asks for, in each library\'s own way, with the `defaultMs` option (10 s) as the value (a placeholder in editors that take snippet edits). fetch and node http get `signal: AbortSignal.timeout(10_000)` (Node 17.3+), axios `timeout: 10_000`, got `timeout: { request: 10_000 }` (got 12+ takes only the object form; got 11 takes both), superagent `.timeout(10_000)`, request `timeout: 10_000` (a URL given as a string gets an options argument after it: `request(url, { timeout: 10_000 }, cb)`, which the library merges with the URL). The option goes into the options object written at the call (keeping its layout, quotes, trailing comma and comments), or a new options argument is added; an options object held in a variable becomes `{ ...options, timeout: ... }` at the call, so a shared object (and a signal made once) is never changed for other callers. Numbers are written with separators (`10_000`) in TypeScript and in JavaScript that already uses ES2015+ syntax, plain (`10000`) in an ES5-style script.',
      '',
      'These timeouts bound the whole request, including the body: a download or a stream that legitimately takes longer than the value will now fail. That is why the fix on `got.stream(...)`, and the `signal` fix on a node http request that a stream is piped into (an upload, a proxied request), are marked unsafe. request\'s `timeout` is different: it bounds the wait for the response headers and any silence on the socket (request README, `timeout`), not the whole transfer, so it stays safe on a piped download.',
      '',
      'Replacing a value the author wrote (`timeout: 0`, `timeout: false`, a 60 s timeout) is unsafe: the value may be deliberate (a long poll, a large export), so these fixes are offered but never applied by fix-all.',
    ].join('\n'),
    references: [
      'https://github.com/axios/axios#request-config',
      'https://github.com/sindresorhus/got/blob/main/documentation/6-timeout.md',
      'https://ladjs.github.io/superagent/#timeouts',
      'https://nodejs.org/api/http.html#httprequestoptions-callback',
      'https://nodejs.org/api/http.html#event-timeout',
      'https://github.com/sindresorhus/ky#timeout',
      'https://github.com/nodejs/undici/blob/main/docs/docs/api/Client.md',
      'https://github.com/node-fetch/node-fetch/tree/2.x#options',
      'https://github.com/request/request#timeouts',
      'https://github.com/request/request#requestdefaultsoptions',
      'https://developer.mozilla.org/en-US/docs/Web/API/AbortSignal/timeout_static',
      'https://requests.readthedocs.io/en/latest/user/advanced/#timeouts',
      'https://www.python-httpx.org/advanced/timeouts/',
      'https://docs.aiohttp.org/en/stable/client_quickstart.html#timeouts',
      'https://docs.python.org/3/library/urllib.request.html#urllib.request.urlopen',
      'https://docs.astral.sh/ruff/rules/request-without-timeout/',
    ],
  },

  check(ctx): RuleFinding[] {
    return problemsOf(ctx).map(({ start, end, message, ruffCode }) => ({ start, end, message, ...(ruffCode ? { ruffCode } : {}) }));
  },

  fixes(finding, ctx): Fix[] {
    const problem = ctx.doc.kind === 'python'
      ? problemsOf(ctx).find((p) => p.start === finding.start && p.end === finding.end && p.message === finding.message)
      : analysis(ctx).byStart.get(finding.start)?.find((p) => p.end === finding.end && p.message === finding.message);
    const fix = problem?.fix?.();
    return fix ? [fix] : [];
  },
};

const pythonAnalyses = new WeakMap<RuleContext['doc'], { options: string; problems: ReturnType<typeof analysePython> }>();

/**
 * The document's problems: the TypeScript walk for JS/TS, the client table walk for Python. Both are
 * computed once per document version and options: `fixes` asks again for every finding (fuzz input
 * #6754 of seed 23, 55 copies of a client module, re-walked the module per finding: over 10 s).
 */
function problemsOf(ctx: RuleContext<HttpTimeoutOptions>): Array<{ start: number; end: number; message: string; fix?: () => Fix | undefined; ruffCode?: string }> {
  if (ctx.doc.kind !== 'python') return analyse(ctx);
  const options = JSON.stringify(ctx.options);
  const cached = pythonAnalyses.get(ctx.doc);
  if (cached?.options === options) return cached.problems;
  const problems = analysePython(ctx);
  pythonAnalyses.set(ctx.doc, { options, problems });
  return problems;
}
