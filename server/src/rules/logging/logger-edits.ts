// The edits both logging fixes share: the file's quote and semicolon style, and adding a pino
// logger to a file that has none.

import { ts } from 'ts-morph';
import type { ParsedDocument } from '../../engine/document';
import type { TextEdit } from '../../engine/types';
import { insideFunction, type FileFacts } from './file-facts';

// TypeScript's namespace serves every member through getters (three deep via ts-morph): read
// the ones the walks use once, not on every node.
const { forEachChild, isExportAssignment, isExpressionStatement, isImportDeclaration, isReturnStatement, isStringLiteral, isThrowStatement, isVariableStatement } = ts;

/** The quote the file uses for strings (its first string literal's), single when it has none. */
export function preferredQuote(facts: FileFacts): string {
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
}

/** Whether the file ends its statements with semicolons (judged on the first statements that take one). */
export function usesSemicolons(facts: FileFacts): boolean {
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
}

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
