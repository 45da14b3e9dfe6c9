// Where fixes take their values from: the image's own check, the tool an image has, the port and
// path the project model can pass in, the logger the code already has.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, fixesFor } from '../../server/src/engine/analyze';
import { EMPTY_CONFIG } from '../../server/src/engine/config';
import { applyEdits } from '../../server/src/engine/edits';
import { prepare } from '../../server/src/engine/source';
import { EMPTY_WORKSPACE_FACTS } from '../../server/src/engine/workspace-facts';
import { registry } from '../../server/src/rules';
import { httpToolFor, serviceCheckFor, slowStartFor } from '../../server/src/rules/manifests/health-checks';
import { probeFixes, type ProbeKind } from '../../server/src/rules/manifests/probes';
import { healthcheckFixes } from '../../server/src/rules/manifests/dockerfile-missing-healthcheck';

function run(path: string, text: string) {
  const prepared = prepare({ path: `/ws/${path}`, relativePath: path, text });
  if (prepared.status !== 'document') throw new Error(`${path} is not analysed`);
  const result = analyze(prepared.doc, { registry, config: EMPTY_CONFIG, workspace: EMPTY_WORKSPACE_FACTS });
  assert.deepEqual(result.crashes, []);
  const fixes = (ruleId: string) => {
    const finding = result.findings.find((f) => f.ruleId === ruleId);
    assert.ok(finding, `${ruleId} fires`);
    return fixesFor(finding, prepared.doc, { registry, config: EMPTY_CONFIG, workspace: EMPTY_WORKSPACE_FACTS });
  };
  return { doc: prepared.doc, findings: result.findings, fixes };
}

const SERVICE_ROLE = { role: 'service', reason: 'a unit test of fix values', source: 'default' } as const;

describe('images', () => {
  test('slow-starting images are known by a word of their name, vendor builds included', () => {
    assert.equal(slowStartFor('quay.io/pires/docker-elasticsearch-kubernetes:5.6.2')?.initialDelaySeconds, 90);
    assert.equal(slowStartFor('docker.elastic.co/elasticsearch/elasticsearch:8.13.0')?.what, 'Elasticsearch');
    assert.equal(slowStartFor('opensearchproject/opensearch:2'), slowStartFor('elasticsearch:8'));
    assert.equal(slowStartFor('registry.example.com/search-api:1.0'), undefined);
    assert.equal(slowStartFor('{{ .Values.image }}'), undefined);
  });

  test('databases, brokers and caches are known by repository, through registries and mirrors', () => {
    assert.equal(serviceCheckFor('docker.io/library/postgres:16')?.what, 'PostgreSQL');
    assert.equal(serviceCheckFor('bitnami/redis:7.2')?.what, 'Redis');
    assert.equal(serviceCheckFor('mirror.example.com/library/rabbitmq:3.13-management')?.what, 'RabbitMQ');
    assert.equal(serviceCheckFor('mongo@sha256:0123')?.what, 'MongoDB');
    assert.equal(serviceCheckFor('registry.example.com/api:1.4.2'), undefined);
    assert.equal(serviceCheckFor('{{ .Values.image.repository }}:{{ .Values.image.tag }}'), undefined);
    assert.equal(serviceCheckFor(undefined), undefined);
    // mongosh ships from 6.0; older images have the `mongo` shell.
    assert.equal(serviceCheckFor('mongo:4.2.1-bionic')?.exec?.[0], 'mongo');
    assert.equal(serviceCheckFor('mongo:7')?.exec?.[0], 'mongosh');
  });

  test('the HTTP tool follows the image: curl, BusyBox wget, the runtime, or nothing', () => {
    assert.equal(httpToolFor('node:20'), 'curl');
    assert.equal(httpToolFor('node:20-alpine'), 'node');
    assert.equal(httpToolFor('python:3.12-slim'), 'python');
    assert.equal(httpToolFor('alpine:3.20'), 'wget');
    assert.equal(httpToolFor('busybox'), 'wget');
    assert.equal(httpToolFor('nginx:1.27-alpine'), 'wget');
    assert.equal(httpToolFor('gcr.io/distroless/nodejs20-debian12'), 'distroless-node');
    assert.equal(httpToolFor('gcr.io/distroless/static-debian12'), 'none');
    assert.equal(httpToolFor('scratch'), 'none');
    assert.equal(httpToolFor('ubuntu:14.04'), 'bash');
    assert.equal(httpToolFor(undefined), undefined);
  });

  test('an HTTP base image says its port and tools: php apache on 80 with curl, ASP.NET 5 on 80 with bash', () => {
    const php = run('Dockerfile', 'FROM php:8.0.9-apache\nCOPY . /var/www/html/\n');
    assert.equal(healthcheckFixes({ doc: php.doc, options: {}, workspace: EMPTY_WORKSPACE_FACTS, role: SERVICE_ROLE })[0].title, 'Add HEALTHCHECK: HTTP answers on port 80 with curl');
    const dotnet = run('Dockerfile', 'FROM mcr.microsoft.com/dotnet/aspnet:5.0\nCOPY app /app\nENTRYPOINT ["dotnet", "app.dll"]\n');
    assert.equal(healthcheckFixes({ doc: dotnet.doc, options: {}, workspace: EMPTY_WORKSPACE_FACTS, role: SERVICE_ROLE })[0].title, 'Add HEALTHCHECK: port 80 accepts connections (bash)');
  });

  test('EXPOSE with a variable takes its default', () => {
    const { doc } = run('Dockerfile', 'FROM node:22-slim\nEXPOSE ${PORT:-3333}\nCMD ["node", "main.js"]\n');
    assert.equal(healthcheckFixes({ doc, options: {}, workspace: EMPTY_WORKSPACE_FACTS, role: SERVICE_ROLE })[0].title, 'Add HEALTHCHECK: HTTP answers on port 3333 with node');
  });
});

const DEPLOYMENT = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: registry.example.com/api:1.0.0\n';
const PROBE: ProbeKind = { key: 'livenessProbe', path: '/health', initialDelaySeconds: 10, periodSeconds: 10, message: () => '' };

describe('fix builders take the project model\'s facts', () => {
  test('a Kubernetes probe: port and path from the model, and no probe on a guessed port', () => {
    const { doc, findings } = run('deploy/api.yaml', DEPLOYMENT);
    const finding = findings.find((f) => f.ruleId === 'missing-liveness-probe')!;
    const ctx = { doc, options: {}, workspace: EMPTY_WORKSPACE_FACTS, role: SERVICE_ROLE };
    assert.deepEqual(probeFixes(finding, ctx, PROBE, false), []);
    const modelled = probeFixes(finding, ctx, PROBE, false, { port: 3000, healthPath: '/healthz' })[0];
    assert.equal(modelled.title, 'Add livenessProbe: GET /healthz on port 3000');
    assert.match(applyEdits(doc.text, modelled.edits), /httpGet:\n {14}path: \/healthz\n {14}port: 3000\n/);
    // The image behind the workload, when the model knows it is a database.
    assert.equal(probeFixes(finding, ctx, PROBE, false, { image: 'postgres:16' })[0].title, 'Add livenessProbe: exec pg_isready -U postgres (PostgreSQL)');
    // A slow-starting image: the first liveness probe waits as long as its charts do; readiness does not.
    const slow = probeFixes(finding, ctx, PROBE, false, { port: 9200, image: 'quay.io/pires/docker-elasticsearch-kubernetes:5.6.2' })[0];
    assert.equal(slow.title, 'Add livenessProbe: TCP on port 9200, first after 90 s (Elasticsearch starts slowly)');
    assert.match(applyEdits(doc.text, slow.edits), /initialDelaySeconds: 90\n/);
    const ready = probeFixes(finding, ctx, { ...PROBE, key: 'readinessProbe' }, false, { port: 9200, image: 'elasticsearch:8.13.0' })[0];
    assert.equal(ready.title, 'Add readinessProbe: TCP on port 9200 (Elasticsearch)');
  });

  test('a Dockerfile HEALTHCHECK: the port the app listens on, from the model', () => {
    const { doc } = run('Dockerfile', 'FROM node:20\nWORKDIR /app\nCOPY . .\nCMD ["node", "server.js"]\n');
    const ctx = { doc, options: {}, workspace: EMPTY_WORKSPACE_FACTS, role: SERVICE_ROLE };
    assert.deepEqual(healthcheckFixes(ctx), [], 'no port is known: no check on a guess');
    assert.equal(healthcheckFixes(ctx, { port: 3000, healthPath: '/livez' })[0].title, 'Add HEALTHCHECK: GET /livez on port 3000 with curl');
  });

  test('an Alpine image with BusyBox only: wget for a known route, nc for the port', () => {
    const { doc } = run('Dockerfile', 'FROM alpine:3.20\nCOPY app /app\nEXPOSE 3000\nCMD ["/app"]\n');
    const ctx = { doc, options: {}, workspace: EMPTY_WORKSPACE_FACTS, role: SERVICE_ROLE };
    const route = healthcheckFixes(ctx, { healthPath: '/health' })[0];
    assert.equal(route.title, 'Add HEALTHCHECK: GET /health on port 3000 with wget');
    assert.match(applyEdits(doc.text, route.edits), /CMD wget -q --spider http:\/\/localhost:3000\/health \|\| exit 1\n/);
    assert.match(applyEdits(doc.text, healthcheckFixes(ctx)[0].edits), /CMD nc -z localhost 3000 \|\| exit 1\n/);
  });

  test('an ECS health check uses the container image\'s own check or tool', () => {
    const task = (image: string) => `{\n  "family": "api",\n  "containerDefinitions": [\n    {\n      "name": "api",\n      "image": "${image}",\n      "essential": true,\n      "stopTimeout": 30,\n      "portMappings": [{ "containerPort": 3000 }]\n    }\n  ]\n}\n`;
    const db = run('ecs/task-definition.json', task('postgres:16')).fixes('ecs-missing-health-check')[0];
    assert.equal(db.title, 'Add healthCheck: pg_isready (PostgreSQL)');
    const node = run('ecs/task-definition.json', task('node:20-alpine')).fixes('ecs-missing-health-check')[0];
    assert.equal(node.title, 'Add healthCheck: HTTP answers on port 3000 with node');
    assert.deepEqual(run('ecs/task-definition.json', task('gcr.io/distroless/static-debian12')).fixes('ecs-missing-health-check'), []);
  });
});

describe('the logger the code already has', () => {
  const title = (path: string, text: string) => run(path, text).fixes('console-log')[0]?.title;

  test('koa-pino-logger puts the request logger on ctx', () => {
    const text = "const Koa = require('koa');\nconst pinoLogger = require('koa-pino-logger');\nconst app = new Koa();\napp.use(pinoLogger());\napp.use(async (ctx, next) => {\n  console.log('request', ctx.path);\n  await next();\n});\n";
    assert.equal(title('src/app.js', text), 'Log with ctx.log.info (pino) instead');
  });

  test('without a request logger, Express requests have no req.log', () => {
    const text = "const express = require('express');\nconst app = express();\napp.get('/', (req, res) => {\n  console.log('hit', req.path);\n  res.end();\n});\n";
    assert.equal(title('src/app.js', text), 'Add a pino logger and log with logger.info');
  });

  test('a Fastify instance made without a logger writes nothing through app.log', () => {
    const quiet = "const Fastify = require('fastify');\nconst app = Fastify();\napp.listen({ port: 3000 }).then(() => console.log('up'));\n";
    assert.equal(title('src/server.js', quiet), 'Add a pino logger and log with logger.info');
    const loud = "const Fastify = require('fastify');\nconst app = Fastify({ logger: true });\napp.listen({ port: 3000 }).then(() => console.log('up'));\n";
    assert.equal(title('src/server.js', loud), 'Log with app.log.info (pino) instead');
  });

  test('a parameter named like a plugin\'s instance in a file that is not Fastify is not one', () => {
    const text = "module.exports = async function (fastify) {\n  console.log('loaded');\n};\n";
    assert.equal(title('src/plugin.js', text), 'Add a pino logger and log with logger.info');
  });

  test('request.log in a Fastify handler is a pino logger for interpolated-log-message too', () => {
    const text = "import Fastify from 'fastify';\nconst app = Fastify({ logger: true });\napp.get('/x/:id', async (request) => {\n  request.log.info(`loading ${request.params.id}`);\n  return {};\n});\n";
    const { findings } = run('src/server.ts', text);
    assert.deepEqual(findings.map((f) => f.ruleId).filter((id) => id === 'interpolated-log-message'), ['interpolated-log-message']);
  });
});
