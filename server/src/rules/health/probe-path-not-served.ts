import type { Fix, Rule, RuleContext, RuleFinding } from '../../engine/types';
import { normalizeRequestPath } from '../../engine/model/service-facts';
import { isAppServerCommand } from '../../engine/model/python-service-facts';
import { certainlyNotServed, healthRoutes, pythonOf, routeLocation, type ProbeKey } from './links';
import { probeSites } from './sites';

function check(ctx: RuleContext): RuleFinding[] {
  const out: RuleFinding[] = [];
  for (const site of probeSites(ctx)) {
    if (!site.path || !site.code) continue;
    // A command of the manifest's own runs something else, unless it is an app server of this Python package.
    if (site.commandOverridden && !(pythonOf(site.code.service) && isAppServerCommand(site.command))) continue;
    const { service } = site.code;
    if (!certainlyNotServed(service, site.path.value)) continue;
    const key: ProbeKey = site.key === 'healthcheck' ? 'livenessProbe' : site.key;
    const offered = healthRoutes(service, key).slice(0, 3);
    const pkg = ctx.workspace.relativePath(service.dir) || '.';
    const served = offered.length > 0 ? ` It serves ${offered.map((r) => `\`${r.path}\``).join(', ')}.` : '';
    out.push({
      start: site.path.start,
      end: site.path.end,
      message: `${site.what} requests \`${normalizeRequestPath(site.path.value)}\`, which the app it runs (${pkg}) does not serve: every probe gets a 404 and the ${site.key === 'readinessProbe' ? 'pod never receives traffic' : site.key === 'healthcheck' ? 'container is reported unhealthy' : 'pod is restarted over and over'}.${served}`,
      data: { served: offered.map((r) => r.path) },
      related: offered.length > 0 ? offered.map((r) => routeLocation(r, `The app serves ${r.path} here`)) : service.routes.slice(0, 1).map((r) => routeLocation(r, 'The app\'s routes start here')),
    });
  }
  return out;
}

function fixes(finding: RuleFinding, ctx: RuleContext): Fix[] {
  const data = finding.data as { served?: string[] } | undefined;
  const quoted = /^["']/.test(ctx.doc.text.slice(finding.start, finding.start + 1));
  return (data?.served ?? []).map((p) => ({
    title: `Probe ${p} instead, the path the app serves (unsafe: check that it answers as this probe should)`,
    safe: false,
    edits: [{ start: finding.start, end: finding.end, newText: quoted ? `${ctx.doc.text[finding.start]}${p}${ctx.doc.text[finding.start]}` : p }],
  }));
}

export const probePathNotServed: Rule = {
  id: 'probe-path-not-served',
  family: 'health',
  kinds: ['kubernetes', 'compose', 'dockerfile'],
  roles: ['service'],
  defaultSeverity: 'error',
  fix: 'unsafe',
  summary: 'A probe or health check requests a path that the app behind it does not serve.',
  docs: {
    whatItDoes:
      'Follows a probe to the code it checks: a Kubernetes `httpGet.path` (container image -> the Dockerfile that builds it, through a compose service that names and builds the image or the one Dockerfile whose folder has the image\'s name), a compose `healthcheck.test` URL (the service\'s `build:`), a Dockerfile `HEALTHCHECK` URL (its own folder), to the package in that build context, and reads the routes the package serves: Express apps and `Router` mounts (`app.use(\'/api\', router)`, across files), Koa routers and their `prefix`, Fastify routes and `register(plugin, { prefix })`, hapi and Fastify `route({...})`, NestJS controllers with `setGlobalPrefix` (and its `exclude`); for a Python build context (no package.json): FastAPI `@app.get` / `APIRouter(prefix=)` / `include_router(r, prefix=)` / `add_api_route`, Flask `@app.route` / `@bp.get` / `Blueprint(url_prefix=)` / `register_blueprint(bp, url_prefix=)` (which replaces the blueprint\'s own prefix), Django `urlpatterns` from `ROOT_URLCONF` with `path()`, simple `re_path()` and `include()`, aiohttp `RouteTableDef`, `router.add_get`, `web.get`; routers and urlconfs are followed across modules by import. A container whose `command`/`args` start an app server (uvicorn, gunicorn, ...) of a Python package is read like the image\'s own command. It flags the path only when the answer is certain: the route table has no path that is not a literal, no middleware from a package that may answer requests itself, no versioning; no route serves the path (route parameters and wildcards count), and no string literal anywhere in the package holds the path\'s last segment (a handler matching `req.url` by hand, a path kept in a config module). A probe path from a Helm value, an image built in another repository, a container whose `command`/`args` override the image\'s, a Python route table built by an extension that is not read (Flask-RESTful, connexion, Starlette `routes=[...]`), a path or prefix from a variable or an f-string, an `include()` of another package\'s urls: unknown, no finding. The finding sits on the path and points at the routes the app does serve (related information).',
    whyItMatters:
      'Checklist: "Health check endpoint", "Readiness probe configured". A probe on `/health` for an app that serves `/healthz` fails every time: the liveness probe restarts the pod in a loop, the readiness probe keeps it out of every Service, a compose or Docker health check marks it unhealthy. Linters that see only YAML cannot know; the code says it.',
    example: {
      path: 'deploy/api.yaml',
      code: 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          image: ghcr.io/acme/api:1.0.0\n          livenessProbe:\n            httpGet:\n              path: /healthz\n              port: 3000\n',
      alongside: [
        { path: 'api/package.json', code: '{ "name": "api", "private": true, "dependencies": { "express": "^4.19.0" } }\n' },
        { path: 'api/Dockerfile', code: 'FROM node:20-slim\nWORKDIR /app\nCOPY . .\nCMD ["node", "server.js"]\n' },
        { path: 'api/server.js', code: "const express = require('express');\nconst app = express();\napp.get('/health', (req, res) => res.send('ok'));\napp.listen(3000);\n" },
      ],
    },
    useInstead: {
      path: 'deploy/api.yaml',
      code: 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          image: ghcr.io/acme/api:1.0.0\n          livenessProbe:\n            httpGet:\n              path: /health\n              port: 3000\n',
      alongside: [
        { path: 'api/package.json', code: '{ "name": "api", "private": true, "dependencies": { "express": "^4.19.0" } }\n' },
        { path: 'api/Dockerfile', code: 'FROM node:20-slim\nWORKDIR /app\nCOPY . .\nCMD ["node", "server.js"]\n' },
        { path: 'api/server.js', code: "const express = require('express');\nconst app = express();\napp.get('/health', (req, res) => res.send('ok'));\napp.listen(3000);\n" },
      ],
    },
    fixSafety:
      'Unsafe: offers each health-looking route the app serves (`/health`, `/healthz`, `/ready`, ...) in place of the probe\'s path. Whether that route answers the way this probe should (liveness: the process works; readiness: it can take traffic) is for a person to judge.',
    references: [
      'https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/',
      'https://docs.docker.com/reference/compose-file/services/#healthcheck',
      'https://docs.docker.com/reference/dockerfile/#healthcheck',
    ],
  },
  check,
  fixes,
};
