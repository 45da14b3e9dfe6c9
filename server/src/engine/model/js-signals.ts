// What a JS/TS file's own text says about what it is for: the modules it imports, a shebang, whether
// it reads `process.argv`, the browser globals it uses, its directives. Read once per document
// version (top-level statements for imports; a walk of the whole tree only when a cheap text test
// says a browser global may be used), for the project model's role answer.

import { ts } from '../ts';
import { nodesOfKinds, rareKindSet } from '../incremental';
import type { ParsedDocument } from '../document';
import { AnchoredPattern } from '../anchored';

const { SyntaxKind, forEachChild, isCallExpression, isExpressionStatement, isIdentifier, isImportDeclaration, isImportEqualsDeclaration, isExternalModuleReference, isStringLiteralLike, isVariableStatement, isPropertyAccessExpression, isElementAccessExpression } = ts;

const IDENTIFIERS = rareKindSet(SyntaxKind.Identifier);

const REACT_BINDINGS = String.raw`(?!react-(?:email|pdf|server|dom\/server)\b)react-[\w-]+|[\w-]+-react|@[\w-]+\/react(?!-(?:email|pdf|start)\b)(?:-[\w-]+)?|(?!@react-(?:email|pdf)\/)(?:@[\w-]+\/)?[\w.-]+\/react`;
/**
 * UI libraries: a file importing one (and no server-side rendering entry point) is front-end code.
 * Besides the frameworks themselves, React bindings by their names: `react-*` (react-hook-form),
 * `*-react` (lucide-react), `@scope/react` and `@scope/react-*` (@lingui/react, @tanstack/react-router,
 * @radix-ui/react-dialog) and a `/react` entry of a package (@trpc's `x/react`): a module a component
 * imports to render or to use hooks. Bindings that render on the server (e-mail and PDF templates,
 * React server DOM) and TanStack Start, whose files also hold server functions, are not.
 */
export const UI_MODULES = String.raw`react|react-dom|react-native|vue|svelte|preact|solid-js|@angular\/core|jquery|@remix-run\/react|next\/(?:link|router|navigation|image|head|dynamic)|expo(?:-[\w-]+)?|@react-navigation\/[\w-]+|react-router(?:-dom)?|@mui\/[\w-]+|@chakra-ui\/[\w-]+|antd|styled-components|@emotion\/[\w-]+|client-only|${REACT_BINDINGS}`;
export const UI_IMPORT = new RegExp(String.raw`^(?:${UI_MODULES})(?:\/|$)`);
/** Server-side rendering and server-only entry points of front-end frameworks: not browser code. */
export const SERVER_SIDE_MODULES = String.raw`react-dom\/server|vue\/server-renderer|@vue\/server-renderer|svelte\/server|next\/server|next\/headers|server-only`;
export const SERVER_SIDE_IMPORT = new RegExp(String.raw`^(?:${SERVER_SIDE_MODULES})(?:\/|$)|\.server(?:\.[jt]sx?)?$`);
/**
 * A call that starts a server in this file: a program reading argv that also listens is the service.
 * `server.start()` is how hapi starts one (on a server another module may have made).
 */
export const LISTENS = /\.\s*listen\s*\(|\bserve\s*\(\s*\{|\bcreateServer\s*\(|\bserver\s*\.\s*start\s*\(/;

export interface JsSignals {
  /** Module specifiers imported or required at the top level, or by `import()` / `require()` anywhere in the first statements. */
  imports: string[];
  shebang: boolean;
  readsArgv: boolean;
  /** Browser globals used and not declared in the file (`window`, `document`, `$`, `localStorage`, ...), with the first use's offset. */
  browserGlobals: Array<{ name: string; offset: number }>;
  /** `'use client'` (React client component) or `'use server'` (a server action) directive. */
  directive: 'use client' | 'use server' | undefined;
  /** The opening comment says the file was generated. */
  generated: boolean;
  /** The opening comment says the file was copied from another project (`Source: https://github.com/...`). */
  vendored: boolean;
}

/** Globals a browser (or a React Native / Electron renderer) has and Node does not, used as objects or called. */
const BROWSER_GLOBALS = new Set(['window', 'document', 'localStorage', 'sessionStorage', 'navigator', 'location', '$', 'jQuery', 'alert', 'XMLHttpRequest', 'history', 'chrome']);
/** A cheap test before the walk: one of them followed by `.`, `(` or `[`, not as a property. */
const BROWSER_GLOBAL_TEXT = new AnchoredPattern(
  /(?<![\w$.])(?:window|document|localStorage|sessionStorage|navigator|location|\$|jQuery|alert|XMLHttpRequest|history|chrome)\s*[.([]|\btypeof\s+(?:window|document)\b/,
  ['window', 'document', 'localStorage', 'sessionStorage', 'navigator', 'location', '$', 'jQuery', 'alert', 'XMLHttpRequest', 'history', 'chrome', 'typeof'],
);
const READS_ARGV = new AnchoredPattern(/\bprocess\s*\.\s*argv\b/, ['process']);

const GENERATED_MARKER = /@generated\b|\bDO NOT EDIT\b|\bauto-?generated\b/i;

const cache = new WeakMap<ParsedDocument, JsSignals>();

export function jsSignals(doc: ParsedDocument): JsSignals {
  let signals = cache.get(doc);
  if (!signals) {
    signals = gather(doc);
    cache.set(doc, signals);
  }
  return signals;
}

function gather(doc: ParsedDocument): JsSignals {
  const text = doc.text;
  const sf = doc.sourceFile;
  const imports: string[] = [];
  let directive: JsSignals['directive'];
  for (const statement of sf.statements) {
    if (isImportDeclaration(statement) && isStringLiteralLike(statement.moduleSpecifier)) {
      imports.push(statement.moduleSpecifier.text);
    } else if (isImportEqualsDeclaration(statement) && isExternalModuleReference(statement.moduleReference) && isStringLiteralLike(statement.moduleReference.expression)) {
      imports.push(statement.moduleReference.expression.text);
    } else if (statement.kind === SyntaxKind.ExportDeclaration) {
      const spec = (statement as ts.ExportDeclaration).moduleSpecifier;
      if (spec && isStringLiteralLike(spec)) imports.push(spec.text);
    } else if (isExpressionStatement(statement) && isStringLiteralLike(statement.expression) && imports.length === 0) {
      const value = statement.expression.text;
      if (value === 'use client' || value === 'use server') directive = value;
    } else if (isVariableStatement(statement) || isExpressionStatement(statement)) {
      collectRequires(statement, imports);
    }
  }
  return {
    imports,
    shebang: text.startsWith('#!'),
    readsArgv: doc.testAnchored(READS_ARGV),
    browserGlobals: doc.testAnchored(BROWSER_GLOBAL_TEXT) ? browserGlobals(doc, sf) : [],
    directive,
    generated: isGenerated(text),
    vendored: isVendored(text),
  };
}

/** `require('x')` calls in a top-level statement (`const a = require('a')`, `require('b').config()`). */
function collectRequires(node: ts.Node, out: string[]): void {
  const visit = (n: ts.Node): void => {
    if (isCallExpression(n) && isIdentifier(n.expression) && n.expression.text === 'require' && n.arguments.length === 1 && isStringLiteralLike(n.arguments[0])) {
      out.push(n.arguments[0].text);
      return;
    }
    // Requires inside functions load lazily: they say less about the file than its top level.
    if (ts.isFunctionLike(n)) return;
    forEachChild(n, visit);
  };
  visit(node);
}

/** Browser globals used as an object, a function or in `typeof`, that the file does not declare itself. */
function browserGlobals(doc: ParsedDocument, sf: ts.SourceFile): Array<{ name: string; offset: number }> {
  const used = new Map<string, number>();
  const declared = new Set<string>();
  // Identifiers are leaves: the depth-first walk this was (a stack, children pushed in order) met
  // them in the reverse of source order, so the offset kept for a name is that of its last use.
  const identifiers = browserGlobalIdentifiers(doc, sf);
  for (let i = identifiers.length - 1; i >= 0; i--) {
    const node = identifiers[i];
    if (isIdentifier(node) && BROWSER_GLOBALS.has(node.text)) {
      const parent = node.parent;
      if (isDeclarationName(node)) declared.add(node.text);
      else if (
        (isPropertyAccessExpression(parent) && parent.expression === node) ||
        (isElementAccessExpression(parent) && parent.expression === node) ||
        (isCallExpression(parent) && parent.expression === node) ||
        parent.kind === SyntaxKind.TypeOfExpression
      ) {
        if (!used.has(node.text)) used.set(node.text, node.getStart(sf));
      }
    }
  }
  return [...used].filter(([name]) => !declared.has(name)).map(([name, offset]) => ({ name, offset })).sort((a, b) => a.offset - b.offset);
}

/**
 * The identifiers that may name a browser global, in source order. An open document finds them where
 * the names occur in its text (`occurrences`, carried from version to version: a keystroke searches
 * around the edit) and the identifier that starts there, instead of going through every identifier of
 * the file at every keystroke (a tenth of a keystroke in rxjs's bundle); any other document goes
 * through every identifier. (A name written with a unicode escape, `\u0077indow`, is neither: the
 * text test before, BROWSER_GLOBAL_TEXT, looks for the names as written.)
 */
function browserGlobalIdentifiers(doc: ParsedDocument, sf: ts.SourceFile): readonly ts.Node[] {
  if (!doc.isLive) return nodesOfKinds(sf, IDENTIFIERS);
  const text = doc.text;
  const found: ts.Identifier[] = [];
  for (const name of BROWSER_GLOBALS) {
    for (const at of doc.occurrences(name)) {
      const end = at + name.length;
      if ((at > 0 && IDENTIFIER_PART.test(text[at - 1])) || (end < text.length && IDENTIFIER_PART.test(text[end]))) continue;
      const id = identifierAt(sf, at);
      if (id && id.text === name && id.end === end) found.push(id);
    }
  }
  return found.sort((a, b) => a.end - b.end);
}

/** An ASCII character an identifier can hold: a neighbour that makes the name part of a longer one (others are left to `identifierAt`). */
const IDENTIFIER_PART = /[\w$]/;

/** The identifier of `sf` whose name starts at `offset`, found by descending through the children that hold it. */
function identifierAt(sf: ts.SourceFile, offset: number): ts.Identifier | undefined {
  let node: ts.Node = sf;
  for (;;) {
    let next: ts.Node | undefined;
    forEachChild(
      node,
      (child) => {
        if (child.pos <= offset && offset < child.end) return (next = child);
        return undefined;
      },
      (nodes) => {
        // Children lie in order without overlapping: the first one ending past the offset.
        let lo = 0;
        let hi = nodes.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (nodes[mid].end <= offset) lo = mid + 1;
          else hi = mid;
        }
        const child = nodes[lo];
        if (child && child.pos <= offset) return (next = child);
        return undefined;
      },
    );
    if (!next) return undefined;
    if (isIdentifier(next)) return next.getStart(sf) === offset ? next : undefined;
    node = next;
  }
}

function isDeclarationName(node: ts.Identifier): boolean {
  const parent = node.parent;
  switch (parent.kind) {
    case SyntaxKind.VariableDeclaration:
    case SyntaxKind.Parameter:
    case SyntaxKind.FunctionDeclaration:
    case SyntaxKind.ClassDeclaration:
    case SyntaxKind.ImportSpecifier:
    case SyntaxKind.ImportClause:
    case SyntaxKind.NamespaceImport:
    case SyntaxKind.ImportEqualsDeclaration:
    case SyntaxKind.BindingElement:
      return (parent as ts.NamedDeclaration).name === node;
    default:
      return false;
  }
}

/** Emscripten's JavaScript glue: generated next to a .wasm module, never edited. */
const EMSCRIPTEN = /\bvar Module\s*=\s*typeof Module\s*!==?\s*['"]undefined['"]|\bEMSCRIPTEN_KEEPALIVE\b|\b_emscripten_\w+\b/;

/** An opening comment that says the file was copied from another project. */
const VENDORED_MARKER = /\b(?:source|modified from|copied from|vendored from|taken from|forked from|adapted from|ported from)\s*:?\s*<?https?:\/\/(?:github\.com|gitlab\.com|bitbucket\.org)\//i;

function openingComment(text: string): string | undefined {
  return /^(?:#![^\n]*\n)?\s*(\/\*[\s\S]*?\*\/|(?:\/\/[^\n]*\n\s*)+)/.exec(text.slice(0, 2048))?.[1];
}

/** A file whose opening comment says it was generated, or that a known generator wrote. */
export function isGenerated(text: string): boolean {
  // Emscripten writes its Module preamble first.
  if (EMSCRIPTEN.test(text.slice(0, 16384))) return true;
  const opening = openingComment(text);
  return opening !== undefined && GENERATED_MARKER.test(opening);
}

/** A file whose opening comment says it was copied from another project's repository. */
export function isVendored(text: string): boolean {
  const opening = openingComment(text);
  return opening !== undefined && VENDORED_MARKER.test(opening);
}
