// What one JS/TS file says about graceful shutdown: whether it handles SIGTERM itself (a
// `process.on('SIGTERM')`, a graceful-shutdown library, NestJS shutdown hooks). A pure function of
// a parsed document, shared by the rule (for the file being analysed) and the workspace index (for
// every other file), so an open document's parse is reused.

import { ts } from '../../engine/ts';
import type { ParsedDocument } from '../../engine/document';
import { moduleBindings, moduleNameOf, stripExpression } from './syntax';

// TypeScript's namespace serves every member through a getter (engine/ts.ts): read
// the ones the walks use once, not on every node.
const { forEachChild, isCallExpression, isIdentifier, isImportDeclaration, isPropertyAccessExpression, isStringLiteralLike } = ts;

/** Libraries that install a SIGTERM handler (and drain) when they are used. */
export const SHUTDOWN_LIBRARIES: readonly string[] = [
  '@godaddy/terminus',
  'http-terminator',
  'stoppable',
  'close-with-grace',
  'lightship',
  // Not in the catalog's list, but they register SIGTERM handlers too: counting them avoids a
  // finding that a reviewer would dismiss.
  'http-graceful-shutdown',
  'fastify-graceful-shutdown',
  'exit-hook',
  'async-exit-hook',
];

const PROCESS_LISTENERS = new Set(['on', 'once', 'addListener', 'prependListener', 'prependOnceListener']);

export interface ShutdownFacts {
  handlesSigterm: boolean;
  /** How, for messages and logs: `process.on('SIGTERM')`, `@godaddy/terminus`, `enableShutdownHooks()`. */
  how?: string;
  /** The 1-based line where the file handles it (its listener, the library's import), when found. */
  line?: number;
}

const NOTHING: ShutdownFacts = { handlesSigterm: false };

/**
 * The cheap test the index runs on raw text before any parse: a file that mentions none of these
 * cannot handle SIGTERM in a way this rule recognises. Most files stop here.
 */
export function mayHandleSigterm(text: string): boolean {
  return mayHandleSigtermBy((literal) => text.includes(literal));
}

function mayHandleSigtermBy(holds: (literal: string) => boolean): boolean {
  if (holds('SIGTERM') || holds('enableShutdownHooks')) return true;
  for (const library of SHUTDOWN_LIBRARIES) if (holds(library)) return true;
  return false;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
/** The plain forms, recognised without a parse: `process.on('SIGTERM'`, a library import, Nest's hook. */
const DIRECT_LISTENER = /\bprocess\s*\.\s*(on|once|addListener|prependListener|prependOnceListener)\s*\(\s*(['"`])SIGTERM\2/;
const LIBRARY_IMPORT = new RegExp(
  `(?:\\bfrom\\s*|\\bimport\\s*(?:\\(\\s*)?|\\brequire\\s*\\(\\s*)(['"])(${SHUTDOWN_LIBRARIES.map(escapeRegExp).join('|')})\\1`,
);
const NEST_HOOKS = /\.\s*enableShutdownHooks\s*\(/;

/**
 * Whether a JS/TS document handles SIGTERM itself. Never throws; a document that is not JS says no.
 * The plain forms are read from the text (a large file that handles SIGTERM the usual way is never
 * parsed for it); only the rest (a listener registered through a variable) needs the syntax tree.
 * Reading text means a handler inside a comment counts too: that errs towards no finding.
 */
export function shutdownFacts(doc: ParsedDocument): ShutdownFacts {
  let facts = factsCache.get(doc);
  if (!facts) factsCache.set(doc, (facts = readShutdownFacts(doc)));
  return facts;
}

/** Per version: the index asks twice a keystroke (would it change, then the update), the rule once. */
const factsCache = new WeakMap<ParsedDocument, ShutdownFacts>();

function readShutdownFacts(doc: ParsedDocument): ShutdownFacts {
  // `doc.includes`: an open document's next version searches only around the edit.
  if (doc.kind !== 'js' || !mayHandleSigtermBy((literal) => doc.includes(literal))) return NOTHING;
  const text = doc.text;
  const lineOf = (offset: number) => doc.lines.positionAt(offset).line + 1;
  const listener = DIRECT_LISTENER.exec(text);
  if (listener) return { handlesSigterm: true, how: `process.${listener[1]}('SIGTERM')`, line: lineOf(listener.index) };
  const library = LIBRARY_IMPORT.exec(text);
  if (library) return { handlesSigterm: true, how: library[2], line: lineOf(library.index) };
  const nest = NEST_HOOKS.exec(text);
  if (nest) return { handlesSigterm: true, how: 'enableShutdownHooks()', line: lineOf(nest.index) };
  return factsOf(doc.sourceFile);
}

function factsOf(sf: ts.SourceFile): ShutdownFacts {
  let found: ShutdownFacts | undefined;
  let dynamicListener = false;
  let sigtermLiteral = false;

  for (const binding of moduleBindings(sf).values()) {
    if (SHUTDOWN_LIBRARIES.includes(binding.module)) return { handlesSigterm: true, how: binding.module };
  }

  const visit = (node: ts.Node): void => {
    if (found) return;
    // `import 'lightship'` / `require('stoppable')` with no binding still installs nothing by itself,
    // but a side-effect import of a shutdown library is a deliberate choice: count it.
    if (isImportDeclaration(node) && !node.importClause) {
      const module = moduleNameOf(node.moduleSpecifier);
      if (module && SHUTDOWN_LIBRARIES.includes(module)) found = { handlesSigterm: true, how: module };
    }
    if (isStringLiteralLike(node) && node.text === 'SIGTERM') sigtermLiteral = true;
    if (isCallExpression(node)) {
      const callee = stripExpression(node.expression);
      if (isIdentifier(callee) && callee.text === 'require') {
        const module = node.arguments.length === 1 ? moduleNameOf(node.arguments[0]) : undefined;
        if (module && SHUTDOWN_LIBRARIES.includes(module)) found = { handlesSigterm: true, how: module };
      }
      if (isPropertyAccessExpression(callee)) {
        const method = callee.name.text;
        if (method === 'enableShutdownHooks') {
          found = { handlesSigterm: true, how: 'enableShutdownHooks()' };
        } else if (PROCESS_LISTENERS.has(method) && isProcess(callee.expression) && node.arguments.length >= 2) {
          const signal = stripExpression(node.arguments[0]);
          if (isStringLiteralLike(signal)) {
            if (signal.text === 'SIGTERM') found = { handlesSigterm: true, how: `process.${method}('SIGTERM')` };
          } else {
            // `for (const s of ['SIGINT', 'SIGTERM']) process.on(s, stop)`: decided below, once the
            // whole file has been seen, by whether 'SIGTERM' is written anywhere in it.
            dynamicListener = true;
          }
        }
      }
    }
    forEachChild(node, visit);
  };
  visit(sf);
  if (found) return found;
  if (dynamicListener && sigtermLiteral) return { handlesSigterm: true, how: "process.on(<signal>) with 'SIGTERM' among the signals" };
  return NOTHING;
}

function isProcess(node: ts.Expression): boolean {
  const e = stripExpression(node);
  if (isIdentifier(e)) return e.text === 'process';
  // globalThis.process.on(...)
  return isPropertyAccessExpression(e) && e.name.text === 'process' && isIdentifier(e.expression) && e.expression.text === 'globalThis';
}
