// TypeScript's compiler API as the engine reads it. ts-morph hands out TypeScript's namespace
// through a getter, and a bundle's import of ts-morph (CommonJS) through another: `ts.isIdentifier`
// was three getter calls, on every node of every walk (and the slowest part of a cold start, when
// nothing is compiled yet). This alias is one plain binding: what is left is TypeScript's own getter.
import { ts as morphTs } from 'ts-morph';

export import ts = morphTs;
