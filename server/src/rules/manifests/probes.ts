// What `missing-liveness-probe` and `missing-readiness-probe` share: the check and the inserted probe.

import type { Fix, RuleContext, RuleFinding, TextEdit } from '../../engine/types';
import { isSeq } from 'yaml';
import { containerAt, containers, declaredProbePort, finding, onlyMetricsPorts, type Container } from './k8s';
import { describeHttp, helperNamed, isDataStoreImage, portFromEnv, serviceCheckFor, slowStartFor, type HealthFacts } from './health-checks';
import { addToMap, asMap, getMap, getPair, getString, getValue, indentStep, resolve, templated, type YamlEntries } from './yaml-tools';
import { stockImageBehind } from '../../engine/model/manifest-roles';
import { knownWorkloads, servicesFor } from './rollout-links';
import { codeServesNothing } from '../../engine/model/image-code';

export interface ProbeKind {
  key: 'livenessProbe' | 'readinessProbe';
  path: string;
  initialDelaySeconds: number;
  periodSeconds: number;
  message: (container: Container) => string;
}

export function checkProbe(ctx: RuleContext, probe: ProbeKind): RuleFinding[] {
  const out: RuleFinding[] = [];
  const all = containers(ctx.doc);
  for (const container of all) {
    if (container.unknown || container.workload.batch || container.notService) continue;
    if (probe.key === 'readinessProbe' && (container.workload.knative || !servesTraffic(ctx, container, all))) continue;
    if (getPair(container.map, probe.key, container.scope)) continue;
    if (probe.key === 'livenessProbe' && livenessIsAChoice(ctx, container, all) !== undefined) continue;
    out.push(finding(container, probe.message(container)));
  }
  return out;
}

/**
 * Why a container without a liveness probe made a choice rather than an omission, if it did: its image
 * is a stateful data store (as published, a vendor's build of one, or the workspace's rebuild that only
 * adds files: a restart during crash recovery makes things worse), a Prometheus exporter (watched by its
 * scrapes), or a database auth proxy beside the pod's app (watched through the app). An image written by
 * a template action is judged by the container's name for the helpers only.
 */
export function livenessIsAChoice(ctx: RuleContext, container: Container, all: readonly Container[]): 'data-store' | 'exporter' | 'auth-proxy' | undefined {
  const { map, scope } = container;
  const pair = getPair(map, 'image', scope);
  const value = pair?.value as { range?: [number, number, number] } | null | undefined;
  const fromTemplate = !pair || !value?.range || templated(scope, value.range[0], value.range[1]);
  const image = fromTemplate ? undefined : getString(map, 'image', scope);
  if (image !== undefined) {
    const behind = stockImageBehind(image, ctx.workspace) ?? (ctx.workspace.dockerfileBuilding(image) ? undefined : image);
    if (isDataStoreImage(behind)) return 'data-store';
  }
  const helper = helperNamed(image ?? container.name);
  if (helper === 'exporter') return helper;
  if (helper === 'auth-proxy') {
    const app = all.some((o) => o !== container && o.podSpec === container.podSpec && helperNamed(getString(o.map, 'image', o.scope) ?? o.name) === undefined);
    if (app) return helper;
  }
  return undefined;
}

/**
 * Readiness only decides whether traffic reaches a container. One that declares no ports is taken
 * for a worker (a queue consumer, a loop): nothing routes to it, unless its liveness probe names a
 * port by name (the liveness fix only ever adds a numeric one, and must not make a readiness finding
 * appear) or a Service of the workspace selects its pod and it is the pod's one container.
 */
function servesTraffic(ctx: RuleContext, container: Container, all: readonly Container[]): boolean {
  const { map, scope, workload } = container;
  // The image's code, built here, starts no server: a worker whatever its manifest declares.
  if (codeServesNothing(getString(map, 'image', scope), ctx.workspace)) return false;
  // Ports named for metrics only (`metrics`, `prometheus`, `exporter`) are scraped, not routed to.
  if (getPair(map, 'ports', scope) !== undefined && !onlyMetricsPorts(container)) return true;
  const liveness = getMap(map, 'livenessProbe', scope);
  const port = getString(getMap(liveness, 'httpGet', scope) ?? getMap(liveness, 'tcpSocket', scope) ?? getMap(liveness, 'grpc', scope), 'port', scope);
  // (A named port that is one of its metrics ports says nothing more.)
  if (port !== undefined && /^[a-z][a-z0-9-]*$/.test(port) && !onlyMetricsPorts(container)) return true;
  const siblings = all.filter((c) => c.workload.kind === workload.kind && c.workload.name === workload.name && !c.sidecar);
  if (siblings.length !== 1 || workload.name === undefined) return false;
  const w = knownWorkloads(ctx.doc).find((o) => o.kind === workload.kind && o.name === workload.name);
  return w !== undefined && (servicesFor(ctx, w)?.length ?? 0) > 0;
}

/**
 * The probe for a container, from what is known (`facts`: today the manifest's own file fills them;
 * the project model can pass the app's port, its health route and the image behind it): a
 * database, broker or cache gets its image's own check (exec) or a TCP check on its port, never an
 * HTTP GET; anything else an `httpGet` on the health path at the port the container shows.
 */
export function probeFixes(finding: RuleFinding, ctx: RuleContext, probe: ProbeKind, safe: boolean, facts: HealthFacts = {}): Fix[] {
  const container = containerAt(ctx.doc, finding.start);
  if (!container || getPair(container.map, probe.key, container.scope)) return [];
  const image = facts.image ?? getString(container.map, 'image', container.scope);
  const declared = declaredProbePort(container);
  const service = serviceCheckFor(image);
  // A liveness probe restarts a container that has not opened its port yet: wait as long as its image needs.
  const slow = probe.key === 'livenessProbe' ? slowStartFor(image) : undefined;
  const delay = Math.max(probe.initialDelaySeconds, slow?.initialDelaySeconds ?? 0);
  const after = slow ? `, first after ${delay} s (${slow.what} starts slowly)` : '';
  const timing: YamlEntries = [
    ['initialDelaySeconds', String(delay)],
    ['periodSeconds', String(probe.periodSeconds)],
  ];
  const step = indentStep(container.scope);
  if (service) {
    const action: YamlEntries = service.exec
      ? [['exec', [['command', `[${service.exec.map((a) => JSON.stringify(a)).join(', ')}]`]]]]
      : [['tcpSocket', [['port', String(facts.port ?? declared ?? service.port)]]]];
    // A client starting up inside the container takes longer than the kubelet's 1 s default timeout.
    const timeout: YamlEntries = service.exec ? [['timeoutSeconds', '5']] : [];
    const edits = addToMap(container.scope, container.map, [[probe.key, [...action, ...timing, ...timeout]]], step);
    if (!edits) return [];
    const what = service.exec ? `exec ${service.exec.join(' ')}` : `TCP on port ${facts.port ?? declared ?? service.port}`;
    return [{ title: `Add ${probe.key}: ${what} (${service.what})${after}`, safe, edits }];
  }
  const known = facts.port ?? declared ?? envPort(container);
  // A probe on a guessed port restarts or starves the pod: no fix until the port is known.
  if (known === undefined) return [];
  // The image's code, built here, listens on nothing: a check of its declared port would fail for ever.
  if (codeServesNothing(image, ctx.workspace)) return [];
  const port = String(known);
  const path = (probe.key === 'livenessProbe' ? facts.healthPath : facts.readinessPath) ?? otherProbePath(container);
  if (path === undefined) {
    // No route is known to exist: a probe on one that does not would restart or starve the pod.
    const edits = addToMap(container.scope, container.map, [[probe.key, [['tcpSocket', [['port', port]]], ...timing]]], step);
    return edits ? [{ title: `Add ${probe.key}: TCP on port ${port}${after}`, safe, edits }] : [];
  }
  const edits = probeEdits(container, { ...probe, initialDelaySeconds: delay }, path, port);
  if (!edits) return [];
  return [{ title: `Add ${probe.key}: ${describeHttp(path, port)}${after}`, safe, edits }];
}

/** The path another HTTP probe of the container already calls: a route the app is known to serve. */
function otherProbePath(container: Container): string | undefined {
  const { scope, map } = container;
  for (const key of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
    const path = getString(getMap(getMap(map, key, scope), 'httpGet', scope), 'path', scope);
    if (path && /^\/[\w./-]*$/.test(path)) return path;
  }
  return undefined;
}

/** `env: [{ name: PORT, value: "3000" }]`: the port the app is told to listen on. */
function envPort(container: Container): string | undefined {
  const { scope } = container;
  const env = resolve(getValue(container.map, 'env', scope), scope);
  if (!isSeq(env)) return undefined;
  for (const item of env.items) {
    const entry = asMap(item, scope);
    if (entry && getString(entry, 'name', scope) === 'PORT') return portFromEnv(getString(entry, 'value', scope));
  }
  return undefined;
}

const PATH_MARK = '\u0001';
const PORT_MARK = '\u0002';

function probeEntries(probe: ProbeKind, path: string, port: string): YamlEntries {
  return [
    [
      probe.key,
      [
        ['httpGet', [['path', path], ['port', port]]],
        ['initialDelaySeconds', String(probe.initialDelaySeconds)],
        ['periodSeconds', String(probe.periodSeconds)],
      ],
    ],
  ];
}

function probeEdits(container: Container, probe: ProbeKind, path: string, port: string): TextEdit[] | undefined {
  const step = indentStep(container.scope);
  const plain = addToMap(container.scope, container.map, probeEntries(probe, path, port), step);
  const marked = addToMap(container.scope, container.map, probeEntries(probe, PATH_MARK, PORT_MARK), step);
  if (!plain || !marked || plain.length !== 1 || marked.length !== 1) return plain;
  const escape = (s: string) => s.replace(/[\\$}]/g, (c) => `\\${c}`);
  const snippet = escape(marked[0].newText)
    .replace(PATH_MARK, `\${1:${escape(path)}}`)
    .replace(PORT_MARK, `\${2:${escape(port)}}`);
  return [{ ...plain[0], snippet }];
}
