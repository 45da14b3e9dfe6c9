// The `prodready/review` request (issue 21): the language server's review of a workspace folder is
// the CLI's `prodready review --format json` for the same folder, and it reads open documents' text.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TestClient, fileUri } from './client';
import type { ReviewResult } from '../../server/src/lsp/review';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');

function cliReview(cwd: string): unknown {
  const r = spawnSync(process.execPath, [CLI, 'review', '--format', 'json'], { cwd, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

describe('prodready/review over stdio', () => {
  let dir: string;
  let client: TestClient;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prodready-review-lsp-'));
    fs.cpSync(path.join(ROOT, 'test', 'workspaces', 'e2e'), dir, { recursive: true });
    client = new TestClient({ folders: [dir] });
    await client.initialize();
  });

  after(async () => {
    await client.shutdown();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('answers what the CLI prints for the folder', async () => {
    const result = (await client.connection.sendRequest('prodready/review')) as ReviewResult;
    assert.equal(result.folders.length, 1);
    assert.equal(result.folders[0].folder, dir.split(path.sep).join('/'));
    assert.deepEqual(result.folders[0].review, cliReview(dir));
    assert.match(result.folders[0].markdown, /^# Production Readiness Review/);
    assert.ok(result.folders[0].markdown.includes(`(${fileUri(path.join(dir, 'src', 'server.ts'))}#L`), 'evidence links are file URIs with a line');
  });

  test('with markdownDir, evidence links are relative to where the Markdown is written', async () => {
    const markdownDir = path.join(os.tmpdir(), 'prodready-review-md');
    const result = (await client.connection.sendRequest('prodready/review', { markdownDir })) as ReviewResult;
    const rel = path.relative(markdownDir, path.join(dir, 'src', 'server.ts')).split(path.sep).join('/');
    assert.ok(result.folders[0].markdown.includes(`](${rel}#L`), `a link to ${rel}#L<line>`);
    assert.ok(!result.folders[0].markdown.includes('](file:'));
  });

  test('an open document counts with its editor text', async () => {
    const file = path.join(dir, 'src', 'server.ts');
    const uri = fileUri(file);
    const text = fs.readFileSync(file, 'utf8');
    await client.open(uri, 'typescript', `${text}\nprocess.on('SIGTERM', () => process.exit(0));\n`);
    const result = (await client.connection.sendRequest('prodready/review')) as ReviewResult;
    const sigterm = result.folders[0].review.services[0].sections.flatMap((s) => s.items).find((i) => i.id === 'sigterm')!;
    // The server file handles SIGTERM now; the ECS task definition still has no stopTimeout.
    assert.ok(!sigterm.evidence.some((e) => e.ruleId === 'missing-sigterm-handler'), JSON.stringify(sigterm.evidence));
    assert.ok(sigterm.evidence.some((e) => e.ruleId === 'ecs-missing-stop-timeout'));
    await client.close(uri);
  });
});
