// "Service code" (RULES.md): a source file that is not a test, not a script or command line tool,
// and not browser front-end code. Each exclusion is an option of `console-log`, so a team can
// narrow or widen it in `.prodready.yaml`.

import * as path from 'node:path';
import picomatch from 'picomatch';
import type { OptionSpec } from '../../engine/types';
import type { FileFacts } from './file-facts';

export interface ServiceCodeOptions {
  testPaths: string[];
  ignoreTestFrameworkImports: boolean;
  scriptPaths: string[];
  ignoreCommandLineTools: boolean;
  ignorePackageScripts: boolean;
  ignoreBrowserCode: boolean;
  ignoreGeneratedCode: boolean;
}

/** What the workspace knows about the file, beyond its own text. */
export interface ServiceCodeContext {
  /** How npm scripts of its package run it (WorkspaceFacts.scriptRole). */
  scriptRole: 'service' | 'one-off' | undefined;
  /** The files importing it, relative to the workspace root, with whether each is a command line tool. */
  importers: ReadonlyArray<{ relativePath: string; commandLineTool: boolean }> | undefined;
}

export const SERVICE_CODE_OPTIONS: Record<keyof ServiceCodeOptions, OptionSpec> = {
  testPaths: {
    type: 'string[]',
    default: [
      '**/*.test.*', '**/*.spec.*', '**/__tests__/**', '**/__mocks__/**', '**/test/**', '**/tests/**', '**/e2e/**',
      '**/test-setup.*', '**/setup-tests.*', '**/setupTests.*', '**/jest.setup.*', '**/vitest.setup.*',
    ],
    description:
      'Globs (relative to the workspace root) of test files and test set-up files, where console output is fine. A file that imports a module from one of these paths (`import { seed } from \'./test/helpers\'`) is a test helper too. Set to [] to check tests too.',
  },
  ignoreTestFrameworkImports: {
    type: 'boolean',
    default: true,
    description:
      'Skip files that import a test framework or test helper (node:test, vitest, @jest/globals, mocha, tap, ava, chai, supertest, @playwright/test, uvu) wherever they live: test runners and helpers.',
  },
  scriptPaths: {
    type: 'string[]',
    default: [
      '**/bin/**', '**/scripts/**', '**/cli/**', '**/cli.*', '**/tools/**', '**/devtools/**',
      '**/*.config.*', '**/gulpfile.*', '**/Gruntfile.*',
    ],
    description:
      'Globs (relative to the workspace root) of scripts, command line tools and build configuration, which talk to a person on a terminal rather than to a log pipeline.',
  },
  ignoreCommandLineTools: {
    type: 'boolean',
    default: true,
    description:
      'Skip command line tools wherever they live: files whose first line is a `#!` shebang, files that read `process.argv`, files that import an interactive or terminal library (readline, commander, yargs, meow, cac, inquirer, prompts, enquirer, ora, listr, chalk, kleur, picocolors, colorette, colors, cli-table3, yeoman-generator, boxen, figlet, log-symbols, cli-progress, oclif, clipanion, sade, gluegun, vorpal), and modules that only such tools import where `scriptPaths` put them (a generator\'s scaffolding code under `lib/`, imported by `bin/create.js` alone). A module that a server\'s start-up file imports, such as `app.js` under `bin/www`, stays service code when `bin/www` reads no arguments, and so does one the service\'s own entry point imports, even when that entry point reads `process.argv`.',
  },
  ignorePackageScripts: {
    type: 'boolean',
    default: true,
    description:
      'Skip files that an npm script of their package.json runs directly (`"release": "node extra/update-version.js"`, `"seed": "tsx db/seed.ts"`): one-off scripts that talk to a person on a terminal. A file that a script starting the service (`start`, `dev`, `serve`, `server`, `prod`, `worker`, `watch`, or a name beginning with one of them and `-`, `:`, `.` or `_`) runs as its long-running program stays service code; one that such a script waits for first (`node migrate.js && node server.js`) is a script.',
  },
  ignoreBrowserCode: {
    type: 'boolean',
    default: true,
    description:
      'Skip browser front-end code: `.jsx`/`.tsx` files that import React, Vue, Svelte, Preact or Solid, files with a `\'use client\'` directive, and files that use the `window` or `document` globals. Browser consoles are not a log pipeline.',
  },
  ignoreGeneratedCode: {
    type: 'boolean',
    default: true,
    description:
      'Skip generated code: files whose opening comment says `@generated`, `DO NOT EDIT` or `auto-generated`. The fix belongs in the generator or the source they are built from. (Minified bundles are not analysed by any rule.)',
  },
};

// Compiled globs, keyed by the glob list: a pure cache of a pure function.
const matchers = new Map<string, (path: string) => boolean>();

function matcher(globs: readonly string[]): (path: string) => boolean {
  const key = globs.join('\n');
  let m = matchers.get(key);
  if (!m) {
    const compiled = globs.length > 0 ? picomatch(globs as string[], { dot: true }) : () => false;
    m = (path: string) => compiled(path);
    if (matchers.size > 64) matchers.clear();
    matchers.set(key, m);
  }
  return m;
}

function stringList(value: unknown, fallback: unknown): string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : (fallback as string[]);
}

/** Why a file is not service code, or undefined when it is. */
export function notServiceCode(
  relativePath: string,
  text: string,
  facts: FileFacts,
  options: Partial<ServiceCodeOptions>,
  context: ServiceCodeContext = { scriptRole: undefined, importers: undefined },
): string | undefined {
  const file = relativePath.replace(/\\/g, '/');
  const isTestPath = matcher(stringList(options.testPaths, SERVICE_CODE_OPTIONS.testPaths.default));
  if (isTestPath(file)) return 'test';
  if ((options.ignoreTestFrameworkImports ?? true) && facts.importsTestFramework) return 'test';
  if (facts.relativeImports.some((specifier) => isTestPath(resolveRelative(file, specifier)))) return 'test';
  const isScriptPath = matcher(stringList(options.scriptPaths, SERVICE_CODE_OPTIONS.scriptPaths.default));
  if (isScriptPath(file)) return 'script';
  if ((options.ignoreCommandLineTools ?? true) && (text.startsWith('#!') || facts.importsTerminalLibrary)) return 'script';
  // A module of a command line tool: only the tool's own files import it. A service's entry point
  // may read process.argv too, so an importer counts only where scriptPaths put it (`bin/`, `cli.*`).
  const importers = context.importers ?? [];
  if ((options.ignoreCommandLineTools ?? true) && context.scriptRole !== 'service' && importers.length > 0 && importers.every((i) => i.commandLineTool && isScriptPath(i.relativePath))) return 'script';
  if ((options.ignorePackageScripts ?? true) && context.scriptRole === 'one-off') return 'script';
  if (options.ignoreBrowserCode ?? true) {
    if (/\.[jt]sx$/i.test(file) && facts.importsUiFramework) return 'browser';
    if (facts.useClient || facts.touchesDom) return 'browser';
  }
  if ((options.ignoreGeneratedCode ?? true) && isGenerated(text)) return 'generated';
  return undefined;
}

/**
 * A specifier relative to the importing file, as a workspace-relative path. A specifier that climbs
 * out of the workspace keeps its `..`, which no glob of a path inside it matches.
 */
function resolveRelative(file: string, specifier: string): string {
  return path.posix.normalize(`${path.posix.dirname(file)}/${specifier}`);
}

const GENERATED_MARKER = /@generated\b|\bDO NOT EDIT\b|\bauto-?generated\b/i;

/** A file whose opening comment says it was generated (see the option's description). */
export function isGenerated(text: string): boolean {
  const opening = /^(?:#![^\n]*\n)?\s*(\/\*[\s\S]*?\*\/|(?:\/\/[^\n]*\n\s*)+)/.exec(text.slice(0, 2048));
  return opening !== null && GENERATED_MARKER.test(opening[1]);
}
