// Every snippet we ship, expanded the way a person who accepts every default gets it, dropped into
// a realistic file: the result must parse in its language, and prodready must report nothing
// about it. A snippet that our own rules would flag fails the build.

import { before, test, describe } from 'node:test';
import { initPython, pythonParser } from '../server/src/engine/python';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ts } from 'ts-morph';
import typescript from 'typescript';
import { parseAllDocuments, type Document as YamlDocument } from 'yaml';
import { parseTree, type Node as JsonNode } from 'jsonc-parser';
import { DockerfileParser } from 'dockerfile-ast';
import { analyze } from '../server/src/engine/analyze';
import { EMPTY_CONFIG } from '../server/src/engine/config';
import { prepare } from '../server/src/engine/source';
import type { Finding, RuleFamily } from '../server/src/engine/types';
import { EMPTY_WORKSPACE_FACTS, type WorkspaceFacts } from '../server/src/engine/workspace-facts';
import { registry } from '../server/src/rules';
import { snippetTable } from '../scripts/snippet-table';
import {
  KNOWN_VARIABLES,
  SNIPPETS_DIR,
  SNIPPET_FILES,
  expandSnippet,
  expectedInsertion,
  indentOptionsFor,
  insertIntoHost,
  parseSnippet,
  prefixesOf,
  readSnippetFile,
  SnippetSyntaxError,
  type SnippetDefinition,
  type SnippetLanguage,
} from './support/snippets';

// ---------------------------------------------------------------------------------------------
// The rule catalog (shared/RULES.md): ids are contracts, so they are spelled out here. A snippet
// "guards" the rules whose pattern it implements; a guarded rule must never fire on it.

const CATALOG: Record<string, RuleFamily> = {
  'http-call-without-timeout': 'timeouts',
  'console-log': 'logging',
  'interpolated-log-message': 'logging',
  'print-call': 'logging',
  'missing-sigterm-handler': 'shutdown',
  'sigterm-handler-overrides-server': 'shutdown',
  'missing-liveness-probe': 'manifests',
  'missing-readiness-probe': 'manifests',
  'missing-resource-limits': 'manifests',
  'ecs-missing-health-check': 'manifests',
  'ecs-missing-stop-timeout': 'manifests',
  'compose-missing-healthcheck': 'manifests',
  'dockerfile-missing-healthcheck': 'manifests',
  'retry-without-backoff': 'calls',
  'retry-without-limit': 'calls',
  'hardcoded-credential': 'config',
  'hardcoded-service-url': 'config',
  'liveness-checks-dependencies': 'health',
  'readiness-checks-nothing': 'health',
  'missing-health-endpoint': 'health',
};
const HEALTH_ROUTE_RULES = ['liveness-checks-dependencies', 'readiness-checks-nothing', 'missing-health-endpoint'];
const K8S_RULES = ['missing-liveness-probe', 'missing-readiness-probe', 'missing-resource-limits'];
const LOGGING_RULES = ['console-log', 'interpolated-log-message'];

/** What the editor resolves the snippet variables to in the test workspace. */
const VARIABLES: Record<string, string> = {
  WORKSPACE_NAME: 'orders-service',
  TM_FILENAME: 'server.ts',
  TM_FILENAME_BASE: 'server',
};

const MARKER = '<<snippet>>';

interface SnippetCase {
  prefix: string;
  /** Where the host file lives in its workspace: decides how prodready classifies it. */
  path: string;
  /** A realistic file with `<<snippet>>` alone on the line where the snippet is inserted. */
  host: string;
  /** The editor's indentation unit for this file (what a snippet's tabs become). */
  indent: string;
  /** Rules whose pattern this snippet implements: none of them may fire anywhere in the result. */
  guards: string[];
  /**
   * The same host with the naive version of the pattern, and the guarded rules that must fire on
   * it: proves the guard is live (checked for every rule that is registered).
   */
  control?: { text: string; fires: string[] };
  /** For YAML and JSON: paths that must exist after insertion (the snippet landed where it should). */
  lands?: Array<Array<string | number>>;
}

// --- JavaScript / TypeScript hosts ------------------------------------------------------------

const HEALTH_EXPRESS_HOST = `import express from 'express';
import pino from 'pino';
import { pool } from './db.js';

const logger = pino();

export const app = express();
app.use(express.json());

${MARKER}

app.get('/orders/:id', async (req, res) => {
\tconst { rows } = await pool.query('SELECT * FROM orders WHERE id = $1', [req.params.id]);
\tres.json(rows[0] ?? null);
});
`;

const HEALTH_FASTIFY_HOST = `import Fastify from 'fastify';
import { pool } from './db.js';

export const fastify = Fastify({ logger: true });

${MARKER}

fastify.get('/orders/:id', async (request) => {
\tconst { rows } = await pool.query('SELECT * FROM orders WHERE id = $1', [request.params.id]);
\treturn rows[0] ?? null;
});
`;

const HEALTH_KOA_HOST = `import Koa from 'koa';
import Router from '@koa/router';
import { pool } from './db.js';

export const app = new Koa();
const router = new Router();

${MARKER}

router.get('/orders/:id', async (ctx) => {
\tconst { rows } = await pool.query('SELECT * FROM orders WHERE id = $1', [ctx.params.id]);
\tctx.body = rows[0] ?? null;
});
app.use(router.routes());
`;

const HEALTH_HAPI_HOST = `import Hapi from '@hapi/hapi';
import { pool } from './db.js';

export const server = Hapi.server({ port: 3000, host: '0.0.0.0' });

${MARKER}

server.route({
\tmethod: 'GET',
\tpath: '/orders/{id}',
\thandler: async (request) => {
\t\tconst { rows } = await pool.query('SELECT * FROM orders WHERE id = $1', [request.params.id]);
\t\treturn rows[0] ?? null;
\t},
});
`;

const HTTP_SERVER_BASE = `import http from 'node:http';
import pino from 'pino';
import { handler } from './handler.js';

const logger = pino();
const server = http.createServer(handler);
server.listen(8080, () => logger.info({ port: 8080 }, 'listening'));
`;

const EXPRESS_APP_BASE = `import express from 'express';
import pino from 'pino';
import { ordersRouter } from './orders.js';

const logger = pino();
const app = express();
app.use(express.json());
app.use('/orders', ordersRouter);
`;

const FASTIFY_APP_BASE = `import Fastify from 'fastify';
import { ordersRoutes } from './orders.js';

const fastify = Fastify({ logger: true });
fastify.register(ordersRoutes, { prefix: '/orders' });
await fastify.listen({ port: 8080, host: '0.0.0.0' });
`;

const NEST_MAIN_TOY = `import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';

async function bootstrap() {
\tconst app = await NestFactory.create(AppModule);
\tawait app.listen(3000);
}
bootstrap();
`;

const FETCH_HOST = (body: string) => `import pino from 'pino';

const logger = pino();

export async function getOrder(id) {
\tconst url = \`\${process.env.ORDERS_URL}/orders/\${encodeURIComponent(id)}\`;
\t${body}
\tlogger.info({ orderId: id }, 'order fetched');
\treturn data;
}
`;

const AXIOS_USE = `
export async function getOrder(id) {
\tconst { data } = await api.get(\`/orders/\${encodeURIComponent(id)}\`);
\treturn data;
}
`;

const CASES: SnippetCase[] = [
  {
    prefix: 'pr-health-express',
    path: 'src/app.ts',
    host: HEALTH_EXPRESS_HOST,
    indent: '  ',
    guards: [...LOGGING_RULES, 'http-call-without-timeout', ...HEALTH_ROUTE_RULES],
  },
  {
    prefix: 'pr-health-fastify',
    path: 'src/app.ts',
    host: HEALTH_FASTIFY_HOST,
    indent: '  ',
    guards: [...LOGGING_RULES, 'http-call-without-timeout', ...HEALTH_ROUTE_RULES],
  },
  {
    prefix: 'pr-health-koa',
    path: 'src/app.ts',
    host: HEALTH_KOA_HOST,
    indent: '  ',
    guards: [...LOGGING_RULES, 'http-call-without-timeout', ...HEALTH_ROUTE_RULES],
    control: {
      text: HEALTH_KOA_HOST.replace(MARKER, "router.get('/health', async (ctx) => {\n\tawait pool.query('SELECT 1');\n\tctx.body = 'ok';\n});"),
      fires: ['liveness-checks-dependencies'],
    },
  },
  {
    prefix: 'pr-health-hapi',
    path: 'src/server.ts',
    host: HEALTH_HAPI_HOST,
    indent: '  ',
    guards: [...LOGGING_RULES, 'http-call-without-timeout', ...HEALTH_ROUTE_RULES],
    control: {
      text: HEALTH_HAPI_HOST.replace(MARKER, "server.route({ method: 'GET', path: '/health', handler: async () => {\n\tawait pool.query('SELECT 1');\n\treturn 'ok';\n} });"),
      fires: ['liveness-checks-dependencies'],
    },
  },
  {
    prefix: 'pr-health-nest',
    path: 'src/health/health.controller.ts',
    host: `${MARKER}\n`,
    indent: '  ',
    guards: [...LOGGING_RULES, 'http-call-without-timeout', ...HEALTH_ROUTE_RULES],
    control: {
      text: "import { Controller, Get } from '@nestjs/common';\nimport { DataSource } from 'typeorm';\n\n@Controller()\nexport class HealthController {\n\tconstructor(private readonly dataSource: DataSource) {}\n\n\t@Get('health')\n\tasync health() {\n\t\tawait this.dataSource.query('SELECT 1');\n\t\treturn { status: 'ok' };\n\t}\n}\n",
      fires: ['liveness-checks-dependencies'],
    },
  },
  {
    prefix: 'pr-shutdown-http',
    path: 'src/server.ts',
    host: `${HTTP_SERVER_BASE}\n${MARKER}\n`,
    indent: '  ',
    guards: ['missing-sigterm-handler', ...LOGGING_RULES],
    control: { text: HTTP_SERVER_BASE, fires: ['missing-sigterm-handler'] },
  },
  {
    prefix: 'pr-shutdown-express',
    path: 'src/server.ts',
    host: `${EXPRESS_APP_BASE}\n${MARKER}\n`,
    indent: '  ',
    guards: ['missing-sigterm-handler', ...LOGGING_RULES],
    control: { text: `${EXPRESS_APP_BASE}\napp.listen(8080, () => logger.info({ port: 8080 }, 'listening'));\n`, fires: ['missing-sigterm-handler'] },
  },
  {
    prefix: 'pr-shutdown-fastify',
    path: 'src/server.ts',
    host: `${FASTIFY_APP_BASE}\n${MARKER}\n`,
    indent: '\t',
    guards: ['missing-sigterm-handler', ...LOGGING_RULES],
    control: { text: FASTIFY_APP_BASE, fires: ['missing-sigterm-handler'] },
  },
  {
    prefix: 'pr-shutdown-nest',
    path: 'src/main.ts',
    host: `// Entry point: builds the Nest application and serves it until SIGTERM.\n${MARKER}\n`,
    indent: '  ',
    guards: ['missing-sigterm-handler', ...LOGGING_RULES],
    control: { text: NEST_MAIN_TOY, fires: ['missing-sigterm-handler'] },
  },
  {
    prefix: 'pr-fetch-timeout',
    path: 'src/orders-client.ts',
    host: FETCH_HOST(MARKER),
    indent: '  ',
    guards: ['http-call-without-timeout'],
    control: {
      text: FETCH_HOST("const response = await fetch(url);\n\tconst data = await response.json();"),
      fires: ['http-call-without-timeout'],
    },
  },
  {
    prefix: 'pr-axios-instance',
    path: 'src/orders-client.ts',
    host: `// HTTP client for the orders service.\n${MARKER}\n${AXIOS_USE}`,
    indent: '  ',
    guards: ['http-call-without-timeout'],
    control: {
      text: `import axios from 'axios';\n\nexport const api = axios.create({ baseURL: process.env.API_BASE_URL });\n${AXIOS_USE}`,
      fires: ['http-call-without-timeout'],
    },
  },
  {
    prefix: 'pr-retry-backoff',
    path: 'src/rates-client.ts',
    host: `${MARKER}\n\nexport function getRates(currency) {\n\treturn retry(() => fetch(\`\${process.env.RATES_URL}/\${currency}\`, { signal: AbortSignal.timeout(5000) }));\n}\n`,
    indent: '  ',
    guards: ['http-call-without-timeout', 'retry-without-backoff', 'retry-without-limit', ...LOGGING_RULES],
  },
  {
    prefix: 'pr-circuit-breaker',
    path: 'src/payments-client.ts',
    host: `import pino from 'pino';\n\nconst logger = pino();\n\n${MARKER}\n\nconst breaker = new CircuitBreaker('payments', { failureThreshold: 5, recoveryTimeoutMs: 30_000 });\n\nexport function charge(order) {\n\treturn breaker.call(() =>\n\t\tfetch(\`\${process.env.PAYMENTS_URL}/charges\`, {\n\t\t\tmethod: 'POST',\n\t\t\tbody: JSON.stringify(order),\n\t\t\tsignal: AbortSignal.timeout(5000),\n\t\t}),\n\t);\n}\n`,
    indent: '    ',
    guards: ['http-call-without-timeout', ...LOGGING_RULES],
  },
  {
    prefix: 'pr-logger-pino',
    path: 'src/logger.ts',
    host: `// Logging for the whole service: import { logger, requestLogger } from './logger.js'.\n${MARKER}\n`,
    indent: '  ',
    guards: LOGGING_RULES,
    control: {
      text: `export function requestLogger(req, res, next) {\n\tconsole.log(\`\${req.method} \${req.url}\`);\n\tnext();\n}\n`,
      fires: ['console-log'],
    },
  },
  {
    prefix: 'pr-logger-fastify',
    path: 'src/app.ts',
    host: `${MARKER}\n\nfastify.get('/orders/:id', async (request) => {\n\trequest.log.info({ orderId: request.params.id }, 'order requested');\n\treturn { id: request.params.id };\n});\n`,
    indent: '  ',
    guards: LOGGING_RULES,
    control: {
      text: `import Fastify from 'fastify';\n\nexport const fastify = Fastify();\n\nfastify.get('/orders/:id', async (request) => {\n\tconsole.info(\`order \${request.params.id} requested\`);\n\treturn { id: request.params.id };\n});\n`,
      fires: ['console-log'],
    },
  },
  {
    prefix: 'pr-config-env',
    path: 'src/config.ts',
    host: `${MARKER}\n`,
    indent: '  ',
    guards: [...LOGGING_RULES, 'hardcoded-credential', 'hardcoded-service-url'],
    control: {
      text: `import { Pool } from 'pg';\n\nexport const pool = new Pool({ host: 'localhost', user: 'orders', password: 'Wh1sky-Tango-42' });\n`,
      fires: ['hardcoded-credential', 'hardcoded-service-url'],
    },
  },
  {
    prefix: 'pr-feature-flag',
    path: 'src/flags.ts',
    host: `// Feature flags: read once at start-up.\n${MARKER}\n`,
    indent: '  ',
    guards: LOGGING_RULES,
  },

  // --- Kubernetes ----------------------------------------------------------------------------
  ...k8sContainerCases(),
  {
    prefix: 'pr-k8s-deployment',
    path: 'deploy/api.yaml',
    host: `apiVersion: v1\nkind: Service\nmetadata:\n  name: api\nspec:\n  selector:\n    app.kubernetes.io/name: api\n  ports:\n    - name: http\n      port: 80\n      targetPort: http\n---\n${MARKER}\n`,
    indent: '  ',
    guards: K8S_RULES,
    control: {
      text: `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels:\n      app: api\n  template:\n    metadata:\n      labels:\n        app: api\n    spec:\n      containers:\n        - name: api\n          image: registry.example.com/api:1.0.0\n          ports:\n            - name: http\n              containerPort: 8080\n`,
      fires: K8S_RULES,
    },
    lands: [
      ['spec', 'strategy', 'rollingUpdate', 'maxUnavailable'],
      ['spec', 'template', 'spec', 'terminationGracePeriodSeconds'],
      ['spec', 'template', 'spec', 'containers', 0, 'lifecycle', 'preStop'],
      ['spec', 'template', 'spec', 'containers', 0, 'livenessProbe', 'httpGet', 'path'],
      ['spec', 'template', 'spec', 'containers', 0, 'readinessProbe', 'httpGet', 'path'],
      ['spec', 'template', 'spec', 'containers', 0, 'startupProbe', 'httpGet', 'path'],
      ['spec', 'template', 'spec', 'containers', 0, 'resources', 'limits', 'memory'],
    ],
  },

  // --- Docker Compose ------------------------------------------------------------------------
  {
    prefix: 'pr-compose-healthcheck',
    path: 'docker-compose.yml',
    host: `services:\n  api:\n    image: registry.example.com/api:1.0.0\n    ports:\n      - "8080:8080"\n    depends_on:\n      db:\n        condition: service_healthy\n    ${MARKER}\n  db:\n    image: postgres:16\n    healthcheck:\n      test: ["CMD-SHELL", "pg_isready -U postgres"]\n      interval: 10s\n      timeout: 5s\n      retries: 5\n`,
    indent: '  ',
    guards: ['compose-missing-healthcheck'],
    control: {
      text: `services:\n  api:\n    image: registry.example.com/api:1.0.0\n    ports:\n      - "8080:8080"\n`,
      fires: ['compose-missing-healthcheck'],
    },
    lands: [['services', 'api', 'healthcheck', 'test'], ['services', 'api', 'image']],
  },
  {
    prefix: 'pr-compose-service',
    path: 'compose.yaml',
    host: `services:\n  ${MARKER}\n  db:\n    image: postgres:16\n    healthcheck:\n      test: ["CMD-SHELL", "pg_isready -U postgres"]\n      interval: 10s\n      timeout: 5s\n      retries: 5\n`,
    indent: '  ',
    guards: ['compose-missing-healthcheck'],
    lands: [['services', 'api', 'healthcheck', 'test'], ['services', 'api', 'stop_grace_period'], ['services', 'db', 'image']],
  },

  // --- ECS -----------------------------------------------------------------------------------
  {
    prefix: 'pr-ecs-health',
    path: 'deploy/task-definition.json',
    host: ecsTaskDefinition(`      {\n        "name": "api",\n        "image": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:1.0.0",\n        "essential": true,\n        "portMappings": [{ "containerPort": 8080, "protocol": "tcp" }],\n        ${MARKER}\n      }`),
    indent: '  ',
    guards: ['ecs-missing-health-check', 'ecs-missing-stop-timeout'],
    control: {
      text: ecsTaskDefinition(`      {\n        "name": "api",\n        "image": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:1.0.0",\n        "essential": true,\n        "portMappings": [{ "containerPort": 8080, "protocol": "tcp" }]\n      }`),
      fires: ['ecs-missing-health-check', 'ecs-missing-stop-timeout'],
    },
    lands: [['containerDefinitions', 0, 'healthCheck', 'command'], ['containerDefinitions', 0, 'stopTimeout'], ['containerDefinitions', 0, 'ulimits', 0, 'softLimit']],
  },
  {
    prefix: 'pr-ecs-container',
    path: 'deploy/task-definition.json',
    host: ecsTaskDefinition(`      ${MARKER}`),
    indent: '  ',
    guards: ['ecs-missing-health-check', 'ecs-missing-stop-timeout'],
    lands: [['containerDefinitions', 0, 'healthCheck', 'command'], ['containerDefinitions', 0, 'stopTimeout'], ['containerDefinitions', 0, 'essential']],
  },

  // --- Dockerfile ----------------------------------------------------------------------------
  {
    prefix: 'pr-docker-healthcheck',
    path: 'Dockerfile',
    host: dockerfile(MARKER),
    indent: '  ',
    guards: ['dockerfile-missing-healthcheck'],
    control: { text: dockerfile(), fires: ['dockerfile-missing-healthcheck'] },
  },
  {
    prefix: 'pr-docker-healthcheck-node',
    path: 'Dockerfile',
    host: dockerfile(MARKER),
    indent: '  ',
    guards: ['dockerfile-missing-healthcheck'],
  },
  // --- Python hosts ---------------------------------------------------------------------------
  {
    prefix: 'pr-health-fastapi',
    path: 'app/main.py',
    host: `"""The orders API."""\n${MARKER}\n`,
    indent: '    ',
    guards: ['http-call-without-timeout', 'missing-sigterm-handler', 'sigterm-handler-overrides-server'],
  },
  {
    prefix: 'pr-health-flask',
    path: 'app/main.py',
    host: `"""The orders API."""\n${MARKER}\n`,
    indent: '    ',
    guards: ['http-call-without-timeout', 'missing-sigterm-handler', 'sigterm-handler-overrides-server', 'print-call'],
  },
  {
    prefix: 'pr-httpx-client',
    path: 'app/clients/users.py',
    host: `${MARKER}\n`,
    indent: '    ',
    guards: ['http-call-without-timeout'],
    control: { text: 'import requests\n\n\ndef get_user(user_id):\n    return requests.get(f"http://users.internal/users/{user_id}").json()\n', fires: ['http-call-without-timeout'] },
  },
  {
    prefix: 'pr-requests-session',
    path: 'app/clients/http.py',
    host: `${MARKER}\n\n\ndef get_user(user_id):\n    return session.get(f"https://users.internal/users/{user_id}", timeout=(3.05, 10)).json()\n`,
    indent: '    ',
    guards: ['http-call-without-timeout'],
    control: { text: 'import requests\n\nsession = requests.Session()\nsession.timeout = 10\n', fires: ['http-call-without-timeout'] },
  },
  {
    prefix: 'pr-structlog',
    path: 'app/logging_setup.py',
    host: `${MARKER}\n\n\ndef order_paid(order_id: str) -> None:\n    log.info("order paid", order_id=order_id)\n`,
    indent: '    ',
    guards: ['print-call', 'interpolated-log-message'],
    control: {
      text: 'import structlog\n\nlog = structlog.get_logger()\n\n\ndef order_paid(order_id):\n    print("paid")\n    log.info(f"order {order_id} paid")\n',
      fires: ['print-call', 'interpolated-log-message'],
    },
  },
  {
    prefix: 'pr-shutdown-fastapi',
    path: 'app/main.py',
    host: `${MARKER}\n\n\n@app.get("/health")\nasync def health() -> dict:\n    return {"status": "ok"}\n`,
    indent: '    ',
    guards: ['sigterm-handler-overrides-server', 'missing-sigterm-handler'],
    control: {
      text: 'import signal\nimport sys\n\nfrom fastapi import FastAPI\n\napp = FastAPI()\nsignal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))\n',
      fires: ['sigterm-handler-overrides-server'],
    },
  },
  {
    prefix: 'pr-retry-tenacity',
    path: 'app/clients/rates.py',
    host: `${MARKER}\n`,
    indent: '    ',
    guards: ['http-call-without-timeout'],
  },
  {
    prefix: 'pr-shutdown-asyncio',
    path: 'app/worker.py',
    host: `"""The jobs worker."""\n${MARKER}\n`,
    indent: '    ',
    guards: ['missing-sigterm-handler', 'print-call', 'interpolated-log-message'],
  },
];

/** The single-container snippets, each inserted into a Deployment container that lacks exactly that part. */
function k8sContainerCases(): SnippetCase[] {
  const parts = {
    liveness: 'livenessProbe:\n  httpGet:\n    path: /health\n    port: 8080\n  periodSeconds: 10\n',
    readiness: 'readinessProbe:\n  httpGet:\n    path: /ready\n    port: 8080\n  periodSeconds: 5\n',
    resources: 'resources:\n  requests:\n    cpu: 250m\n    memory: 256Mi\n  limits:\n    cpu: "1"\n    memory: 1Gi\n',
  };
  const deployment = (containerParts: string[]) => {
    const indented = containerParts
      .flatMap((part) => part.trimEnd().split('\n'))
      .map((line) => (line === MARKER ? `          ${MARKER}` : `          ${line}`))
      .join('\n');
    return `# Orders API: serves /orders behind the cluster ingress.\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: orders\n  namespace: shop\nspec:\n  replicas: 3\n  selector:\n    matchLabels:\n      app: orders\n  template:\n    metadata:\n      labels:\n        app: orders\n    spec:\n      containers:\n        - name: orders\n          image: registry.example.com/orders:2.3.1\n          ports:\n            - name: http\n              containerPort: 8080\n          env:\n            - name: LOG_LEVEL\n              value: info\n          lifecycle:\n            preStop:\n              sleep: { seconds: 5 }\n${indented}\n        # A sidecar already set up properly: its findings would not be the snippet's.\n        - name: metrics\n          image: registry.example.com/metrics-exporter:1.4.0\n          livenessProbe:\n            tcpSocket:\n              port: 9100\n          readinessProbe:\n            tcpSocket:\n              port: 9100\n          resources:\n            requests: { cpu: 10m, memory: 32Mi }\n            limits: { cpu: 100m, memory: 64Mi }\n---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: orders\n  namespace: shop\nspec:\n  maxUnavailable: 1\n  selector:\n    matchLabels:\n      app: orders\n`;
  };
  const container = ['spec', 'template', 'spec', 'containers', 0];
  return [
    {
      prefix: 'pr-k8s-probes',
      path: 'deploy/orders.yaml',
      host: deployment([parts.resources, MARKER]),
      indent: '  ',
      guards: K8S_RULES,
      control: { text: deployment([parts.resources]), fires: ['missing-liveness-probe', 'missing-readiness-probe'] },
      lands: [[...container, 'livenessProbe', 'httpGet', 'port'], [...container, 'readinessProbe', 'httpGet', 'path'], [...container, 'startupProbe', 'failureThreshold'], [...container, 'image']],
    },
    {
      prefix: 'pr-k8s-liveness-probe',
      path: 'deploy/orders.yaml',
      host: deployment([parts.readiness, MARKER, parts.resources]),
      indent: '  ',
      guards: K8S_RULES,
      control: { text: deployment([parts.readiness, parts.resources]), fires: ['missing-liveness-probe'] },
      lands: [[...container, 'livenessProbe', 'httpGet', 'path'], [...container, 'resources', 'limits']],
    },
    {
      prefix: 'pr-k8s-readiness-probe',
      path: 'deploy/orders.yaml',
      host: deployment([parts.liveness, MARKER, parts.resources]),
      indent: '  ',
      guards: K8S_RULES,
      control: { text: deployment([parts.liveness, parts.resources]), fires: ['missing-readiness-probe'] },
      lands: [[...container, 'readinessProbe', 'httpGet', 'path'], [...container, 'resources', 'limits']],
    },
    {
      prefix: 'pr-k8s-startup-probe',
      path: 'deploy/orders.yaml',
      host: deployment([MARKER, parts.liveness, parts.readiness, parts.resources]),
      indent: '  ',
      guards: K8S_RULES,
      lands: [[...container, 'startupProbe', 'failureThreshold'], [...container, 'livenessProbe']],
    },
    {
      prefix: 'pr-k8s-resources',
      path: 'deploy/orders.yaml',
      host: deployment([parts.liveness, parts.readiness, MARKER]),
      indent: '  ',
      guards: K8S_RULES,
      control: { text: deployment([parts.liveness, parts.readiness]), fires: ['missing-resource-limits'] },
      lands: [[...container, 'resources', 'requests', 'cpu'], [...container, 'resources', 'limits', 'memory']],
    },
  ];
}

function ecsTaskDefinition(containers: string): string {
  return `{\n  "family": "orders",\n  "networkMode": "awsvpc",\n  "requiresCompatibilities": ["FARGATE"],\n  "cpu": "512",\n  "memory": "1024",\n  "containerDefinitions": [\n${containers}\n  ]\n}\n`;
}

/** A two-stage Node.js image; `insert` (the marker) goes on its own line before the final CMD. */
function dockerfile(insert?: string): string {
  return [
    '# syntax=docker/dockerfile:1',
    'FROM node:20-slim AS build',
    'WORKDIR /app',
    'COPY package.json package-lock.json ./',
    'RUN npm ci',
    'COPY . .',
    'RUN npm run build && npm prune --omit=dev',
    '',
    'FROM node:20-slim',
    'ENV NODE_ENV=production',
    'WORKDIR /app',
    'COPY --from=build /app/node_modules ./node_modules',
    'COPY --from=build /app/dist ./dist',
    'USER node',
    'EXPOSE 8080',
    ...(insert ? [insert] : []),
    'CMD ["node", "dist/server.js"]',
    '',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------

interface Loaded extends SnippetDefinition {
  file: string;
  language: SnippetLanguage;
}

function loadAll(): Loaded[] {
  return SNIPPET_FILES.flatMap(({ file, language }) => readSnippetFile(file, language).snippets.map((s) => ({ ...s, file, language })));
}

const SNIPPETS = loadAll();
const byPrefix = new Map(SNIPPETS.flatMap((s) => prefixesOf(s).map((p) => [p, s] as const)));

function expandAtDefaults(snippet: SnippetDefinition): string {
  return expandSnippet(snippet.body, (name) => VARIABLES[name]).text;
}

/** The host with the snippet inserted at its marker, as the editor would insert it. */
function build(c: SnippetCase): { text: string; start: number; end: number } {
  const snippet = byPrefix.get(c.prefix);
  assert.ok(snippet, `no snippet with prefix ${c.prefix}`);
  return insertIntoHost(c.host, MARKER, expandAtDefaults(snippet), indentOptionsFor(c.indent));
}

/** The workspace is this one file: no other file handles SIGTERM. */
const SINGLE_FILE_WORKSPACE: WorkspaceFacts = EMPTY_WORKSPACE_FACTS;

/** Where tree-sitter found a syntax error (ERROR or MISSING nodes), as line:column. */
function pythonErrors(text: string): string[] {
  const tree = pythonParser()!.parse(text)!;
  try {
    if (!tree.rootNode.hasError) return [];
    const out: string[] = [];
    const walk = (node: NonNullable<ReturnType<typeof tree.rootNode.child>>) => {
      if (node.type === 'ERROR' || node.isMissing) out.push(`${node.startPosition.row + 1}:${node.startPosition.column + 1} ${node.isMissing ? 'missing' : 'error'} ${node.type}`);
      for (const child of node.children) if (child && child.hasError) walk(child);
      if (node.isMissing) return;
    };
    walk(tree.rootNode);
    return out.length > 0 ? out : ['syntax error'];
  } finally {
    tree.delete();
  }
}

// Python snippets are parsed and analysed with tree-sitter, which loads asynchronously.
before(async () => {
  assert.ok(await initPython(), 'the Python parser must load');
});

function findings(filePath: string, text: string): Finding[] {
  const prepared = prepare({ path: `/workspace/${filePath}`, relativePath: filePath, text });
  assert.equal(prepared.status, 'document', `${filePath} is not analysed by prodready (${prepared.status})`);
  if (prepared.status !== 'document') return [];
  const result = analyze(prepared.doc, { registry, config: EMPTY_CONFIG, workspace: SINGLE_FILE_WORKSPACE });
  assert.deepEqual(result.crashes.map((c) => `${c.ruleId}: ${String(c.error)}`), [], 'a rule threw');
  return result.findings;
}

function describeFindings(text: string, list: Finding[]): string {
  return list
    .map((f) => {
      const line = text.slice(0, f.start).split('\n').length;
      return `  line ${line}: ${f.ruleId}: ${f.message}\n    > ${text.split('\n')[line - 1]}`;
    })
    .join('\n');
}

// --- Parsers: "the result parses" in each language ----------------------------------------------

function typescriptErrors(fileName: string, text: string): string[] {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const diagnostics = (sf as unknown as { parseDiagnostics: ts.Diagnostic[] }).parseDiagnostics;
  return diagnostics.map((d) => `${sf.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

/** Syntax errors of the text as a JavaScript module, including TypeScript-only syntax in a .js file. */
function javascriptErrors(text: string): string[] {
  const fileName = '/workspace/snippet-host.mjs';
  const options: ts.CompilerOptions = { allowJs: true, noLib: true, noResolve: true, types: [], target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext };
  const host = ts.createCompilerHost(options);
  const original = host.getSourceFile.bind(host);
  host.getSourceFile = (name, languageVersion, ...rest) =>
    name === fileName ? ts.createSourceFile(name, text, languageVersion, true, ts.ScriptKind.JS) : original(name, languageVersion, ...rest);
  const program = ts.createProgram([fileName], options, host);
  const sf = program.getSourceFile(fileName)!;
  return program.getSyntacticDiagnostics(sf).map((d) => `${sf.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

function yamlDocuments(text: string): YamlDocument.Parsed[] {
  const docs = parseAllDocuments(text, { uniqueKeys: true, prettyErrors: false });
  assert.ok(Array.isArray(docs), 'YAML did not parse into documents');
  const problems = docs.flatMap((d) => [...d.errors, ...d.warnings].map((e) => e.message));
  assert.deepEqual(problems, [], `YAML errors:\n${text}`);
  return docs;
}

function getPath(value: unknown, keys: Array<string | number>): unknown {
  let current = value;
  for (const key of keys) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

const DOCKER_DURATION = /^\d+(?:\.\d+)?(?:ns|us|ms|s|m|h)$/;

function checkDockerfile(text: string): void {
  const dockerfile = DockerfileParser.parse(text);
  const keywords = new Set(['FROM', 'RUN', 'CMD', 'LABEL', 'EXPOSE', 'ENV', 'ADD', 'COPY', 'ENTRYPOINT', 'VOLUME', 'USER', 'WORKDIR', 'ARG', 'ONBUILD', 'STOPSIGNAL', 'HEALTHCHECK', 'SHELL']);
  for (const ins of dockerfile.getInstructions()) {
    assert.ok(keywords.has(ins.getKeyword()), `unknown instruction ${ins.getKeyword()} at line ${ins.getRange().start.line + 1}`);
  }
  const checks = dockerfile.getInstructions().filter((i) => i.getKeyword() === 'HEALTHCHECK');
  assert.equal(checks.length, 1, 'one HEALTHCHECK');
  const healthcheck = checks[0] as unknown as { getFlags(): Array<{ getName(): string; getValue(): string | null }>; getArgumentsContent(): string | null };
  for (const flag of healthcheck.getFlags()) {
    const name = flag.getName();
    const value = flag.getValue() ?? '';
    assert.ok(['interval', 'timeout', 'start-period', 'start-interval', 'retries'].includes(name), `unknown HEALTHCHECK flag --${name}`);
    assert.match(value, name === 'retries' ? /^\d+$/ : DOCKER_DURATION, `--${name}=${value}`);
  }
  const args = (healthcheck.getArgumentsContent() ?? '').replace(/\\\r?\n/g, ' ').trim();
  assert.match(args, /^CMD\s/, 'HEALTHCHECK runs a CMD');
  const command = args.slice(3).trim();
  if (command.startsWith('[')) {
    const exec: unknown = JSON.parse(command);
    assert.ok(Array.isArray(exec) && exec.every((part) => typeof part === 'string'), 'exec form is a JSON array of strings');
    if (exec[0] === 'node' && exec[1] === '-e') {
      // The inline script must be JavaScript too.
      assert.deepEqual(javascriptErrors(String(exec[2])), [], 'node -e script parses');
    }
  }
}

// ---------------------------------------------------------------------------------------------

describe('snippet files', () => {
  test('the snippets folder holds exactly the contributed files, each strict JSON with no duplicate names', () => {
    const onDisk = fs.readdirSync(SNIPPETS_DIR).sort();
    assert.deepEqual(onDisk, SNIPPET_FILES.map((f) => f.file).sort());
    for (const { file } of SNIPPET_FILES) {
      const text = fs.readFileSync(path.join(SNIPPETS_DIR, file), 'utf8');
      assert.doesNotThrow(() => JSON.parse(text), `${file} is not strict JSON`);
      // JSON.parse keeps the last of two equal keys without a word: look at the tree instead.
      const root = parseTree(text) as JsonNode;
      const names = (root.children ?? []).map((p) => String(p.children?.[0].value));
      assert.deepEqual(names.filter((n, i) => names.indexOf(n) !== i), [], `${file}: duplicate snippet names`);
      for (const property of root.children ?? []) {
        const keys = (property.children?.[1].children ?? []).map((p) => String(p.children?.[0].value));
        assert.deepEqual(keys.filter((k) => !['prefix', 'body', 'description', 'scope', 'isFileTemplate'].includes(k)), [], `${file}: unknown keys`);
      }
    }
  });

  test('package.json contributes each snippet file for its languages (once the lead wires it)', () => {
    const manifest = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', 'package.json'), 'utf8')) as {
      contributes?: { snippets?: Array<{ language: string; path: string }> };
    };
    const contributed = manifest.contributes?.snippets;
    if (contributed === undefined) return;
    const expected = SNIPPET_FILES.flatMap((f) => f.languages.map((language) => `${language} -> ./snippets/${f.file}`)).sort();
    assert.deepEqual(
      contributed.map((s) => `${s.language} -> ./${path.posix.normalize(s.path)}`).sort(),
      expected,
      'contributes.snippets should list each file for each language above (compose files have the language id dockercompose)',
    );
  });

  test('prefixes are unique across files and follow pr-<kebab-case>', () => {
    const all = SNIPPETS.flatMap((s) => prefixesOf(s));
    assert.deepEqual(all.filter((p, i) => all.indexOf(p) !== i), [], 'duplicate prefixes');
    for (const prefix of all) assert.match(prefix, /^pr-[a-z0-9]+(?:-[a-z0-9]+)*$/, prefix);
  });

  test('every snippet has a description that says what it gives and why', () => {
    for (const s of SNIPPETS) {
      assert.equal(typeof s.description, 'string', `${prefixesOf(s)[0]} has no description`);
      assert.ok(s.description!.length >= 80, `${prefixesOf(s)[0]}: description too short to say what and why: '${s.description}'`);
      assert.ok(!/\s$|^\s/.test(s.description!), `${prefixesOf(s)[0]}: description has stray whitespace`);
    }
  });

  test('every body is a well-formed snippet: known variables only, numbered tabstops, one default per tabstop', () => {
    for (const s of SNIPPETS) {
      const name = prefixesOf(s)[0];
      assert.ok(Array.isArray(s.body) && s.body.length > 0, `${name}: body is a non-empty list of lines`);
      const expansion = expandSnippet(s.body, (v) => VARIABLES[v]);
      // An unknown variable is almost always a JS template literal missing its `\$` escape:
      // VS Code would insert the bare name instead of `${name}`.
      assert.deepEqual(expansion.variables.filter((v) => !KNOWN_VARIABLES.has(v)), [], `${name}: unknown variables (unescaped \${...}?)`);
      assert.deepEqual(expansion.conflicts, [], `${name}: a tabstop has two different defaults`);
      const numbered = expansion.tabstops.filter((n) => n !== 0);
      assert.deepEqual(numbered, numbered.map((_, i) => i + 1), `${name}: tabstops should run 1..n without gaps`);
      assert.ok(numbered.length > 0, `${name}: has placeholders to fill in`);
      assert.ok(s.isFileTemplate === undefined || s.isFileTemplate === true, `${name}: isFileTemplate is true or absent`);
      assert.equal(s.body.join('\n').includes('$0'), true, `${name}: sets the final cursor ($0)`);
      for (const line of s.body) {
        if (s.language === 'javascript' || s.language === 'json' || s.language === 'python') {
          // Tabs, so that VS Code converts them to the user's indentation.
          assert.match(line, /^\t*(?: \*|(?![ \t]))/, `${name}: indent with tabs: '${line}'`);
        } else {
          assert.ok(!line.includes('\t'), `${name}: no tab characters in ${s.language}: YAML forbids them, and the file's own indentation is spaces ('${line}')`);
        }
      }
    }
  });

  test('every snippet is checked in a host file below, and every case names a real snippet', () => {
    const cased = new Set(CASES.map((c) => c.prefix));
    assert.deepEqual(SNIPPETS.flatMap((s) => prefixesOf(s)).filter((p) => !cased.has(p)), [], 'snippets without a host case');
    assert.deepEqual([...cased].filter((p) => !byPrefix.has(p)), [], 'cases for snippets that do not exist');
    assert.equal(cased.size, CASES.length, 'one case per snippet');
  });

  test('every rule family, every catalog rule and every registered rule has a snippet that shows the right way', () => {
    const guarded = new Set(CASES.flatMap((c) => c.guards));
    for (const id of guarded) assert.ok(id in CATALOG, `${id} is not a catalog rule id`);
    const families = new Set([...guarded].map((id) => CATALOG[id]));
    assert.deepEqual([...families].sort(), ['calls', 'config', 'health', 'logging', 'manifests', 'shutdown', 'timeouts']);
    assert.deepEqual(Object.keys(CATALOG).filter((id) => !guarded.has(id)), [], 'catalog rules no snippet guards');
    for (const rule of registry.all) {
      assert.ok(guarded.has(rule.id) || families.has(rule.family), `registered rule ${rule.id} (${rule.family}) has no snippet`);
      if (rule.id in CATALOG) assert.equal(rule.family, CATALOG[rule.id], `${rule.id} is in family ${CATALOG[rule.id]} in RULES.md`);
    }
  });

  test('the README table lists every snippet once, with its language and description', () => {
    const table = snippetTable();
    const rows = table.trimEnd().split('\n');
    assert.equal(rows.length, 2 + SNIPPETS.length);
    for (const s of SNIPPETS) {
      const row = rows.find((r) => r.startsWith(`| \`${prefixesOf(s)[0]}\` |`));
      assert.ok(row, `no row for ${prefixesOf(s)[0]}`);
      assert.ok(row.includes(s.description!.replace(/\|/g, '\\|')), `row for ${prefixesOf(s)[0]} carries its description`);
      assert.equal(row.split(/(?<!\\)\|/).length, 5, `row for ${prefixesOf(s)[0]} has three cells`);
    }
  });
});

describe('each snippet, expanded at its defaults in a realistic file', () => {
  for (const c of CASES) {
    describe(c.prefix, () => {
      test('parses', () => {
        const { text } = build(c);
        const snippet = byPrefix.get(c.prefix)!;
        switch (snippet.language) {
          case 'javascript':
            assert.deepEqual(typescriptErrors(c.path, text), [], `TypeScript parse errors in:\n${text}`);
            // A snippet scoped to TypeScript (NestJS's decorators and parameter properties) is never offered in a .js file.
            if (snippet.scope !== 'typescript') assert.deepEqual(javascriptErrors(text), [], `JavaScript parse errors in:\n${text}`);
            break;
          case 'yaml': {
            const docs = yamlDocuments(text);
            for (const keys of c.lands ?? []) {
              assert.ok(docs.some((d) => getPath(d.toJS(), keys) !== undefined), `${keys.join('.')} missing after insertion:\n${text}`);
            }
            break;
          }
          case 'json': {
            const value: unknown = JSON.parse(text);
            for (const keys of c.lands ?? []) assert.notEqual(getPath(value, keys), undefined, `${keys.join('.')} missing after insertion:\n${text}`);
            break;
          }
          case 'dockerfile':
            checkDockerfile(text);
            break;
          case 'python':
            assert.deepEqual(pythonErrors(text), [], `Python parse errors in:\n${text}`);
            break;
        }
      });

      test('prodready reports nothing about it', () => {
        const { text } = build(c);
        const found = findings(c.path, text);
        assert.equal(found.length, 0, `findings on ${c.prefix} in ${c.path}:\n${describeFindings(text, found)}`);
        if (byPrefix.get(c.prefix)!.language === 'javascript') {
          const asJs = findings(c.path.replace(/\.ts$/, '.js'), text);
          assert.equal(asJs.length, 0, `findings on ${c.prefix} as JavaScript:\n${describeFindings(text, asJs)}`);
        }
      });

      if (c.control) {
        const control = c.control;
        test('the naive version of the same file is flagged by every guarded rule that is registered', (t) => {
          const active = control.fires.filter((id) => registry.get(id));
          const pending = control.fires.filter((id) => !registry.get(id));
          if (pending.length > 0) t.diagnostic(`not registered yet, checked once they land: ${pending.join(', ')}`);
          const language = byPrefix.get(c.prefix)!.language;
          if (language === 'javascript') assert.deepEqual(typescriptErrors(c.path, control.text), [], 'the control parses');
          if (language === 'yaml') yamlDocuments(control.text);
          if (language === 'json') JSON.parse(control.text);
          const fired = new Set(findings(c.path, control.text).map((f) => f.ruleId));
          for (const id of active) assert.ok(fired.has(id), `${id} does not fire on the naive version, so the guard proves nothing:\n${control.text}`);
        });
      }
    });
  }
});

describe('JavaScript snippets as TypeScript', () => {
  test('every JS snippet type-checks in its host as a TypeScript file (non-strict; packages not installed here are any)', () => {
    const jsCases = CASES.filter((c) => byPrefix.get(c.prefix)!.language === 'javascript');
    const files = new Map(jsCases.map((c) => [`/snippet-hosts/${c.prefix}/${c.path}`, build(c).text]));
    const options: typescript.CompilerOptions = {
      target: typescript.ScriptTarget.ES2022,
      lib: ['lib.es2023.d.ts'],
      module: typescript.ModuleKind.ESNext,
      moduleResolution: typescript.ModuleResolutionKind.Bundler,
      types: ['node'],
      typeRoots: [path.resolve(__dirname, '..', 'node_modules', '@types')],
      strict: false,
      noEmit: true,
      skipLibCheck: true,
    };
    const host = typescript.createCompilerHost(options);
    const { getSourceFile, fileExists, readFile } = host;
    host.getSourceFile = (name, version, ...rest) =>
      files.has(name) ? typescript.createSourceFile(name, files.get(name)!, version, true) : getSourceFile.call(host, name, version, ...rest);
    host.fileExists = (name) => files.has(name) || fileExists.call(host, name);
    host.readFile = (name) => files.get(name) ?? readFile.call(host, name);
    const program = typescript.createProgram([...files.keys()], options, host);
    const UNRESOLVED_MODULE = 2307;
    const errors = typescript
      .getPreEmitDiagnostics(program)
      .filter((d) => d.code !== UNRESOLVED_MODULE)
      .map((d) => {
        const where = d.file ? `${d.file.fileName}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}` : 'program';
        return `${where} TS${d.code} ${typescript.flattenDiagnosticMessageText(d.messageText, ' ')}`;
      });
    assert.deepEqual(errors, []);
  });
});

describe('the snippet expander', () => {
  const expand = (body: string, vars: Record<string, string> = {}) => expandSnippet(body, (n) => vars[n]).text;

  test('tabstops, placeholders and mirrors take the first default', () => {
    assert.equal(expand('a $1 b ${2} c'), 'a  b  c');
    assert.equal(expand('${1:server}.close(); $1.on()'), 'server.close(); server.on()');
    assert.equal(expand('$1 then ${1:late}'), 'late then late');
  });

  test('nested placeholders and variables inside placeholders', () => {
    assert.equal(expand('${1:outer ${2:inner} end} $2'), 'outer inner end inner');
    assert.equal(expand('${1:${WORKSPACE_NAME:api}}', { WORKSPACE_NAME: 'shop' }), 'shop');
    assert.equal(expand('${1:${WORKSPACE_NAME:api}}'), 'api');
  });

  test('choices default to their first option and honour escapes', () => {
    assert.equal(expand('${1|info,debug,warn|}'), 'info');
    assert.equal(expand('${1|a\\,b,c|} $1'), 'a,b a,b');
    assert.equal(expand('${1|x\\|y,z|}'), 'x|y');
  });

  test('variables: known, unknown (their name), defaults, transforms', () => {
    assert.equal(expand('$TM_FILENAME_BASE', { TM_FILENAME_BASE: 'server' }), 'server');
    assert.equal(expand('${UNKNOWN_THING}'), 'UNKNOWN_THING');
    assert.equal(expand('${TM_SELECTED_TEXT:nothing}'), 'nothing');
    assert.equal(expand('${TM_FILENAME/(.*)\\..+$/${1:/upcase}/}', { TM_FILENAME: 'orders.client.ts' }), 'ORDERS.CLIENT');
    assert.equal(expand('${1:order-id} ${1/-(.)/${1:/upcase}/g}'), 'order-id orderId');
  });

  test('escapes: \\$, \\} and \\\\; other backslashes stay', () => {
    assert.equal(expand('`\\${name}`'), '`${name}`');
    assert.equal(expand('${1:a\\}b}'), 'a}b');
    assert.equal(expand('a\\\\b \\n'), 'a\\b \\n');
    assert.equal(expand('cost: $ 5'), 'cost: $ 5');
  });

  test('malformed snippets are rejected, not rescued', () => {
    assert.throws(() => parseSnippet('${1:open'), SnippetSyntaxError);
    assert.throws(() => parseSnippet('${1|a,b}'), SnippetSyntaxError);
    assert.throws(() => parseSnippet('${ 1}'), SnippetSyntaxError);
    assert.throws(() => parseSnippet('${1/(a/b/}'), SnippetSyntaxError);
    assert.throws(() => parseSnippet('${1|a|b|}'), SnippetSyntaxError);
    assert.throws(() => parseSnippet('${0|a,b|}'), SnippetSyntaxError);
  });

  test('insertion indents following lines like the editor', () => {
    const host = 'spec:\n  containers:\n    - name: api\n      <<snippet>>\n';
    const { text } = insertIntoHost(host, MARKER, 'a:\n  b: 1\n', indentOptionsFor('  '));
    assert.equal(text, 'spec:\n  containers:\n    - name: api\n      a:\n        b: 1\n');
    // Tabs in a body become the document's indentation, combined with the line's own.
    assert.equal(insertIntoHost('\t<<snippet>>', MARKER, 'if (x) {\n\ty();\n}', indentOptionsFor('  ')).text, '\tif (x) {\n    y();\n  }');
    assert.equal(insertIntoHost('  <<snippet>>', MARKER, 'a\n\tb', indentOptionsFor('\t')).text, '  a\n\tb');
  });

  test('the expected insertion for an editor test keeps what VS Code leaves (the line after $0)', () => {
    const text = expectedInsertion('pr-k8s-resources', '          ', { tabSize: 2, insertSpaces: true });
    assert.equal(text, 'resources:\n            requests:\n              cpu: 100m\n              memory: 128Mi\n            limits:\n              cpu: 500m\n              memory: 512Mi\n          ');
  });
});
