// The edits both logging fixes share: the file's quote and semicolon style, and adding a pino
// logger to a file that has none.

import { ts } from '../../engine/ts';
import type { ParsedDocument } from '../../engine/document';
import type { TextEdit } from '../../engine/types';
import type { ProjectLogger } from '../../engine/workspace-facts';
import { insideFunction, perFile, type FileFacts } from './file-facts';

// TypeScript's namespace serves every member through a getter (engine/ts.ts): read
// the ones the walks use once, not on every node.
const { forEachChild, isExportAssignment, isExpressionStatement, isImportDeclaration, isReturnStatement, isStringLiteral, isThrowStatement, isVariableStatement } = ts;

/** The quote the file uses for strings (its first string literal's), single when it has none. */
export const preferredQuote = perFile((facts: FileFacts): string => {
  const text = facts.sourceFile.text;
  let found: string | undefined;
  const visit = (node: ts.Node): true | undefined => {
    if (isStringLiteral(node)) {
      found = text.charAt(node.end - 1);
      return true;
    }
    return forEachChild(node, visit);
  };
  for (const statement of facts.sourceFile.statements) {
    if (isExpressionStatement(statement) && isStringLiteral(statement.expression)) continue; // 'use strict'
    if (visit(statement)) break;
  }
  return found === '"' ? '"' : "'";
});

/** Whether the file ends its statements with semicolons (judged on the first statements that take one). */
export const usesSemicolons = perFile((facts: FileFacts): boolean => {
  const text = facts.sourceFile.text;
  let withSemi = 0;
  let seen = 0;
  const visit = (node: ts.Node): true | undefined => {
    if (
      isVariableStatement(node) || isExpressionStatement(node) || isImportDeclaration(node) ||
      isReturnStatement(node) || isThrowStatement(node) || isExportAssignment(node)
    ) {
      seen++;
      if (text.charAt(node.end - 1) === ';') withSemi++;
      if (seen >= 8) return true;
    }
    return forEachChild(node, visit);
  };
  visit(facts.sourceFile);
  return seen === 0 || withSemi * 2 >= seen;
});

function wantsEsm(facts: FileFacts, path: string): boolean {
  if (facts.hasEsmSyntax) return true;
  if (facts.hasRequire) return false;
  return /\.(?:mjs|[cm]?tsx?)$/i.test(path) && !/\.cts$/i.test(path);
}

export interface AddedLogger {
  name: string;
  edits: TextEdit[];
}

/**
 * Edits that give the file a module-level pino logger named `logger`, or undefined when that
 * cannot be done cleanly (the names are taken, or the call runs before the insertion point).
 */
export function addPinoLogger(doc: ParsedDocument, facts: FileFacts, forNode: ts.Node): AddedLogger | undefined {
  if (facts.declared.has('logger')) return undefined;
  const eol = doc.lines.eol;
  const semi = usesSemicolons(facts) ? ';' : '';
  const q = preferredQuote(facts);
  const existing = [...facts.modules.pino].find((n) => facts.declarationsOf(n).length === 1);
  const pinoName = existing ?? 'pino';
  if (!existing && facts.declared.has('pino')) return undefined;
  const importLine = existing
    ? undefined
    : wantsEsm(facts, doc.path)
      ? `import pino from ${q}pino${q}${semi}`
      : `const pino = require(${q}pino${q})${semi}`;
  const loggerLine = `const logger = ${pinoName}()${semi}`;

  let at: number;
  let newText: string;
  if (facts.lastImport) {
    at = facts.lastImport.end;
    newText = (importLine ? eol + importLine : '') + eol + eol + loggerLine;
  } else {
    const first = facts.sourceFile.statements.find((s) => !(isExpressionStatement(s) && isStringLiteral(s.expression)));
    if (!first) return undefined;
    at = first.getStart(facts.sourceFile);
    newText = (importLine ? importLine + eol + eol : '') + loggerLine + eol + eol;
  }
  // A top-level call above the new declaration would run before `logger` exists.
  if (forNode.getStart(facts.sourceFile) < at && !insideFunction(forNode)) return undefined;
  return { name: 'logger', edits: [{ start: at, end: at, newText }] };
}

/**
 * Edits that import the project's own logger module (`import { logger } from './config/logger'`,
 * or `require` in CommonJS) under the name it is exported as, or undefined when that name is taken
 * or the module is the document itself.
 */
export function importProjectLogger(doc: ParsedDocument, facts: FileFacts, forNode: ts.Node, project: ProjectLogger): AddedLogger | undefined {
  const named = project.name !== 'default' && project.name !== 'module.exports';
  const local = named ? project.name : 'logger';
  if (!/^[A-Za-z_$][\w$]*$/.test(local) || facts.declared.has(local)) return undefined;
  const from = doc.path.replace(/\\/g, '/');
  const dir = from.slice(0, from.lastIndexOf('/'));
  let specifier = relativeSpecifier(dir, project.module);
  if (specifier === undefined) return undefined;
  // Node's ESM resolution wants the extension: follow the file's own relative imports.
  if (facts.relativeImports.length > 0 && facts.relativeImports.every((s) => /\.(?:m?js|cjs)$/.test(s))) specifier += '.js';
  const eol = doc.lines.eol;
  const semi = usesSemicolons(facts) ? ';' : '';
  const q = preferredQuote(facts);
  const esm = wantsEsm(facts, doc.path);
  const line = esm
    ? named ? `import { ${local} } from ${q}${specifier}${q}${semi}` : `import ${local} from ${q}${specifier}${q}${semi}`
    : named ? `const { ${local} } = require(${q}${specifier}${q})${semi}` : `const ${local} = require(${q}${specifier}${q})${semi}`;
  let at: number;
  let newText: string;
  if (facts.lastImport) {
    at = facts.lastImport.end;
    newText = eol + line;
  } else {
    const first = facts.sourceFile.statements.find((s) => !(isExpressionStatement(s) && isStringLiteral(s.expression)));
    if (!first) return undefined;
    at = first.getStart(facts.sourceFile);
    newText = line + eol + eol;
  }
  if (forNode.getStart(facts.sourceFile) < at && !insideFunction(forNode)) return undefined;
  return { name: local, edits: [{ start: at, end: at, newText }] };
}

/** `./config/logger` from `dir` to the module path `target` (both absolute, forward slashes). */
function relativeSpecifier(dir: string, target: string): string | undefined {
  const a = dir.split('/').filter(Boolean);
  const b = target.split('/').filter(Boolean);
  if (a.length === 0 || b.length === 0 || a[0] !== b[0]) return undefined;
  let i = 0;
  while (i < a.length && i < b.length - 1 && a[i] === b[i]) i++;
  const up = a.length - i;
  const rest = b.slice(i).join('/');
  return up === 0 ? `./${rest}` : `${'../'.repeat(up)}${rest}`;
}

/**
 * Edits that give the file NestJS's `Logger` (`import { Logger } from '@nestjs/common'`, or the
 * name added to an import from there that the file already has), for its static methods.
 */
export function importNestLogger(doc: ParsedDocument, facts: FileFacts): AddedLogger | undefined {
  if (facts.declared.has('Logger') || !wantsEsm(facts, doc.path)) return undefined;
  const sf = facts.sourceFile;
  const existing = sf.statements.find(
    (s): s is ts.ImportDeclaration =>
      isImportDeclaration(s) && isStringLiteral(s.moduleSpecifier) && s.moduleSpecifier.text === '@nestjs/common' &&
      !!s.importClause && !s.importClause.isTypeOnly && !!s.importClause.namedBindings && ts.isNamedImports(s.importClause.namedBindings),
  );
  if (existing) {
    const named = existing.importClause!.namedBindings as ts.NamedImports;
    const last = named.elements[named.elements.length - 1];
    if (!last) return undefined;
    return { name: 'Logger', edits: [{ start: last.end, end: last.end, newText: ', Logger' }] };
  }
  const semi = usesSemicolons(facts) ? ';' : '';
  const q = preferredQuote(facts);
  const line = `import { Logger } from ${q}@nestjs/common${q}${semi}`;
  const eol = doc.lines.eol;
  if (facts.lastImport) return { name: 'Logger', edits: [{ start: facts.lastImport.end, end: facts.lastImport.end, newText: eol + line }] };
  const first = sf.statements.find((s) => !(isExpressionStatement(s) && isStringLiteral(s.expression)));
  if (!first) return undefined;
  const at = first.getStart(sf);
  return { name: 'Logger', edits: [{ start: at, end: at, newText: line + eol + eol }] };
}
