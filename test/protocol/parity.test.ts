// The editor and CI never disagree: the CLI's JSON report and the server's diagnostics for the
// same tree and the same configuration hold the same findings.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TestClient, fileUri, messageOf } from './client';
import { classify } from '../../server/src/engine/classify';

const WORKSPACE = path.resolve(__dirname, '..', 'workspaces', 'parity');
const CLI = path.resolve(__dirname, '..', '..', 'dist', 'cli.js');
const SEVERITY = ['', 'error', 'warning', 'information', 'hint'];
const LANGUAGE: Record<string, string> = { js: 'typescript', kubernetes: 'yaml', compose: 'yaml', ecs: 'json', dockerfile: 'dockerfile' };

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const abs = path.join(dir, e.name);
    return e.isDirectory() ? files(abs) : [abs];
  });
}

test('CLI and server report the same findings on the same tree with the same config', async () => {
  const cli = spawnSync(process.execPath, [CLI, 'check', '.', '--format', 'json'], { cwd: WORKSPACE, encoding: 'utf8' });
  assert.equal(cli.stderr, '');
  const fromCli = (JSON.parse(cli.stdout).findings as Array<Record<string, unknown>>)
    .map((f) => `${f.file}:${f.line}:${f.column}-${f.endLine}:${f.endColumn} ${f.severity} ${f.ruleId} ${f.message}`)
    .sort();
  // What the workspace is built to show: each kind of suppression, and each config layer.
  const brief = fromCli.map((f) => f.replace(/-\S+ (\w+) (\S+) .*/, ' $1 $2'));
  assert.deepEqual(brief, [
    'deploy/app.yaml:14:9 hint misplaced-ignore', // an ignore-check annotation on the pod template
    'deploy/app.yaml:17:11 information missing-prestop-hook', // it declares a port: traffic reaches it
    'deploy/app.yaml:17:11 warning missing-liveness-probe', // readiness: suppressed by the object's annotation
    'deploy/app.yaml:17:11 warning missing-resource-limits', // vendor-chart: ignored in .prodready.yaml
    'legacy/report.js:6:10 warning http-call-without-timeout', // console-log: off in legacy/.prodready.yaml
    'src/orders.ts:10:66 warning http-call-without-timeout', // maxMs: 20000 from .prodready.yaml
    'src/orders.ts:11:3 error console-log', // console-log: error from .prodready.yaml
    'src/orders.ts:7:15 warning interpolated-log-message', // the fetch on line 9: ignore-next-line
  ]);

  const client = new TestClient({ folders: [WORKSPACE] });
  await client.initialize();
  const fromServer: string[] = [];
  for (const file of files(WORKSPACE)) {
    const text = fs.readFileSync(file, 'utf8');
    const kind = classify(file, text);
    if (!kind) continue;
    const uri = fileUri(file);
    await client.open(uri, LANGUAGE[kind], text);
    for (const d of await client.waitFor(uri, () => true)) {
      const rel = path.relative(WORKSPACE, file).split(path.sep).join('/');
      fromServer.push(
        `${rel}:${d.range.start.line + 1}:${d.range.start.character + 1}-${d.range.end.line + 1}:${d.range.end.character + 1} ${SEVERITY[d.severity!]} ${d.code} ${messageOf(d)}`,
      );
    }
  }
  await client.shutdown();
  assert.deepEqual(fromServer.sort(), fromCli);
});
