import type { Fix, RelatedLocation, Rule, RuleContext, RuleFinding } from '../../engine/types';
import type { DeployedHealthCheck, PackageService } from '../../engine/workspace-facts';
import { jsServiceFacts, normalizeRequestPath, pathLiteralWords, routeServes, type ListenFact } from '../../engine/model/service-facts';
import { HEALTH_LIBRARIES } from './health-libraries';
import { isHealthRoutePath } from './health-paths';
import { commandUrl } from './links';
import { healthRouteFix } from './health-route-fix';

interface Options {
  paths: string[];
}

const DEFAULT_PATHS = ['/health', '/healthz', '/livez', '/ping', '/_health'];

/** Words of string literals that may be a health path matched by hand (`req.path === '/healthz'`). */
const HEALTH_WORDS = ['health', 'healthz', 'healthcheck', '_health', 'livez', 'liveness', 'readyz', 'readiness', 'ping', 'alive', 'heartbeat'];

export interface MissingHealthData {
  /** The path the fix serves: the one the linked probe requests, else the first of `paths`. */
  path: string;
  /** Whether that path is what a linked probe requests. */
  probed: boolean;
}

interface Verdict {
  listen: ListenFact;
  service: PackageService;
  unserved: Array<DeployedHealthCheck & { requestPath: string }>;
  dockerfile: string;
}

function check(ctx: RuleContext<Options>): RuleFinding[] {
  const verdict = judge(ctx);
  if (!verdict) return [];
  const { listen, service, unserved, dockerfile } = verdict;
  const start = ctx.doc.lines.offsetAt({ line: listen.line - 1, character: listen.column - 1 });
  const token = /^[\w$]+/.exec(ctx.doc.text.slice(start))?.[0] ?? 'x';
  const pkg = ctx.workspace.relativePath(service.dir) || '.';
  const probe = unserved.find((c) => c.key !== 'readinessProbe');
  const fixPath = probe ? probe.requestPath : firstPath(ctx.options.paths);
  const related: RelatedLocation[] = unserved.slice(0, 3).map((c) => ({ path: c.file, line: c.line, message: `${describe(c)} requests ${c.requestPath}, which the app does not serve` }));
  if (related.length === 0) related.push({ path: dockerfile, line: 1, message: 'The image that deploys this service is built here' });
  const probeNote = unserved.length > 0 ? ` ${describe(unserved[0])} (${ctx.workspace.relativePath(unserved[0].file)}) requests \`${unserved[0].requestPath}\`, which nothing serves.` : '';
  return [
    {
      start,
      end: start + token.length,
      message: `This service (${pkg}) serves no health route (${ctx.options.paths.slice(0, 3).map((p) => `\`${p}\``).join(', ')}, ...): an orchestrator cannot tell a hung process from a working one, and a liveness or readiness probe has nothing to ask.${probeNote}`,
      data: { path: fixPath, probed: probe !== undefined } satisfies MissingHealthData,
      related,
    },
  ];
}

/** The finding's facts, or undefined (no finding) at the first thing that is not certain. */
function judge(ctx: RuleContext<Options>): Verdict | undefined {
  const { doc, workspace } = ctx;
  const pkg = workspace.packageOf(doc.path);
  if (!pkg || pkg.kind === 'library' || pkg.frontEnd !== undefined) return undefined;
  const deployment = workspace.deploymentOf?.(pkg.dir);
  if (!deployment || deployment.dockerfiles.length === 0) return undefined;
  const service = workspace.serviceOf(pkg.dir);
  // No route table (a Python package before its routes are read, a bare `http.createServer` handler), or one that is not complete: unknown.
  if (!service || !service.routesKnown || service.routes.length === 0) return undefined;
  const language = doc.kind === 'python' ? 'python' : 'js';
  if (HEALTH_LIBRARIES.some((l) => l.language === language && workspace.dependsOn(doc.path, l.name) === true)) return undefined;

  // The listen call this finding sits on: the package's first (by file, then line), when it is in this document.
  const own = doc.kind === 'js' ? jsServiceFacts(doc).listens : service.listens.filter((l) => l.file === doc.path);
  if (own.length === 0) return undefined;
  const others = service.listens.filter((l) => l.file !== doc.path);
  const firstOther = others.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line))[0];
  if (firstOther && (firstOther.file < doc.path)) return undefined;

  // This document's own text may be newer than the index: its routes and literals count too.
  if (doc.kind === 'js') {
    const mine = jsServiceFacts(doc);
    if ([...mine.routers.flatMap((r) => r.routes), ...mine.controllers.flatMap((c) => [{ path: c.prefix }, ...c.routes])].some((r) => isHealthRoutePath(r.path))) return undefined;
    if (pathLiteralWords(doc.text).some((w) => HEALTH_WORDS.includes(w))) return undefined;
  }

  const candidates = [...new Set([...ctx.options.paths, ...DEFAULT_PATHS])];
  const getLike = service.routes.filter((r) => r.method === 'get' || r.method === 'all' || r.method === 'head');
  if (service.routes.some((r) => isHealthRoutePath(r.path))) return undefined;
  if (candidates.some((p) => getLike.some((r) => routeServes(r, p)))) return undefined;
  // The text net: a handler that matches `req.url === '/healthz'` by hand, a path kept in a config module.
  if (HEALTH_WORDS.some((w) => service.pathWords.has(w)) || candidates.some((p) => service.pathWords.has(lastSegment(p)))) return undefined;

  // What probes it: a probe on a path the app serves is its health endpoint under another name.
  const unserved: Verdict['unserved'] = [];
  for (const c of deployment.checks) {
    if (c.action === 'tcpSocket') continue;
    let requestPath: string | undefined;
    if (c.action === 'httpGet') requestPath = c.path ?? undefined;
    else if (c.command !== undefined) requestPath = commandUrl(c.command)?.path;
    // An exec probe, a script, a templated path: it may ask anything.
    if (requestPath === undefined) return undefined;
    const p = normalizeRequestPath(requestPath);
    if (getLike.some((r) => routeServes(r, p)) || service.pathWords.has(lastSegment(p))) return undefined;
    if (!/^\/[\w\-./]*$/.test(p) || p === '/') return undefined;
    unserved.push({ ...c, requestPath: p });
  }
  return { listen: own[0], service, unserved, dockerfile: deployment.dockerfiles[0] };
}

function lastSegment(p: string): string {
  return (p.replace(/\/+$/, '').split('/').pop() ?? '').toLowerCase();
}

function firstPath(paths: unknown): string {
  const first = Array.isArray(paths) && typeof paths[0] === 'string' ? normalizeRequestPath(paths[0]) : '/health';
  return /^\/[\w\-./]*$/.test(first) ? first : '/health';
}

function describe(c: DeployedHealthCheck): string {
  if (c.key === 'healthcheck') return c.file.endsWith('Dockerfile') || /Dockerfile/.test(c.file) ? 'The Dockerfile HEALTHCHECK' : 'The compose healthcheck';
  return `The ${c.key.replace('Probe', ' probe')}`;
}

function fixes(finding: RuleFinding, ctx: RuleContext<Options>): Fix[] {
  const data = finding.data as MissingHealthData | undefined;
  if (!data || ctx.doc.kind !== 'js') return [];
  const fix = healthRouteFix(ctx.doc, finding.start, data.path);
  return fix ? [fix] : [];
}

export const missingHealthEndpoint: Rule<Options> = {
  id: 'missing-health-endpoint',
  family: 'health',
  kinds: ['js', 'python'],
  roles: ['service'],
  defaultSeverity: 'warning',
  fix: 'sometimes-safe',
  summary: 'A deployed HTTP service serves no health route for its orchestrator to probe.',
  options: {
    paths: {
      type: 'string[]',
      default: DEFAULT_PATHS,
      description: 'Paths that count as a liveness route; the fix serves the first one when no probe names a path.',
    },
  },
  docs: {
    whatItDoes:
      'Reads the route table the project model keeps for the package (Express apps and routers with their mounts, Koa routers, Fastify routes and prefixes, hapi `route`, NestJS controllers with the global prefix; Python routes once the model reads them) and flags a deployed HTTP service that serves none of the `paths` option (`/health`, `/healthz`, `/livez`, `/ping`, `/_health`), nor any route whose segment says health in another spelling (`/status`, `/ready`, `/heartbeat`, `/healthcheck`, ...), and that is not probed on another path it serves. "Deployed" means: the package is not a library or a front-end app, a Dockerfile (not a dev or test one) sits in its folder, and one of its files starts an HTTP server. The finding sits on the package\'s listen call (`app.listen`, `server.start()`; the first one, by file, when there are several): that is where the service is served, in every framework, while the app may be created in another file. Unknown, so no finding: a route table with a path, prefix or middleware it cannot read (a router from another package, a computed path), a package with no routes at all (a hand-written `http.createServer` handler), a string literal holding a health word anywhere in the package (a handler matching `req.url` by hand), a dependency on a library that serves health routes itself (`@godaddy/terminus`, `lightship`, `@nestjs/terminus`, `express-healthcheck`, `fastify-healthcheck`, `@fastify/under-pressure`, ... one row each in `health-libraries.ts`), a probe that runs a command or whose path is templated. A Python service is judged only once the service facts hold its routes. When the linked Kubernetes probe, compose healthcheck or HEALTHCHECK requests a path nothing serves, the finding points at it (and `probe-path-not-served` reports the manifest\'s side).',
    whyItMatters:
      'Checklist: "Health check endpoint: `/health` returns 200 when the service is working". Without one, a liveness probe has nothing to ask (so there is none, and a deadlocked process keeps its traffic), or it asks a route that does not exist and restarts the pod forever. A health route is the cheapest piece of the checklist, and every orchestrator feature that keeps a service up (restarts, rolling updates, load balancer health checks) waits on it.',
    example: {
      path: 'src/server.js',
      code: "const express = require('express');\n\nconst app = express();\napp.get('/orders', (req, res) => res.json([]));\napp.listen(3000);\n",
      alongside: [
        { path: 'package.json', code: '{ "name": "orders", "private": true, "dependencies": { "express": "^4.19.0" } }\n' },
        { path: 'Dockerfile', code: 'FROM node:20-slim\nWORKDIR /app\nCOPY . .\nCMD ["node", "src/server.js"]\n' },
      ],
    },
    useInstead: {
      path: 'src/server.js',
      code: "const express = require('express');\n\nconst app = express();\napp.get('/health', (req, res) => {\n  res.json({ status: 'ok' });\n});\napp.get('/orders', (req, res) => res.json([]));\napp.listen(3000);\n",
      alongside: [
        { path: 'package.json', code: '{ "name": "orders", "private": true, "dependencies": { "express": "^4.19.0" } }\n' },
        { path: 'Dockerfile', code: 'FROM node:20-slim\nWORKDIR /app\nCOPY . .\nCMD ["node", "src/server.js"]\n' },
      ],
    },
    fixSafety:
      'The fix adds a liveness route in the framework\'s idiom, on the path the linked probe requests (so the probe starts to work), else on the first of `paths`: Express `app.get(...)`, Fastify `app.get(...)`, hapi `server.route({...})`, Koa `router.get(...)` on a router mounted at the root, else a Koa middleware that answers that path. It goes right after the statement that creates the app (or router), in the file\'s quotes, semicolons and indentation, so that it runs before any authentication a probe could not pass. It is safe when nothing else is mounted on the app without a path (only middleware that never answers or rejects a request: `express.json()`, `cors`, `helmet`, `morgan`, ...); otherwise (a local or unknown middleware, a Fastify hook or plugin, hapi\'s default auth) the health route now bypasses that middleware: the fix is offered as unsafe. No fix when the app is made in another file than the listen call (the route would have to go after middleware the file cannot see), and none for NestJS (a health controller and its module registration are a design decision; `@nestjs/terminus` is the idiom) or Python (not yet).',
    references: [
      'https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/',
      'https://expressjs.com/en/advanced/healthcheck-graceful-shutdown.html',
      'https://docs.nestjs.com/recipes/terminus',
    ],
  },
  check,
  fixes,
};
