// What an entry script does with the app (signal-not-forwarded follows it), which repository file
// an image's script comes from, and how a finding's related locations reach LSP, JSON and SARIF.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { entryScriptFacts, entryScriptSources, entrypointOf, imageShell, lastCommandOf, passesCommandThrough, shellBehaviour, stageEntrypoints } from '../../server/src/engine/model/entry-scripts';
import { toDiagnostic } from '../../server/src/lsp/convert';
import { LineIndex } from '../../server/src/engine/lines';
import { jsonReport, sarifReport, type ReportFinding } from '../../server/src/cli/reports';
import { registry } from '../../server/src/rules';

describe('entry scripts', () => {
  test('the last top-level command decides', () => {
    assert.deepEqual(entryScriptFacts('#!/bin/sh\nset -e\nnode server.js\n'), { starts: 'child', line: 3, command: 'node server.js' });
    assert.deepEqual(entryScriptFacts('#!/bin/sh\nexec node server.js\n'), { starts: 'exec' });
    assert.deepEqual(entryScriptFacts('#!/bin/sh\nchown app /data\nexec "$@"\n'), { starts: 'exec', execsArgs: true });
    assert.equal(entryScriptFacts('#!/bin/bash\nNODE_ENV=production npm start\n').starts, 'child');
    assert.equal(entryScriptFacts('#!/bin/sh\n"$@"\n').starts, 'child');
    // A continued line is one command, reported at its first line.
    assert.deepEqual(entryScriptFacts('#!/bin/sh\nnode server.js \\\n  --port 3000\n'), { starts: 'child', line: 2, command: 'node server.js --port 3000' });
  });

  test('what cannot be told is unknown', () => {
    assert.equal(entryScriptFacts('#!/bin/sh\nif [ -n "$X" ]; then\n  exec node a.js\nfi\n').starts, 'unknown');
    assert.equal(entryScriptFacts('#!/bin/sh\ntrap "kill -TERM $child" TERM\nnode a.js &\nchild=$!\nwait\n').starts, 'unknown');
    assert.equal(entryScriptFacts('#!/bin/sh\nnode a.js &\n').starts, 'unknown');
    assert.equal(entryScriptFacts('#!/bin/sh\nnode migrate.js && node a.js\n').starts, 'unknown');
    assert.equal(entryScriptFacts('#!/usr/bin/env node\nconsole.log(1)\n').starts, 'unknown');
    assert.equal(entryScriptFacts('#!/bin/sh\necho done\n').starts, 'unknown');
    assert.equal(entryScriptFacts('#!/bin/sh\ncat <<EOF > /app/config\nnode x\nEOF\n').starts, 'unknown');
  });

  test('the repository file an image script was copied from', () => {
    const dockerfile = 'FROM node:20\nWORKDIR /app\nCOPY docker/entrypoint.sh /usr/local/bin/\nCOPY . .\nENTRYPOINT ["entrypoint.sh"]\n';
    assert.deepEqual(entryScriptSources('/ws/api/Dockerfile', dockerfile, 'entrypoint.sh'), ['/ws/api/docker/entrypoint.sh']);
    assert.deepEqual(entryScriptSources('/ws/api/Dockerfile', 'FROM node:20\nWORKDIR /app\nCOPY . .\n', './bin/start.sh'), ['/ws/api/bin/start.sh']);
    assert.deepEqual(entryScriptSources('/ws/api/Dockerfile', 'FROM node:20\nCOPY --from=build /out/start.sh /start.sh\n', '/start.sh'), []);
    assert.deepEqual(entryScriptSources('/ws/api/Dockerfile', 'FROM node:20\nCOPY start.sh /start.sh\n', '/start.sh'), ['/ws/api/start.sh']);
  });

  test('the ENTRYPOINT an image built here runs, and base images that hand the command over', () => {
    const stages = stageEntrypoints('FROM node:20 AS base\nENTRYPOINT ["tini", "--"]\nFROM base\nCMD ["node", "a.js"]\n');
    assert.deepEqual(entrypointOf(stages), { words: ['tini', '--'], exec: true, base: 'node:20' });
    assert.deepEqual(entrypointOf(stageEntrypoints('FROM node:20-slim\nCMD ["node", "a.js"]\n')), { words: [], exec: true, base: 'node:20-slim' });
    assert.equal(entrypointOf(stages, 'missing'), undefined);
    assert.equal(passesCommandThrough('docker.io/library/node:20-alpine'), true);
    assert.equal(passesCommandThrough('registry.example.com/node:20'), false);
    assert.equal(passesCommandThrough('${IMAGE}'), false);
  });
});

describe('sh -c', () => {
  // Measured: dash 0.5.12 keeps itself as the parent of `sh -c 'sleep 7'`; bash 5.2 and BusyBox 1.35
  // replace themselves with the last command, even after `&&`.
  test("an image's /bin/sh decides", () => {
    assert.equal(imageShell('node:20-slim'), 'dash');
    assert.equal(imageShell('node:20'), 'dash');
    assert.equal(imageShell('python:3.12-bookworm'), 'dash');
    assert.equal(imageShell('node:20-alpine'), 'busybox');
    assert.equal(imageShell('node:${NODE_VERSION}-alpine'), 'busybox');
    assert.equal(imageShell('mhart/alpine-node:14'), 'busybox');
    assert.equal(imageShell('node:${NODE_VERSION}'), undefined);
    assert.equal(imageShell('cgr.dev/chainguard/minio'), undefined);
    assert.equal(shellBehaviour('/bin/sh', 'node:20-slim'), 'keeps');
    assert.equal(shellBehaviour('sh', 'node:20-alpine'), 'execs');
    assert.equal(shellBehaviour('bash', 'node:20-slim'), 'execs');
    assert.equal(shellBehaviour('sh', 'registry.example.com/app:1'), 'unknown');
  });

  test('the last command of a plain script', () => {
    assert.deepEqual(lastCommandOf('npm run migrate && npm start'), ['npm', 'start']);
    assert.deepEqual(lastCommandOf('PORT=3000 node server.js'), ['node', 'server.js']);
    assert.equal(lastCommandOf('node a.js &'), undefined);
    assert.equal(lastCommandOf('node "a b.js"'), undefined);
    assert.equal(lastCommandOf('while true; do sleep 1; done'), undefined);
  });
});

describe('related locations', () => {
  const related = [{ path: '/ws/api/src/server.js', line: 8, message: 'This SIGTERM handler will never run.' }];

  test('become LSP related information', () => {
    const lines = new LineIndex('CMD node server.js\n');
    const diagnostic = toDiagnostic(lines, { ruleId: 'signal-not-forwarded', severity: 'warning', start: 0, end: 18, message: 'm', related });
    assert.deepEqual(diagnostic.relatedInformation, [
      { location: { uri: 'file:///ws/api/src/server.js', range: { start: { line: 7, character: 0 }, end: { line: 7, character: 0 } } }, message: 'This SIGTERM handler will never run.' },
    ]);
    assert.equal(toDiagnostic(lines, { ruleId: 'signal-not-forwarded', severity: 'warning', start: 0, end: 18, message: 'm' }).relatedInformation, undefined);
  });

  test('appear in the JSON and SARIF reports', () => {
    const finding: ReportFinding = {
      ruleId: 'signal-not-forwarded', severity: 'warning', file: 'api/Dockerfile', line: 9, column: 1, endLine: 9, endColumn: 36, message: 'm', fixes: [],
      related: [{ file: 'api/src/server.js', line: 8, column: 1, message: 'This SIGTERM handler will never run.' }],
    };
    const report = { findings: [finding, { ...finding, related: undefined }], files: 1, durationMs: 1, fixed: [] };
    const json = JSON.parse(jsonReport(report));
    assert.deepEqual(json.findings[0].related, finding.related);
    assert.equal('related' in json.findings[1], false);
    const sarif = JSON.parse(sarifReport(report, registry, '0.0.0', 'file:///ws/'));
    assert.deepEqual(sarif.runs[0].results[0].relatedLocations, [
      { id: 0, physicalLocation: { artifactLocation: { uri: 'api/src/server.js', uriBaseId: '%SRCROOT%' }, region: { startLine: 8, startColumn: 1 } }, message: { text: 'This SIGTERM handler will never run.' } },
    ]);
  });
});
