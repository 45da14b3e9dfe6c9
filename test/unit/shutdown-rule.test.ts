// missing-sigterm-handler as a user sees it: which code is flagged, what the message says, what
// the fix writes, and that odd input and an unindexed workspace never produce a finding.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, fixesFor } from '../../server/src/engine/analyze';
import { EMPTY_CONFIG, mergeConfig, type Config } from '../../server/src/engine/config';
import { applyEdits } from '../../server/src/engine/edits';
import { prepare } from '../../server/src/engine/source';
import type { ParsedDocument } from '../../server/src/engine/document';
import { EMPTY_WORKSPACE_FACTS, NO_WORKSPACE_FACTS, type WorkspaceFacts } from '../../server/src/engine/workspace-facts';
import { registry } from '../../server/src/rules';
import { missingSigtermHandler } from '../../server/src/rules/shutdown/missing-sigterm-handler';
import { shutdownFacts } from '../../server/src/rules/shutdown/shutdown-facts';

const RULE = 'missing-sigterm-handler';

function load(code: string, relativePath = 'src/server.ts'): ParsedDocument {
  const prepared = prepare({ path: `/ws/${relativePath}`, relativePath, text: code });
  assert.equal(prepared.status, 'document');
  return (prepared as { doc: ParsedDocument }).doc;
}

function run(code: string, options: { path?: string; workspace?: WorkspaceFacts; config?: Config } = {}) {
  const doc = load(code, options.path);
  const config = options.config ?? EMPTY_CONFIG;
  const workspace = options.workspace ?? EMPTY_WORKSPACE_FACTS;
  const result = analyze(doc, { registry, config, workspace });
  assert.deepEqual(result.crashes, []);
  const findings = result.findings.filter((f) => f.ruleId === RULE);
  return {
    doc,
    findings,
    /** What the finding points at. */
    spans: findings.map((f) => doc.text.slice(f.start, f.end)),
    fix: (i = 0) => fixesFor(findings[i], doc, { registry, config, workspace })[0],
  };
}

const withRoles = (roles: Record<string, 'service'>): Config => ({ ...EMPTY_CONFIG, roles: Object.entries(roles).map(([glob, role]) => ({ glob, role })) });

const withOptions = (options: Record<string, unknown>): Config =>
  mergeConfig(EMPTY_CONFIG, { rules: { [RULE]: { options } } });

describe('missing-sigterm-handler: docs', () => {
  test('the docs example is flagged and the use-instead code is not', () => {
    const { example, useInstead } = missingSigtermHandler.docs;
    assert.equal(run(example.code, { path: example.path }).findings.length, 1);
    assert.equal(run(useInstead.code, { path: useInstead.path }).findings.length, 0);
  });

  test('applying the fix to the docs example gives the use-instead code', () => {
    const { example, useInstead } = missingSigtermHandler.docs;
    const { fix } = run(example.code, { path: example.path });
    assert.equal(applyEdits(example.code, fix().edits), useInstead.code);
  });
});

describe('missing-sigterm-handler: what is flagged', () => {
  const EXPRESS = "import express from 'express';\nconst app = express();\napp.listen(3000);\n";

  test('nothing is flagged before the workspace is indexed (no false positive at start-up)', () => {
    assert.deepEqual(run(EXPRESS, { workspace: NO_WORKSPACE_FACTS }).findings, []);
  });

  test('a handler elsewhere in the package clears the finding', () => {
    assert.deepEqual(run(EXPRESS, { workspace: { ...EMPTY_WORKSPACE_FACTS, handlesSigterm: () => true } }).findings, []);
  });

  test('the finding sits on the callee name, with a message naming the framework', () => {
    const { spans, findings } = run(EXPRESS);
    assert.deepEqual(spans, ['listen']);
    assert.match(findings[0].message, /^This starts an express app, but nothing in its package handles SIGTERM/);
  });

  test('each way of starting a server is recognised', () => {
    const cases: Array<[string, string]> = [
      ["const http = require('node:http');\nhttp.createServer((q, s) => s.end()).listen(80);\n", 'an HTTP server'],
      ["import { createServer } from 'https';\nconst server = createServer({}, handler);\nserver.listen(443);\n", 'an HTTP server'],
      ["const app = require('express')();\napp.listen(3000);\n", 'an express app'],
      ["import Koa = require('koa');\nconst app = new Koa();\napp.listen(3000);\n", 'a koa app'],
      ["const fastify = require('fastify')({ logger: true });\nfastify.listen({ port: 3000 });\n", 'a fastify app'],
      ["import { fastify } from 'fastify';\nconst app = fastify();\nawait app.listen({ port: 3000 });\n", 'a fastify app'],
      ["import * as Hapi from '@hapi/hapi';\nconst server = new Hapi.Server({ port: 3000 });\nawait server.start();\n", 'a hapi server'],
      ["import { serve } from '@hono/node-server';\nserve(app);\n", 'a hono server'],
      ["import { NestFactory } from '@nestjs/core';\nconst app = await NestFactory.create<NestExpressApplication>(AppModule);\nawait app.listen(3000);\n", 'a NestJS app'],
    ];
    for (const [code, label] of cases) {
      const { findings } = run(code);
      assert.equal(findings.length, 1, code);
      assert.ok(findings[0].message.includes(`starts ${label},`), `${code}\n${findings[0].message}`);
    }
  });

  test('what the file does not make plain is not flagged', () => {
    const quiet = [
      // app comes from another module
      "import app from './app';\napp.listen(3000);\n",
      // a parameter: could be anything
      "import express from 'express';\nconst app = express();\nexport function start(app) { app.listen(3000); }\n",
      // the name is bound twice
      "import express from 'express';\nlet app = express();\napp = wrap(app);\napp.listen(3000);\n",
      // a loop variable with the same name as the app
      "import express from 'express';\nconst app = express();\nfor (const app of apps) app.listen(3000);\n",
      // not an HTTP framework the rule knows
      "import net from 'node:net';\nnet.createServer().listen(9000);\n",
      "const { Server } = require('socket.io');\nconst io = new Server();\nio.listen(3000);\n",
      // hapi's start on something that is not a hapi server, a listen on a router
      "import express from 'express';\nconst router = express.Router();\nrouter.listen(3000);\nqueue.start();\n",
      // a worker
      "process.on('message', handle);\nsetInterval(poll, 1000);\n",
    ];
    for (const code of quiet) assert.deepEqual(run(code).findings, [], code);
  });

  test('test files are skipped unless roles: says otherwise', () => {
    const code = "import express from 'express';\nconst app = express();\nconst server = app.listen(3000);\n";
    assert.deepEqual(run(code, { path: 'src/__tests__/api.ts' }).findings, []);
    assert.deepEqual(run(code, { path: 'src/api.spec.ts' }).findings, []);
    assert.equal(run(code, { path: 'src/api.spec.ts', config: withRoles({ 'src/api.spec.ts': 'service' }) }).findings.length, 1);
  });

  test('scripts are skipped unless roles: says otherwise', () => {
    const code = "import express from 'express';\nconst app = express();\napp.listen(4010);\n";
    assert.deepEqual(run(code, { path: 'scripts/mock.ts' }).findings, []);
    assert.deepEqual(run(`#!/usr/bin/env node\n${code}`, { path: 'src/dev.ts' }).findings, []);
    assert.equal(run(`#!/usr/bin/env node\n${code}`, { path: 'src/dev.ts', config: withRoles({ 'src/dev.ts': 'service' }) }).findings.length, 1);
    assert.equal(run(code, { path: 'scripts/mock.ts', config: withRoles({ 'scripts/**': 'service' }) }).findings.length, 1);
  });

  test('half-typed and odd code never throws and is not flagged', () => {
    const odd = [
      '',
      "import express from 'express';\nconst app = express(\napp.listen(",
      "import express from 'express';\nconst app = express();\napp.listen",
      'listen(); start(); serve();',
      "const app = require();\napp.listen(1);\nconst b = require('express', 'x')();\nb.listen(2);\n",
      '}}} const = express(); listen((( {{{',
      // listen on the module, not on an app
      "const express = require('express');\nexpress.listen(...args);\n",
    ];
    for (const code of odd) {
      const { findings } = run(code);
      assert.deepEqual(findings.map((f) => f.message), [], JSON.stringify(code));
    }
  });
});

describe('missing-sigterm-handler: facts about a file', () => {
  const handles = (code: string) => shutdownFacts(load(code)).handlesSigterm;

  test('listeners, libraries and Nest hooks count as handling SIGTERM', () => {
    assert.equal(handles("process.on('SIGTERM', stop);"), true);
    assert.equal(handles('process.once("SIGTERM", stop);'), true);
    assert.equal(handles("process.addListener('SIGTERM', stop);"), true);
    assert.equal(handles("process.prependListener(`SIGTERM`, stop);"), true);
    assert.equal(handles("globalThis.process.on('SIGTERM', stop);"), true);
    assert.equal(handles("for (const s of ['SIGINT', 'SIGTERM']) process.on(s, stop);"), true);
    assert.equal(handles("const { createTerminus } = require('@godaddy/terminus');"), true);
    assert.equal(handles("import { createHttpTerminator } from 'http-terminator';"), true);
    assert.equal(handles("import closeWithGrace from 'close-with-grace';"), true);
    assert.equal(handles("const stoppable = require('stoppable');"), true);
    assert.equal(handles("import { createLightship } from 'lightship';"), true);
    assert.equal(handles("const { default: closeWithGrace } = await import('close-with-grace');"), true);
    assert.equal(handles('app.enableShutdownHooks();'), true);
  });

  test('mentioning SIGTERM without listening for it does not count', () => {
    assert.equal(handles("process.on('SIGINT', stop);"), false);
    assert.equal(handles("process.kill(pid, 'SIGTERM');"), false);
    assert.equal(handles("// TODO: handle SIGTERM\nprocess.on('exit', flush);"), false);
    assert.equal(handles("emitter.on('SIGTERM', stop);"), false);
    assert.equal(handles("const terminus = 'close-with-grace is not imported here';"), false);
  });
});

describe('missing-sigterm-handler: the fix', () => {
  test('the grace period comes from the option, as a snippet placeholder too', () => {
    const code = "import express from 'express';\nconst app = express();\napp.listen(3000);\n";
    const { fix } = run(code, { config: withOptions({ gracePeriodMs: 25000 }) });
    const edits = fix().edits;
    const fixed = applyEdits(code, edits);
    assert.match(fixed, /\}, 25_000\)\.unref\(\);/);
    const handler = edits.find((e) => e.snippet)!;
    assert.match(handler.snippet!, /\$\{1:25_000\}\)\.unref\(\);/);
    assert.equal(handler.snippet!.replace('${1:25_000}', '25_000').replace(/\\([\\$}])/g, '$1'), handler.newText);
  });

  test('the new variable does not clash with a name in use', () => {
    const code = "import express from 'express';\nconst server = 'db.internal';\nconst app = express();\napp.listen(3000);\n";
    const fixed = applyEdits(code, run(code).fix().edits);
    assert.match(fixed, /const httpServer = app\.listen\(3000\);/);
    assert.match(fixed, /httpServer\.close\(/);
  });

  test('no fix when the listen result cannot be kept without restructuring', () => {
    const code = "import express from 'express';\nconst app = express();\nmodule.exports = app.listen(3000);\n";
    const { findings, fix } = run(code);
    assert.equal(findings.length, 1);
    assert.equal(fix(), undefined);
  });

  test('the fixed file has no finding left and our logging rules do not fire on it', () => {
    const code = "import express from 'express';\nconst app = express();\napp.listen(3000);\n";
    const fixed = applyEdits(code, run(code).fix().edits);
    const result = analyze(load(fixed), { registry, config: EMPTY_CONFIG, workspace: EMPTY_WORKSPACE_FACTS });
    assert.deepEqual(result.findings.map((f) => f.ruleId), []);
  });
});
