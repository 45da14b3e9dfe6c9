// What the health cross-checks share: the probes of a manifest (Kubernetes, compose, Dockerfile), the
// code behind each container (image -> Dockerfile -> build context -> package, through the workspace
// index's service facts), and the port the app listens on once the manifest's environment is applied.
// Every answer may be undefined: unknown, and then no rule judges.

import * as path from 'node:path';
import { isMap, isScalar, isSeq, type Node, type Pair, type YAMLMap } from 'yaml';
import type { RelatedLocation, RuleContext } from '../../engine/types';
import type { PackageService, ServedRoute } from '../../engine/model/service-facts';
import { routeServes, normalizeRequestPath } from '../../engine/model/service-facts';
import type { DockerImageFacts } from '../../engine/model/service-links';
import { launchPort, type PythonServiceExtras } from '../../engine/model/python-service-facts';
import { containers, type Container } from '../manifests/k8s';
import { asMap, getMap, getPair, getString, getValue, resolve, valueAction, valueFromTemplate, type YamlScope } from '../manifests/yaml-tools';

export const PROBE_KEYS = ['livenessProbe', 'readinessProbe', 'startupProbe'] as const;
export type ProbeKey = (typeof PROBE_KEYS)[number];

/** A value a probe spells out in the manifest, with where it is. */
export interface Located {
  value: string;
  start: number;
  end: number;
}

export interface K8sProbe {
  key: ProbeKey;
  container: Container;
  /** `httpGet` or `tcpSocket` (grpc and exec probes are not cross-checked). */
  action: 'httpGet' | 'tcpSocket';
  /** `httpGet.path` as written; undefined when absent, templated or not a string. */
  path: Located | undefined;
  pathKnown: boolean;
  port: Located | undefined;
  portKnown: boolean;
  /** `httpGet.httpHeaders` names (lower case). */
  headers: string[];
}

function located(scope: YamlScope, pair: Pair | undefined): { value: Located | undefined; known: boolean } {
  if (!pair) return { value: undefined, known: true };
  if (valueAction(scope, pair) !== undefined || valueFromTemplate(scope, pair)) return { value: undefined, known: false };
  const node = pair.value as Node | null;
  if (!isScalar(node) || !node.range || node.value === null || typeof node.value === 'object') return { value: undefined, known: false };
  const text = String(node.value);
  if (text.includes('{{') || text.includes('$')) return { value: undefined, known: false };
  return { value: { value: text, start: node.range[0], end: node.range[1] }, known: true };
}

/** Every httpGet / tcpSocket probe of every container of a Kubernetes manifest. */
export function k8sProbes(ctx: RuleContext): K8sProbe[] {
  const out: K8sProbe[] = [];
  for (const container of containers(ctx.doc)) {
    if (container.unknown || container.workload.batch || container.notService) continue;
    const { scope, map } = container;
    for (const key of PROBE_KEYS) {
      const probe = getMap(map, key, scope);
      if (!probe) continue;
      for (const action of ['httpGet', 'tcpSocket'] as const) {
        const spec = getMap(probe, action, scope);
        if (!spec) continue;
        const p = located(scope, getPair(spec, 'path', scope));
        const port = located(scope, getPair(spec, 'port', scope));
        const headers: string[] = [];
        const list = resolve(getValue(spec, 'httpHeaders', scope), scope);
        if (isSeq(list)) for (const item of list.items) {
          const h = asMap(item, scope);
          const name = h && getString(h, 'name', scope);
          if (name) headers.push(name.toLowerCase());
        }
        out.push({ key, container, action, path: p.value, pathKnown: p.known, port: port.value, portKnown: port.known, headers });
      }
    }
  }
  return out;
}

/** The pod spec a container belongs to (to read `terminationGracePeriodSeconds`). */
export function podSpecOf(container: Container): YAMLMap | undefined {
  const { scope } = container;
  const holds = (spec: YAMLMap | undefined) => {
    if (!spec) return false;
    for (const key of ['containers', 'initContainers']) {
      const seq = resolve(getValue(spec, key, scope), scope);
      if (isSeq(seq) && seq.items.some((i) => asMap(i, scope) === container.map)) return true;
    }
    return false;
  };
  const visit = (node: unknown, depth: number): YAMLMap | undefined => {
    const object = asMap(node, scope);
    if (!object || depth > 5) return undefined;
    const items = resolve(getValue(object, 'items', scope), scope);
    if (isSeq(items)) for (const item of items.items) {
      const found = visit(item, depth + 1);
      if (found) return found;
    }
    const kind = getString(object, 'kind', scope);
    const spec = getMap(object, 'spec', scope);
    const candidates = [
      kind === 'Pod' ? spec : undefined,
      getMap(getMap(spec, 'template', scope), 'spec', scope),
      getMap(getMap(getMap(getMap(spec, 'jobTemplate', scope), 'spec', scope), 'template', scope), 'spec', scope),
      getMap(getMap(object, 'template', scope), 'spec', scope),
    ];
    return candidates.find(holds);
  };
  return visit(scope.document.contents, 0);
}

/** The code behind a deployed image: the package its Dockerfile's build context holds, when exactly one is known. */
export interface LinkedCode {
  service: PackageService;
  dockerfile: string;
  context: string;
  image: DockerImageFacts | undefined;
}

export function codeForImage(ctx: RuleContext, image: string | undefined): LinkedCode | undefined {
  if (!image) return undefined;
  const builds = ctx.workspace.imageBuilds(image);
  if (!builds || builds.length === 0) return undefined;
  const contexts = new Set(builds.map((b) => b.context));
  if (contexts.size !== 1) return undefined;
  return codeForContext(ctx, builds[0].context, builds[0].dockerfile);
}

export function codeForContext(ctx: RuleContext, context: string, dockerfile: string): LinkedCode | undefined {
  const service = ctx.workspace.serviceOf(context);
  if (!service) return undefined;
  return { service, dockerfile, context, image: ctx.workspace.dockerImage(dockerfile) };
}

/** A variable's value in a container: a string, `unknown` (from a secret, a template, an envFrom), or undefined (not set here). */
export type EnvLookup = (name: string) => string | 'unknown' | undefined;

export function k8sEnv(container: Container): EnvLookup {
  const { scope, map } = container;
  const envPair = getPair(map, 'env', scope);
  const env = resolve(getValue(map, 'env', scope), scope);
  const envFrom = getPair(map, 'envFrom', scope) !== undefined;
  const templated = envPair !== undefined && (valueFromTemplate(scope, envPair) || !isSeq(env));
  return (name) => {
    if (templated) return 'unknown';
    if (isSeq(env)) {
      for (const item of env.items) {
        const entry = asMap(item, scope);
        if (!entry || getString(entry, 'name', scope) !== name) continue;
        const valuePair = getPair(entry, 'value', scope);
        if (!valuePair) return 'unknown';
        const v = located(scope, valuePair);
        return v.value ? v.value.value : 'unknown';
      }
    }
    return envFrom ? 'unknown' : undefined;
  };
}

/** The environment the app sees: the manifest's own first, then the image's ENV. */
export function withImageEnv(own: EnvLookup, image: DockerImageFacts | undefined): EnvLookup {
  return (name) => {
    const mine = own(name);
    if (mine !== undefined) return mine;
    if (!image) return 'unknown';
    if (!(name in image.env)) return undefined;
    return image.env[name] ?? 'unknown';
  };
}

export interface AppPorts {
  ports: Map<number, RelatedLocation>;
}

/** The ports the app listens on with this environment, when every listen call's port is known. */
export function appPorts(service: PackageService, env: EnvLookup): AppPorts | undefined {
  if (service.listens.length === 0) return undefined;
  const ports = new Map<number, RelatedLocation>();
  for (const listen of service.listens) {
    let port: number | undefined;
    let how: string;
    if (!listen.port) return undefined;
    if ('literal' in listen.port) {
      port = listen.port.literal;
      how = `listens on ${port}`;
    } else {
      const value = env(listen.port.env);
      if (value === 'unknown') return undefined;
      if (value !== undefined) {
        if (!/^\d+$/.test(value)) return undefined;
        port = Number(value);
        how = `listens on ${listen.port.env}, which the deployment sets to ${port}`;
      } else {
        if (typeof listen.port.fallback !== 'number') return undefined;
        port = listen.port.fallback;
        how = `listens on ${listen.port.env}, unset here, so on its default ${port}`;
      }
    }
    if (!ports.has(port)) ports.set(port, { path: listen.file, line: listen.line, column: listen.column, message: `The app ${how}` });
  }
  return { ports };
}

/** Routes that serve a request path. */
export function servingRoutes(service: PackageService, requestPath: string): ServedRoute[] {
  return service.routes.filter((r) => (r.method === 'get' || r.method === 'all' || r.method === 'head') && routeServes(r, requestPath));
}

/**
 * Whether the package certainly does not serve `requestPath`: its route table is complete, no route
 * serves it, and no string literal of the package holds the path's last segment (a handler that
 * matches `req.url` by hand, a path kept in a config module). Undefined (unknown) otherwise.
 */
export function certainlyNotServed(service: PackageService, requestPath: string): boolean {
  const p = normalizeRequestPath(requestPath);
  if (p === '/' || !service.routesKnown || service.routes.length === 0) return false;
  if (servingRoutes(service, p).length > 0) return false;
  const last = p.replace(/\/+$/, '').split('/').pop() ?? '';
  if (last === '' || /[:*{}()]/.test(last)) return false;
  const words = last.toLowerCase().split(/[.:]/).filter((w) => w.length > 0);
  return !words.some((w) => service.pathWords.has(w));
}

const LIVENESS_NAMES = /(?:^|\/)(?:healthz?|livez?|liveness|ping|alive|_health|status)$/i;
const READINESS_NAMES = /(?:^|\/)(?:readyz?|readiness|healthz?|_health|status)$/i;

/** The package's own health-looking routes (full path known, no parameters), liveness or readiness ones first. */
export function healthRoutes(service: PackageService, key: ProbeKey): ServedRoute[] {
  const names = key === 'readinessProbe' ? READINESS_NAMES : LIVENESS_NAMES;
  const plain = service.routes.filter((r) => r.prefixKnown && !/[:*{}()]/.test(r.path) && (r.method === 'get' || r.method === 'all' || r.method === 'head'));
  const preferred = key === 'readinessProbe' ? /ready|readiness/i : /health|live|ping|alive/i;
  const out = plain.filter((r) => names.test(r.path.replace(/\/+$/, ''))).sort((a, b) => Number(preferred.test(b.path)) - Number(preferred.test(a.path)));
  const seen = new Set<string>();
  return out.filter((r) => !seen.has(r.path) && seen.add(r.path));
}

export function routeLocation(route: ServedRoute, message: string): RelatedLocation {
  return { path: route.file, line: route.line, column: route.column, message };
}

export function relativeTo(ctx: RuleContext, file: string): string {
  return ctx.workspace.relativePath(file);
}

/** The URL in a health-check command (`curl -f http://localhost:3000/health`, `wget -qO- ...`), with its port and path. */
export function commandUrl(command: string): { port: number | undefined; path: string; index: number; length: number } | undefined {
  const m = /\bhttps?:\/\/(?:localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\])(?::(\d+))?(\/[^\s'"`|;&)\\]*)?/.exec(command);
  if (!m) return undefined;
  const url = m[0];
  if (/[$]/.test(url)) return undefined;
  return { port: m[1] ? Number(m[1]) : 80, path: m[2] ?? '/', index: m.index, length: url.length };
}

export { path as posixPath };

/** A compose service's environment (`environment:` list or map), with `env_file` making the rest unknown. */
export function composeEnv(service: YAMLMap): EnvLookup {
  const environment = service.get('environment', true) as Node | undefined;
  const envFile = service.get('env_file', true) !== undefined;
  const values = new Map<string, string | 'unknown'>();
  if (isMap(environment)) {
    for (const pair of environment.items) {
      if (!isScalar(pair.key)) continue;
      const v = pair.value as Node | null;
      const text = isScalar(v) && v.value !== null ? String(v.value) : undefined;
      values.set(String(pair.key.value), text === undefined || text.includes('$') ? 'unknown' : text);
    }
  } else if (isSeq(environment)) {
    for (const item of environment.items) {
      if (!isScalar(item)) continue;
      const [name, ...rest] = String(item.value).split('=');
      const text = rest.join('=');
      values.set(name, rest.length === 0 || text.includes('$') ? 'unknown' : text);
    }
  } else if (environment !== undefined) return () => 'unknown';
  return (name) => values.get(name) ?? (envFile ? 'unknown' : undefined);
}

/** The Python half of the service facts, when the linked code is a Python service. */
export function pythonOf(service: PackageService): PythonServiceExtras | undefined {
  return (service as PackageService & { python?: PythonServiceExtras }).python;
}

/**
 * The port a Python service listens on in a container: the app server its command runs (the container's
 * own command, else the image's CMD), with the port flag, the variable the server reads or its default;
 * or, for `python app.py`, the listen calls of the code (`uvicorn.run(port=...)`). Undefined: unknown.
 */
export function pythonAppPorts(code: LinkedCode, ownCommand: string | undefined, env: EnvLookup): AppPorts | undefined {
  const python = pythonOf(code.service);
  if (!python) return undefined;
  const command = ownCommand ?? code.image?.command;
  if (!command) return undefined;
  const launch = launchPort(command, env, python.gunicornConfig);
  if (launch === 'unknown') return undefined;
  if (launch) {
    const related: RelatedLocation = ownCommand === undefined && code.image?.commandLine
      ? { path: code.dockerfile, line: code.image.commandLine, message: `The image's command ${launch.how}` }
      : { path: code.dockerfile, line: 0, message: `The container's command ${launch.how}` }; // line 0: in the manifest itself, not shown
    return { ports: new Map([[launch.port, related]]) };
  }
  if (ownCommand === undefined && /(?:^|\s)python[\d.]*\s+(?:-u\s+)?(?:-m\s+)?[\w./-]+/.test(command)) return appPorts(code.service, env);
  return undefined;
}
