// The Production Readiness Review's checklist as data: its four sections, their items, the rules whose
// findings make an item fail, and the project evidence that makes it pass (or, for a few items, fail).
// One mechanism (`review.ts`) reads this table; knowledge about libraries lives here, one row each.
//
// An item passes only when every one of its `needs` is met by something the project shows (a file
// and line). An item no finding fails and whose needs are not all met is `unknown`: never `pass` on
// no evidence. Rule ids that are not registered yet (issue 17's health rules) are listed all the
// same: their findings light the item up as soon as the rules land.

import { APP_SERVERS } from '../rules/shutdown/python-shutdown';
import { HEALTH_ROUTE_PATH } from '../rules/health/health-paths';

/**
 * Which files a signal reads. `code`: JS/TS/Python files the project model calls service code;
 * `python`: only the Python ones; `routes`: the routes the service facts read in service code (full
 * paths, mounts and prefixes applied; `re` is matched against each route's path).
 */
export type SignalFiles = 'code' | 'python' | 'routes' | 'manifest' | 'kubernetes' | 'compose' | 'ecs' | 'dockerfile' | 'package' | 'path';

export interface Signal {
  files: SignalFiles;
  /** Matched against the text (or, for `path`, the workspace-relative path); the evidence is the first match's line. */
  re: RegExp;
  /** What the match shows, for the evidence line: "prom-client imported". */
  what: string;
  /** The match counts only when one of the next `within` lines (the match's own line included) matches this too. */
  then?: { re: RegExp; within: number };
}

export interface Need {
  /** What the project must show, in words: "a metrics library". Shown when it is missing. */
  what: string;
  signals: readonly Signal[];
}

export type SectionId = 'health-observability' | 'reliability' | 'configuration' | 'deployment';

export interface ChecklistItem {
  id: string;
  section: SectionId;
  title: string;
  /** A failing blocker stops the launch: listed first, and `--fail-on blocker` exits 1 on it. */
  blocker: boolean;
  /** The rules whose findings (in the service's files) make the item fail. */
  failRules: readonly string[];
  /** All must be met for `pass`. */
  needs: readonly Need[];
  /** Project evidence that makes the item fail even with no finding (migrations run at start-up). */
  failWhen?: readonly Signal[];
}

export const SECTIONS: ReadonlyArray<{ id: SectionId; title: string }> = [
  { id: 'health-observability', title: 'Health & Observability' },
  { id: 'reliability', title: 'Reliability' },
  { id: 'configuration', title: 'Configuration' },
  { id: 'deployment', title: 'Deployment' },
];

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/**
 * An import of one of `modules` in JS/TS (`from 'x'`, `require('x')`, `import('x')`, subpaths too)
 * or Python (`import x`, `from x import`, `from x.y import`).
 */
export function importOf(modules: readonly string[]): RegExp {
  const names = modules.map(escape).join('|');
  return new RegExp(
    `(?:\\bfrom\\s*|\\bimport\\s*(?:\\(\\s*)?|\\brequire\\s*\\(\\s*)(['"])(?:${names})(?:\\/[^'"]*)?\\1|^\\s*(?:from|import)\\s+(?:${names})(?:\\.[\\w.]+)?\\b`,
    'm',
  );
}

const imported = (modules: readonly string[], what = `${modules.join(' / ')} imported`): Signal => ({ files: 'code', re: importOf(modules), what });

/** A dependency named in package.json, requirements.txt, pyproject.toml or a Pipfile. */
export function dependencyOn(names: readonly string[]): RegExp {
  const list = names.map(escape).join('|');
  return new RegExp(`(?:^\\s*"(?:${list})"\\s*:|^\\s*(?:${list})\\s*(?:[=<>~!\\[;]|$)|^\\s*"(?:${list})[=<>~!\\[ "])`, 'mi');
}

/** Route paths a health endpoint is served on. */
const HEALTH_PATH = String.raw`\/(?:_?health(?:z|check)?|livez?|liveness|readyz?|readiness|ping|status|_up|alive)(?:\/(?:live|liveness|ready|readiness|startup))?(?=['"\`?])`;
const ROUTE_CALL = String.raw`(?:\b(?:app|router|server|fastify|api|route[rs]?|r|bp|blueprint)\s*\.\s*(?:get|head|all|route|api_route|use)\s*\(|@\w+(?:\.\w+)*\.(?:get|head|route|api_route)\s*\(|\b(?:url|path)\s*:\s*|@Get\s*\()`;
const READY_PATH = String.raw`\/(?:readyz?|readiness|_ready|_?healthz?\/(?:ready|readiness))(?=['"\`?])`;
/** A call in a readiness handler that reaches a dependency (a database ping, a query, a client's health check). */
const DEPENDENCY_CALL = /\.\s*(?:ping|query|raw|execute|\$queryRaw|authenticate|healthCheck|checkHealth|isReady|admin\s*\(\s*\)\s*\.\s*ping|command\s*\(\s*\{\s*ping|get_connection|exec)\s*\(|SELECT 1|\bawait\s+\w+\.(?:ping|health)\b/;

export const CHECKLIST: readonly ChecklistItem[] = [
  // ---- Health & Observability
  {
    id: 'health-endpoint',
    section: 'health-observability',
    title: 'Health endpoint',
    blocker: true,
    failRules: ['missing-health-endpoint', 'probe-path-not-served'],
    needs: [
      {
        what: 'a health route served by the app, or a health-check library mounted',
        signals: [
          // The routes missing-health-endpoint reads (the service facts), so the item and the rule agree.
          { files: 'routes', re: HEALTH_ROUTE_PATH, what: 'health route' },
          // Python routes are not in the service facts yet: their route decorators, by text until they are.
          { files: 'python', re: new RegExp(`${ROUTE_CALL}\\s*(['"\`])${HEALTH_PATH}`), what: 'health route' },
          imported(['@godaddy/terminus', 'lightship', '@nestjs/terminus', 'express-healthcheck', 'express-actuator', 'fastify-healthcheck', '@hapi/hapi-alive', 'healthcheck'], 'health-check library imported'),
        ],
      },
    ],
  },
  {
    id: 'readiness-checks-dependencies',
    section: 'health-observability',
    title: 'Readiness checks dependencies',
    blocker: false,
    failRules: ['readiness-checks-nothing', 'liveness-checks-dependencies'],
    needs: [
      {
        what: 'a readiness route whose handler calls a dependency (a ping, a query), or a readiness library given checks',
        signals: [
          { files: 'code', re: new RegExp(`${ROUTE_CALL}\\s*(['"\`])${READY_PATH}`), what: 'readiness handler calls a dependency', then: { re: DEPENDENCY_CALL, within: 12 } },
          { files: 'code', re: /\breadiness(?:Checks?|Probe)\s*:|\bhealthChecks\s*:\s*\{/, what: 'readiness checks given to the health library' },
        ],
      },
    ],
  },
  {
    id: 'structured-logs',
    section: 'health-observability',
    title: 'JSON logs with correlation ids',
    blocker: false,
    failRules: ['console-log', 'print-call', 'interpolated-log-message'],
    needs: [
      {
        what: 'a structured (JSON) logger',
        signals: [imported(['pino', 'bunyan', 'winston', '@nestjs/pino', 'nestjs-pino', 'structlog', 'pythonjsonlogger', 'json_log_formatter', 'loguru'], 'structured logger imported')],
      },
      {
        what: 'a request or correlation id on every log line',
        signals: [
          imported(['pino-http', 'express-pino-logger', 'koa-pino-logger', 'express-request-id', 'cls-rtracer', 'correlation-id', 'express-correlation-id', 'asgi_correlation_id', 'flask_request_id', '@fastify/request-context'], 'request-id middleware imported'),
          { files: 'code', re: /\b(?:genReqId|requestIdHeader|requestIdLogLabel)\b|['"`]x-(?:request|correlation)-id['"`]|\b(?:correlationId|requestId|request_id|correlation_id)\s*[:=]/i, what: 'request id read or set' },
        ],
      },
    ],
  },
  {
    id: 'red-metrics',
    section: 'health-observability',
    title: 'RED metrics (rate, errors, duration)',
    blocker: false,
    failRules: [],
    needs: [
      {
        what: 'a metrics library',
        signals: [imported(['prom-client', 'express-prom-bundle', 'prometheus-api-metrics', 'fastify-metrics', '@opentelemetry/sdk-metrics', '@opentelemetry/exporter-prometheus', 'hot-shots', 'prometheus_client', 'prometheus_fastapi_instrumentator', 'starlette_exporter', 'prometheus_flask_exporter'], 'metrics library imported')],
      },
      {
        what: 'request metrics recorded (an HTTP metrics middleware, or a request-duration histogram)',
        signals: [
          { files: 'code', re: /\b(?:promBundle|expressPromBundle|prometheusMiddleware|apiMetrics|metricsMiddleware)\s*\(|\bregister\s*\(\s*(?:fastifyMetrics|require\(\s*['"]fastify-metrics['"]\s*\))|\bInstrumentator\s*\(|\bPrometheusMiddleware\b|\bPrometheusMetrics\s*\(/, what: 'HTTP metrics middleware' },
          // A histogram counts when its name says it times requests (`http_request_duration_seconds`).
          { files: 'code', re: /\bnew\s+(?:\w+\.)?Histogram\s*\(|\bHistogram\s*\(/, what: 'request-duration histogram', then: { re: /request|http|latency|duration/i, within: 3 } },
        ],
      },
    ],
  },
  {
    id: 'tracing',
    section: 'health-observability',
    title: 'Tracing propagated',
    blocker: false,
    failRules: [],
    needs: [
      {
        what: 'a tracing SDK or agent started with the process',
        signals: [
          { files: 'code', re: /\bnew\s+NodeSDK\s*\(|\bNodeTracerProvider\b|\bTracerProvider\s*\(|\btracer\s*\.\s*init\s*\(|require\(\s*['"]dd-trace['"]\s*\)\s*\.init\s*\(|\bapm\s*\.\s*start\s*\(|require\(\s*['"]elastic-apm-node['"]\s*\)\s*\.start\s*\(|^\s*import\s+['"]dd-trace\/init['"]/m, what: 'tracing started' },
          { files: 'dockerfile', re: /(?:--require|-r|--import)[ =]+@opentelemetry\/auto-instrumentations-node\/register|opentelemetry-instrument\b|dd-trace\/init|ddtrace-run\b/, what: 'tracing agent loaded by the image command' },
          { files: 'manifest', re: /NODE_OPTIONS["']?\s*[:=]?\s*["']?[^\n]*(?:@opentelemetry\/auto-instrumentations-node\/register|dd-trace\/init)/, what: 'tracing agent loaded through NODE_OPTIONS' },
          { files: 'package', re: /(?:--require|-r|--import)[ =]+@opentelemetry\/auto-instrumentations-node\/register|opentelemetry-instrument\b|ddtrace-run\b/, what: 'tracing agent loaded by the start script' },
        ],
      },
      {
        what: 'incoming and outgoing HTTP calls instrumented, so the trace context travels with them',
        signals: [
          { files: 'code', re: /\bgetNodeAutoInstrumentations\s*\(|\bnew\s+HttpInstrumentation\s*\(|\bregisterInstrumentations\s*\(|\b(?:FastAPIInstrumentor|FlaskInstrumentor|DjangoInstrumentor|RequestsInstrumentor|HTTPXClientInstrumentor)\b|require\(\s*['"]dd-trace['"]\s*\)\s*\.init\s*\(|\btracer\s*\.\s*init\s*\(|\bapm\s*\.\s*start\s*\(|require\(\s*['"]elastic-apm-node['"]\s*\)\s*\.start\s*\(|^\s*import\s+['"]dd-trace\/init['"]/m, what: 'HTTP instrumentation' },
          { files: 'dockerfile', re: /@opentelemetry\/auto-instrumentations-node\/register|opentelemetry-instrument\b|dd-trace\/init|ddtrace-run\b/, what: 'auto-instrumentation loaded by the image command' },
          { files: 'manifest', re: /NODE_OPTIONS["']?\s*[:=]?\s*["']?[^\n]*(?:@opentelemetry\/auto-instrumentations-node\/register|dd-trace\/init)/, what: 'auto-instrumentation loaded through NODE_OPTIONS' },
          { files: 'package', re: /@opentelemetry\/auto-instrumentations-node\/register|opentelemetry-instrument\b|ddtrace-run\b/, what: 'auto-instrumentation loaded by the start script' },
        ],
      },
    ],
  },
  // ---- Reliability
  {
    id: 'sigterm',
    section: 'reliability',
    title: 'SIGTERM handled (graceful shutdown)',
    blocker: true,
    failRules: ['missing-sigterm-handler', 'sigterm-handler-overrides-server', 'signal-not-forwarded', 'drain-exceeds-grace-period', 'ecs-missing-stop-timeout'],
    needs: [
      {
        what: 'a SIGTERM handler that closes the server',
        signals: [
          { files: 'code', re: /\bprocess\s*\.\s*(?:on|once|addListener|prependListener|prependOnceListener)\s*\(\s*(['"`])SIGTERM\1/, what: 'SIGTERM handler' },
          imported(['@godaddy/terminus', 'http-terminator', 'stoppable', 'lightship', 'close-with-grace', 'fastify-graceful-shutdown', 'http-graceful-shutdown', 'death', 'exit-hook', 'async-exit-hook'], 'graceful-shutdown library imported'),
          { files: 'code', re: /\.\s*enableShutdownHooks\s*\(/, what: 'NestJS shutdown hooks enabled' },
          { files: 'code', re: /\bsignal\s*\.\s*signal\s*\(\s*signal\s*\.\s*SIGTERM\b|\badd_signal_handler\s*\(\s*signal\s*\.\s*SIGTERM\b/, what: 'SIGTERM handler' },
          // The Python app servers drain on SIGTERM themselves (the shutdown rules' table); run through a
          // shell that does not forward it, `signal-not-forwarded` fails the item instead.
          { files: 'dockerfile', re: new RegExp(`^\\s*(?:CMD|ENTRYPOINT)\\b[^\\n]*\\b(?:${APP_SERVERS.join('|')})\\b`, 'im'), what: 'app server that drains on SIGTERM' },
          { files: 'manifest', re: new RegExp(`^\\s*-?\\s*(?:command|args|entryPoint)["']?\\s*:[^\\n]*\\b(?:${APP_SERVERS.join('|')})\\b`, 'im'), what: 'app server that drains on SIGTERM' },
        ],
      },
    ],
  },
  {
    id: 'timeouts',
    section: 'reliability',
    title: 'Timeouts on outbound calls',
    blocker: true,
    failRules: ['http-call-without-timeout', 'grpc-call-without-deadline', 'datastore-client-without-timeout', 'aws-sdk-client-without-timeout'],
    needs: [
      {
        what: 'a timeout or deadline set on an outbound call or client',
        signals: [
          { files: 'code', re: /\bAbortSignal\s*\.\s*timeout\s*\(|\b(?:timeout|deadline|requestTimeout|connectTimeout|connectTimeoutMS|socketTimeoutMS|serverSelectionTimeoutMS|connectionTimeoutMillis|statement_timeout|query_timeout|acquireTimeoutMillis|commandTimeout)\s*[:=]\s*(?!0\b|None\b|null\b|undefined\b|false\b)[\w.(]/, what: 'timeout set' },
        ],
      },
    ],
  },
  {
    id: 'retries',
    section: 'reliability',
    title: 'Retries with backoff and a limit',
    blocker: false,
    failRules: ['retry-without-backoff', 'retry-without-limit'],
    needs: [
      {
        what: 'a retry library or a retry policy with backoff',
        signals: [
          imported(['p-retry', 'async-retry', 'axios-retry', 'retry-axios', 'exponential-backoff', 'cockatiel', 'promise-retry', 'tenacity', 'backoff', 'urllib3.util.retry', 'stamina'], 'retry library imported'),
          { files: 'code', re: /\bexponentialDelay\b|\bExponentialBackoff\b|\bbackoff_factor\s*=|\bwait_exponential\s*\(|\bbackoff\s*:\s*['"{]/, what: 'retry with backoff' },
        ],
      },
    ],
  },
  {
    id: 'circuit-breakers',
    section: 'reliability',
    title: 'Circuit breakers on dependencies',
    blocker: false,
    failRules: [],
    needs: [
      {
        what: 'a circuit breaker around a dependency',
        signals: [
          imported(['opossum', 'brakes', 'pybreaker', 'circuitbreaker', 'aiobreaker', 'purgatory'], 'circuit-breaker library imported'),
          { files: 'code', re: /\bcircuitBreaker\s*\(|\bnew\s+CircuitBreaker\s*\(|@circuit\b/, what: 'circuit breaker' },
        ],
      },
    ],
  },
  {
    id: 'resource-limits',
    section: 'reliability',
    title: 'Resource requests and limits',
    blocker: false,
    failRules: ['missing-resource-limits'],
    needs: [
      {
        what: 'memory limits in the deployment manifests',
        signals: [
          { files: 'kubernetes', re: /^\s*limits:\s*(?:#.*)?$/m, what: 'resource limits', then: { re: /^\s*memory:\s*\S/, within: 4 } },
          { files: 'compose', re: /^\s*(?:limits:\s*(?:#.*)?$|mem_limit:\s*\S)/m, what: 'resource limits', then: { re: /^\s*(?:memory|mem_limit):\s*\S/, within: 4 } },
          { files: 'ecs', re: /"memory"\s*:\s*"?\d/, what: 'task or container memory' },
        ],
      },
    ],
  },
  // ---- Configuration
  {
    id: 'no-hardcoded-config',
    section: 'configuration',
    title: 'No hardcoded secrets or URLs',
    blocker: true,
    failRules: ['hardcoded-credential', 'hardcoded-service-url'],
    needs: [
      {
        what: 'configuration read from the environment or a secret store',
        signals: [
          { files: 'code', re: /\bprocess\s*\.\s*env\b|\bos\s*\.\s*(?:environ|getenv)\b|\bConfigService\b|\bBaseSettings\b/, what: 'configuration read from the environment' },
          { files: 'manifest', re: /\b(?:secretKeyRef|configMapRef|secretRef|envFrom|env_file|valueFrom)\b|"secrets"\s*:/, what: 'configuration injected by the orchestrator' },
        ],
      },
    ],
  },
  {
    id: 'config-validated',
    section: 'configuration',
    title: 'Configuration validated at start-up',
    blocker: false,
    failRules: [],
    needs: [
      {
        what: 'the environment validated against a schema when the process starts',
        signals: [
          imported(['envalid', 'env-schema', '@t3-oss/env-core', 'convict', 'env-var', 'znv', 'pydantic_settings', 'environs'], 'configuration validator imported'),
          { files: 'code', re: /\bcleanEnv\s*\(|\.\s*(?:safeParse|parse)\s*\(\s*process\s*\.\s*env\b|\bvalidate\s*\(\s*process\s*\.\s*env\b|\bvalidationSchema\s*:|\bclass\s+\w+\s*\(\s*BaseSettings\s*\)/, what: 'environment validated' },
        ],
      },
    ],
  },
  {
    id: 'feature-flags',
    section: 'configuration',
    title: 'Feature flags for risky changes',
    blocker: false,
    failRules: [],
    needs: [
      {
        what: 'a feature-flag client',
        signals: [
          imported(
            ['launchdarkly-node-server-sdk', '@launchdarkly/node-server-sdk', 'unleash-client', '@openfeature/server-sdk', 'flagsmith-nodejs', '@growthbook/growthbook', 'configcat-node', '@splitsoftware/splitio', 'flipt', '@flipt-io/flipt', 'ldclient', 'UnleashClient', 'openfeature', 'flagsmith', 'growthbook', 'configcatclient', 'splitio_client'],
            'feature-flag client imported',
          ),
        ],
      },
    ],
  },
  // ---- Deployment
  {
    id: 'rollback',
    section: 'deployment',
    title: 'Rollback possible',
    blocker: false,
    failRules: ['mutable-image-tag'],
    needs: [
      {
        what: 'a deployment that keeps previous revisions (a Kubernetes Deployment or Rollout, an ECS task definition, a Helm release)',
        signals: [
          { files: 'kubernetes', re: /^kind:\s*(?:Deployment|StatefulSet|Rollout)\s*$/m, what: 'revisioned workload' },
          { files: 'ecs', re: /"family"\s*:|AWS::ECS::TaskDefinition/, what: 'ECS task definition (revisioned)' },
          { files: 'path', re: /(?:^|\/)Chart\.ya?ml$/, what: 'Helm chart' },
        ],
      },
      {
        what: 'images pinned to a version or digest, so a previous revision runs the previous code',
        signals: [
          { files: 'kubernetes', re: /^\s*(?:-\s*)?image:\s*["']?[^\s"'{}]+(?::(?!latest\b)[\w][\w.-]*|@sha256:[0-9a-f]{12,})["']?\s*$/m, what: 'pinned image' },
          { files: 'ecs', re: /"image"\s*:\s*"[^"{}]+(?::(?!latest")[\w][\w.-]*|@sha256:[0-9a-f]{12,})"/, what: 'pinned image' },
        ],
      },
    ],
    failWhen: [{ files: 'kubernetes', re: /^\s*revisionHistoryLimit:\s*["']?0["']?\s*$/m, what: 'the workload keeps no previous revision to roll back to (revisionHistoryLimit: 0)' }],
  },
  {
    id: 'zero-downtime',
    section: 'deployment',
    title: 'Zero-downtime deploy',
    blocker: false,
    failRules: ['rollout-drops-capacity', 'single-replica', 'missing-readiness-probe', 'missing-pod-disruption-budget', 'missing-prestop-hook', 'drain-exceeds-grace-period'],
    needs: [
      {
        what: 'a readiness gate on new instances (a readiness probe, an ECS health check)',
        signals: [
          { files: 'kubernetes', re: /^\s*readinessProbe:/m, what: 'readiness probe' },
          { files: 'ecs', re: /"healthCheck"\s*:/, what: 'ECS health check' },
        ],
      },
      {
        what: 'more than one instance during a rollout (replicas over 1, an autoscaler, an ECS desired count over 1)',
        signals: [
          { files: 'kubernetes', re: /^\s*(?:replicas|minReplicas|minReplicaCount):\s*["']?(?:[2-9]|[1-9]\d+)["']?\s*$/m, what: 'several replicas' },
          { files: 'ecs', re: /"(?:desiredCount|DesiredCount)"\s*:\s*"?(?:[2-9]|[1-9]\d+)\b/, what: 'several tasks' },
        ],
      },
    ],
  },
  {
    id: 'migrations-separate',
    section: 'deployment',
    title: 'Migrations run apart from the app start-up',
    blocker: false,
    failRules: [],
    needs: [
      {
        what: 'a job, hook or one-shot service that runs the migrations',
        signals: [
          { files: 'kubernetes', re: /^kind:\s*Job\s*$/m, what: 'migration job', then: { re: /migrat/i, within: 40 } },
          { files: 'kubernetes', re: /helm\.sh\/hook:\s*["']?pre-(?:install|upgrade)/, what: 'migration hook', then: { re: /migrat/i, within: 40 } },
          { files: 'compose', re: /^\s{2,4}[\w.-]*migrat[\w.-]*:\s*$/m, what: 'one-shot migration service' },
          { files: 'ecs', re: /"family"\s*:\s*"[^"]*migrat/, what: 'migration task definition' },
        ],
      },
    ],
    failWhen: [
      { files: 'dockerfile', re: /^\s*(?:CMD|ENTRYPOINT)\b[^\n]*migrat[^\n]*(?:&&|;)/im, what: 'the image command runs migrations before the app' },
      { files: 'package', re: /"(?:start|serve|prod|start:prod)"\s*:\s*"[^"]*migrat[^"]*&&/, what: 'the start script runs migrations before the app' },
      { files: 'code', re: /\bknex\s*\.\s*migrate\s*\.\s*latest\s*\(|\bmigrationsRun\s*:\s*true\b|\bumzug\s*\.\s*up\s*\(|\bsequelize\s*\.\s*sync\s*\(\s*\{[^}]*alter\s*:\s*true/, what: 'the service runs migrations when it starts' },
    ],
  },
  {
    id: 'orchestrator-health-checks',
    section: 'deployment',
    title: 'Health checks in the orchestrator',
    blocker: true,
    failRules: ['missing-liveness-probe', 'missing-readiness-probe', 'compose-missing-healthcheck', 'dockerfile-missing-healthcheck', 'ecs-missing-health-check', 'probe-path-not-served', 'probe-port-mismatch'],
    needs: [
      {
        what: 'a probe or health check on the service\'s containers',
        signals: [
          { files: 'kubernetes', re: /^\s*(?:livenessProbe|readinessProbe|startupProbe):/m, what: 'probe' },
          { files: 'compose', re: /^\s*healthcheck:\s*$/m, what: 'compose health check', then: { re: /^\s*test:/, within: 3 } },
          { files: 'dockerfile', re: /^\s*HEALTHCHECK\s+(?!NONE\b)/im, what: 'image HEALTHCHECK' },
          { files: 'ecs', re: /"healthCheck"\s*:/, what: 'ECS health check' },
        ],
      },
    ],
  },
  {
    id: 'runbook',
    section: 'deployment',
    title: 'Runbook',
    blocker: false,
    failRules: [],
    needs: [
      {
        what: 'a runbook in the repository, or one linked from the manifests',
        signals: [
          { files: 'path', re: /(?:^|\/)(?:runbooks?|RUNBOOKS?|Runbooks?)(?:[-_.][^/]*)?\.(?:md|markdown|rst|adoc|txt)$|(?:^|\/)runbooks?\/[^/]+\.(?:md|markdown|rst|adoc|txt)$/, what: 'runbook' },
          { files: 'manifest', re: /\brunbook(?:_url|Url|-url)?["']?\s*[:=]\s*["']?\S/i, what: 'runbook linked' },
        ],
      },
    ],
  },
];
