// The folders a server serves to browsers as static files (`app.use(express.static('public'))`):
// the scripts in them are front-end code, whatever their extension says. A text scan of the server's
// source (the workspace index runs it on every JS/TS file it reads, after a substring prefilter);
// only arguments whose folder is plain are read: a literal, `path.join(__dirname, ...)`,
// `path.resolve(...)`, `__dirname + '/x'`, `${__dirname}/x`, `process.cwd()`.

import * as path from 'node:path';
import type { ParsedDocument } from '../document';
import { AnchoredPattern } from '../anchored';

export interface ServedFolder {
  /** Absolute folder, forward slashes. */
  folder: string;
  /** 1-based line of the call. */
  line: number;
}

const SERVES_STATIC = new AnchoredPattern(/\bstatic\s*\(|serveStatic|koa-static|@fastify\/static|fastify-static|useStaticAssets|ServeStaticModule|sirv|serve-handler/, [
  'static',
  'serveStatic',
  'koa-static',
  '@fastify/static',
  'fastify-static',
  'useStaticAssets',
  'ServeStaticModule',
  'sirv',
  'serve-handler',
]);

/** Quick test before the scan (`doc`: the open version `text` is of, whose anchors are carried between versions). */
export function mayServeStatic(text: string, doc?: ParsedDocument): boolean {
  return /static|useStaticAssets|rootPath/i.test(text) && (doc ? doc.testAnchored(SERVES_STATIC) : SERVES_STATIC.pattern.test(text));
}

/** A call that serves a folder, up to its first argument (or, for option objects, the `root`/`rootPath` value). */
const CALL = /(?:\bexpress\s*\.\s*static|\bserveStatic|\bstaticFiles|\bkoaStatic|\bserveStaticFiles|\buseStaticAssets|\bsirv|\bstatic)\s*\(\s*|\b(?:root|rootPath)\s*:\s*/g;
const STRING = /^(['"`])([^'"`$\n]*)\1/;

/** The folders `text` (the file at `file`, in package folder `packageDir`) serves statically. */
export function servedFolders(file: string, text: string, packageDir: string, doc?: ParsedDocument): ServedFolder[] {
  if (!mayServeStatic(text, doc)) return [];
  const usesOptionRoot = /@fastify\/static|fastify-static|ServeStaticModule|koa-static/.test(text);
  const out: ServedFolder[] = [];
  const fileDir = path.posix.dirname(file);
  for (const match of text.matchAll(CALL)) {
    const isOption = /^(?:root|rootPath)/.test(match[0]);
    if (isOption && !usesOptionRoot) continue;
    const rest = text.slice(match.index + match[0].length, match.index + match[0].length + 300);
    const folder = folderOf(rest, fileDir, packageDir);
    if (!folder) continue;
    const line = lineOf(text, match.index);
    if (!out.some((o) => o.folder === folder)) out.push({ folder, line });
  }
  return out;
}

/** Resolves the argument at the start of `rest`, or undefined when it is not plain. */
function folderOf(rest: string, fileDir: string, packageDir: string): string | undefined {
  const literal = STRING.exec(rest);
  if (literal) return resolved(packageDir, [literal[2]]);
  // `path.join(__dirname, '..', 'public')`, `join(process.cwd(), 'public')`, `path.resolve('public')`.
  const joined = /^(?:path\s*\.\s*)?(join|resolve)\s*\(\s*([^()]*(?:\(\s*\)[^()]*)?)\)/.exec(rest);
  if (joined) {
    const parts = joined[2].split(',').map((p) => p.trim()).filter(Boolean);
    if (parts.length === 0) return undefined;
    let base = packageDir;
    if (parts[0] === '__dirname' || parts[0] === 'import.meta.dirname') {
      base = fileDir;
      parts.shift();
    } else if (/^process\s*\.\s*cwd\s*\(\s*\)$/.test(parts[0])) {
      parts.shift();
    }
    const segments: string[] = [];
    for (const part of parts) {
      const s = STRING.exec(part);
      if (!s || s[0].length !== part.length) return undefined;
      segments.push(s[2]);
    }
    return segments.length > 0 ? resolved(base, segments) : undefined;
  }
  const concat = /^__dirname\s*\+\s*(['"`])([^'"`$\n]*)\1/.exec(rest);
  if (concat) return resolved(fileDir, [concat[2]]);
  const template = /^`\$\{__dirname\}([^`$\n]*)`/.exec(rest);
  if (template) return resolved(fileDir, [template[1]]);
  return undefined;
}

function resolved(base: string, segments: string[]): string | undefined {
  const joined = path.posix.normalize([base, ...segments.map((s) => s.replace(/^\//, ''))].join('/')).replace(/\/$/, '');
  // Serving the package folder itself (`express.static('.')`, `'/'`) says nothing about one file.
  if (joined === path.posix.normalize(base).replace(/\/$/, '') && segments.every((s) => s === '' || s === '.' || s === '/' || s === './')) return undefined;
  return joined;
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}
