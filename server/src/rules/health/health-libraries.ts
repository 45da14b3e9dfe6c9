// Libraries that serve a health route themselves, where the service facts cannot see the path: a
// package that depends on one of them is not judged by missing-health-endpoint (unknown, no finding).
// One row per library: what it serves by default, with its documentation.

export interface HealthLibrary {
  /** The npm package (or PyPI project) name. */
  name: string;
  language: 'js' | 'python';
  /** What it serves, and where that is documented. */
  serves: string;
  source: string;
}

export const HEALTH_LIBRARIES: readonly HealthLibrary[] = [
  { name: '@godaddy/terminus', language: 'js', serves: 'the paths of its `healthChecks` option (`/healthcheck` in its examples)', source: 'https://github.com/godaddy/terminus#usage' },
  { name: 'lightship', language: 'js', serves: '`/health`, `/live`, `/ready` on its own port (9000)', source: 'https://github.com/gajus/lightship#lightship-readiness-liveness-and-health-checks' },
  { name: '@nestjs/terminus', language: 'js', serves: 'the routes of a controller built with its `HealthCheckService`', source: 'https://docs.nestjs.com/recipes/terminus' },
  { name: 'express-healthcheck', language: 'js', serves: 'the path it is mounted on (`/healthcheck` in its readme)', source: 'https://github.com/lennym/express-healthcheck#readme' },
  { name: 'express-actuator', language: 'js', serves: '`/health`, `/info`, `/metrics` (under its `basePath`)', source: 'https://github.com/rcruzper/express-actuator#readme' },
  { name: 'express-health-check', language: 'js', serves: 'the path it is mounted on', source: 'https://www.npmjs.com/package/express-health-check' },
  { name: '@cloudnative/health-connect', language: 'js', serves: 'the handlers it makes (`LivenessEndpoint`, `ReadinessEndpoint`) on the paths they are mounted on', source: 'https://github.com/CloudNativeJS/cloud-health-connect#readme' },
  { name: 'fastify-healthcheck', language: 'js', serves: '`/health` (its `healthcheckUrl` option)', source: 'https://github.com/smartiniOnGitHub/fastify-healthcheck#readme' },
  { name: '@fastify/under-pressure', language: 'js', serves: '`/status` with `exposeStatusRoute` (its `exposeStatusRoute.url` option)', source: 'https://github.com/fastify/under-pressure#readme' },
  { name: 'under-pressure', language: 'js', serves: '`/status` with `exposeStatusRoute` (the package before its move to @fastify)', source: 'https://github.com/fastify/under-pressure#readme' },
  { name: 'hapi-alive', language: 'js', serves: '`/health` (its `path` option)', source: 'https://github.com/idosela/hapi-alive#readme' },
  { name: 'hapi-healthcheck', language: 'js', serves: 'the path of its `path` option', source: 'https://www.npmjs.com/package/hapi-healthcheck' },
  { name: 'koa-healthcheck', language: 'js', serves: '`/healthcheck` (its `path` option)', source: 'https://www.npmjs.com/package/koa-healthcheck' },
  { name: 'fastapi-health', language: 'python', serves: 'the route it is added on (`app.add_api_route("/health", health([...]))`)', source: 'https://github.com/Kludex/fastapi-health#readme' },
  { name: 'django-health-check', language: 'python', serves: 'the URL include it is given (`path("ht/", include("health_check.urls"))`)', source: 'https://github.com/revsys/django-health-check#setting-up-monitoring' },
  { name: 'flask-healthz', language: 'python', serves: '`/healthz/live` and `/healthz/ready` (its blueprint)', source: 'https://github.com/fedora-infra/flask-healthz#readme' },
  { name: 'healthcheck', language: 'python', serves: 'the URL rule it is added on (Flask `app.add_url_rule("/healthcheck", ...)`)', source: 'https://github.com/Runscope/healthcheck#readme' },
];

// Not here, though often named with them: http-terminator and stoppable only close servers (no route),
// so a package using them is judged like any other.
