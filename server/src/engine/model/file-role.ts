// The project model's answer to "what is this file for?", with the reason a person can check.
// One function for every kind of file; the engine asks it once per document version and runs only
// the rules that apply to the answer. Inputs, strongest first: the user's `roles:` globs, the file's
// package (package.json: a front-end app, the npm scripts that run the file), path conventions
// relative to the package, the file's own text (imports, a shebang, browser globals, directives), and
// what other files say (a folder a server serves statically, the files importing it).

import * as path from 'node:path';
import type { ParsedDocument } from '../document';
import type { WorkspaceFacts } from '../workspace-facts';
import { jsSignals } from './js-signals';
import { composeFileRole, dockerfileRole } from './manifest-roles';
import { matcher, roleByPath, type FileRole, type RoleAnswer } from './roles';
import { pythonRole } from './python-role';

/** A user's `roles:` entry: a glob relative to the workspace root (already prefixed), and the role. */
export interface RoleOverride {
  glob: string;
  role: FileRole;
  /** The config file that declared it, for `explain`. */
  source?: string;
}

const UI_IMPORT = /^(?:react|react-dom|react-native|vue|svelte|preact|solid-js|@angular\/core|jquery|@remix-run\/react|next\/(?:link|router|navigation|image|head|dynamic)|expo(?:-[\w-]+)?|@react-navigation\/[\w-]+|@tanstack\/react-query|react-router(?:-dom)?|@mui\/[\w-]+|@chakra-ui\/[\w-]+|antd|styled-components|@emotion\/[\w-]+)(?:\/|$)/;
/** Server-side rendering and server-only entry points of front-end frameworks: not browser code. */
const SERVER_SIDE_IMPORT = /^(?:react-dom\/server|vue\/server-renderer|@vue\/server-renderer|svelte\/server|next\/server|next\/headers|server-only)(?:\/|$)|\.server(?:\.[jt]sx?)?$/;
const TEST_IMPORT = /^(?:node:test|vitest|@jest\/globals|jest|mocha|tap|ava|chai|sinon|nock|supertest|@playwright\/test|playwright|uvu|cypress|@cypress\/[\w-]+|@testing-library\/[\w-]+|testcontainers|@testcontainers\/[\w-]+|jasmine|@nestjs\/testing|expect)(?:\/|$)/;
const LOAD_TEST_IMPORT = /^(?:k6|autocannon|artillery|loadtest)(?:\/|$)/;
export const TERMINAL_IMPORT = /^(?:(?:node:)?readline|commander|yargs|meow|cac|inquirer|@inquirer\/[\w-]+|prompts|enquirer|ora|listr2?|chalk|kleur|picocolors|colorette|colors|cli-table3?|@clack\/prompts|yeoman-generator|boxen|figlet|log-symbols|cli-progress|@oclif\/[\w-]+|clipanion|sade|gluegun|vorpal|minimist|arg|mri|citty)(?:\/|$)/;
/** A call that starts a server in this file: a program reading argv that also listens is the service. */
const LISTENS = /\.\s*listen\s*\(|\bserve\s*\(\s*\{|\bcreateServer\s*\(/;

function overrideFor(relativePath: string, overrides: readonly RoleOverride[]): RoleAnswer | undefined {
  // The last matching entry wins: the nearest config file's entries come last.
  for (let i = overrides.length - 1; i >= 0; i--) {
    const o = overrides[i];
    if (matcher([o.glob])(relativePath)) {
      return { role: o.role, reason: `\`roles:\` in ${o.source ?? 'the configuration'} maps \`${o.glob}\` to ${o.role}`, source: 'override' };
    }
  }
  return undefined;
}

/** The file's path relative to its package folder (nearest package.json), or to the workspace root. */
function packageRelativePath(doc: ParsedDocument, workspace: WorkspaceFacts): string {
  const pkg = workspace.packageOf(doc.path);
  if (!pkg) return doc.relativePath;
  const rel = path.posix.relative(pkg.dir, doc.path);
  return rel.startsWith('..') ? doc.relativePath : rel;
}

/**
 * What `doc` is for. The engine asks once per analysis (the workspace's answers may have changed since
 * the last one); what the file's own text says is read once per document version (`jsSignals`).
 */
export function fileRole(doc: ParsedDocument, workspace: WorkspaceFacts, overrides: readonly RoleOverride[] = []): RoleAnswer {
  return overrideFor(doc.relativePath, overrides) ?? computeRole(doc, workspace);
}

function computeRole(doc: ParsedDocument, workspace: WorkspaceFacts): RoleAnswer {
  const relative = packageRelativePath(doc, workspace);
  const scriptRole = workspace.scriptRole(doc.path);
  const runByStart = scriptRole === 'service';
  // A package's own folder name says what it is for too (`packages/e2e_tests/`): test and dev
  // conventions are also read on the workspace-relative path.
  const inWorkspace = relative !== doc.relativePath ? roleByPath(doc.relativePath) : undefined;
  const byPath = roleByPath(relative) ?? (inWorkspace && (inWorkspace.role === 'test' || inWorkspace.role === 'dev') ? inWorkspace : undefined);
  if (doc.kind === 'python') return (byPath && pathAnswer(byPath)) || (pythonRole(doc, workspace) ?? SERVICE);
  if (doc.kind !== 'js') {
    // Manifests under `examples/` or `docs/` are what people copy to deploy: only test, dev and vendored paths count.
    if (byPath && (byPath.role === 'test' || byPath.role === 'dev' || byPath.role === 'generated')) return pathAnswer(byPath);
    if (doc.kind === 'dockerfile') return dockerfileRole(doc, workspace) ?? SERVICE;
    if (doc.kind === 'compose') return composeFileRole(doc) ?? SERVICE;
    return SERVICE;
  }

  const signals = jsSignals(doc);
  if (signals.generated) return { role: 'generated', reason: 'its opening comment says it was generated', source: 'content' };
  if (signals.vendored) return { role: 'generated', reason: 'its opening comment says it was copied from another project: vendored code, fixed upstream', source: 'content' };
  const vendored = workspace.vendoredIn(doc.path);
  if (vendored) return { role: 'generated', reason: `\`${vendored}\` carries a LICENSE of its own and is no package of the workspace: vendored third-party code`, source: 'workspace' };
  if (byPath && !(runByStart && (byPath.role === 'script' || byPath.role === 'example'))) return pathAnswer(byPath);

  const testImport = signals.imports.find((m) => TEST_IMPORT.test(m));
  if (testImport) return { role: 'test', reason: `imports the test library \`${testImport}\``, source: 'content' };
  const helperOf = testPathImport(doc, signals.imports);
  if (helperOf) return { role: 'test', reason: `imports \`${helperOf}\` from a test folder: a test helper`, source: 'content' };
  const loadTest = signals.imports.find((m) => LOAD_TEST_IMPORT.test(m));
  if (loadTest) return { role: 'script', reason: `imports \`${loadTest}\`: a load test`, source: 'content' };

  if (!runByStart) {
    if (signals.shebang) return { role: 'script', reason: 'starts with a `#!` line: a command line program', source: 'content' };
    if (!LISTENS.test(doc.text)) {
      const terminal = signals.imports.find((m) => TERMINAL_IMPORT.test(m));
      if (terminal) return { role: 'script', reason: `imports the terminal library \`${terminal}\`: a command line tool`, source: 'content' };
      if (signals.readsArgv) return { role: 'script', reason: 'reads `process.argv` and starts no server: a command line tool', source: 'content' };
    }
    // A module only command line tools import, where the path conventions put tools (`bin/`, `cli.*`).
    const importers = workspace.importersOf(doc.path);
    if (importers && importers.length > 0 && importers.every((i) => i.commandLineTool && roleByPath(workspace.relativePath(i.path))?.role === 'script')) {
      return { role: 'script', reason: `only command line tools import it (${workspace.relativePath(importers[0].path)})`, source: 'workspace', evidence: { path: importers[0].path } };
    }
  }
  if (scriptRole === 'one-off') return { role: 'script', reason: 'an npm script of its package.json runs it as a one-off (not the script that starts the service)', source: 'package' };

  const serverSide = signals.imports.find((m) => SERVER_SIDE_IMPORT.test(m)) ?? (signals.directive === 'use server' ? "'use server'" : undefined);
  if (!serverSide && !runByStart) {
    if (signals.directive === 'use client') return { role: 'browser', reason: "has a `'use client'` directive", source: 'content' };
    const ui = signals.imports.find((m) => UI_IMPORT.test(m));
    if (ui) return { role: 'browser', reason: `imports the UI library \`${ui}\``, source: 'content' };
    const global = signals.browserGlobals[0];
    if (global) return { role: 'browser', reason: `uses the browser global \`${global.name}\` (line ${doc.lines.positionAt(global.offset).line + 1})`, source: 'content' };
    const served = workspace.servedStatically(doc.path);
    if (served) {
      return { role: 'browser', reason: `lies in \`${served.folder}\`, which ${workspace.relativePath(served.path)}:${served.line} serves to browsers as static files`, source: 'workspace', evidence: { path: served.path, line: served.line } };
    }
    const pkg = workspace.packageOf(doc.path);
    if (pkg?.frontEnd && !pkg.serverPaths(relative)) return { role: 'browser', reason: `belongs to a front-end package: ${pkg.frontEnd}`, source: 'package' };
  }
  return SERVICE;
}

const SERVICE: RoleAnswer = { role: 'service', reason: 'no test, script, browser, configuration or generated signal: service code', source: 'default' };

function pathAnswer(byPath: { role: FileRole; glob: string }): RoleAnswer {
  return { role: byPath.role, reason: `its path matches \`${byPath.glob}\` (${byPath.role} files)`, source: 'path' };
}

/** A relative import that reaches into a test folder (`import { seed } from '../test/helpers'`). */
function testPathImport(doc: ParsedDocument, imports: readonly string[]): string | undefined {
  const dir = path.posix.dirname(doc.relativePath);
  return imports.find((specifier) => {
    if (!specifier.startsWith('.')) return false;
    const target = path.posix.normalize(`${dir}/${specifier}`);
    return !target.startsWith('..') && roleByPath(target)?.role === 'test';
  });
}
