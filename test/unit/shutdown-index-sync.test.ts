// The server's upkeep of the workspace index: which documents it asks to analyse again, and when.

import { test, describe, beforeEach, afterEach, mock } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { IDLE_FLUSH_MS, WorkspaceIndexSync } from '../../server/src/lsp/workspace-index-sync';
import { prepare } from '../../server/src/engine/source';
import type { ParsedDocument } from '../../server/src/engine/document';

const SERVER = "import express from 'express';\nexpress().listen(3000);\n";
const HANDLER = "process.on('SIGTERM', () => process.exit(0));\n";

describe('WorkspaceIndexSync', () => {
  let dir: string;
  let reanalysed: string[];
  let rechecked: string[];
  let sync: WorkspaceIndexSync;
  const p = (rel: string) => path.join(dir, rel).split(path.sep).join('/');
  const uri = (rel: string) => `file://${p(rel)}`;
  const doc = (rel: string, text: string) =>
    (prepare({ path: p(rel), relativePath: rel, text }) as { doc: ParsedDocument }).doc;
  const analysed = (rel: string, text: string) => sync.documentAnalysed(uri(rel), p(rel), text, doc(rel, text));

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prodready-sync-'));
    fs.mkdirSync(path.join(dir, 'src'));
    fs.writeFileSync(path.join(dir, 'package.json'), '{}');
    fs.writeFileSync(path.join(dir, 'src', 'server.ts'), SERVER);
    fs.writeFileSync(path.join(dir, 'src', 'other-server.ts'), SERVER);
    reanalysed = [];
    rechecked = [];
    sync = new WorkspaceIndexSync({
      reanalyse: (u) => void reanalysed.push(u),
      recheckOnDisk: async (file) => void rechecked.push(file),
      inFolder: (file) => file.startsWith(`${dir.split(path.sep).join('/')}/`),
      log: () => undefined,
      logError: (message, error) => assert.fail(`${message}: ${error}`),
    });
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('after the build, open JS documents and server files on disk are analysed again', async () => {
    analysed('src/server.ts', SERVER);
    assert.deepEqual(reanalysed, []);
    await sync.build([dir]);
    assert.deepEqual(reanalysed, [uri('src/server.ts')]);
    assert.deepEqual(rechecked, [p('src/other-server.ts')]);
  });

  test('typing a handler into one open document re-analyses the others, not itself; plain typing nothing', async () => {
    await sync.build([dir]);
    analysed('src/server.ts', SERVER);
    reanalysed = [];
    rechecked = [];
    analysed('src/shutdown.ts', '// soon\n');
    assert.deepEqual([reanalysed, rechecked], [[], []]);
    analysed('src/shutdown.ts', HANDLER);
    assert.deepEqual(reanalysed, [uri('src/server.ts')]);
    assert.deepEqual(rechecked, [p('src/other-server.ts')]);
    reanalysed = [];
    analysed('src/shutdown.ts', `${HANDLER}// more\n`);
    assert.deepEqual(reanalysed, []);
    // Closed without saving: the disk has no handler, so the answer changes back.
    sync.documentClosed(p('src/shutdown.ts'));
    assert.deepEqual(reanalysed, [uri('src/server.ts')]);
  });

  test('an update that waits (documentAnalysedSoon) is applied by flush, or first by whatever reads the index', async () => {
    await sync.build([dir]);
    analysed('src/server.ts', SERVER);
    reanalysed = [];
    rechecked = [];
    const soon = (rel: string, text: string) => sync.documentAnalysedSoon(uri(rel), p(rel), text, doc(rel, text));
    soon('src/shutdown.ts', HANDLER);
    assert.deepEqual([reanalysed, rechecked], [[], []], 'nothing happens before the flush');
    sync.flush();
    assert.deepEqual(reanalysed, [uri('src/server.ts')]);
    assert.deepEqual(rechecked, [p('src/other-server.ts')]);
    assert.equal(sync.facts().sigtermHandlers!(p('src/server.ts'))?.length, 1);

    // The next analysis reads the index (facts): the waiting update counts before it.
    reanalysed = [];
    soon('src/shutdown.ts', '// no handler now\n');
    assert.equal(sync.facts().sigtermHandlers!(p('src/server.ts'))?.length ?? 0, 0);
    assert.deepEqual(reanalysed, [uri('src/server.ts')]);

    // Two versions waiting: the newest counts, and the open documents are re-published as if both were applied.
    reanalysed = [];
    soon('src/shutdown.ts', HANDLER);
    soon('src/shutdown.ts', '// gone again\n');
    sync.flush();
    assert.deepEqual(reanalysed, [], 'the same answers as before the first of the two');
    assert.equal(sync.facts().sigtermHandlers!(p('src/server.ts'))?.length ?? 0, 0);

    // Closing the document applies what waits first, then what is on disk counts again.
    soon('src/shutdown.ts', HANDLER);
    sync.documentClosed(p('src/shutdown.ts'));
    assert.deepEqual(reanalysed, [uri('src/server.ts'), uri('src/server.ts')]);
  });

  test('typing: a document\'s own waiting update stays waiting for its next analysis, and counts once typing pauses', async () => {
    await sync.build([dir]);
    analysed('src/server.ts', SERVER);
    analysed('src/shutdown.ts', '// nothing yet\n');
    reanalysed = [];
    rechecked = [];
    const soon = (rel: string, text: string) => sync.documentAnalysedSoon(uri(rel), p(rel), text, doc(rel, text));
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      // Keystrokes in shutdown.ts: each analysis reads the facts for shutdown.ts itself, then leaves its update waiting.
      soon('src/shutdown.ts', HANDLER);
      sync.flushSoon();
      assert.equal(sync.facts(uri('src/shutdown.ts')).sigtermHandlers!(p('src/server.ts'))?.length ?? 0, 0, 'its own update still waits');
      soon('src/shutdown.ts', `${HANDLER}// typing\n`);
      sync.flushSoon();
      mock.timers.tick(IDLE_FLUSH_MS - 1);
      assert.deepEqual([reanalysed, rechecked], [[], []], 'nothing applied while typing goes on');
      mock.timers.tick(1);
      // The pause: the newest version counts; the other open document and the server on disk are
      // analysed again, and so is shutdown.ts, whose last analysis read its facts of before the handler.
      assert.deepEqual(reanalysed.sort(), [uri('src/server.ts'), uri('src/shutdown.ts')].sort());
      assert.deepEqual(rechecked, [p('src/other-server.ts')]);
      assert.equal(sync.facts().sigtermHandlers!(p('src/server.ts'))?.length, 1);

      // Another document's analysis reads the facts: what waits for shutdown.ts counts before it.
      reanalysed = [];
      soon('src/shutdown.ts', '// no handler now\n');
      sync.flushSoon();
      assert.equal(sync.facts(uri('src/server.ts')).sigtermHandlers!(p('src/server.ts'))?.length ?? 0, 0);
      assert.deepEqual(reanalysed, [uri('src/server.ts')]);
      mock.timers.tick(IDLE_FLUSH_MS);
      assert.deepEqual(reanalysed, [uri('src/server.ts')], 'nothing left to apply');
    } finally {
      mock.timers.reset();
    }
  });

  test('watched files and renames re-analyse what they affect', async () => {
    await sync.build([dir]);
    analysed('src/server.ts', SERVER);
    reanalysed = [];
    fs.writeFileSync(path.join(dir, 'src', 'graceful.ts'), HANDLER);
    sync.filesChanged([{ path: p('src/graceful.ts'), deleted: false }]);
    assert.deepEqual(reanalysed, [uri('src/server.ts')]);
    reanalysed = [];
    fs.mkdirSync(path.join(dir, 'ops'));
    fs.writeFileSync(path.join(dir, 'ops', 'package.json'), '{}');
    fs.renameSync(path.join(dir, 'src', 'graceful.ts'), path.join(dir, 'ops', 'graceful.ts'));
    sync.filesRenamed([{ from: p('src/graceful.ts'), to: p('ops/graceful.ts') }]);
    assert.deepEqual(reanalysed, [uri('src/server.ts')]);
    reanalysed = [];
    sync.filesChanged([{ path: p('src/unrelated.ts'), deleted: true }]);
    assert.deepEqual(reanalysed, []);
  });
});
