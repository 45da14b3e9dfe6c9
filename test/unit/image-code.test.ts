// The code behind an image (WorkspaceIndex.imageCode, model/go-facts.ts): the Go module an image is built
// from and whether it catches SIGTERM; JS/Python code that starts no server. Kept current on file changes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { WorkspaceIndex } from '../../server/src/engine/workspace-index';
import { goFileFacts, goModuleNamesImage, goSigterm, isGoPath } from '../../server/src/engine/model/go-facts';

test('go-facts: the module path, the Notify call and the SIGTERM it catches', () => {
  assert.deepEqual(goFileFacts('/w/go.mod', 'module github.com/acme/orders/v2\n\ngo 1.22\n'), { module: 'github.com/acme/orders/v2' });
  assert.deepEqual(goFileFacts('/w/go.mod', '// no module line\ngo 1.22\n'), {});
  assert.deepEqual(goFileFacts('/w/main.go', 'package main\n\nfunc main() {\n\tsignal.Notify(c, syscall.SIGTERM, os.Interrupt)\n}\n'), { notify: 4, sigterm: 4 });
  assert.deepEqual(goFileFacts('/w/main.go', 'package main\n\nfunc main() {\n\tsignal.Notify(c)\n}\n'), { notify: 4, notifyAll: true });
  assert.deepEqual(goFileFacts('/w/main.go', 'package main\n\nctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)\n'), { notify: 3, sigterm: 3 });
  // Commented out is not code.
  assert.deepEqual(goFileFacts('/w/main.go', 'package main\n// signal.Notify(c, syscall.SIGTERM)\n/* syscall.SIGTERM */\n'), {});
  assert.equal(isGoPath('/w/go.mod'), true);
  assert.equal(isGoPath('/w/pkg/a.go'), true);
  assert.equal(isGoPath('/w/pkg/a_test.go'), false);
  assert.equal(isGoPath('/w/pkg/a.gox'), false);
});

test('go-facts: SIGTERM is caught when a Notify call catches everything, or some file names SIGTERM', () => {
  assert.deepEqual(goSigterm([['/w/a.go', { notify: 7 }], ['/w/b.go', { sigterm: 3 }]]), { path: '/w/a.go', line: 7 });
  assert.deepEqual(goSigterm([['/w/a.go', { notify: 7, notifyAll: true }]]), { path: '/w/a.go', line: 7 });
  // os.Interrupt only: SIGTERM still kills the program at once.
  assert.equal(goSigterm([['/w/a.go', { notify: 7 }]]), undefined);
  assert.equal(goSigterm([['/w/b.go', { sigterm: 3 }]]), undefined);
  assert.equal(goSigterm([]), undefined);
});

test('go-facts: a module path names an image by its repository name', () => {
  assert.equal(goModuleNamesImage('github.com/stefanprodan/podinfo', 'ghcr.io/stefanprodan/podinfo:6.14.1'), true);
  assert.equal(goModuleNamesImage('github.com/stefanprodan/podinfo', 'deavon/podinfo:secure-port'), true);
  assert.equal(goModuleNamesImage('github.com/acme/orders/v3', 'acme/orders@sha256:0123'), true);
  assert.equal(goModuleNamesImage('github.com/acme/orders', 'acme/orders-api:1.0'), false);
  assert.equal(goModuleNamesImage('github.com/acme/orders', '{{ .Values.image }}'), false);
});

test('imageCode: the Go module an image is built from, JS/Python workers, and updates', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prodready-imagecode-'));
  try {
    const p = (rel: string) => path.join(dir, rel).split(path.sep).join('/');
    const write = (rel: string, text: string) => {
      fs.mkdirSync(path.dirname(p(rel)), { recursive: true });
      fs.writeFileSync(p(rel), text);
    };
    write('go.mod', 'module github.com/acme/greeter\n');
    write('Dockerfile', 'FROM golang:1.22 AS build\nRUN go build -o /greeter .\nFROM alpine:3.20\nCOPY --from=build /greeter /greeter\nCMD ["/greeter"]\n');
    write('main.go', 'package main\n\nfunc main() {}\n');
    write('tools/gen/go.mod', 'module github.com/acme/gen\n');
    write('tools/gen/main.go', 'package main\nfunc main() { signal.Notify(c) }\n');
    write('worker/Dockerfile', 'FROM node:20-alpine\nCOPY . .\nCMD ["node", "src/worker.js"]\n');
    write('worker/package.json', '{"name": "worker", "private": true}\n');
    write('worker/src/worker.js', "const { Worker } = require('bullmq');\nnew Worker('mail', async () => {});\n");
    write('web/Dockerfile', 'FROM node:20-alpine\nCOPY . .\nCMD ["npm", "start"]\n');
    write('web/package.json', '{"name": "web", "private": true}\n');
    write('web/src/index.js', "console.log('hello');\n");
    write('rpc/Dockerfile', 'FROM node:20-alpine\nCOPY . .\nCMD ["node", "server.js"]\n');
    write('rpc/package.json', '{"name": "rpc", "private": true}\n');
    write('rpc/server.js', "const grpc = require('@grpc/grpc-js');\nconst server = new grpc.Server();\nserver.bindAsync('0.0.0.0:50051', creds, () => {});\n");
    write('mono/Dockerfile', 'FROM node:20-alpine\nCOPY . .\nCMD ["node", "packages/jobs/index.js"]\n');
    write('mono/package.json', '{"name": "mono", "private": true, "workspaces": ["packages/*"]}\n');
    write('mono/packages/jobs/package.json', '{"name": "jobs"}\n');
    write('mono/packages/jobs/index.js', "setInterval(() => {}, 1000);\n");
    const index = new WorkspaceIndex();
    await index.build([dir]);
    const facts = index.facts();

    // The nested tool module's Notify is not the program's.
    assert.deepEqual(facts.imageCode!('ghcr.io/acme/greeter:1.0'), { dockerfile: p('Dockerfile'), context: dir.split(path.sep).join('/'), language: 'go', serves: undefined, goSigterm: null });
    assert.equal(facts.imageCode!('acme/worker:1')?.serves, false, 'runs its own code with node and starts no server');
    assert.equal(facts.imageCode!('acme/web:1')?.serves, undefined, 'npm start may run anything');
    assert.equal(facts.imageCode!('acme/rpc:1')?.serves, undefined, 'a gRPC server the facts do not read');
    assert.equal(facts.imageCode!('acme/mono:1')?.serves, undefined, 'the code is in a package nested in the context');
    assert.equal(facts.imageCode!('acme/elsewhere:1'), undefined);
    assert.equal(facts.imageCode!('redis:7'), undefined);

    const open = [p('Dockerfile')];
    const before = index.snapshot(open);
    write('signals.go', 'package main\n\nimport "syscall"\n\nfunc init() { signal.Notify(c, syscall.SIGTERM) }\n');
    index.fileChanged(p('signals.go'));
    assert.deepEqual(index.changedSince(before), open);
    assert.deepEqual(facts.imageCode!('ghcr.io/acme/greeter:1.0')?.goSigterm, { path: p('signals.go'), line: 5 });

    write('worker/src/worker.js', "require('http').createServer((q, s) => s.end('ok')).listen(3000);\n");
    index.fileChanged(p('worker/src/worker.js'));
    assert.equal(facts.imageCode!('acme/worker:1')?.serves, true);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
