// The project model through the CLI, as a user meets it: one small workspace holding each class of
// wrong finding that real repositories showed (issue 14), checked end to end; `prodready explain`;
// and `roles:` overrides. Every "not flagged" below was a finding before the model existed.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeTree } from './support/files';

const CLI = path.resolve(__dirname, '..', 'dist', 'cli.js');

function cli(args: string[], cwd: string) {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface JsonFinding {
  ruleId: string;
  file: string;
  line: number;
}

function findings(cwd: string, args: string[] = []): string[] {
  const { stdout, stderr, code } = cli(['check', '--format', 'json', '--fail-on', 'none', ...args], cwd);
  assert.equal(code, 0, stderr);
  return (JSON.parse(stdout).findings as JsonFinding[]).map((f) => `${f.file}:${f.line} ${f.ruleId}`).sort();
}

const LOG_AND_CALL = "console.log('loading');\nfetch('/api/orders');\n";

/** Each class of issue 14, in a workspace of one service. */
const WORKSPACE: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'shop', private: true, scripts: { start: 'node src/app.js', seed: 'node scripts/seed.js', 'admin:remove-user': 'node admin/remove-user.js' } }),
  // The service itself: what must still be flagged.
  'src/app.js': [
    "const express = require('express');",
    "const path = require('path');",
    'const app = express();',
    "app.use(express.static(path.join(__dirname, '..', 'web-assets')));",
    "const { total } = require('./orders');",
    "console.log('starting');",
    "fetch('http://payments/charge');",
    'app.listen(3000);',
    '',
  ].join('\n'),
  // 1. Browser code: a statically served folder, browser globals other than window/document, a hook, a front-end package.
  'web-assets/cart.js': LOG_AND_CALL,
  'src/legacy/nav.js': `$('.menu').show();\n${LOG_AND_CALL}`,
  'src/legacy/prefs.js': `localStorage.setItem('a', '1');\n${LOG_AND_CALL}`,
  'src/hooks/useOrders.ts': `import { useEffect } from 'react';\nimport { decodeFilters } from '../shared/filters';\n${LOG_AND_CALL}`,
  // ... and what only front-end code imports: a shared module, a Remix `.client.` module, a `client-only/` folder.
  'src/shared/filters.js': `export const decodeFilters = (q) => q;\n${LOG_AND_CALL}`,
  'remix/package.json': JSON.stringify({ name: 'shop-remix', private: true, dependencies: { '@remix-run/node': '2', '@remix-run/react': '2', express: '4' } }),
  'remix/server/ai/detect.client.ts': LOG_AND_CALL,
  'remix/server/ai/detect.ts': `${LOG_AND_CALL}`,
  'src/payments.client.js': "fetch('http://payments/charge');\n",
  'packages/lib/client-only/download.js': LOG_AND_CALL,
  'ui/package.json': JSON.stringify({ name: 'shop-ui', private: true, dependencies: { react: '18' }, devDependencies: { vite: '5' } }),
  'ui/src/api.ts': "import axios from 'axios';\nexport const orders = () => axios.get('/api/orders');\n",
  // 2. Build and tool configuration.
  'vite.config.ts': `export default { server: { proxy: {} } };\n${LOG_AND_CALL}`,
  'webpack.dev.js': LOG_AND_CALL,
  'jest.global-setup.js': LOG_AND_CALL,
  // Test helpers: acceptance suites. A module in src/ that only tests import stays service code (it may be the
  // entry point they drive, or reached by a package name or path alias the scan of relative imports does not see).
  'acceptance/support/http.ts': LOG_AND_CALL,
  'src/clients/api-client.js': LOG_AND_CALL,
  'test/orders.e2e.js': "const { api } = require('../src/clients/api-client');\nconst { total } = require('../src/orders');\n",
  'src/orders.js': "exports.total = () => fetch('http://pricing/total');\n",
  // The logging pipeline itself: console is its fallback sink.
  'src/telemetry.js': "const { NodeSDK } = require('@opentelemetry/sdk-node');\ntry { new NodeSDK().start(); } catch (err) { console.error('telemetry failed', err); }\n",
  // 3. Scripts: migrations, seeds (an npm script runs it), load tests, set-up scripts.
  'db/migrations/001-init.js': LOG_AND_CALL,
  'scripts/seed.js': LOG_AND_CALL,
  // ... modules only one-off programs import (an admin script an npm script runs), a code generator, a playground app.
  'admin/remove-user.js': "const { connect } = require('./connect');\nconst [, , email] = process.argv;\nconnect(email);\n",
  'admin/connect.js': `exports.connect = () => {};\n${LOG_AND_CALL}`,
  'libs/gen/src/generators/provider/generator.ts': `import { formatFiles } from '@nx/devkit';\n${LOG_AND_CALL}`,
  'playground/app/main.js': "const express = require('express');\nconst app = express();\napp.listen(4000);\n",
  'load/smoke.js': `import http from 'k6/http';\nexport default function () { console.log(http.get('http://api:3000/health').status); }\n`,
  // 4. Other linters' opt-outs for the same concern.
  'src/banner.js': [
    '// biome-ignore lint/suspicious/noConsole: boot banner',
    "console.log('a');",
    '// oxlint-disable-next-line no-console',
    "console.log('b');",
    '// deno-lint-ignore no-console',
    "console.log('c');",
    '',
  ].join('\n'),
  // 5. Compose files for tests and CI, and one-shot services.
  'docker-compose.test.yml': 'services:\n  sut:\n    build: .\n    command: npm test\n',
  'ci/compose.yaml': 'services:\n  api:\n    build: ..\n',
  'docker-compose.yml': [
    'services:',
    '  api:',
    '    build: .',
    '    healthcheck:',
    '      test: ["CMD", "node", "healthcheck.js"]',
    '    depends_on:',
    '      init:',
    '        condition: service_completed_successfully',
    '  worker:',
    '    image: registry.example.com/shop/worker:1.4.0',
    '  migrate:',
    '    image: registry.example.com/shop/api:1.4.0',
    '    command: npm run migrate',
    '    restart: "no"',
    '  init:',
    '    image: registry.example.com/shop/init:1.4.0',
    '  wait:',
    '    image: busybox:1.36',
    '    command: ["sh", "-c", "until nc -z db 5432; do sleep 1; done"]',
    '  tools:',
    '    image: registry.example.com/shop/tools:1.4.0',
    '    profiles: ["tools"]',
    '  db:',
    '    image: postgres:16',
    '',
  ].join('\n'),
  // 6. Images that are not services: a test runner, a FROM scratch export, a build image with no command.
  'Dockerfile.cypress': 'FROM cypress/included:13.6.0\nCOPY . .\nCMD ["npx", "cypress", "run"]\n',
  'export.Dockerfile': 'FROM node:20 AS build\nRUN npm ci && npm run build\nFROM scratch\nCOPY --from=build /app/dist /\n',
  'tools/builder/Dockerfile': 'FROM node:20\nCOPY . .\nRUN npm ci && npm run build\n',
  // 7. A health check declared elsewhere in the chain: compose health-checks the image this Dockerfile builds.
  Dockerfile: 'FROM node:20-slim\nCOPY . .\nEXPOSE 3000\nCMD ["node", "src/app.js"]\n',
  // 8. Helm test hooks and portless load generators are not long-running services.
  'chart/templates/test-connection.yaml': [
    'apiVersion: v1',
    'kind: Pod',
    'metadata:',
    '  name: "{{ .Release.Name }}-test"',
    '  annotations:',
    '    "helm.sh/hook": test',
    'spec:',
    '  containers:',
    '    - name: wget',
    '      image: busybox:1.36',
    "      command: ['wget', '{{ .Release.Name }}:80']",
    '  restartPolicy: Never',
    '',
  ].join('\n'),
  'deploy/loadgen.yaml': [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: loadgenerator',
    'spec:',
    '  template:',
    '    spec:',
    '      containers:',
    '        - name: loadgenerator',
    '          image: registry.example.com/shop/loadgenerator:1.4.0',
    '          resources:',
    '            requests: { cpu: 100m, memory: 128Mi }',
    '            limits: { cpu: 500m, memory: 512Mi }',
    '',
  ].join('\n'),
  // 10. A containerised server whose package.json is npm-init's default is not a published library;
  // a server that reads process.argv and is what `npm start` runs is not a command line tool.
  'svc/package.json': JSON.stringify({ name: 'svc', version: '1.0.0', main: 'index.js', scripts: { test: 'echo "Error: no test specified" && exit 1' }, license: 'ISC' }),
  'svc/index.js': "process.on('SIGTERM', () => process.exit(0));\nconsole.log('svc up');\n",
  'svc/Dockerfile': 'FROM node:20-slim\nCOPY . .\nHEALTHCHECK CMD node -e "1"\nCMD ["node", "index.js"]\n',
  'cli-server/package.json': JSON.stringify({ name: 'cli-server', private: true, scripts: { start: 'node server.js --port 8080' } }),
  'cli-server/server.js': "const port = Number(process.argv[3]);\nprocess.on('SIGTERM', () => process.exit(0));\nconsole.log('listening', port);\n",
  // Vendored code: a folder with its own LICENSE that is no package, or a header naming its source.
  'src/libs/glob/LICENSE': 'ISC License\n',
  'src/libs/glob/index.js': LOG_AND_CALL,
  'src/libs/sanitize.js': `/*\n  sanitize-html\n  SOURCE: https://github.com/apostrophecms/sanitize-html\n*/\n${LOG_AND_CALL}`,
  // A published library (types, exports) with a Dockerfile stays a library: its console output is for its users.
  'proxy/package.json': JSON.stringify({ name: '@shop/proxy', version: '2.0.0', main: 'dist/index.js', types: 'dist/index.d.ts' }),
  'proxy/Dockerfile': 'FROM node:20-slim\nCOPY . .\nHEALTHCHECK CMD node -e "1"\nCMD ["node", "dist/start.js"]\n',
  'proxy/src/logger.js': "export const log = (m) => console.log(JSON.stringify({ m }));\n",
  // A compose service named for a one-off job, and a stock image rebuilt with its config only.
  'deploy/compose.yaml': [
    'services:',
    '  db-migrate:',
    '    build: ./migrations',
    '  proxy:',
    '    build: ./proxy',
    '',
  ].join('\n'),
  'deploy/proxy/Dockerfile': 'FROM nginx:1.27\nCOPY nginx.conf /etc/nginx/conf.d/default.conf\n',
};

describe('the project model, end to end', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prodready-model-'));
    writeTree(dir, WORKSPACE);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('only the service code and the services are flagged', () => {
    assert.deepEqual(findings(dir), [
      'cli-server/server.js:3 console-log',
      // An nginx image with the project's config is the project's own service image (information).
      'deploy/proxy/Dockerfile:1 dockerfile-missing-healthcheck',
      'docker-compose.yml:9 compose-missing-healthcheck',
      'remix/server/ai/detect.ts:1 console-log',
      'remix/server/ai/detect.ts:2 http-call-without-timeout',
      'src/app.js:6 console-log',
      'src/app.js:7 hardcoded-service-url',
      'src/app.js:7 http-call-without-timeout',
      'src/app.js:8 missing-sigterm-handler',
      'src/clients/api-client.js:1 console-log',
      'src/clients/api-client.js:2 http-call-without-timeout',
      'src/orders.js:1 hardcoded-service-url',
      'src/orders.js:1 http-call-without-timeout',
      'src/payments.client.js:1 hardcoded-service-url',
      'src/payments.client.js:1 http-call-without-timeout',
      'svc/index.js:2 console-log',
    ]);
  });

  test('explain says what a file is for and why, in text and JSON', () => {
    const text = cli(['explain', 'web-assets/cart.js'], dir);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^web-assets\/cart\.js: browser \(/);
    assert.match(text.stdout, /why: lies in `web-assets`, which src\/app\.js:4 serves to browsers as static files/);
    assert.match(text.stdout, /rules that do not apply to browser files: [a-z-, ]*console-log, [a-z-, ]*http-call-without-timeout/);
    assert.doesNotMatch(text.stdout, /\[\/tmp\//, 'evidence is shown relative to the workspace');
    for (const [file, why] of [
      ['src/shared/filters.js', /^src\/shared\/filters\.js: browser .*\n {2}why: imported only by front-end code: src\/hooks\/useOrders\.ts /],
      ['admin/connect.js', /^admin\/connect\.js: script .*\n {2}why: imported only by one-off programs \(command line tools, scripts\): admin\/remove-user\.js /],
      ['remix/server/ai/detect.client.ts', /why: a `\.client\.` module of a package that depends on `@remix-run\/react`, which runs such modules in the browser only/],
      ['libs/gen/src/generators/provider/generator.ts', /why: imports the code generator kit `@nx\/devkit`: a generator run at development time/],
    ] as const) {
      const out = cli(['explain', file], dir);
      assert.equal(out.code, 0, out.stderr);
      assert.match(out.stdout, why);
    }

    const json = cli(['explain', '--format', 'json', 'Dockerfile', 'docker-compose.test.yml', 'ui/src/api.ts', 'tools/builder/Dockerfile'], dir);
    assert.equal(json.code, 0, json.stderr);
    const files = JSON.parse(json.stdout).files as Array<{ file: string; role: { role: string; source: string }; facts: string[]; package?: { frontEnd?: string } }>;
    assert.deepEqual(files.map((f) => [f.file, f.role.role, f.role.source]), [
      ['Dockerfile', 'service', 'default'],
      ['docker-compose.test.yml', 'test', 'path'],
      ['ui/src/api.ts', 'browser', 'package'],
      ['tools/builder/Dockerfile', 'build', 'content'],
    ]);
    assert.ok(files[0].facts.some((f) => f.startsWith('built by compose service `api` (docker-compose.yml:2), which declares a healthcheck')), files[0].facts.join('\n'));
    assert.match(files[2].package?.frontEnd ?? '', /depends on `react` and builds with `vite`/);

    const missing = cli(['explain'], dir);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /explain needs a file/);
  });

  test('roles: in .prodready.yaml overrides the model, and explain names the override', () => {
    fs.writeFileSync(path.join(dir, '.prodready.yaml'), 'roles:\n  "web-assets/**": service\n  "src/app.js": script\n');
    try {
      const found = findings(dir);
      assert.ok(found.includes('web-assets/cart.js:1 console-log'), found.join('\n'));
      assert.ok(found.includes('web-assets/cart.js:2 http-call-without-timeout'), found.join('\n'));
      assert.ok(!found.some((f) => f.startsWith('src/app.js')), found.join('\n'));
      const { stdout } = cli(['explain', 'src/app.js'], dir);
      assert.match(stdout, /src\/app\.js: script .*\n {2}why: `roles:` in \.prodready\.yaml maps `src\/app\.js` to script/);
      fs.writeFileSync(path.join(dir, '.prodready.yaml'), 'roles:\n  "web-assets/**": frontend\n');
      const bad = cli(['check', '--format', 'json'], dir);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /Unknown role "frontend" for 'web-assets\/\*\*': use one of service, browser, test, dev, script, config, build, generated, example/);
    } finally {
      fs.rmSync(path.join(dir, '.prodready.yaml'));
    }
  });
});

/** Manifest links (issues 14 and 19): which images Kubernetes runs, which stacks sit on a local environment. */
const LINKS: Record<string, string> = {
  'k8s/jobs.yaml': [
    'apiVersion: batch/v1',
    'kind: CronJob',
    'metadata:',
    '  name: nightly-report',
    'spec:',
    '  schedule: "0 3 * * *"',
    '  jobTemplate:',
    '    spec:',
    '      template:',
    '        spec:',
    '          restartPolicy: OnFailure',
    '          containers:',
    '            - name: report',
    '              image: registry.example.com/shop/report:1.0.0',
    '---',
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: api',
    'spec:',
    '  template:',
    '    spec:',
    '      containers:',
    '        - name: api',
    '          image: registry.example.com/shop/api:1.0.0',
    '',
  ].join('\n'),
  'report/Dockerfile': 'FROM node:20-slim\nCOPY . .\nCMD ["npm", "start"]\n',
  'api/Dockerfile': 'FROM node:20-slim\nCOPY . .\nEXPOSE 3000\nCMD ["node", "server.js"]\n',
  'worker/Dockerfile': 'FROM node:20-slim\nCOPY . .\nEXPOSE 3000\nCMD ["node", "worker.js"]\n',
  '.docker/compose-infra.yml': 'services:\n  db:\n    image: postgres:16\n',
  'docker-compose.yml': 'services:\n  api:\n    image: registry.example.com/shop/api:latest\n  db:\n    extends:\n      service: db\n      file: ./.docker/compose-infra.yml\n',
  'monitoring.yml': 'services:\n  exporter:\n    image: quay.io/prometheuscommunity/postgres-exporter\n  mail:\n    image: inbucket/inbucket\n',
};

describe('the project model links manifests', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prodready-links-'));
    writeTree(dir, LINKS);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('an image only a CronJob runs is a one-off program; one a Deployment runs is not asked for a HEALTHCHECK', () => {
    assert.deepEqual(findings(dir).filter((f) => !/probe|resource-limits|prestop|single-replica|disruption/.test(f)), [
      'worker/Dockerfile:1 dockerfile-missing-healthcheck',
    ]);
    const json = cli(['explain', '--format', 'json', 'report/Dockerfile', 'api/Dockerfile', 'docker-compose.yml', 'monitoring.yml'], dir);
    assert.equal(json.code, 0, json.stderr);
    const files = JSON.parse(json.stdout).files as Array<{ file: string; role: { role: string; source: string; reason: string }; facts: string[] }>;
    assert.deepEqual(files.map((f) => [f.file, f.role.role, f.role.source]), [
      ['report/Dockerfile', 'script', 'workspace'],
      ['api/Dockerfile', 'service', 'default'],
      ['docker-compose.yml', 'dev', 'content'],
      ['monitoring.yml', 'dev', 'content'],
    ]);
    assert.match(files[0].role.reason, /only Kubernetes CronJobs run its image \(`registry\.example\.com\/shop\/report:1\.0\.0` in CronJob `nightly-report`, k8s\/jobs\.yaml:4\)/);
    assert.ok(files[1].facts.includes('its image `registry.example.com/shop/api:1.0.0` runs in Kubernetes Deployment `api` (k8s/jobs.yaml:19), linked because its folder is named `api`'), files[1].facts.join('\n'));
    assert.match(files[2].role.reason, /service `db` extends a service of \.docker\/compose-infra\.yml, a development compose file/);
    assert.match(files[3].role.reason, /every service is a stock dependency or tool/);
  });
});

/**
 * Issue 14, second round (the review of 68 repositories): command line packages, a package named
 * `tools`, a dot-folder of maintenance scripts, React bindings that make a component, and a server
 * installed through `bin` that starts with hapi's `server.start()`, which must stay service code.
 */
const PROGRAMS: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'mono', private: true, workspaces: ['packages/*'] }),
  // A command line package (`logto tunnel`, novu's CLI): `bin` loads the build, `npm start` runs the
  // package (`node .`), and the tool's local server listens inside a command.
  'packages/cli-tool/package.json': JSON.stringify({ name: '@mono/cli-tool', version: '1.0.0', main: 'lib/index.js', bin: { tool: 'bin/index.js' }, scripts: { build: 'tsc', start: 'node .' } }),
  'packages/cli-tool/bin/index.js': "import('../lib/index.js');\n",
  'packages/cli-tool/src/index.ts': "import { tunnel } from './commands/tunnel';\ntunnel(4000);\n",
  'packages/cli-tool/src/commands/tunnel.ts': "import * as http from 'node:http';\nexport async function tunnel(port: number) {\n  const server = http.createServer();\n  server.listen(port, () => console.log('tunnel ready'));\n  await fetch('https://tunnel.example.com/health');\n}\n",
  // A server installed through `bin` whose entry starts it with `server.start()` on a server another
  // module makes (fxa-auth-server's bin/key_server.js): service code, and so is what it loads.
  'packages/auth/package.json': JSON.stringify({ name: 'auth', version: '1.0.0', bin: { auth: './bin/key_server.js' }, scripts: { start: 'scripts/start-local.sh' } }),
  'packages/auth/bin/key_server.js': "const Server = require('../lib/server');\nconst mailer = require('../lib/mailer');\nrequire('../lib/shared-user');\nasync function init() {\n  const server = await Server.create(mailer);\n  await server.start();\n}\ninit();\n",
  'packages/auth/lib/server.js': "exports.create = async (mailer) => ({ start: async () => mailer.send() });\n",
  'packages/auth/lib/mailer.js': "exports.send = () => fetch('https://mail.example.com/send', { method: 'POST' });\n",
  // Release scripts in a package whose folder is named `tools` (joplin's packages/tools).
  'packages/tools/package.json': JSON.stringify({ name: '@mono/tools', private: true, scripts: { tsc: 'tsc' } }),
  'packages/tools/release.ts': "export async function release() {\n  const res = await fetch('https://api.github.com/repos/mono/mono/releases');\n  console.log(await res.json());\n}\n",
  // Repository maintenance scripts in a dot-folder at the root (logto's .scripts/).
  '.scripts/publish.js': "console.log('Tag added');\n",
  // React components: TanStack Router, lingui and icon bindings, no `react` import (the new JSX transform).
  'packages/web/package.json': JSON.stringify({ name: 'web', private: true, dependencies: { express: '4', '@tanstack/react-router': '1' } }),
  'packages/web/src/routes/tabs.tsx': "import { createFileRoute } from '@tanstack/react-router';\nexport const Route = createFileRoute('/tabs')({ component: () => <button onClick={() => console.log('tab')} /> });\n",
  'packages/web/src/components/download-button.tsx': "import { Trans } from '@lingui/react/macro';\nimport { Download } from 'lucide-react';\nexport const Button = () => <button onClick={() => fetch('/api/download').catch((e) => console.error(e))}><Download /><Trans>Download</Trans></button>;\n",
  // A sync library only the desktop app (a front-end package: electron and react) and the command
  // line package import (joplin's packages/lib S3 target); what the hapi server also imports stays service code.
  'packages/desktop/package.json': JSON.stringify({ name: 'desktop', private: true, dependencies: { electron: '30', react: '18' } }),
  'packages/desktop/app.ts': "import { S3Target } from '../sync/s3';\nimport { shared } from '../sync/shared';\nexport const target = new S3Target(shared);\n",
  'packages/cli-tool/src/sync.ts': "import { S3Target } from '../../sync/s3';\nexport const target = new S3Target();\n",
  'packages/sync/package.json': JSON.stringify({ name: 'sync', version: '1.0.0', main: 'index.js' }),
  'packages/sync/s3.ts': "export class S3Target {\n  async put(key: string) {\n    console.log('put', key);\n    return fetch(`https://s3.example.com/${key}`, { method: 'PUT' });\n  }\n}\n",
  'packages/sync/shared.ts': "export const shared = () => fetch('https://api.example.com/shared');\n",
  'packages/auth/lib/shared-user.js': "const { shared } = require('../../sync/shared');\nmodule.exports = shared;\n",
  // TanStack Start holds server functions: a file importing it is not taken for browser code.
  'packages/web/src/server/fns.ts': "import { createServerFn } from '@tanstack/react-start';\nexport const load = createServerFn().handler(async () => { console.log('load'); return fetch('https://api.example.com/items'); });\n",
};

describe('the project model: command line packages, tool folders and components (issue 14, round two)', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prodready-programs-'));
    writeTree(dir, PROGRAMS);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('only the hapi server and the server functions are flagged', () => {
    const found = findings(dir).filter((f) => /console-log|http-call-without-timeout|missing-sigterm-handler/.test(f));
    assert.deepEqual(found, [
      'packages/auth/lib/mailer.js:1 http-call-without-timeout',
      'packages/sync/shared.ts:1 http-call-without-timeout',
      'packages/web/src/server/fns.ts:2 console-log',
      'packages/web/src/server/fns.ts:2 http-call-without-timeout',
    ]);
  });

  test('explain gives the reason for each', () => {
    for (const [file, why] of [
      ['packages/cli-tool/src/index.ts', /: script .*\n {2}why: belongs to `packages\/cli-tool`, a command line package: its package\.json `bin` installs `tool`, which starts no server, .*\[packages\/cli-tool\/package\.json\]/],
      // The walk reads the importer's package too: a file of the command line package is a one-off program.
      ['packages/cli-tool/src/commands/tunnel.ts', /: script .*\n {2}why: imported only by one-off programs \(command line tools, scripts\): packages\/cli-tool\/src\/index\.ts/],
      ['packages/auth/lib/mailer.js', /: service /],
      ['packages/tools/release.ts', /: script .*\n {2}why: its path matches `tools\/\*\*` read with its package folder's name \(`tools\/`\) \(script files\)/],
      ['.scripts/publish.js', /: script .*\n {2}why: its path matches `\*\*\/\.scripts\/\*\*` \(script files\)/],
      ['packages/web/src/routes/tabs.tsx', /: browser .*\n {2}why: imports the UI library `@tanstack\/react-router`/],
      ['packages/web/src/components/download-button.tsx', /: browser .*\n {2}why: imports the UI library `@lingui\/react\/macro`/],
      ['packages/web/src/server/fns.ts', /: service /],
      ['packages/sync/s3.ts', /: browser .*\n {2}why: imported only by front-end code and one-off programs: packages\/cli-tool\/src\/sync\.ts and 1 more/],
    ] as const) {
      const out = cli(['explain', file], dir);
      assert.equal(out.code, 0, out.stderr);
      assert.match(out.stdout, why, out.stdout);
    }
  });
});
