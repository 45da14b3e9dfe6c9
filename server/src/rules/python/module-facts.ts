// What a Python module makes plain, read once per document version from its tree-sitter tree and
// shared by every Python rule: the names its imports bind (to qualified names, as Ruff resolves
// them), every call, and what each name or `self.<attr>` is assigned in its scope. Rules ask
// `qualifiedName(node)` ("requests.get"), `valueOf(node)` (the one expression a name stands for)
// and never match source text themselves. What the module does not make plain is undefined.

import type { ParsedDocument } from '../../engine/document';
import { pythonQuery, type PyNode } from '../../engine/python';

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
  /** Parameter names (functions only). */
  parameters?: Set<string>;
}

interface ScopedFacts extends ModuleFacts {
  functions: Scope[];
  classes: Scope[];
}

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

/** The nodes the facts are made of, found by one query (matched inside the WebAssembly module). */
const FACTS_QUERY = [
  '(call) @node',
  '(import_statement) @node',
  '(import_from_statement) @node',
  '(assignment) @node',
  '(with_item) @node',
  '(function_definition) @node',
  '(lambda) @node',
  '(class_definition) @node',
  '(module (if_statement) @main)',
].join('\n');

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
  };
  const query = pythonQuery(FACTS_QUERY);
  if (!query) return facts;
  // Captures come in document order, so a function or class is known before the nodes inside it.
  for (const { name, node } of query.captures(root)) {
    if (name === 'main') {
      if (!facts.mainGuard && isMainTest(node.childForFieldName('condition'))) facts.mainGuard = node;
      continue;
    }
    const fn = innermost(facts.functions, node.startIndex);
    const cls = innermost(facts.classes, node.startIndex);
    visit(node, facts, fn, cls);
    if (node.type === 'function_definition' || node.type === 'lambda') {
      facts.functions.push({ id: node.id, start: node.startIndex, end: node.endIndex, parameters: parameterNames(node) });
    } else if (node.type === 'class_definition') {
      facts.classes.push({ id: node.id, start: node.startIndex, end: node.endIndex });
    }
  }
  for (const call of facts.calls) {
    const called = qualifiedName(facts, call.childForFieldName('function'));
    if (called) facts.calledNames.add(called);
  }
  return facts;
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

function visit(node: PyNode, facts: ScopedFacts, fn: Scope | undefined, cls: Scope | undefined): void {
  switch (node.type) {
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

/** The innermost scope of `scopes` holding `offset`. */
function innermost(scopes: readonly Scope[], offset: number): Scope | undefined {
  let best: Scope | undefined;
  for (const s of scopes) if (s.start <= offset && offset < s.end && (!best || s.start >= best.start)) best = s;
  return best;
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
      if (fn.parameters?.has(node.text)) return undefined;
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
  if (node.type === 'identifier') return facts.imports.get(node.text);
  if (node.type === 'attribute') {
    const object = qualifiedName(facts, node.childForFieldName('object'));
    const attr = node.childForFieldName('attribute')?.text;
    return object && attr ? `${object}.${attr}` : undefined;
  }
  return undefined;
}

/** A call's arguments: positional ones, keywords by name, and whether `*args` / `**kwargs` hide more. */
export interface CallArguments {
  list: PyNode | undefined;
  positional: PyNode[];
  keywords: Map<string, { node: PyNode; value: PyNode }>;
  splat: boolean;
}

export function callArguments(call: PyNode): CallArguments {
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
