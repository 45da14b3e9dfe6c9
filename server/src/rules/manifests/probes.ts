// What `missing-liveness-probe` and `missing-readiness-probe` share: the check and the inserted probe.

import type { Fix, RuleContext, RuleFinding, TextEdit } from '../../engine/types';
import { containerAt, containers, finding, probePort, type Container } from './k8s';
import { addToMap, getMap, getPair, getString, indentStep, type YamlEntries } from './yaml-tools';
import { knownWorkloads, servicesFor } from './rollout-links';

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
    out.push(finding(container, probe.message(container)));
  }
  return out;
}

/**
 * Readiness only decides whether traffic reaches a container. One that declares no ports is taken
 * for a worker (a queue consumer, a loop): nothing routes to it, unless its liveness probe names a
 * port by name (the liveness fix only ever adds a numeric one, and must not make a readiness finding
 * appear) or a Service of the workspace selects its pod and it is the pod's one container.
 */
function servesTraffic(ctx: RuleContext, container: Container, all: readonly Container[]): boolean {
  const { map, scope, workload } = container;
  if (getPair(map, 'ports', scope) !== undefined) return true;
  const liveness = getMap(map, 'livenessProbe', scope);
  const port = getString(getMap(liveness, 'httpGet', scope) ?? getMap(liveness, 'tcpSocket', scope) ?? getMap(liveness, 'grpc', scope), 'port', scope);
  if (port !== undefined && /^[a-z][a-z0-9-]*$/.test(port)) return true;
  const siblings = all.filter((c) => c.workload.kind === workload.kind && c.workload.name === workload.name && !c.sidecar);
  if (siblings.length !== 1 || workload.name === undefined) return false;
  const w = knownWorkloads(ctx.doc).find((o) => o.kind === workload.kind && o.name === workload.name);
  return w !== undefined && (servicesFor(ctx, w)?.length ?? 0) > 0;
}

export function probeFixes(finding: RuleFinding, ctx: RuleContext, probe: ProbeKind, safe: boolean): Fix[] {
  const container = containerAt(ctx.doc, finding.start);
  if (!container || getPair(container.map, probe.key, container.scope)) return [];
  const port = probePort(container);
  const edits = probeEdits(container, probe, port);
  if (!edits) return [];
  return [{ title: `Add a ${probe.key} (GET ${probe.path} on port ${port})`, safe, edits }];
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

function probeEdits(container: Container, probe: ProbeKind, port: string): TextEdit[] | undefined {
  const step = indentStep(container.scope);
  const plain = addToMap(container.scope, container.map, probeEntries(probe, probe.path, port), step);
  const marked = addToMap(container.scope, container.map, probeEntries(probe, PATH_MARK, PORT_MARK), step);
  if (!plain || !marked || plain.length !== 1 || marked.length !== 1) return plain;
  const escape = (s: string) => s.replace(/[\\$}]/g, (c) => `\\${c}`);
  const snippet = escape(marked[0].newText)
    .replace(PATH_MARK, `\${1:${escape(probe.path)}}`)
    .replace(PORT_MARK, `\${2:${escape(port)}}`);
  return [{ ...plain[0], snippet }];
}
