// How a JS/TS file writes code, so inserted code looks like the file's own: indentation unit,
// quotes, semicolons, and a structured logger already in reach.

import { ts } from '../../engine/ts';
import type { ParsedDocument } from '../../engine/document';
import { moduleBindings, requireOf, stripExpression } from './syntax';

// TypeScript's namespace serves every member through a getter (engine/ts.ts): read
// the ones the walks use once, not on every node.
const { forEachChild, isCallExpression, isExpressionStatement, isIdentifier, isImportDeclaration, isJsxAttribute, isPropertyAccessExpression, isStringLiteral, isVariableStatement } = ts;

export interface CodeStyle {
  indentUnit: string;
  quote: "'" | '"';
  semicolon: string;
}

export function codeStyle(doc: ParsedDocument, anchor: ts.Statement): CodeStyle {
  return { indentUnit: indentUnit(doc.text), quote: quoteOf(doc.sourceFile), semicolon: semicolonOf(doc, anchor) };
}

function indentUnit(text: string): string {
  let smallest = Infinity;
  for (const match of text.matchAll(/^([ \t]+)(\S)/gm)) {
    const [, indent, first] = match;
    if (indent.startsWith('\t')) return '\t';
    if (first === '*') continue; // the inside of a /** */ comment
    if (indent.length >= 2 && indent.length < smallest) smallest = indent.length;
  }
  return smallest === Infinity ? '  ' : ' '.repeat(Math.min(smallest, 8));
}

function quoteOf(sf: ts.SourceFile): "'" | '"' {
  let single = 0;
  let double = 0;
  const visit = (node: ts.Node): void => {
    if (isStringLiteral(node) && !isJsxAttribute(node.parent)) {
      const first = sf.text.charAt(node.getStart(sf));
      if (first === "'") single++;
      else if (first === '"') double++;
    }
    forEachChild(node, visit);
  };
  visit(sf);
  return double > single ? '"' : "'";
}

function semicolonOf(doc: ParsedDocument, anchor: ts.Statement): string {
  const text = anchor.getText(doc.sourceFile);
  if (text.endsWith(';')) return ';';
  if (!text.endsWith('}')) return '';
  // A statement ending in a block says nothing: ask the file's other statements.
  let withSemicolon = 0;
  let without = 0;
  for (const statement of doc.sourceFile.statements) {
    if (!isExpressionStatement(statement) && !isVariableStatement(statement) && !isImportDeclaration(statement)) continue;
    if (statement.getText(doc.sourceFile).endsWith(';')) withSemicolon++;
    else without++;
  }
  return without > withSemicolon ? '' : ';';
}

/** A string literal in the file's quote style; `rawSuffix` is source text (an escape like `\\n`). */
export function quoted(text: string, quote: "'" | '"', rawSuffix = ''): string {
  return quote + text.replace(/\\/g, '\\\\').replace(new RegExp(quote, 'g'), `\\${quote}`) + rawSuffix + quote;
}

const LOGGER_FACTORIES: Record<string, string[]> = {
  pino: ['default', '*', 'pino'],
  winston: ['createLogger'],
  bunyan: ['createLogger'],
};

/**
 * The name of a structured logger the file plainly holds at its top level: a `pino()`,
 * `winston.createLogger()` or `bunyan.createLogger()` result, or a `logger` imported from the
 * project's own modules. Undefined when there is none.
 */
export function fileLogger(sf: ts.SourceFile): string | undefined {
  const modules = moduleBindings(sf);
  for (const statement of sf.statements) {
    if (!isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      if (!isIdentifier(declaration.name) || !declaration.initializer) continue;
      const init = stripExpression(declaration.initializer);
      if (!isCallExpression(init)) continue;
      const callee = stripExpression(init.expression);
      let binding = isIdentifier(callee) ? modules.get(callee.text) : requireOf(callee);
      if (!binding && isPropertyAccessExpression(callee) && isIdentifier(callee.expression)) {
        const base = modules.get(callee.expression.text);
        if (base && (base.imported === 'default' || base.imported === '*')) binding = { module: base.module, imported: callee.name.text };
      }
      if (binding && LOGGER_FACTORIES[binding.module]?.includes(binding.imported)) return declaration.name.text;
    }
  }
  // `log` is left out: it is as often a plain function as a logger object.
  for (const [name, binding] of modules) {
    if (name === 'logger' && /^(?:\.{1,2}\/|[@~]\/)/.test(binding.module)) return name;
  }
  return undefined;
}
