import type { Fix, Rule, RuleContext, RuleFinding } from '../../engine/types';
import { getPair } from '../manifests/yaml-tools';
import { appPorts, pythonAppPorts, pythonOf } from './links';
import { probeSites } from './sites';

function check(ctx: RuleContext): RuleFinding[] {
  const out: RuleFinding[] = [];
  for (const site of probeSites(ctx)) {
    const port = site.port;
    if (!port) continue;
    // A named port the container does not declare: the kubelet cannot resolve it, whatever the app does.
    if (port.name !== undefined && port.number === undefined && site.container) {
      const { container } = site;
      const declared = getPair(container.map, 'ports', container.scope);
      if (declared && !declaresPortsPlainly(ctx, site.container)) continue;
      out.push({
        start: port.start,
        end: port.end,
        message: `${site.what} uses the named port \`${port.name}\`, which the container does not declare in \`ports\`: the probe cannot be resolved and always fails.`,
      });
      continue;
    }
    if (port.number === undefined || !site.code) continue;
    // A Python service: the port is the app server's (its command line, the manifest's or the image's).
    const python = pythonOf(site.code.service) !== undefined;
    if (site.commandOverridden && !python) continue;
    const listened = python ? pythonAppPorts(site.code, site.commandOverridden ? (site.command ?? '') : undefined, site.env) : appPorts(site.code.service, site.env);
    if (!listened || listened.ports.has(port.number)) continue;
    const ports = [...listened.ports.keys()];
    out.push({
      start: port.start,
      end: port.end,
      message: `${site.what} checks port ${port.number}${port.name ? ` (\`${port.name}\`)` : ''}, but the app it runs listens on ${ports.join(' and ')}: every probe is refused.`,
      data: { ports, named: port.name ?? null },
      related: [...listened.ports.values()].filter((r) => r.line > 0),
    });
  }
  return out;
}

function declaresPortsPlainly(ctx: RuleContext, container: NonNullable<ReturnType<typeof probeSites>[number]['container']>): boolean {
  const text = ctx.doc.text;
  const pair = getPair(container.map, 'ports', container.scope);
  const value = pair?.value as { range?: [number, number, number] } | null;
  return !!value?.range && !text.slice(value.range[0], value.range[1]).includes('{{');
}

function fixes(finding: RuleFinding): Fix[] {
  const data = finding.data as { ports?: number[]; named?: string | null } | undefined;
  // A named port is fixed where the name is declared, not here.
  if (!data?.ports || data.named) return [];
  return data.ports.map((p) => ({
    title: `Probe port ${p}, where the app listens (unsafe: check that nothing in front of the app is meant to answer)`,
    safe: false,
    edits: [{ start: finding.start, end: finding.end, newText: String(p) }],
  }));
}

export const probePortMismatch: Rule = {
  id: 'probe-port-mismatch',
  family: 'health',
  kinds: ['kubernetes', 'compose', 'dockerfile'],
  roles: ['service'],
  defaultSeverity: 'error',
  fix: 'unsafe',
  summary: 'A probe or health check targets a port the app behind it does not listen on.',
  docs: {
    whatItDoes:
      'Follows a probe to the code behind it (as `probe-path-not-served` does: container image -> Dockerfile -> build context -> package) and compares the probe\'s port (Kubernetes `httpGet`/`tcpSocket` `port`, a named port resolved through the container\'s `ports`, the port in a compose `healthcheck.test` or Dockerfile `HEALTHCHECK` URL) with the ports the app\'s listen calls give: a literal (`app.listen(3000)`, `fastify.listen({ port: 3000 })`, `Hapi.server({ port })`), or an environment variable (`process.env.PORT || 3000`) whose value the manifest\'s `env`, the compose `environment` or the image\'s `ENV` sets, else its default. For a Python service the port is the app server\'s: the command the container runs (its own `command`/`args`, the compose `command`, else the image\'s CMD) read as uvicorn `--port`, gunicorn and hypercorn `-b`/`--bind host:port`, daphne `-p`, `fastapi run --port`, `flask run -p`, `manage.py runserver addr:port`, with `$PORT` / `${PORT:-8000}` / `$(PORT)` taken from the environment, else the variable the server reads (gunicorn `PORT`, uvicorn `UVICORN_PORT`, `FLASK_RUN_PORT`), else its documented default (8000, flask 5000); `python app.py` uses the module\'s own `uvicorn.run(port=...)`, Flask `app.run(port=...)` or aiohttp `web.run_app(port=...)`, `os.environ.get("PORT", "8000")` included. A socket, a file descriptor or a gunicorn configuration file (`-c`, a `gunicorn*.py` in the build context, `GUNICORN_CMD_ARGS`) makes the port unknown. When any listen call\'s port is not known (read from a config module, a variable with no default and no value, an `envFrom` or `env_file` that may set it, a templated `env`), nothing is judged. Also flags a named port that the container does not declare (no code needed). A container whose `command`/`args` override the image\'s is not judged.',
    whyItMatters:
      'Checklist: "Health check endpoint", "Liveness probe configured". A probe on 8080 for an app listening on 3000 is refused on every attempt: the liveness probe restarts the pod in a loop, the readiness probe never lets traffic in. It happens when the app\'s default port changes, or the manifest sets `PORT` to something the probe did not follow.',
    example: {
      path: 'deploy/api.yaml',
      code: 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          image: ghcr.io/acme/api:1.0.0\n          env:\n            - name: PORT\n              value: "8080"\n          readinessProbe:\n            httpGet:\n              path: /health\n              port: 3000\n',
      alongside: [
        { path: 'api/package.json', code: '{ "name": "api", "private": true, "dependencies": { "express": "^4.19.0" } }\n' },
        { path: 'api/Dockerfile', code: 'FROM node:20-slim\nWORKDIR /app\nCOPY . .\nCMD ["node", "server.js"]\n' },
        { path: 'api/server.js', code: "const express = require('express');\nconst app = express();\napp.get('/health', (req, res) => res.send('ok'));\napp.listen(process.env.PORT || 3000);\n" },
      ],
    },
    useInstead: {
      path: 'deploy/api.yaml',
      code: 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          image: ghcr.io/acme/api:1.0.0\n          env:\n            - name: PORT\n              value: "8080"\n          readinessProbe:\n            httpGet:\n              path: /health\n              port: 8080\n',
      alongside: [
        { path: 'api/package.json', code: '{ "name": "api", "private": true, "dependencies": { "express": "^4.19.0" } }\n' },
        { path: 'api/Dockerfile', code: 'FROM node:20-slim\nWORKDIR /app\nCOPY . .\nCMD ["node", "server.js"]\n' },
        { path: 'api/server.js', code: "const express = require('express');\nconst app = express();\napp.get('/health', (req, res) => res.send('ok'));\napp.listen(process.env.PORT || 3000);\n" },
      ],
    },
    fixSafety:
      'Unsafe: replaces the probe\'s port with the one the app listens on (one fix per port). A proxy or sidecar in front of the app may be what the probe was meant to reach; a person decides. A named port that is not declared has no fix: declare it in `ports` or use the number.',
    references: [
      'https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/#define-a-tcp-liveness-probe',
      'https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#ports',
    ],
  },
  check,
  fixes,
};
