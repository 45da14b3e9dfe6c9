// The workspace index of shutdown facts: what it reads, how it scopes a handler to a package, and
// how it follows edits, file changes, deletions and renames.

import { test, describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { WorkspaceIndex } from '../../server/src/engine/workspace-index';
import { tempFolder } from '../support/files';
import { prepare } from '../../server/src/engine/source';
import type { ParsedDocument } from '../../server/src/engine/document';

const HANDLER = "process.on('SIGTERM', () => server.close(() => process.exit(0)));\n";
const SERVER = "import express from 'express';\nexpress().listen(3000);\n";

describe('WorkspaceIndex', () => {
  const folder = tempFolder('prodready-index-');
  const { p, write } = folder;

  beforeEach(folder.create);
  afterEach(folder.remove);

  test('answers nothing until the build is done, then answers for the package', async () => {
    write('package.json', '{}');
    write('src/server.ts', SERVER);
    write('src/shutdown.ts', HANDLER);
    const index = new WorkspaceIndex();
    const building = index.build([folder.dir]);
    assert.equal(index.handlesSigterm(p('src/server.ts')), undefined);
    await building;
    assert.equal(index.handlesSigterm(p('src/server.ts')), true);
    // A file's own handler is not an answer about the others: the rule reads its own text.
    assert.equal(index.handlesSigterm(p('src/shutdown.ts')), false);
    // Outside the indexed folders: unknown.
    assert.equal(index.handlesSigterm('/elsewhere/server.ts'), undefined);
  });

  test('skips node_modules and what .gitignore ignores, and parses only what passes the prefilter', async () => {
    write('package.json', '{}');
    write('.gitignore', 'dist/\n*.generated.ts\n');
    write('src/server.ts', SERVER);
    write('src/routes.ts', 'export const routes = [];\n');
    write('node_modules/lib/index.js', HANDLER);
    write('dist/index.js', HANDLER);
    write('src/shutdown.generated.ts', HANDLER);
    const index = new WorkspaceIndex();
    const stats = await index.build([folder.dir]);
    assert.equal(index.handlesSigterm(p('src/server.ts')), false);
    assert.deepEqual(index.handlerFiles(), []);
    assert.equal(stats.files, 2);
    assert.equal(stats.parsed, 0);
    // The same holds for files that arrive by notification.
    write('dist/other.js', HANDLER);
    index.fileChanged(p('dist/other.js'));
    index.fileChanged(p('node_modules/lib/index.js'));
    assert.equal(index.handlesSigterm(p('src/server.ts')), false);
  });

  test('a handler counts only in its own package (nearest package.json)', async () => {
    write('package.json', '{"workspaces":["packages/*"]}');
    write('packages/api/package.json', '{}');
    write('packages/api/src/main.ts', SERVER);
    write('packages/worker/package.json', '{}');
    write('packages/worker/src/main.ts', HANDLER);
    write('packages/gateway/package.json', '{}');
    write('packages/gateway/src/deep/nested/lifecycle.ts', HANDLER);
    write('packages/gateway/src/server.ts', SERVER);
    const index = new WorkspaceIndex();
    await index.build([folder.dir]);
    assert.equal(index.handlesSigterm(p('packages/api/src/main.ts')), false);
    assert.equal(index.handlesSigterm(p('packages/gateway/src/server.ts')), true);
    assert.equal(index.packageOf(p('packages/gateway/src/deep/nested/lifecycle.ts')), p('packages/gateway'));
  });

  test('a package.json that appears splits a package, and the open documents it affects are named', async () => {
    write('package.json', '{}');
    write('apps/web/server.ts', SERVER);
    write('apps/admin/server.ts', SERVER);
    write('apps/admin/shutdown.ts', HANDLER);
    const index = new WorkspaceIndex();
    await index.build([folder.dir]);
    const open = [p('apps/web/server.ts'), p('apps/admin/server.ts')];
    assert.deepEqual(open.map((f) => index.handlesSigterm(f)), [true, true]);

    const before = index.snapshot(open);
    write('apps/admin/package.json', '{}');
    index.fileChanged(p('apps/admin/package.json'));
    // web loses the handler; admin's service is now its own package's (missing-health-endpoint reads it).
    assert.deepEqual(index.changedSince(before), open);
    assert.equal(index.handlesSigterm(p('apps/web/server.ts')), false);
    assert.equal(index.handlesSigterm(p('apps/admin/server.ts')), true);

    const again = index.snapshot(open);
    fs.rmSync(p('apps/admin/package.json'));
    index.fileDeleted(p('apps/admin/package.json'));
    assert.deepEqual(index.changedSince(again), open);
  });

  test('a package.json edit names the open documents whose package facts it changes', async () => {
    write('package.json', '{"name":"status","scripts":{"start":"node server.js"}}');
    write('server.js', 'console.log(1);\n');
    write('extra/update-version.js', 'console.log(2);\n');
    write('other/package.json', '{}');
    write('other/x.js', 'console.log(3);\n');
    const index = new WorkspaceIndex();
    await index.build([folder.dir]);
    const open = [p('server.js'), p('extra/update-version.js'), p('other/x.js')];
    assert.equal(index.scriptRole(p('extra/update-version.js')), undefined);
    assert.equal(index.scriptRole(p('server.js')), 'service');
    const before = index.snapshot(open);
    write('package.json', '{"name":"status","scripts":{"start":"node server.js","release":"node extra/update-version.js"}}');
    index.fileChanged(p('package.json'));
    assert.deepEqual(index.changedSince(before), [p('extra/update-version.js')]);
    assert.equal(index.scriptRole(p('extra/update-version.js')), 'one-off');
    assert.equal(index.packageKind(p('server.js')), 'application');

    const again = index.snapshot(open);
    write('package.json', '{"name":"status","main":"server.js"}');
    index.fileChanged(p('package.json'));
    assert.deepEqual(index.changedSince(again), [p('server.js'), p('extra/update-version.js')]);
    assert.equal(index.packageKind(p('server.js')), 'library');
  });

  test('who imports a module, and whether they are command line tools, servers or front-end code, kept current as importers change', async () => {
    write('package.json', '{}');
    write('bin/cli.mjs', "import { scaffold } from '../src/scaffold.js';\nimport { run } from '../src/run';\nscaffold(process.argv[2]);\n");
    write('src/scaffold.ts', 'export function scaffold(dir: string) {}\n');
    write('src/run/index.ts', 'export function run() {}\n');
    write('src/lonely.ts', 'export const x = 1;\n');
    const index = new WorkspaceIndex();
    await index.build([folder.dir]);
    const tool = { path: p('bin/cli.mjs'), commandLineTool: true, startsServer: false, frontEnd: false };
    assert.deepEqual(index.importersOf(p('src/scaffold.ts')), [tool]);
    assert.deepEqual(index.importersOf(p('src/run/index.ts')), [tool]);
    assert.deepEqual(index.importersOf(p('src/lonely.ts')), []);

    // The service imports it too: no longer the tool's own.
    write('src/server.ts', "import { scaffold } from './scaffold';\nrequire('http').createServer().listen(8080);\n");
    index.fileChanged(p('src/server.ts'));
    assert.deepEqual(index.importersOf(p('src/scaffold.ts')), [tool, { path: p('src/server.ts'), commandLineTool: false, startsServer: true, frontEnd: false }]);
    // A component imports it: front-end code ('use client' after a comment, or a UI import; not a server-side render).
    write('src/Panel.tsx', "// panel\n'use client';\nimport { scaffold } from './scaffold';\n");
    index.fileChanged(p('src/Panel.tsx'));
    assert.equal(index.importersOf(p('src/scaffold.ts'))?.find((i) => i.path === p('src/Panel.tsx'))?.frontEnd, true);
    write('src/Panel.tsx', "import { renderToString } from 'react-dom/server';\nimport React from 'react';\nimport { scaffold } from './scaffold';\n");
    index.fileChanged(p('src/Panel.tsx'));
    assert.equal(index.importersOf(p('src/scaffold.ts'))?.find((i) => i.path === p('src/Panel.tsx'))?.frontEnd, false);
    index.fileDeleted(p('src/Panel.tsx'));
    index.fileDeleted(p('src/server.ts'));
    assert.deepEqual(index.importersOf(p('src/scaffold.ts')), [tool]);

    // The importer stops reading arguments (an open document's text wins): not a tool any more.
    const open = [p('src/scaffold.ts')];
    const before = index.snapshot(open);
    index.updateText(p('bin/cli.mjs'), "import { scaffold } from '../src/scaffold.js';\nscaffold('.');\n");
    assert.deepEqual(index.changedSince(before), [p('src/scaffold.ts')]);
    assert.deepEqual(index.importersOf(p('src/run/index.ts')), []);
    assert.deepEqual(index.importersOf(p('src/scaffold.ts')), [{ ...tool, commandLineTool: false }]);
  });

  test('which loggers project modules export, and the importers a change to them affects', async () => {
    write('package.json', '{}');
    write('src/logger.ts', "import pino from 'pino';\nexport const logger = pino();\nexport default logger;\n");
    write('src/log/index.js', "const winston = require('winston');\nmodule.exports = winston.createLogger();\n");
    write('src/fake.js', "const pino = require('pino');\nmodule.exports = { logger: { info() {} }, pino };\n");
    write('src/app.ts', "import { logger } from './logger';\nlogger.info('x');\n");
    const index = new WorkspaceIndex();
    await index.build([folder.dir]);
    const app = p('src/app.ts');
    assert.equal(index.loggerExport(app, './logger', 'logger'), 'pino');
    assert.equal(index.loggerExport(app, './logger.js', 'default'), 'pino');
    assert.equal(index.loggerExport(app, './log', 'module.exports'), 'winston');
    assert.equal(index.loggerExport(app, './log/index.js', 'default'), 'winston');
    assert.equal(index.loggerExport(app, './fake', 'logger'), undefined);
    assert.equal(index.loggerExport(app, './logger', 'other'), undefined);
    assert.equal(index.loggerExport(app, 'pino', 'default'), undefined);

    const before = index.snapshot([app]);
    write('src/logger.ts', "export const logger = console;\n");
    index.fileChanged(p('src/logger.ts'));
    assert.deepEqual(index.changedSince(before), [app]);
    assert.equal(index.loggerExport(app, './logger', 'logger'), undefined);

    fs.rmSync(p('src/log/index.js'));
    index.fileDeleted(p('src/log/index.js'));
    assert.equal(index.loggerExport(app, './log', 'module.exports'), undefined);
  });

  test('a module that names a logger library without importing it is not parsed for logger exports', async () => {
    write('package.json', '{}');
    // fastify's sources say "pino" in 90 files and require it in 2: a kind comes only from the import.
    write('src/types.ts', "// the options are pino's\nexport interface LoggerOptions { level: string }\nexport const pinoLevels = ['info'];\n");
    write('src/logger.ts', 'import pino from "pino";\nexport const logger = pino();\n');
    const index = new WorkspaceIndex();
    const stats = await index.build([folder.dir]);
    assert.equal(stats.parsed, 1);
    assert.equal(index.loggerExport(p('src/app.ts'), './logger', 'logger'), 'pino');
    assert.equal(index.loggerExport(p('src/app.ts'), './types', 'pinoLevels'), undefined);
  });

  test('an open document wins over the disk until it is closed', async () => {
    write('package.json', '{}');
    write('src/server.ts', SERVER);
    const shutdown = write('src/shutdown.ts', '// nothing yet\n');
    const index = new WorkspaceIndex();
    await index.build([folder.dir]);
    assert.equal(index.handlesSigterm(p('src/server.ts')), false);

    const load = (text: string) => (prepare({ path: shutdown, relativePath: 'src/shutdown.ts', text }) as { doc: ParsedDocument }).doc;
    assert.equal(index.wouldChangeFacts(load('// still nothing\n')), false);
    const doc = load(HANDLER);
    assert.equal(index.wouldChangeFacts(doc), true);
    index.updateDocument(doc);
    assert.equal(index.wouldChangeFacts(load(`${HANDLER}// typing on\n`)), false);
    assert.equal(index.handlesSigterm(p('src/server.ts')), true);
    // A change on disk while it is open does not override the editor's text.
    index.fileChanged(shutdown);
    assert.equal(index.handlesSigterm(p('src/server.ts')), true);
    index.updateText(shutdown, '// removed again\n');
    assert.equal(index.handlesSigterm(p('src/server.ts')), false);
    index.updateText(shutdown, HANDLER);
    // Closed without saving: the disk says there is no handler.
    index.closeDocument(shutdown);
    assert.equal(index.handlesSigterm(p('src/server.ts')), false);
  });

  test('created, changed, deleted, renamed: files and folders', async () => {
    write('package.json', '{}');
    write('src/server.ts', SERVER);
    const index = new WorkspaceIndex();
    await index.build([folder.dir]);
    const server = p('src/server.ts');

    const handler = write('src/lifecycle/shutdown.ts', HANDLER);
    index.fileChanged(handler);
    assert.equal(index.handlesSigterm(server), true);

    fs.writeFileSync(handler, "process.on('SIGINT', stop);\n");
    index.fileChanged(handler);
    assert.equal(index.handlesSigterm(server), false);

    fs.writeFileSync(handler, HANDLER);
    index.fileChanged(handler);
    fs.rmSync(p('src/lifecycle'), { recursive: true });
    index.fileDeleted(p('src/lifecycle'));
    assert.equal(index.handlesSigterm(server), false);

    // A folder that appears at once (a checkout) is indexed as a whole.
    write('src/ops/graceful.js', HANDLER);
    index.fileChanged(p('src/ops'));
    assert.equal(index.handlesSigterm(server), true);

    // Renamed into another package: it no longer counts here.
    write('other/package.json', '{}');
    fs.renameSync(p('src/ops'), p('other/ops'));
    index.rename(p('src/ops'), p('other/ops'));
    assert.equal(index.handlesSigterm(server), false);
    assert.equal(index.handlesSigterm(p('other/server.ts')), true);

    // A rename to a name that is not source code drops it.
    fs.renameSync(p('other/ops/graceful.js'), p('other/ops/graceful.js.bak'));
    index.rename(p('other/ops/graceful.js'), p('other/ops/graceful.js.bak'));
    assert.deepEqual(index.handlerFiles(), []);
  });

  test('server candidates: the files a change of facts can give or take a finding', async () => {
    write('package.json', '{}');
    write('src/server.ts', SERVER);
    write('src/routes.ts', 'export const routes = [];\n');
    write('src/shutdown.ts', HANDLER);
    const index = new WorkspaceIndex();
    await index.build([folder.dir]);
    assert.deepEqual(index.serverCandidates(), [p('src/server.ts')]);
    fs.rmSync(p('src/server.ts'));
    index.fileDeleted(p('src/server.ts'));
    assert.deepEqual(index.serverCandidates(), []);
  });

  test('the build yields to the event loop between small batches', async () => {
    write('package.json', '{}');
    for (let i = 0; i < 200; i++) write(`src/mod${i}.ts`, i % 50 === 0 ? HANDLER : `export const n${i} = ${i};\n`);
    const index = new WorkspaceIndex({ batchSize: 16 });
    let turns = 0;
    let done = false;
    const spin = () => {
      if (done) return;
      turns++;
      setImmediate(spin);
    };
    setImmediate(spin);
    const stats = await index.build([folder.dir]);
    done = true;
    assert.equal(stats.files, 200);
    assert.equal(stats.parsed, 4);
    assert.equal(index.handlerFiles().length, 4);
    // Other work ran while the index was being built, at least once per batch.
    assert.ok(turns >= 200 / 16, `only ${turns} turns of the event loop during the build`);
  });

  test('a later build supersedes one still running', async () => {
    write('a/package.json', '{}');
    for (let i = 0; i < 100; i++) write(`a/m${i}.ts`, HANDLER);
    write('b/package.json', '{}');
    write('b/server.ts', SERVER);
    const index = new WorkspaceIndex({ batchSize: 8 });
    const first = index.build([p('a')]);
    const second = index.build([p('b')]);
    await Promise.all([first, second]);
    assert.equal(index.ready, true);
    assert.equal(index.handlesSigterm(p('b/server.ts')), false);
    assert.equal(index.handlesSigterm(p('a/m1.ts')), undefined);
    assert.deepEqual(index.handlerFiles(), []);
  });

  test('the CLI form: the scanned files, then the rest of their packages', () => {
    write('package.json', '{}');
    const server = write('src/server.ts', SERVER);
    write('src/shutdown.ts', HANDLER);
    const index = new WorkspaceIndex();
    index.indexFiles([server], [server]);
    assert.equal(index.handlesSigterm(server), false);
    // Outside the working directory (and no git repository around it): not walked.
    index.indexPackagesOf([server], p('src'));
    assert.equal(index.handlesSigterm(server), false);
    index.indexPackagesOf([server], folder.dir);
    assert.equal(index.handlesSigterm(server), true);
  });

  test('a file opened with no folder open: its package is indexed when a git repository holds it', async () => {
    write('package.json', '{}');
    const server = write('src/server.ts', SERVER);
    write('src/shutdown.ts', HANDLER);
    const index = new WorkspaceIndex();
    await index.build([]);
    assert.equal(index.handlesSigterm(server), undefined);
    // No repository around it: the package's extent is a guess, nothing is walked.
    assert.equal(await index.addPackageOf(server), false);
    assert.equal(index.handlesSigterm(server), undefined);
    fs.mkdirSync(p('.git'));
    assert.equal(await index.addPackageOf(server), true);
    assert.equal(index.handlesSigterm(server), true);
    assert.equal(await index.addPackageOf(server), false, 'indexed once');
  });

  test('files too large or unreadable are left out without failing the build', async () => {
    write('package.json', '{}');
    write('src/server.ts', SERVER);
    write('src/bundle.js', `${HANDLER}${'x'.repeat(2000)}`);
    const index = new WorkspaceIndex({ maxFileBytes: 1000 });
    await index.build([folder.dir, p('does-not-exist')]);
    assert.equal(index.handlesSigterm(p('src/server.ts')), false);
  });
});
