// What a Python module makes plain, read once per document version from its tree-sitter tree and
// shared by every Python rule: the names its imports bind (to qualified names, as Ruff resolves
// them), every call, and what each name or `self.<attr>` is assigned in its scope. Rules ask
// `qualifiedName(node)` ("requests.get"), `valueOf(node)` (the one expression a name stands for)
// and never match source text themselves. What the module does not make plain is undefined.
//
// On every keystroke this is most of a Python file's cost (issue 22), so it is also where readers
// share their work: the nodes of the types rules look at (`nodesOfType`, instead of one walk of the
// whole tree per rule), each call's callee (`calleeOf`), qualified names and call arguments, each
// read once per version. None of it outlives the version's tree.

import type { ParsedDocument } from '../../engine/document';
import type { PyNode } from '../../engine/python';

export interface ModuleFacts {
  /** Local name -> qualified name, from `import a.b`, `import a as b`, `from a import b as c` (module level and inside functions). */
  imports: Map<string, string>;
  /** Every `call` node, in source order. */
  calls: PyNode[];
  /** Calls by qualified callee (`socket.setdefaulttimeout`), for "does the module ever call X". */
  calledNames: Set<string>;
  /** Assignments by scope key (see `scopeKey`): the values a name or `self.attr` is given there. */
  assignments: Map<string, PyNode[]>;
  /** `<target>.<attr> = value` assignments (`session.timeout = 5`): the assignment nodes. */
  attributeAssignments: PyNode[];
  /** Whether the module runs `if __name__ == "__main__":`. */
  mainGuard: PyNode | undefined;
}

const cache = new WeakMap<ParsedDocument, ModuleFacts | null>();

/** A function (or lambda) or class body, by its range: where a name's assignments are kept. */
interface Scope {
  id: number;
  start: number;
  end: number;
  /** The function or lambda (functions only): its parameter names are read when first asked (`parametersOf`). */
  node?: PyNode;
  parameters?: Set<string>;
  /** The innermost scope of the same kind holding this one. */
  parent?: Scope;
}

interface ScopedFacts extends ModuleFacts {
  functions: Scope[];
  classes: Scope[];
  /** The nodes of each listed type, in document order (`nodesOfType`). */
  listed: Map<string, PyNode[]>;
  /** Each listed node's place in document order (node id -> index), to merge lists of several types. */
  order: Map<number, number>;
  /** `qualifiedName` per node id: several rules ask it of the same callees. */
  qualified: Map<number, string | undefined>;
  /** The tree the facts were read from: node ids are only unique within one tree. */
  tree: object;
  /** Each call's callee (its `function` field) by call id, read once for every rule. */
  callees: Map<number, PyNode | null>;
}

/**
 * The node types whose nodes the facts keep in lists, for the rules and model readers that look at
 * every node of a type: one query finds them with the facts, instead of one walk of the whole tree
 * (`descendantsOfType`) per reader per version.
 */
const LISTED_TYPES = ['call', 'import_statement', 'import_from_statement', 'assignment', 'augmented_assignment', 'function_definition', 'decorated_definition', 'decorator', 'for_statement', 'while_statement'] as const;
export type ListedType = (typeof LISTED_TYPES)[number];
const LISTED = new Set<string>(LISTED_TYPES);

/** The facts of a Python document, or undefined when it has no tree (the parser is not loaded). */
export function moduleFacts(doc: ParsedDocument): ModuleFacts | undefined {
  let facts = cache.get(doc);
  if (facts === undefined) {
    const tree = doc.kind === 'python' ? doc.pythonTree : undefined;
    facts = tree ? gather(tree.rootNode) : null;
    if (tree) cache.set(doc, facts);
  }
  return facts ?? undefined;
}

/**
 * The node types the facts are made of. One `descendantsOfType` call finds them all (matched inside
 * the WebAssembly module, in one batch: half the cost of a query's captures on a 5,000-line file).
 */
const FACT_TYPES = [...new Set([...LISTED_TYPES, 'with_item', 'lambda', 'class_definition'])];

function gather(root: PyNode): ScopedFacts {
  const facts: ScopedFacts = {
    imports: new Map(),
    calls: [],
    calledNames: new Set(),
    assignments: new Map(),
    attributeAssignments: [],
    mainGuard: undefined,
    functions: [],
    classes: [],
    listed: new Map(LISTED_TYPES.map((t) => [t, []])),
    order: new Map(),
    qualified: new Map(),
    tree: root.tree,
    callees: new Map(),
  };
  // `if __name__ == "__main__":` at module level.
  for (const node of root.namedChildren) {
    if (node?.type === 'if_statement' && isMainTest(node.childForFieldName('condition'))) {
      facts.mainGuard = node;
      break;
    }
  }
  // In document order (a pre-order walk), so a function or class is known before the nodes inside it.
  for (const node of root.descendantsOfType(FACT_TYPES)) {
    if (!node) continue;
    const type = node.type;
    // `lambda` is also the keyword's (anonymous) node type.
    if (type === 'lambda' && !node.isNamed) continue;
    if (LISTED.has(type)) {
      facts.order.set(node.id, facts.order.size);
      facts.listed.get(type)!.push(node);
    }
    if (type === 'augmented_assignment' || type === 'decorated_definition' || type === 'decorator' || type === 'for_statement' || type === 'while_statement') continue;
    const fn = innermost(facts.functions, node.startIndex);
    const cls = innermost(facts.classes, node.startIndex);
    visit(node, type, facts, fn, cls);
    if (type === 'function_definition' || type === 'lambda') {
      facts.functions.push({ id: node.id, start: node.startIndex, end: node.endIndex, node, parent: fn });
    } else if (type === 'class_definition') {
      facts.classes.push({ id: node.id, start: node.startIndex, end: node.endIndex, parent: cls });
    }
  }
  for (const call of facts.calls) {
    const callee = call.childForFieldName('function');
    facts.callees.set(call.id, callee);
    const called = qualifiedName(facts, callee);
    if (called) facts.calledNames.add(called);
  }
  return facts;
}

/** A call's callee (`call.childForFieldName('function')`), read once per version for every rule. */
export function calleeOf(facts: ModuleFacts, call: PyNode): PyNode | null {
  const known = call.tree === (facts as ScopedFacts).tree ? (facts as ScopedFacts).callees.get(call.id) : undefined;
  return known !== undefined ? known : call.childForFieldName('function');
}

/**
 * Every node of the given types in the module, in document order (what `root.descendantsOfType`
 * gives, without walking the tree again). Shared by every reader: never modify the list.
 */
export function nodesOfType(facts: ModuleFacts, ...types: ListedType[]): readonly PyNode[] {
  const scoped = facts as ScopedFacts;
  if (types.length === 1) return scoped.listed.get(types[0])!;
  const all = types.flatMap((t) => scoped.listed.get(t)!);
  return all.sort((a, b) => scoped.order.get(a.id)! - scoped.order.get(b.id)!);
}

/** A function scope's parameter names, read once. */
function parametersOf(scope: Scope): Set<string> | undefined {
  if (!scope.node) return undefined;
  return (scope.parameters ??= parameterNames(scope.node));
}

function parameterNames(fn: PyNode): Set<string> {
  const names = new Set<string>();
  const params = fn.childForFieldName('parameters');
  if (!params) return names;
  for (const p of params.namedChildren) {
    if (!p) continue;
    const id = p.type === 'identifier' ? p : (p.childForFieldName('name') ?? p.namedChildren.find((c) => c?.type === 'identifier'));
    if (id?.type === 'identifier') names.add(id.text);
  }
  return names;
}

function visit(node: PyNode, type: string, facts: ScopedFacts, fn: Scope | undefined, cls: Scope | undefined): void {
  switch (type) {
    case 'call':
      facts.calls.push(node);
      break;
    case 'import_statement':
      for (const child of node.namedChildren) {
        if (!child) continue;
        if (child.type === 'dotted_name') {
          // `import urllib.request` binds `urllib`.
          const first = child.namedChildren[0]?.text;
          if (first) facts.imports.set(first, first);
        } else if (child.type === 'aliased_import') {
          const name = child.childForFieldName('name')?.text;
          const alias = child.childForFieldName('alias')?.text;
          if (name && alias) facts.imports.set(alias, name);
        }
      }
      break;
    case 'import_from_statement': {
      const module = node.childForFieldName('module_name');
      if (!module || module.type === 'relative_import') break;
      for (const child of node.childrenForFieldName('name')) {
        if (!child) continue;
        if (child.type === 'dotted_name') facts.imports.set(child.text, `${module.text}.${child.text}`);
        else if (child.type === 'aliased_import') {
          const name = child.childForFieldName('name')?.text;
          const alias = child.childForFieldName('alias')?.text;
          if (name && alias) facts.imports.set(alias, `${module.text}.${name}`);
        }
      }
      break;
    }
    case 'assignment': {
      const left = node.childForFieldName('left');
      const right = node.childForFieldName('right');
      if (!left) break;
      if (left.type === 'attribute') facts.attributeAssignments.push(node);
      if (right && (left.type === 'identifier' || left.type === 'attribute')) addAssignment(facts, left, right, fn, cls);
      break;
    }
    case 'with_item': {
      // `with requests.Session() as s:` binds `s` to the session (what `__enter__` returns).
      const value = node.childForFieldName('value');
      if (value?.type === 'as_pattern') {
        const target = value.childForFieldName('alias')?.namedChildren[0] ?? value.namedChildren[1];
        const expr = value.namedChildren[0];
        if (target && expr && (target.type === 'identifier' || target.type === 'attribute')) addAssignment(facts, target, expr, fn, cls);
      }
      break;
    }
    default:
      break;
  }
}

function isMainTest(condition: PyNode | null): boolean {
  if (condition?.type !== 'comparison_operator') return false;
  const [a, b] = condition.namedChildren;
  const texts = [a?.text, b?.text];
  return texts.includes('__name__') && texts.some((t) => t === '"__main__"' || t === "'__main__'");
}

function addAssignment(facts: ModuleFacts, target: PyNode, value: PyNode, fn: Scope | undefined, cls: Scope | undefined): void {
  const key = scopeKey(target, fn, cls);
  if (!key) return;
  const list = facts.assignments.get(key);
  if (list) list.push(value);
  else facts.assignments.set(key, [value]);
}

/**
 * The innermost scope of `scopes` holding `offset`: the one starting last at or before it (the
 * scopes are in document order), or the nearest of its parents that holds it (scopes nest).
 */
function innermost(scopes: readonly Scope[], offset: number): Scope | undefined {
  let lo = 0;
  let hi = scopes.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (scopes[mid].start <= offset) lo = mid + 1;
    else hi = mid;
  }
  for (let s: Scope | undefined = scopes[lo - 1]; s; s = s.parent) if (offset < s.end) return s;
  return undefined;
}

/**
 * Where a target's assignments are kept: a name by its function (or the module), `self.attr` by
 * its class. Other targets (`a.b.c`, `obj.attr` on anything but `self`) are not followed.
 */
function scopeKey(target: PyNode, fn: Scope | undefined, cls: Scope | undefined): string | undefined {
  if (target.type === 'identifier') return `${fn ? fn.id : 'module'}:${target.text}`;
  if (target.type === 'attribute') {
    const object = target.childForFieldName('object');
    const attr = target.childForFieldName('attribute');
    if (object?.type !== 'identifier' || object.text !== 'self' || !attr) return undefined;
    return cls ? `class ${cls.id}:self.${attr.text}` : undefined;
  }
  return undefined;
}

/**
 * The one expression a name (or `self.attr`) stands for where it is used: its assignments in its
 * function (else, for a name the function neither assigns nor takes as a parameter, the module's).
 * Undefined when there are none, or several that are not the same text (reassigned).
 */
export function valueOf(facts: ModuleFacts, node: PyNode): PyNode | undefined {
  const scoped = facts as ScopedFacts;
  let values: PyNode[] | undefined;
  const fn = innermost(scoped.functions, node.startIndex);
  if (node.type === 'identifier') {
    values = facts.assignments.get(scopeKey(node, fn, undefined)!);
    if (!values && fn) {
      if (parametersOf(fn)?.has(node.text)) return undefined;
      values = facts.assignments.get(`module:${node.text}`);
    }
  } else if (node.type === 'attribute') {
    const key = scopeKey(node, fn, innermost(scoped.classes, node.startIndex));
    values = key ? facts.assignments.get(key) : undefined;
  }
  if (!values || values.length === 0) return undefined;
  const first = values[0];
  return values.every((v) => v.text === first.text) ? first : undefined;
}

/**
 * The qualified name of an expression rooted at an import: `requests.get` for `requests.get`,
 * `get` imported from requests, or `r.get` after `import requests as r`. Undefined otherwise.
 */
export function qualifiedName(facts: ModuleFacts, node: PyNode | null | undefined): string | undefined {
  if (!node) return undefined;
  // Asked of every call's callee by several rules: kept per node (reading a node's type or text
  // crosses into WebAssembly). The imports are complete before anyone asks.
  const memo = node.tree === (facts as ScopedFacts).tree ? (facts as ScopedFacts).qualified : new Map<number, string | undefined>();
  const known = memo.get(node.id);
  if (known !== undefined || memo.has(node.id)) return known;
  const type = node.type;
  let out: string | undefined;
  if (type === 'identifier') out = facts.imports.get(node.text);
  else if (type === 'attribute') {
    const object = qualifiedName(facts, node.childForFieldName('object'));
    const attr = object ? node.childForFieldName('attribute')?.text : undefined;
    out = object && attr ? `${object}.${attr}` : undefined;
  }
  memo.set(node.id, out);
  return out;
}

/** A call's arguments: positional ones, keywords by name, and whether `*args` / `**kwargs` hide more. */
export interface CallArguments {
  list: PyNode | undefined;
  positional: PyNode[];
  keywords: Map<string, { node: PyNode; value: PyNode }>;
  splat: boolean;
}

/** Per tree, each call's arguments (several rules read the same calls' arguments). */
const argumentsCache = new WeakMap<object, Map<number, CallArguments>>();

/** A call's arguments; the object is shared by every reader of the same tree: never modify it. */
export function callArguments(call: PyNode): CallArguments {
  let perTree = argumentsCache.get(call.tree);
  if (!perTree) argumentsCache.set(call.tree, (perTree = new Map()));
  let out = perTree.get(call.id);
  if (!out) perTree.set(call.id, (out = readArguments(call)));
  return out;
}

function readArguments(call: PyNode): CallArguments {
  const list = call.childForFieldName('arguments') ?? undefined;
  const out: CallArguments = { list, positional: [], keywords: new Map(), splat: false };
  if (!list || list.type !== 'argument_list') {
    // `f(x for x in y)`: a generator argument.
    if (list) out.positional.push(list);
    return out;
  }
  for (const arg of list.namedChildren) {
    if (!arg || arg.type === 'comment') continue;
    if (arg.type === 'keyword_argument') {
      const name = arg.childForFieldName('name')?.text;
      const value = arg.childForFieldName('value');
      if (name && value) out.keywords.set(name, { node: arg, value });
    } else if (arg.type === 'list_splat' || arg.type === 'dictionary_splat') {
      out.splat = true;
    } else {
      out.positional.push(arg);
    }
  }
  return out;
}

/** The innermost expression of `(x)`. */
export function unparen(node: PyNode): PyNode {
  let n = node;
  while (n.type === 'parenthesized_expression' && n.namedChildren.length === 1 && n.namedChildren[0]) n = n.namedChildren[0];
  return n;
}

/** The first line's indentation of the statement holding `node`. */
export function lineIndent(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart))![0];
}
