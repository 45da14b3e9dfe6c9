// Per-keystroke work proportional to the edit (issue 22). `ts.updateSourceFile` keeps the very node
// objects of every statement the edit did not touch (their positions shifted in place), so what a
// walk gathers under such a statement, kept as nodes rather than offsets, is still true in the next
// version. The walks that only collect nodes of some kinds, in source order, ask `nodesOfKinds`; under
// a live document (one the server keeps and re-parses incrementally) the lists are kept per statement
// and class member and reused by the next version, so one keystroke re-walks only the statements on
// the path to the edit. Elsewhere (the CLI) one walk of the tree fills the lists of every set the engine
// made (all are module constants), kept while the tree lives: ten rules and model readers ask, one walk answers.
//
// The cache is held by the nodes themselves (WeakMaps): it is bounded by the live trees and goes
// with them when a document is closed or a statement re-parsed.

import { ts } from './ts';

const { forEachChild, SyntaxKind } = ts;

/** Source files of live documents: their statements' node lists are kept for the next version. */
const live = new WeakSet<ts.SourceFile>();

/** Marks a tree as one the next version will be parsed from (see ParsedDocument). */
export function markLive(sf: ts.SourceFile): void {
  live.add(sf);
}

/** Nodes whose children are statements or class members: each child is a unit the cache keeps. */
const CONTAINERS = new Set<ts.SyntaxKind>([
  SyntaxKind.SourceFile,
  SyntaxKind.Block,
  SyntaxKind.ModuleBlock,
  SyntaxKind.CaseClause,
  SyntaxKind.DefaultClause,
  SyntaxKind.ClassDeclaration,
  SyntaxKind.ClassExpression,
]);

/** A set of kinds, with the key its lists are kept under. */
export interface KindSet {
  readonly key: string;
  readonly kinds: ReadonlySet<ts.SyntaxKind>;
  /** Kept per unit of a live tree only once a reader asks (see `rareKindSet`); the others from the first ask of any. */
  readonly onDemand: boolean;
}

/** Every set made (module constants, made at load): a tree that is not live is walked once for all of them. */
const registry: KindSet[] = [];
/** Kind -> the indices in `registry` of the sets that hold it; rebuilt when a set is added. */
let setsOfKind: Array<number[] | undefined> | undefined;

export function kindSet(...kinds: ts.SyntaxKind[]): KindSet {
  return made(kinds, false);
}

/**
 * A set whose nodes are many and few readers of live documents ask for (every identifier: only
 * browser code is read for them). The other sets are all kept per unit from the first time a reader
 * asks for any, so that the first analysis of an open document walks its tree once for all of them
 * (activating them one by one walked it once per set: 300 ms of a 5,000-line file's first analysis);
 * this one is kept only once a reader asks, the units then walked again once.
 */
export function rareKindSet(...kinds: ts.SyntaxKind[]): KindSet {
  return made(kinds, true);
}

function made(kinds: ts.SyntaxKind[], onDemand: boolean): KindSet {
  const sorted = [...new Set(kinds)].sort((a, b) => a - b);
  const key = sorted.join(',');
  const known = registry.find((s) => s.key === key);
  // The same kinds asked again (a test, a second reader) are the set first made, rare or not.
  if (known) return known;
  const set = { key, kinds: new Set(sorted), onDemand };
  registry.push(set);
  setsOfKind = undefined;
  return set;
}

/** Returns undefined: `forEachChild` stops at a callback's first truthy result. */
function append(out: ts.Node[], nodes: readonly ts.Node[]): undefined {
  for (let i = 0; i < nodes.length; i++) out.push(nodes[i]);
  return undefined;
}

/**
 * Every node of `sf` whose kind is in `set`, in the order a pre-order `forEachChild` walk meets
 * them (the order of the walks this replaces: a node before its children, children in source order).
 * The same nodes a walk would visit: JSDoc is not descended into, as `forEachChild` does not.
 */
export function nodesOfKinds(sf: ts.SourceFile, set: KindSet): readonly ts.Node[] {
  if (!live.has(sf)) {
    const kept = everySet(sf).get(set.key);
    if (kept) return kept;
    // A set made after this tree's walk (none is, in the engine: they are module constants): a walk of its own.
    const out: ts.Node[] = [];
    const visit = (node: ts.Node): void => {
      if (set.kinds.has(node.kind)) out.push(node);
      forEachChild(node, visit);
    };
    visit(sf);
    return out;
  }
  if (active.length === 0) for (const s of registry) if (!s.onDemand) activate(s);
  const index = activate(set); // first: the lists below are made for the sets active then
  return collectAll(sf, 0)[index];
}

/** Whether `sf` is a live document's tree (its units' lists are kept for the next version). */
export function isLiveTree(sf: ts.SourceFile): boolean {
  return live.has(sf);
}

/**
 * For a top-level statement of a live tree: its part of `nodesOfKinds(sf, set)` (the lists of the
 * statements, in order, are the file's). For walks that keep what they found per statement and
 * take it again for a statement the next version reused (config/js-walk.ts).
 */
export function statementNodesOfKinds(statement: ts.Statement, set: KindSet): readonly ts.Node[] {
  if (active.length === 0) for (const s of registry) if (!s.onDemand) activate(s);
  const index = activate(set);
  return collectAll(statement, 1)[index];
}

/** Kind -> the indices in `sets` of the sets that hold it. */
function tableOf(sets: readonly KindSet[]): Array<number[] | undefined> {
  const table: Array<number[] | undefined> = [];
  sets.forEach((s, i) => {
    for (const kind of s.kinds) (table[kind] ??= []).push(i);
  });
  return table;
}

/**
 * The sets kept per unit of live trees: every set that is not rare, from the first ask, then the rare
 * ones some reader asked, in the order first asked (a rare set costs nothing until a reader asks).
 */
const active: KindSet[] = [];
const activeIndex = new Map<KindSet, number>();
/** Kind -> the indices in `active` of the sets that hold it; rebuilt when a set is activated. */
let activeKinds: Array<number[] | undefined> | undefined;

function activate(set: KindSet): number {
  let index = activeIndex.get(set);
  if (index === undefined) {
    index = active.length;
    active.push(set);
    activeIndex.set(set, index);
    activeKinds = undefined;
  }
  return index;
}

function activeKindTable(): Array<number[] | undefined> {
  return (activeKinds ??= tableOf(active));
}

/** A tree that is not live (the CLI's): the lists of every registered set, from one walk, kept while the tree lives. */
const walkedOnce = new WeakMap<ts.SourceFile, Map<string, readonly ts.Node[]>>();

function everySet(sf: ts.SourceFile): Map<string, readonly ts.Node[]> {
  let byKey = walkedOnce.get(sf);
  if (byKey) return byKey;
  const table = (setsOfKind ??= tableOf(registry));
  const outs: ts.Node[][] = registry.map(() => []);
  const visit = (node: ts.Node): void => {
    const targets = table[node.kind];
    if (targets !== undefined) for (let i = 0; i < targets.length; i++) outs[targets[i]].push(node);
    forEachChild(node, visit);
  };
  visit(sf);
  byKey = new Map(registry.map((s, i) => [s.key, outs[i]]));
  walkedOnce.set(sf, byKey);
  return byKey;
}

/**
 * How many nested kept units a collection may recurse through before it walks the rest inline (a
 * hostile file nests thousands of blocks; the walk below it is then the plain one, and not kept).
 */
const MAX_KEPT_NESTING = 40;

const NONE: readonly ts.Node[] = [];
/** Above this many parts a list is joined by pushes: `concat` takes its parts as arguments. */
const MAX_CONCAT_PARTS = 8192;

/**
 * Per unit (statement, class member, the source file) of a live tree: the list of every active set,
 * by its index in `active`, made in one walk of the unit for all of them.
 */
const unitLists = new WeakMap<ts.Node, ReadonlyArray<readonly ts.Node[]>>();

function join(parts: Array<readonly ts.Node[]>, run: ts.Node[]): readonly ts.Node[] {
  if (run.length > 0) parts.push(run);
  if (parts.length === 0) return NONE;
  if (parts.length === 1) return parts[0];
  if (parts.length <= MAX_CONCAT_PARTS) return NONE.concat(...parts);
  const joined: ts.Node[] = [];
  for (const part of parts) append(joined, part);
  return joined;
}

/**
 * The lists of every set under `unit`: its own nodes and its kept units' lists, in walk order. A unit
 * reused from the previous version answers from what it kept; the others (the edited statement, the
 * containers around it, the source file, new every version) are walked once for all the sets, and each
 * list joined once with `concat` (a copy inside V8) from the kept lists of the units inside it.
 */
function collectAll(unit: ts.Node, nesting: number): ReadonlyArray<readonly ts.Node[]> {
  const kept = unitLists.get(unit);
  if (kept && kept.length === active.length) return kept;
  const table = activeKindTable();
  const count = active.length;
  const parts: Array<Array<readonly ts.Node[]>> = [];
  const runs: ts.Node[][] = [];
  for (let i = 0; i < count; i++) {
    parts.push([]);
    runs.push([]);
  }
  const note = (node: ts.Node): void => {
    const targets = table[node.kind];
    if (targets !== undefined) for (let i = 0; i < targets.length; i++) runs[targets[i]].push(node);
  };
  const keep = (child: ts.Node): undefined => {
    const lists = collectAll(child, nesting + 1);
    for (let i = 0; i < count; i++) {
      const list = lists[i];
      if (list.length === 0) continue;
      if (runs[i].length > 0) {
        parts[i].push(runs[i]);
        runs[i] = [];
      }
      parts[i].push(list);
    }
    return undefined;
  };
  const visit = (node: ts.Node): void => {
    note(node);
    if (CONTAINERS.has(node.kind) && nesting < MAX_KEPT_NESTING) forEachChild(node, keep);
    else forEachChild(node, visit);
  };
  // The unit itself: its own kind, then its children (through `visit`, which keeps nested units).
  note(unit);
  if (CONTAINERS.has(unit.kind) && nesting < MAX_KEPT_NESTING) forEachChild(unit, keep);
  else forEachChild(unit, visit);
  const out: Array<readonly ts.Node[]> = [];
  for (let i = 0; i < count; i++) out.push(join(parts[i], runs[i]));
  unitLists.set(unit, out);
  return out;
}

const heights = new WeakMap<ts.Node, number>();

/**
 * The depth of the deepest node of `sf` (the source file at 0), or a number over `limit` as soon as
 * one is found deeper. Iterative within a statement, so a hostile nesting cannot overflow the stack;
 * under a live document each statement's height is kept for the next version.
 */
export function treeDepth(sf: ts.SourceFile, limit: number): number {
  return live.has(sf) ? unitHeight(sf, limit, 0) : heightBelow(sf, limit, undefined);
}

function unitHeight(unit: ts.Node, limit: number, nesting: number): number {
  const kept = heights.get(unit);
  if (kept !== undefined) return kept;
  const height = heightBelow(unit, limit, nesting);
  if (height <= limit && unit.kind !== SyntaxKind.SourceFile) heights.set(unit, height);
  return height;
}

/** `nesting` undefined: nothing is kept, every node is walked. */
function heightBelow(root: ts.Node, limit: number, nesting: number | undefined): number {
  let max = 0;
  const nodes: ts.Node[] = [root];
  const depths: number[] = [0];
  while (nodes.length > 0) {
    const node = nodes.pop()!;
    const depth = depths.pop()!;
    if (depth > max) {
      max = depth;
      if (max > limit) return max;
    }
    const keepChildren = nesting !== undefined && nesting < MAX_KEPT_NESTING && CONTAINERS.has(node.kind);
    forEachChild(node, (child) => {
      if (keepChildren) {
        const below = depth + 1 + unitHeight(child, limit - depth - 1, nesting! + 1);
        if (below > max) max = below;
      } else {
        nodes.push(child);
        depths.push(depth + 1);
      }
    });
    if (max > limit) return max;
  }
  return max;
}
