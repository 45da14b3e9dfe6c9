// The workspace index's service facts (routes, listen calls) by package: which files count in a
// package's service, that the others are not read for them, and how the answer follows a package.json
// that appears or goes.

import { test, describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { WorkspaceIndex } from '../../server/src/engine/workspace-index';
import { tempFolder } from '../support/files';

const server = (route: string) => `const express = require('express');\nconst app = express();\napp.get('${route}', (req, res) => res.send('ok'));\napp.listen(3000);\n`;

describe('WorkspaceIndex service facts', () => {
  const folder = tempFolder('prodready-service-index-');
  const { p, write } = folder;
  const routes = (index: WorkspaceIndex, pkg: string) => index.serviceOf(p(pkg))?.routes.map((r) => r.path).sort();

  beforeEach(folder.create);
  afterEach(folder.remove);

  test("a package's tests, scripts and examples are not its service, and are not read for it", async () => {
    write('api/package.json', '{}');
    write('api/src/server.js', server('/orders'));
    write('api/test/server.test.js', server('/health'));
    write('api/scripts/dev-server.js', server('/debug'));
    write('api/examples/basic.js', server('/example'));
    write('loose/server.js', server('/nowhere')); // no package.json above it
    const index = new WorkspaceIndex();
    await index.build([folder.dir]);
    assert.deepEqual(routes(index, 'api'), ['/orders']);
    // What the worker threads are sent holds the facts of the one file that counts.
    const serviceFiles = index.exportState().serviceFiles as Map<string, unknown>;
    assert.deepEqual([...serviceFiles.keys()], [p('api/src/server.js')]);
  });

  test('the CLI path (indexFiles) reads them on the first question, in each thread that asks', () => {
    const files = [write('api/package.json', '{}'), write('api/src/server.js', server('/orders')), write('api/test/server.test.js', server('/health'))];
    // The parses other threads make for the index: none here, service facts are not among them.
    const parsed = new Map(files.map((f) => WorkspaceIndex.sourceParseFactsOf(f)).filter((a) => a !== undefined));
    assert.deepEqual([...parsed.keys()], []);
    const index = new WorkspaceIndex();
    index.indexFiles(files, [folder.dir], parsed);
    const state = index.exportState();
    assert.deepEqual([...(state.serviceFiles as Map<string, unknown>).keys()], []);
    assert.deepEqual([...(state.unreadServiceFacts as Set<string>)], [p('api/src/server.js')]);
    assert.deepEqual(routes(index, 'api'), ['/orders']);
    // A worker's copy of the index, taken before anything asked, answers the same.
    assert.deepEqual(routes(WorkspaceIndex.fromState(state), 'api'), ['/orders']);
  });

  test('an edit during a CLI run (--fix) is read at once, over the disk', () => {
    const files = [write('api/package.json', '{}'), write('api/src/server.js', server('/orders'))];
    const index = new WorkspaceIndex();
    index.indexFiles(files, [folder.dir]);
    index.updateText(p('api/src/server.js'), server('/healthz'));
    assert.deepEqual(routes(index, 'api'), ['/healthz']);
  });

  test('a package.json that appears makes its files count, and takes a nested package out of its parent', async () => {
    write('api/src/server.js', server('/orders'));
    write('api/admin/server.js', server('/admin'));
    const index = new WorkspaceIndex();
    await index.build([folder.dir]);
    assert.equal(index.serviceOf(p('api')), undefined);

    index.fileChanged(write('api/package.json', '{}'));
    assert.deepEqual(routes(index, 'api'), ['/admin', '/orders']);

    index.fileChanged(write('api/admin/package.json', '{}'));
    assert.deepEqual(routes(index, 'api'), ['/orders']);
    assert.deepEqual(routes(index, 'api/admin'), ['/admin']);

    fs.rmSync(p('api/admin/package.json'));
    index.fileDeleted(p('api/admin/package.json'));
    assert.deepEqual(routes(index, 'api'), ['/admin', '/orders']);
  });

  test('a test folder that becomes a package of its own counts as one', async () => {
    write('api/package.json', '{}');
    write('api/src/server.js', server('/orders'));
    write('api/test/fake-upstream/src/server.js', server('/upstream'));
    const index = new WorkspaceIndex();
    await index.build([folder.dir]);
    assert.deepEqual(routes(index, 'api'), ['/orders']);
    assert.equal(index.serviceOf(p('api/test/fake-upstream')), undefined);

    index.fileChanged(write('api/test/fake-upstream/package.json', '{}'));
    assert.deepEqual(routes(index, 'api/test/fake-upstream'), ['/upstream']);
    assert.deepEqual(routes(index, 'api'), ['/orders']);
  });
});
