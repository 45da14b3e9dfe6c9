// The Python parser: web-tree-sitter with the tree-sitter-python grammar, both WebAssembly files
// copied next to the bundles by esbuild.mjs. Loading WebAssembly is asynchronous, so the edges
// (server, CLI, tests) await `initPython()` once before analysing; until it has finished (or if
// it failed) a Python document has no tree and the rules find nothing in it, as for any file
// prodready cannot read.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as TreeSitter from 'web-tree-sitter';

export type PyTree = TreeSitter.Tree;
export type PyNode = TreeSitter.Node;

// Through `require`, so that esbuild takes the package's CommonJS build: its ES module build calls
// `createRequire(import.meta.url)`, and `import.meta.url` is undefined in a CommonJS bundle.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const loadTreeSitter = (): typeof TreeSitter => require('web-tree-sitter');

let parser: TreeSitter.Parser | undefined;
let language: TreeSitter.Language | undefined;
const queries = new Map<string, TreeSitter.Query>();
let ready: Promise<boolean> | undefined;
let failure: string | undefined;

/** Where a WebAssembly file is: next to the bundle (dist/), else in its package (running from source). */
function wasmPath(file: string, fromPackage: () => string): string {
  const beside = path.join(__dirname, file);
  if (fs.existsSync(beside)) return beside;
  return fromPackage();
}

/**
 * Loads the parser and the grammar, once; later calls return the same promise. Resolves to
 * whether Python can be parsed (never rejects: a missing grammar costs Python findings, not the
 * server).
 */
export function initPython(): Promise<boolean> {
  ready ??= (async () => {
    try {
      const { Parser, Language, Node } = loadTreeSitter();
      keepNodeReads(Node);
      const runtime = wasmPath('tree-sitter.wasm', () => require.resolve('web-tree-sitter/tree-sitter.wasm'));
      await Parser.init({ locateFile: () => runtime });
      const grammar = wasmPath('tree-sitter-python.wasm', () => require.resolve('tree-sitter-python/tree-sitter-python.wasm'));
      // As bytes: given a path, web-tree-sitter reads it through a dynamic import() of fs, which a
      // script compiled from the code cache (start.ts, vm.Script) cannot make.
      language = await Language.load(await fs.promises.readFile(grammar));
      const made = new Parser();
      made.setLanguage(language);
      parser = made;
      if (!moveWorks(made)) nodesMovable = false;
      return true;
    } catch (error) {
      failure = (error as Error)?.message ?? String(error);
      return false;
    }
  })();
  return ready;
}

/** What `keepNodeReads` keeps on a node object once read. */
interface KeptReads {
  keptType?: string;
  keptEnd?: number;
  keptFields?: Map<string, TreeSitter.Node | null>;
}

/** Whether `moveNode` may be used: `keepNodeReads` recognised web-tree-sitter's nodes and `moveWorks` checked them. */
let nodesMovable = false;

/**
 * Makes a node's type, its end and its children by field name (`childForFieldName`) read once per node
 * object. web-tree-sitter reads both through WebAssembly on every access (the node is copied into
 * the module's memory, and `childForFieldName` makes a new node object each time), and the Python
 * rules ask them of the same nodes (every call's, every assignment's) again and again: on a
 * 5,000-line file they were a quarter of a keystroke. Neither can change: a node object is one
 * version's view of one subtree, and the tree it belongs to is never edited while it is read
 * (document.ts hands a tree to the next version, which edits it, only after the rules are done).
 */
function keepNodeReads(NodeClass: typeof TreeSitter.Node): void {
  const proto = NodeClass.prototype as TreeSitter.Node & KeptReads;
  if (Object.prototype.hasOwnProperty.call(proto, 'keptReads')) return;
  const readType = Object.getOwnPropertyDescriptor(NodeClass.prototype, 'type')?.get;
  const readEnd = Object.getOwnPropertyDescriptor(NodeClass.prototype, 'endIndex')?.get;
  const readField = proto.childForFieldName;
  if (!readType || !readEnd || typeof readField !== 'function') return; // another web-tree-sitter: left as it is
  Object.defineProperty(proto, 'keptReads', { value: true });
  Object.defineProperty(proto, 'type', {
    configurable: true,
    get(this: TreeSitter.Node & KeptReads): string {
      return (this.keptType ??= readType.call(this) as string);
    },
  });
  Object.defineProperty(proto, 'endIndex', {
    configurable: true,
    get(this: TreeSitter.Node & KeptReads): number {
      return (this.keptEnd ??= readEnd.call(this) as number);
    },
  });
  proto.childForFieldName = function (this: TreeSitter.Node & KeptReads, fieldName: string): TreeSitter.Node | null {
    const kept = (this.keptFields ??= new Map());
    let child = kept.get(fieldName);
    if (child === undefined) kept.set(fieldName, (child = readField.call(this, fieldName)));
    return child;
  };
  nodesMovable = true;
}

/**
 * How the nodes of a subtree the incremental re-parse kept (the same subtree, shared by the old tree
 * and the new) moved: `index` code units, and `row` rows; a node on the subtree's first row
 * (`firstRow`, in the old tree) moved `column` columns too, the others kept their columns.
 */
export interface Shift {
  index: number;
  firstRow: number;
  row: number;
  column: number;
}

/**
 * Makes `node`, a node of the previous version's tree that lies in a subtree the re-parse kept, the
 * same node of `tree`, moved by `shift`, in place: the same id (a node's id is its slot in its
 * parent's list, and a kept subtree's lists are the same memory in both trees), its start moved,
 * its type and end kept when they were read. In place, so that nothing is made again for
 * what the edit did not touch; the previous version's reads of these nodes end here, as its tree
 * does (module-facts.ts `kept` says when a subtree is kept). A node already of `tree` is left alone:
 * one made for this version, or one reached twice.
 */
export function moveNode(node: TreeSitter.Node, shift: Shift, tree: PyTree): void {
  const n = node as TreeSitter.Node & KeptReads & { _children?: Array<TreeSitter.Node | null>; _namedChildren?: Array<TreeSitter.Node | null> };
  if (n.tree === tree) return;
  n.tree = tree;
  if (shift.index !== 0) {
    n.startIndex += shift.index;
    if (n.keptEnd !== undefined) n.keptEnd += shift.index;
  }
  const at = n.startPosition;
  if (at.row === shift.firstRow) {
    if (shift.row !== 0 || shift.column !== 0) n.startPosition = { row: at.row + shift.row, column: at.column + shift.column };
  } else if (shift.row !== 0) n.startPosition = { row: at.row + shift.row, column: at.column };
  // Nodes read from this one (its children) are read again when asked: moving every node a rule
  // ever read of the kept subtrees at every keystroke cost more than reading again the few asked.
  if (n.keptFields) n.keptFields = undefined;
  if (n._children) n._children = undefined;
  if (n._namedChildren) n._namedChildren = undefined;
}

/**
 * Whether `moveNode` keeps nodes whole: the fields web-tree-sitter keeps on a node are the ones it
 * moves, and a node moved to a copy of its tree reads as the same node there. Checked once at
 * start-up: a web-tree-sitter whose nodes hold more turns the reuse off (module facts are then read in
 * full at every version), never into wrong nodes.
 */
function moveWorks(made: TreeSitter.Parser): boolean {
  if (!nodesMovable) return false;
  const tree = made.parse('x = f(1)\n');
  const copy = tree?.copy();
  try {
    const node = tree?.rootNode.firstChild?.firstChild;
    if (!tree || !copy || !node) return false;
    const known = new Set(['0', '_children', '_namedChildren', 'id', 'tree', 'startIndex', 'startPosition', 'keptType', 'keptEnd', 'keptFields']);
    if (!Object.keys(node).every((k) => known.has(k))) return false;
    const read = (n: TreeSitter.Node | null | undefined) => n && `${n.type} ${n.text} ${n.endIndex} ${n.endPosition.column} ${n.childCount} ${n.parent?.type} ${n.namedChildren.length}`;
    const before = `${read(node)} ${read(node.childForFieldName('right'))}`;
    moveNode(node, { index: 0, firstRow: 0, row: 0, column: 0 }, copy);
    const fresh = copy.rootNode.firstChild!.firstChild!;
    return node.tree === copy && node.equals(fresh) && `${read(node)} ${read(node.childForFieldName('right'))}` === before;
  } finally {
    copy?.delete();
    tree?.delete();
  }
}

/** Whether `moveNode` can be used: `keepNodeReads` recognised this web-tree-sitter's nodes. */
export function canMoveNodes(): boolean {
  return nodesMovable;
}

/**
 * `types` as a list for `descendantsOfType` to be called with many times: web-tree-sitter turns the
 * names into symbols at every call by asking `types.includes` of each of the grammar's 270 node
 * types, and this list answers from a Set (half the cost of a call on a small subtree). It is still
 * an array of the same names, so any other use of it reads the same.
 */
export function nodeTypeList(types: readonly string[]): string[] {
  const set = new Set(types);
  class NodeTypeList extends Array<string> {
    override includes(type: string): boolean {
      return set.has(type);
    }
  }
  return NodeTypeList.from(types);
}

/** The parser, once `initPython()` has finished; undefined before (or when loading failed). */
export function pythonParser(): TreeSitter.Parser | undefined {
  return parser;
}

/**
 * A compiled tree-sitter query (compiled once, kept for the process): matching runs inside the
 * WebAssembly module, far cheaper than visiting every node from JavaScript.
 */
export function pythonQuery(source: string): TreeSitter.Query | undefined {
  if (!language) return undefined;
  let query = queries.get(source);
  if (!query) {
    const { Query } = loadTreeSitter();
    query = new Query(language, source);
    queries.set(source, query);
  }
  return query;
}

/** Why Python cannot be parsed, when loading failed. */
export function pythonInitFailure(): string | undefined {
  return failure;
}

/** Trees not freed explicitly (a document dropped without `dispose()`) are freed when collected. */
const orphans = new FinalizationRegistry<{ tree?: PyTree }>((box) => box.tree?.delete());

/**
 * Owns one document version's tree: `take()` hands it to the next version (which edits and
 * re-parses it), `dispose()` frees it. The WebAssembly heap is not garbage collected, so every
 * tree is freed exactly once, by whoever holds it last.
 */
export class PyTreeHolder {
  private readonly box: { tree?: PyTree } = {};

  constructor(owner: object) {
    orphans.register(owner, this.box, this);
  }

  get tree(): PyTree | undefined {
    return this.box.tree;
  }

  set(tree: PyTree): void {
    this.box.tree = tree;
  }

  take(): PyTree | undefined {
    const tree = this.box.tree;
    this.box.tree = undefined;
    return tree;
  }

  dispose(): void {
    this.box.tree?.delete();
    this.box.tree = undefined;
    orphans.unregister(this);
  }
}

/** A row/column point in the convention web-tree-sitter uses for JavaScript strings (UTF-16 units). */
function pointAt(text: string, offset: number): TreeSitter.Point {
  let row = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  return { row, column: offset - lineStart };
}

/**
 * The parsing work tree-sitter may spend on a file, in its progress checks (one per 100 parser
 * operations, a count that does not depend on the machine): a fixed allowance plus so many per KB.
 * Ordinary Python takes 3 to 8 checks per KB (a 229 KB module of the standard library: 995), and the
 * most of 9,344 real files (the standard library, site-packages, the review's repositories) 29.5 per
 * KB (generated ANTLR lexers); garbled text can make the GLR parser fork without end, at about
 * 0.1 ms a check (fuzz input #9378 of seed 23, 770 lines of `>-` in 46 KB: 80,961 checks, 8.9 s;
 * `x = (` then 3,000 of them, 9 KB: 90,330 checks). Past the allowance the parse is abandoned: at
 * most about 0.2 s plus 6 ms per KB.
 */
export const PARSE_CHECKS_BASE = 2_000;
export const PARSE_CHECKS_PER_KB = 60;

/** What `parsePython` returns when it abandoned a parse over its work allowance. */
export const TOO_COSTLY = 'too-costly';

/**
 * Parses `text`, incrementally from `old` (the previous version's tree, whose text was `oldText`)
 * when there is one. `old` is freed: the new tree replaces it, unless `keepOld`: then a copy of it
 * is edited and re-parsed (sharing its subtrees, which tree-sitter then never edits in place), and
 * `old` is left as it was, for the caller to match against and free. `TOO_COSTLY` when the parse went
 * over its work allowance (see PARSE_CHECKS_PER_KB); undefined when the parser is not loaded.
 */
export function parsePython(
  text: string,
  previous?: { tree: PyTree; text: string; edit: { start: number; end: number; newText: string }; keepOld?: boolean },
): PyTree | typeof TOO_COSTLY | undefined {
  if (!parser) return undefined;
  const allowance = PARSE_CHECKS_BASE + Math.ceil((text.length / 1024) * PARSE_CHECKS_PER_KB);
  let checks = 0;
  let abandoned = false;
  const options: TreeSitter.ParseOptions = {
    progressCallback: () => {
      abandoned = ++checks > allowance;
      return abandoned;
    },
  };
  const parsed = (old?: PyTree): PyTree | typeof TOO_COSTLY | undefined => {
    const tree = parser!.parse(text, old ?? null, options);
    if (abandoned) {
      tree?.delete();
      return TOO_COSTLY;
    }
    return tree ?? undefined;
  };
  if (!previous) return parsed();
  const { text: oldText, edit } = previous;
  const old = previous.keepOld ? previous.tree.copy() : previous.tree;
  try {
    const newEnd = edit.start + edit.newText.length;
    old.edit({
      startIndex: edit.start,
      oldEndIndex: edit.end,
      newEndIndex: newEnd,
      startPosition: pointAt(oldText, edit.start),
      oldEndPosition: pointAt(oldText, edit.end),
      newEndPosition: pointAt(text, newEnd),
    });
    return parsed(old);
  } finally {
    old.delete();
  }
}
