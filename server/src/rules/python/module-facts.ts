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
import { moveNode, nodeTypeList, type PyNode, type PyTree, type Shift } from '../../engine/python';

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
  /** Every fact node's record, in document order: for `order`, made when first asked. */
  records: FactRecord[];
  /** Each listed node's place in document order (node id -> index), to merge lists of several types. */
  order: Map<number, number> | undefined;
  /** `qualifiedName` per node id: several rules ask it of the same callees. */
  qualified: Map<number, string | undefined>;
  /** The tree the facts were read from: node ids are only unique within one tree. */
  tree: object;
  /** Each call's record by call id: its callee (its `function` field), read once for every rule. */
  callRecords: Map<number, FactRecord>;
  /** An open document's facts by subtree, for its next version to take what the re-parse kept. */
  chunks: Chunk | undefined;
}

/**
 * What one node of FACT_TYPES gives the facts, read from the tree once. It depends only on the
 * node's own subtree (never on where the subtree is), so the record of a node in a subtree the next
 * version's re-parse kept is the same record, its nodes moved (`moveRecord`).
 */
interface FactRecord {
  node: PyNode;
  type: string;
  /** A call's callee (its `function` field). */
  callee?: PyNode | null;
  /** The value an assignment or a `with` item gives the target `key` names. */
  value?: PyNode;
  /** A call's callee as the names of an `a.b.c` chain (`qualifiedName` of it, from the imports alone). */
  path?: string[];
  /** A call's method: the name after the callee's last dot, when the callee is `<expression>.<name>`. */
  method?: string;
  /** What an import binds: local name -> qualified name, in order. */
  bindings?: Array<[string, string]>;
  /** Where the value is kept: `n:<name>` in its function, `s:<attr>` for `self.<attr>` in its class. */
  key?: string;
  /** An assignment to `<target>.<attr>`. */
  attribute?: boolean;
  /** A function's, lambda's or class's end. */
  end?: number;
}

/**
 * An open document's facts, by subtree (`chunkOf`): a node's own record and a part per child, down
 * to the children of nodes of at most LEAF_BYTES, whose parts keep the records of their whole
 * subtree (one `descendantsOfType`). The next version's re-parse shares the subtrees the edit did
 * not touch with this version's tree: a part whose subtree is shared is taken whole (its records'
 * nodes moved), and only the rest is read.
 */
interface Chunk {
  node: PyNode;
  type: string;
  /** The node's own record, when it is of a fact type (not for a leaf: its records hold it). */
  own?: FactRecord;
  /** A leaf: every record of its subtree, its own node's first. */
  records?: FactRecord[];
  /** Its children's parts (children without children hold no fact and have none). */
  parts?: Chunk[];
}

/** The size under which a subtree's records are read in one walk and kept as one chunk. */
const LEAF_BYTES = 1024;

/**
 * The node types whose nodes the facts keep in lists, for the rules and model readers that look at
 * every node of a type: one query finds them with the facts, instead of one walk of the whole tree
 * (`descendantsOfType`) per reader per version.
 */
const LISTED_TYPES = ['call', 'import_statement', 'import_from_statement', 'assignment', 'augmented_assignment', 'function_definition', 'decorated_definition', 'decorator', 'for_statement', 'while_statement', 'string'] as const;
export type ListedType = (typeof LISTED_TYPES)[number];
const LISTED = new Set<string>(LISTED_TYPES);

/** The facts of a Python document, or undefined when it has no tree (the parser is not loaded). */
export function moduleFacts(doc: ParsedDocument): ModuleFacts | undefined {
  let facts = cache.get(doc);
  if (facts === undefined) {
    const tree = doc.kind === 'python' ? doc.pythonTree : undefined;
    if (tree) {
      const previous = doc.takePythonPrevious();
      try {
        const before = previous && cache.get(previous.doc);
        const oldChunks = before && (before as ScopedFacts).tree === previous.tree.tree ? (before as ScopedFacts).chunks : undefined;
        facts = gather(tree, doc.isLive, oldChunks);
      } finally {
        previous?.tree.dispose();
      }
      cache.set(doc, facts);
    } else facts = null;
  }
  return facts ?? undefined;
}

/**
 * The node types the facts are made of. One `descendantsOfType` call finds them all (matched inside
 * the WebAssembly module, in one batch: half the cost of a query's captures on a 5,000-line file).
 */
const FACT_TYPES = nodeTypeList([...new Set([...LISTED_TYPES, 'with_item', 'lambda', 'class_definition'])]);
const FACT = new Set<string>(FACT_TYPES);

/**
 * Reads the facts of `tree`. `live`: an open document, whose facts are kept by chunk for its next
 * version; `previous`: the previous version's chunks, whose tree is still alive (see `chunkOf`).
 */
function gather(tree: PyTree, live: boolean, previous: Chunk | undefined): ScopedFacts {
  const root = tree.rootNode;
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
    records: [],
    order: undefined,
    qualified: new Map(),
    tree,
    callRecords: new Map(),
    chunks: undefined,
  };
  if (live) {
    const index = previous && chunkIndex(previous);
    const chunks = chunkOf(root, index, tree);
    facts.chunks = chunks;
    flatten(chunks, facts.records);
    // `if __name__ == "__main__":` at module level.
    for (const part of chunks.parts ?? []) {
      if (part.type === 'if_statement' && isMainTest(part.node.childForFieldName('condition'))) {
        facts.mainGuard = part.node;
        break;
      }
    }
  } else {
    for (const node of root.descendantsOfType(FACT_TYPES)) {
      const record = node && readRecord(node);
      if (record) facts.records.push(record);
    }
    for (const node of root.namedChildren) {
      if (node?.type === 'if_statement' && isMainTest(node.childForFieldName('condition'))) {
        facts.mainGuard = node;
        break;
      }
    }
  }
  // In document order (a pre-order walk), so a function or class is known before the nodes inside it.
  for (const record of facts.records) {
    const { node, type } = record;
    if (LISTED.has(type)) facts.listed.get(type)!.push(node);
    if (type === 'augmented_assignment' || type === 'decorated_definition' || type === 'decorator' || type === 'for_statement' || type === 'while_statement' || type === 'string') continue;
    const start = node.startIndex;
    const fn = innermost(facts.functions, start);
    const cls = innermost(facts.classes, start);
    switch (type) {
      case 'call':
        facts.calls.push(node);
        facts.callRecords.set(node.id, record);
        break;
      case 'import_statement':
      case 'import_from_statement':
        for (const [local, qualified] of record.bindings!) facts.imports.set(local, qualified);
        break;
      case 'assignment':
      case 'with_item':
        if (record.attribute) facts.attributeAssignments.push(node);
        if (record.key && record.value) {
          const key = record.key[0] === 'n' ? `${fn ? fn.id : 'module'}:${record.key.slice(2)}` : cls ? `class ${cls.id}:self.${record.key.slice(2)}` : undefined;
          if (key) {
            const list = facts.assignments.get(key);
            if (list) list.push(record.value);
            else facts.assignments.set(key, [record.value]);
          }
        }
        break;
      case 'function_definition':
      case 'lambda':
        facts.functions.push({ id: node.id, start, end: record.end!, node, parent: fn });
        break;
      case 'class_definition':
        facts.classes.push({ id: node.id, start, end: record.end!, parent: cls });
        break;
      default:
        break;
    }
  }
  // Each callee's qualified name, from its chain of names (what `qualifiedName` reads of the tree),
  // once the imports are complete.
  for (const record of facts.records) {
    if (record.type !== 'call' || !record.callee) continue;
    const path = record.path;
    const head = path && facts.imports.get(path[0]);
    const called = head === undefined ? undefined : path!.length === 1 ? head : `${head}.${path!.slice(1).join('.')}`;
    facts.qualified.set(record.callee.id, called);
    if (called) facts.calledNames.add(called);
  }
  return facts;
}

/** The record of a call of the facts' tree, when it is one of `facts.calls`. */
function callRecord(facts: ModuleFacts, call: PyNode): FactRecord | undefined {
  return call.tree === (facts as ScopedFacts).tree ? (facts as ScopedFacts).callRecords.get(call.id) : undefined;
}

/** A call's callee (`call.childForFieldName('function')`), read once per version for every rule. */
export function calleeOf(facts: ModuleFacts, call: PyNode): PyNode | null {
  const record = callRecord(facts, call);
  return record ? (record.callee ?? null) : call.childForFieldName('function');
}

/**
 * A call's method: the name after its callee's last dot (`get` for `session.get(...)` and for
 * `make().get(...)`, '' when the name is missing), undefined when the callee is not
 * `<expression>.<name>`. Read with the facts, and for an open document kept with them.
 */
export function calleeMethod(facts: ModuleFacts, call: PyNode): string | undefined {
  const record = callRecord(facts, call);
  if (record) return record.method;
  const callee = call.childForFieldName('function');
  return callee?.type === 'attribute' ? (callee.childForFieldName('attribute')?.text ?? '') : undefined;
}

/**
 * A call's callee as the names of its chain (`['app', 'router', 'add_get']`), when the callee is a
 * name or a chain of attributes on one (no call, subscript or parentheses in it); undefined otherwise.
 */
export function calleePath(facts: ModuleFacts, call: PyNode): readonly string[] | undefined {
  const record = callRecord(facts, call);
  if (record) return record.path;
  const callee = call.childForFieldName('function');
  return callee ? namePath(callee) : undefined;
}

/**
 * Every node of the given types in the module, in document order (what `root.descendantsOfType`
 * gives, without walking the tree again). Shared by every reader: never modify the list.
 */
export function nodesOfType(facts: ModuleFacts, ...types: ListedType[]): readonly PyNode[] {
  const scoped = facts as ScopedFacts;
  if (types.length === 1) return scoped.listed.get(types[0])!;
  const order = (scoped.order ??= new Map(scoped.records.map((r, i) => [r.node.id, i])));
  const all = types.flatMap((t) => scoped.listed.get(t)!);
  return all.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
}

/** What `node` (of a fact type) gives the facts; undefined for the `lambda` keyword (an anonymous node of that type). */
function readRecord(node: PyNode): FactRecord | undefined {
  const type = node.type;
  const record: FactRecord = { node, type };
  switch (type) {
    case 'lambda':
      if (!node.isNamed) return undefined;
      record.end = node.endIndex;
      break;
    case 'function_definition':
    case 'class_definition':
      record.end = node.endIndex;
      break;
    case 'call': {
      const callee = node.childForFieldName('function');
      record.callee = callee;
      if (callee?.type === 'attribute') record.method = callee.childForFieldName('attribute')?.text ?? '';
      record.path = callee ? namePath(callee) : undefined;
      break;
    }
    case 'import_statement': {
      const bindings: Array<[string, string]> = [];
      for (const child of node.namedChildren) {
        if (!child) continue;
        if (child.type === 'dotted_name') {
          // `import urllib.request` binds `urllib`.
          const first = child.namedChildren[0]?.text;
          if (first) bindings.push([first, first]);
        } else if (child.type === 'aliased_import') {
          const name = child.childForFieldName('name')?.text;
          const alias = child.childForFieldName('alias')?.text;
          if (name && alias) bindings.push([alias, name]);
        }
      }
      record.bindings = bindings;
      break;
    }
    case 'import_from_statement': {
      const bindings: Array<[string, string]> = [];
      record.bindings = bindings;
      const module = node.childForFieldName('module_name');
      if (!module || module.type === 'relative_import') break;
      for (const child of node.childrenForFieldName('name')) {
        if (!child) continue;
        if (child.type === 'dotted_name') bindings.push([child.text, `${module.text}.${child.text}`]);
        else if (child.type === 'aliased_import') {
          const name = child.childForFieldName('name')?.text;
          const alias = child.childForFieldName('alias')?.text;
          if (name && alias) bindings.push([alias, `${module.text}.${name}`]);
        }
      }
      break;
    }
    case 'assignment': {
      const left = node.childForFieldName('left');
      const right = node.childForFieldName('right');
      if (!left) break;
      record.attribute = left.type === 'attribute';
      if (right) assigned(record, left, right);
      break;
    }
    case 'with_item': {
      // `with requests.Session() as s:` binds `s` to the session (what `__enter__` returns).
      const value = node.childForFieldName('value');
      if (value?.type === 'as_pattern') {
        const target = value.childForFieldName('alias')?.namedChildren[0] ?? value.namedChildren[1];
        const expr = value.namedChildren[0];
        if (target && expr) assigned(record, target, expr);
      }
      break;
    }
    default:
      break;
  }
  return record;
}

/** Notes `target = value` on the record when the target is a name or `self.<attr>` (see `scopeKey`). */
function assigned(record: FactRecord, target: PyNode, value: PyNode): void {
  if (target.type === 'identifier') record.key = `n:${target.text}`;
  else if (target.type === 'attribute') {
    const object = target.childForFieldName('object');
    const attr = target.childForFieldName('attribute');
    if (object?.type !== 'identifier' || object.text !== 'self' || !attr) return;
    record.key = `s:${attr.text}`;
  } else return;
  record.value = value;
}

/** `a.b.c` as its names, for an identifier or a chain of attributes on one; undefined for anything else. */
function namePath(node: PyNode): string[] | undefined {
  const type = node.type;
  if (type === 'identifier') return [node.text];
  if (type !== 'attribute') return undefined;
  const object = node.childForFieldName('object');
  const head = object ? namePath(object) : undefined;
  const attr = head ? node.childForFieldName('attribute')?.text : undefined;
  return head && attr ? [...head, attr] : undefined;
}

/**
 * The facts of `node`'s subtree as a chunk: its own record, then one part per child that has
 * children. A child is the previous version's part when the re-parse kept its subtree (`kept`), else
 * it is read anew: a child over LEAF_BYTES as a chunk of its own (so recursively), a smaller one as
 * the records of its whole subtree, read in one walk.
 */
function chunkOf(node: PyNode, index: Map<number, Chunk> | undefined, tree: PyTree): Chunk {
  const type = node.type;
  const chunk: Chunk = { node, type, own: FACT.has(type) ? readRecord(node) : undefined, parts: [] };
  const big = node.endIndex - node.startIndex > LEAF_BYTES;
  for (const child of node.children) {
    if (!child) continue;
    const part = kept(child, index, tree) ?? (child.childCount === 0 ? undefined : big ? chunkOf(child, index, tree) : leafOf(child));
    if (part) chunk.parts!.push(part);
  }
  return chunk;
}

/** Every record of `node`'s subtree (its own first), read in one walk. */
function leafOf(node: PyNode): Chunk {
  const records: FactRecord[] = [];
  for (const n of node.descendantsOfType(FACT_TYPES)) {
    const record = n && readRecord(n);
    if (record) records.push(record);
  }
  return { node, type: node.type, records };
}

/**
 * The previous version's part for `node` when the re-parse kept its subtree. A node's id is the
 * address of its slot in its parent's list of children, and the previous tree is alive while the new
 * one is made and matched (document.ts `takePythonPrevious`), so a node of the new tree with the id
 * of one of the previous tree's sits in a list of the previous tree's, which tree-sitter shares only
 * unchanged (a shared subtree is never edited in place): the same subtree, to the last node, moved.
 * Only a node's own id says this. Its first child's does not: the first child shown may sit in a
 * hidden node's list that was kept while the node's own list was made anew (an ERROR node that grew
 * a child). So a node whose list was made anew (its parent's list was too) is matched one level down,
 * by its children, whose records the parts keep apart.
 */
function kept(node: PyNode, index: Map<number, Chunk> | undefined, tree: PyTree): Chunk | undefined {
  const old = index?.get(node.id);
  if (!old) return undefined;
  return moveChunk(old, node, tree);
}

/** The previous version's chunk `old`, moved in place to where `node` (the same node in `tree`) is. */
function moveChunk(old: Chunk, node: PyNode, tree: PyTree): Chunk {
  const at = old.node.startPosition;
  const now = node.startPosition;
  const shift: Shift = { index: node.startIndex - old.node.startIndex, firstRow: at.row, row: now.row - at.row, column: now.column - at.column };
  movePart(old, shift, tree);
  return old;
}

function movePart(part: Chunk, shift: Shift, tree: PyTree): void {
  moveNode(part.node, shift, tree);
  if (part.own) moveRecord(part.own, shift, tree);
  if (part.records) for (const r of part.records) moveRecord(r, shift, tree);
  if (part.parts) for (const p of part.parts) movePart(p, shift, tree);
}

function moveRecord(record: FactRecord, shift: Shift, tree: PyTree): void {
  moveNode(record.node, shift, tree);
  if (record.callee) moveNode(record.callee, shift, tree);
  if (record.value) moveNode(record.value, shift, tree);
  if (record.end !== undefined) record.end += shift.index;
}

/** Every chunk under the root by its node's id (the root is made anew at every version). */
function chunkIndex(root: Chunk): Map<number, Chunk> {
  const index = new Map<number, Chunk>();
  const add = (chunk: Chunk): void => {
    index.set(chunk.node.id, chunk);
    for (const part of chunk.parts ?? []) add(part);
  };
  for (const part of root.parts ?? []) add(part);
  return index;
}

/** A chunk's records in document order. */
function flatten(chunk: Chunk, out: FactRecord[]): void {
  if (chunk.records) {
    for (const r of chunk.records) out.push(r);
    return;
  }
  if (chunk.own) out.push(chunk.own);
  for (const part of chunk.parts ?? []) flatten(part, out);
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

function isMainTest(condition: PyNode | null): boolean {
  if (condition?.type !== 'comparison_operator') return false;
  const [a, b] = condition.namedChildren;
  const texts = [a?.text, b?.text];
  return texts.includes('__name__') && texts.some((t) => t === '"__main__"' || t === "'__main__'");
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
