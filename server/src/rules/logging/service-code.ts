// "Service code" (RULES.md): a source file that is not a test, not a script or command line tool,
// and not browser front-end code. Each exclusion is an option of `console-log`, so a team can
// narrow or widen it in `.prodready.yaml`.

import picomatch from 'picomatch';
import type { OptionSpec } from '../../engine/types';
import type { FileFacts } from './file-facts';

export interface ServiceCodeOptions {
  testPaths: string[];
  ignoreTestFrameworkImports: boolean;
  scriptPaths: string[];
  ignoreCommandLineTools: boolean;
  ignoreBrowserCode: boolean;
}

export const SERVICE_CODE_OPTIONS: Record<keyof ServiceCodeOptions, OptionSpec> = {
  testPaths: {
    type: 'string[]',
    default: ['**/*.test.*', '**/*.spec.*', '**/__tests__/**', '**/__mocks__/**', '**/test/**', '**/tests/**', '**/e2e/**'],
    description:
      'Globs (relative to the workspace root) of test files, where console output is fine. Set to [] to check tests too.',
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
      'Skip command line tools wherever they live: files whose first line is a `#!` shebang, files that read `process.argv`, and files that import an interactive or terminal library (readline, commander, yargs, meow, cac, inquirer, prompts, enquirer, ora, listr, chalk, kleur, picocolors, colorette, colors, cli-table3, yeoman-generator, boxen, figlet, log-symbols, cli-progress, oclif, clipanion, sade, gluegun, vorpal).',
  },
  ignoreBrowserCode: {
    type: 'boolean',
    default: true,
    description:
      'Skip browser front-end code: `.jsx`/`.tsx` files that import React, Vue, Svelte, Preact or Solid, files with a `\'use client\'` directive, and files that use the `window` or `document` globals. Browser consoles are not a log pipeline.',
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
export function notServiceCode(relativePath: string, text: string, facts: FileFacts, options: Partial<ServiceCodeOptions>): string | undefined {
  const path = relativePath.replace(/\\/g, '/');
  if (matcher(stringList(options.testPaths, SERVICE_CODE_OPTIONS.testPaths.default))(path)) return 'test';
  if ((options.ignoreTestFrameworkImports ?? true) && facts.importsTestFramework) return 'test';
  if (matcher(stringList(options.scriptPaths, SERVICE_CODE_OPTIONS.scriptPaths.default))(path)) return 'script';
  if ((options.ignoreCommandLineTools ?? true) && (text.startsWith('#!') || facts.importsTerminalLibrary)) return 'script';
  if (options.ignoreBrowserCode ?? true) {
    if (/\.[jt]sx$/i.test(path) && facts.importsUiFramework) return 'browser';
    if (facts.useClient || facts.touchesDom) return 'browser';
  }
  return undefined;
}
