// The workspace index's service facts (routes, listen calls) by package: which files count in a
// package's service, that the others are not read for them, and how the answer follows a package.json
// that appears or goes.

import { test, describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { WorkspaceIndex } from '../../server/src/engine/workspace-index';

const server = (route: string) => `const express = require('express');\nconst app = express();\napp.get('${route}', (req, res) => res.send('ok'));\napp.listen(3000);\n`;

describe('WorkspaceIndex service facts', () => {
  let dir: string;
  const p = (...parts: string[]) => path.join(dir, ...parts).split(path.sep).join('/');
  const write = (rel: string, text: string) => {
    fs.mkdirSync(path.dirname(p(rel)), { recursive: true });
    fs.writeFileSync(p(rel), text);
    return p(rel);
  };
  const routes = (index: WorkspaceIndex, pkg: string) => index.serviceOf(p(pkg))?.routes.map((r) => r.path).sort();

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prodready-service-index-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test("a package's tests, scripts and examples are not its service, and are not read for it", async () => {
    write('api/package.json', '{}');
    write('api/src/server.js', server('/orders'));
    write('api/test/server.test.js', server('/health'));
    write('api/scripts/dev-server.js', server('/debug'));
    write('api/examples/basic.js', server('/example'));
    write('loose/server.js', server('/nowhere')); // no package.json above it
    const index = new WorkspaceIndex();
    await index.build([dir]);
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
    index.indexFiles(files, [dir], parsed);
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
    index.indexFiles(files, [dir]);
    index.updateText(p('api/src/server.js'), server('/healthz'));
    assert.deepEqual(routes(index, 'api'), ['/healthz']);
  });

  test('a package.json that appears makes its files count, and takes a nested package out of its parent', async () => {
    write('api/src/server.js', server('/orders'));
    write('api/admin/server.js', server('/admin'));
    const index = new WorkspaceIndex();
    await index.build([dir]);
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
    await index.build([dir]);
    assert.deepEqual(routes(index, 'api'), ['/orders']);
    assert.equal(index.serviceOf(p('api/test/fake-upstream')), undefined);

    index.fileChanged(write('api/test/fake-upstream/package.json', '{}'));
    assert.deepEqual(routes(index, 'api/test/fake-upstream'), ['/upstream']);
    assert.deepEqual(routes(index, 'api'), ['/orders']);
  });
});
