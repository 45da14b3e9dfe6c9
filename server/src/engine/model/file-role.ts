// The project model's answer to "what is this file for?", with the reason a person can check.
// One function for every kind of file; the engine asks it once per document version and runs only
// the rules that apply to the answer. Inputs, strongest first: the user's `roles:` globs, the file's
// package (package.json: a front-end app, the npm scripts that run the file), path conventions
// relative to the package, the file's own text (imports, a shebang, browser globals, directives), and
// what other files say (a folder a server serves statically, the files importing it).

import * as path from 'node:path';
import { ParsedDocument } from '../document';
import type { DocumentKind } from '../types';
import type { Importer, WorkspaceFacts } from '../workspace-facts';
import { LISTENS, SERVER_SIDE_IMPORT, UI_IMPORT, jsSignals } from './js-signals';
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

const TEST_IMPORT = /^(?:node:test|vitest|@jest\/globals|jest|mocha|tap|ava|chai|sinon|nock|supertest|@playwright\/test|playwright|uvu|cypress|@cypress\/[\w-]+|@testing-library\/[\w-]+|testcontainers|@testcontainers\/[\w-]+|jasmine|@nestjs\/testing|expect)(?:\/|$)/;
const LOAD_TEST_IMPORT = /^(?:k6|autocannon|artillery|loadtest)(?:\/|$)/;
/** Code generator kits: a file importing one is a generator run at development time (`nx g ...`). */
const GENERATOR_IMPORT = /^(?:@nx\/devkit|@nrwl\/devkit|@angular-devkit\/schematics|plop|hygen|yeoman-generator)(?:\/|$)/;
/**
 * Frameworks whose `*.client.*` files run in the browser only (Remix, React Router's framework mode,
 * Nuxt plugins), by the dependency that says the package uses one.
 */
const CLIENT_SUFFIX_FRAMEWORKS = ['@remix-run/react', '@remix-run/node', 'react-router', '@react-router/node', 'nuxt'];
const CLIENT_SUFFIX = /\.client\.[cm]?[jt]sx?$/;
export const TERMINAL_IMPORT = /^(?:(?:node:)?readline|commander|yargs|meow|cac|inquirer|@inquirer\/[\w-]+|prompts|enquirer|ora|listr2?|chalk|kleur|picocolors|colorette|colors|cli-table3?|@clack\/prompts|yeoman-generator|boxen|figlet|log-symbols|cli-progress|@oclif\/[\w-]+|clipanion|sade|gluegun|vorpal|minimist|arg|mri|citty)(?:\/|$)/;
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
  const generator = signals.imports.find((m) => GENERATOR_IMPORT.test(m));
  if (generator) return { role: 'script', reason: `imports the code generator kit \`${generator}\`: a generator run at development time`, source: 'content' };

  if (!runByStart) {
    if (signals.shebang) return { role: 'script', reason: 'starts with a `#!` line: a command line program', source: 'content' };
    if (scriptRole === 'command' && !doc.test(LISTENS)) return { role: 'script', reason: 'its package.json `bin` installs it (or the file built from it) as a command line program', source: 'package' };
    if (!doc.test(LISTENS)) {
      const terminal = signals.imports.find((m) => TERMINAL_IMPORT.test(m));
      if (terminal) return { role: 'script', reason: `imports the terminal library \`${terminal}\`: a command line tool`, source: 'content' };
      if (signals.readsArgv) return { role: 'script', reason: 'reads `process.argv` and starts no server: a command line tool', source: 'content' };
    }
    const only = importedOnlyBy(doc.path, workspace);
    if (only) return only;
    const cli = workspace.commandLinePackage?.(doc.path);
    if (cli) {
      return {
        role: 'script',
        reason: `belongs to \`${cli.dir}\`, a command line package: its package.json \`bin\` installs \`${cli.bin}\`, which starts no server, and no npm script starts another file as the service and no Dockerfile builds the folder (a server started inside is the tool's local server)`,
        source: 'package',
        evidence: { path: cli.packageJson },
      };
    }
    const named = namedPackage(doc, workspace, relative);
    if (named) return pathAnswer(named);
  }
  if (scriptRole === 'one-off') return { role: 'script', reason: 'an npm script of its package.json runs it as a one-off (not the script that starts the service)', source: 'package' };

  const serverSide = signals.imports.find((m) => SERVER_SIDE_IMPORT.test(m)) ?? (signals.directive === 'use server' ? "'use server'" : undefined);
  if (!serverSide && !runByStart) {
    if (signals.directive === 'use client') return { role: 'browser', reason: "has a `'use client'` directive", source: 'content' };
    if (CLIENT_SUFFIX.test(doc.path)) {
      const framework = CLIENT_SUFFIX_FRAMEWORKS.find((name) => workspace.dependsOn(doc.path, name));
      if (framework) return { role: 'browser', reason: `a \`.client.\` module of a package that depends on \`${framework}\`, which runs such modules in the browser only`, source: 'package' };
    }
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

/**
 * A package whose own folder is named as the script conventions name a folder of one-off programs
 * (`packages/tools`, `packages/scripts`, `apps/cli`): the convention read on `<folder>/<path>`. The
 * package's place in the workspace is not read (a package under `tools/` is judged by its own layout).
 */
function namedPackage(doc: ParsedDocument, workspace: WorkspaceFacts, relative: string): { role: FileRole; glob: string; folder: string } | undefined {
  const pkg = workspace.packageOf(doc.path);
  if (!pkg || relative === doc.relativePath) return undefined;
  const folder = path.posix.basename(pkg.dir);
  const named = roleByPath(`${folder}/${relative}`);
  return named?.role === 'script' ? { role: 'script', glob: named.glob, folder } : undefined;
}

const SERVICE: RoleAnswer = { role: 'service', reason: 'no test, script, browser, configuration or generated signal: service code', source: 'default' };

function pathAnswer(byPath: { role: FileRole; glob: string; folder?: string }): RoleAnswer {
  const on = byPath.folder ? ` read with its package folder's name (\`${byPath.folder}/\`)` : '';
  return { role: byPath.role, reason: `its path matches \`${byPath.glob}\`${on} (${byPath.role} files)`, source: 'path' };
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

type ImporterClass = 'test' | 'browser' | 'script';

/** How many levels of importers are followed: a helper of a helper of a test is still a test helper. */
const IMPORTER_DEPTH = 5;
/**
 * Beyond the file's own importers, a module more files import than this is shared code of the
 * package, not a helper of one kind: it is not followed (and the walk stays cheap in big monorepos).
 */
const FAN_OUT = 20;

/**
 * A module that only front-end code or only one-off programs import (directly, or through modules
 * that only they import): it runs where they run. An importer counts as front-end code by its own text,
 * its path, or its package (a front-end package such as a desktop or mobile app, outside the package's
 * server paths), and as a one-off program by the npm script or `bin` that runs it, its path, or its
 * package (a command line package). Tests among the importers say nothing either way.
 * A module only tests import is left alone: it is as often the entry point or a module the service
 * reaches through a package name, a path alias or a framework's conventions (which the scan of
 * relative imports does not see) as a test helper. Undefined when a file of the service imports it,
 * when nobody does, or when an importer is unknown.
 */
function importedOnlyBy(file: string, workspace: WorkspaceFacts): RoleAnswer | undefined {
  const importers = workspace.importersOf(file);
  if (!importers || importers.length === 0) return undefined;
  const classes = new Set<ImporterClass>();
  const seen = new Map<string, ImporterClass | undefined | 'pending'>([[file, 'pending']]);
  let first: Importer | undefined;
  for (const importer of importers) {
    const c = importerClass(importer, workspace, IMPORTER_DEPTH - 1, seen);
    if (c === 'cycle') continue;
    if (!c) return undefined;
    if (c !== 'test') {
      classes.add(c);
      first ??= importer;
    }
  }
  if (!first) return undefined;
  // Front-end code wins over one-off programs that also load it (a build script bundling it).
  const role = classes.has('browser') ? 'browser' : 'script';
  const what = classes.size > 1 ? 'front-end code and one-off programs' : role === 'browser' ? 'front-end code' : 'one-off programs (command line tools, scripts)';
  const others = importers.length - 1;
  return { role, reason: `imported only by ${what}${importers.some((i) => seen.get(i.path) === 'test') ? ' and tests' : ''}: ${workspace.relativePath(first.path)}${others > 0 ? ` and ${others} more` : ''}`, source: 'workspace', evidence: { path: first.path } };
}

/**
 * What an importer is, memoised in `seen`. An importer already being classified (`pending`: the walk
 * came back to it through an import cycle, a command importing the entry point's config) is `cycle`:
 * it adds no entry point of its own, so it is passed over rather than making the answer unknown.
 */
function importerClass(importer: Importer, workspace: WorkspaceFacts, depth: number, seen: Map<string, ImporterClass | undefined | 'pending'>): ImporterClass | 'cycle' | undefined {
  const known = seen.get(importer.path);
  if (known !== undefined) return known === 'pending' ? 'cycle' : known;
  if (seen.has(importer.path)) return undefined;
  seen.set(importer.path, 'pending');
  const c = classify(importer, workspace, depth, seen);
  seen.set(importer.path, c);
  return c;
}

function classify(importer: Importer, workspace: WorkspaceFacts, depth: number, seen: Map<string, ImporterClass | undefined | 'pending'>): ImporterClass | undefined {
  const relative = workspace.relativePath(importer.path);
  const byPath = roleByPath(relative)?.role;
  const run = workspace.scriptRole(importer.path);
  if (byPath === 'test') return 'test';
  // A command line tool where the path conventions put tools (`bin/`, `cli.*`); one elsewhere may be
  // the service's entry point reading an argument (`node main.js writehash`).
  if (importer.commandLineTool && byPath === 'script') return 'script';
  if (run !== 'service') {
    if (importer.frontEnd || byPath === 'browser') return 'browser';
    if ((run === 'one-off' || run === 'command') && !importer.startsServer) return 'script';
    // What the importer's package is, as the importer's own role reads it: a file of a front-end package
    // (a desktop or mobile app: electron, react-native) outside its server paths, or of a command line package.
    const pkg = workspace.packageOf(importer.path);
    if (pkg?.frontEnd && !importer.startsServer && !pkg.serverPaths(path.posix.relative(pkg.dir, importer.path))) return 'browser';
    if (workspace.commandLinePackage?.(importer.path)) return 'script';
  }
  if (depth <= 0 || run === 'service' || importer.startsServer) return undefined;
  const next = workspace.importersOf(importer.path);
  if (!next || next.length === 0 || next.length > FAN_OUT) return undefined;
  let found: ImporterClass | undefined;
  for (const n of next) {
    const c = importerClass(n, workspace, depth - 1, seen);
    if (c === 'cycle') continue;
    if (!c) return undefined;
    found = found === 'browser' || c === 'browser' ? 'browser' : found === 'script' || c === 'script' ? 'script' : c;
  }
  // A module only tests import is no evidence (see importedOnlyBy).
  return found === 'test' ? undefined : found;
}

/** Opening lines that switch type checking or linting off for the whole file. */
const WHOLE_FILE_OPT_OUT = /^\s*(?:\/\/\s*@ts-nocheck\b|\/\*\s*(?:tslint:disable|eslint-disable)\s*\*\/)/m;
const CRD_HEAD = /^kind:\s*["']?CustomResourceDefinition["']?\s*$/m;
const IMPORT_FROM = /\bfrom\s*(['"])([^'"\n]{1,200})\1|\brequire\(\s*(['"])([^'"\n]{1,200})\3\s*\)|^\s*import\s*(['"])([^'"\n]{1,200})\5/gm;

/**
 * What a file too large (or too costly) to parse is for, without parsing it: the `roles:` overrides and
 * path conventions as for any file; then a Kubernetes CustomResourceDefinition (a Helm chart's `crds/`
 * folder, or `kind: CustomResourceDefinition` in its first KB: an API schema a generator writes, with
 * no pod template in it); then, for JS/TS, a whole-file opt-out of the type checker or linters in its
 * opening lines (`// @ts-nocheck`, `/* eslint-disable *\/`, `/* tslint:disable *\/`: what generators
 * and bundlers write, and a file that size is not kept by hand); then what `fileRole` reads from its
 * opening comment and the modules it imports (found by a scan, not a parse). Used to decide whether
 * the file's `skipped-file` notice says anything: no rule reads a file of any role but `service`.
 */
export function unparsedFileRole(
  input: { path: string; relativePath: string; text: string },
  kind: DocumentKind,
  workspace: WorkspaceFacts,
  overrides: readonly RoleOverride[] = [],
): RoleAnswer {
  const override = overrideFor(input.relativePath, overrides);
  if (override) return override;
  const head = input.text.slice(0, 1024);
  if (kind === 'kubernetes' && (/(?:^|\/)crds\//.test(input.relativePath) || CRD_HEAD.test(head))) {
    return { role: 'generated', reason: 'a CustomResourceDefinition (a `crds/` folder, or `kind: CustomResourceDefinition` at its top): an API schema its operator\'s generator writes, with no pod template in it', source: 'content' };
  }
  if (kind === 'js' && WHOLE_FILE_OPT_OUT.test(head)) {
    return { role: 'generated', reason: 'a file over the size cap whose opening lines switch type checking or linting off for all of it: generated or bundled', source: 'content' };
  }
  if (kind !== 'js') {
    const byPath = roleByPath(packageRelativeOf(input.path, input.relativePath, workspace)) ?? roleByPath(input.relativePath);
    // As `computeRole` reads paths: test, dev and vendored paths for manifests, every convention for Python.
    const counts = byPath && (byPath.role === 'test' || byPath.role === 'dev' || byPath.role === 'generated' || (kind === 'python' && byPath.role !== 'service'));
    return counts ? pathAnswer(byPath) : SERVICE;
  }
  // The opening comment as written, then one import line per module the file names anywhere.
  const opening = /^(?:#![^\n]*\n)?(?:\s*(?:\/\*[\s\S]*?\*\/|\/\/[^\n]*))*/.exec(input.text.slice(0, 4096))?.[0] ?? '';
  const modules = new Set<string>();
  for (const m of input.text.matchAll(IMPORT_FROM)) {
    modules.add(m[2] ?? m[4] ?? m[6]);
    if (modules.size > 200) break;
  }
  const summary = `${opening}\n${[...modules].map((m) => `import ${JSON.stringify(m)};`).join('\n')}\n`;
  return fileRole(new ParsedDocument({ path: input.path, relativePath: input.relativePath, text: summary, kind }), workspace);
}

function packageRelativeOf(file: string, relativePath: string, workspace: WorkspaceFacts): string {
  const pkg = workspace.packageOf(file);
  if (!pkg) return relativePath;
  const rel = path.posix.relative(pkg.dir, file);
  return rel.startsWith('..') ? relativePath : rel;
}
