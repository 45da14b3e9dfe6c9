// Kubernetes: every container of every pod template in a (multi-document, maybe templated) file.

import { isScalar, isSeq, type Node, type Pair, type YAMLMap } from 'yaml';
import { isIdleCommand, isLoadGenerator, isPlaceholderCommand } from '../../engine/model/manifest-roles';
import type { ParsedDocument } from '../../engine/document';
import type { JsonValue, RuleFinding } from '../../engine/types';
import {
  actionsIn,
  asMap,
  getMap,
  getPair,
  getString,
  getValue,
  keysFromTemplate,
  resolve,
  valueAction,
  type YamlScope,
} from './yaml-tools';

export interface Workload {
  kind: string | undefined;
  name: string | undefined;
  namespace: string | undefined;
  /** Runs to completion (Job, CronJob, a Pod that is not restarted): probes do not apply. */
  batch: boolean;
  /** Knative Services get a readiness probe from Knative when none is declared. */
  knative: boolean;
  /** The `helm.sh/hook` annotation (`test`, `pre-install`, ...): a hook runs once at a release step. */
  hook: string | undefined;
}

export interface Container {
  scope: YamlScope;
  workload: Workload;
  map: YAMLMap;
  name: string | undefined;
  /** The `name` entry (or, when there is none, the `image` entry): where findings sit. */
  anchor: [number, number];
  /** A native sidecar: an init container with `restartPolicy: Always`. */
  sidecar: boolean;
  /** Keys of this container come from a template action: nothing can be said about it. */
  unknown: boolean;
  /** Why the project model says this container serves nothing (it idles for `exec`, it is a load generator), if it does. */
  notService: string | undefined;
  /** Its command only sleeps a fixed time (`sleep 10` in a placeholder hook Job): it does no work. */
  placeholder: boolean;
  /** The pod spec the container is in (`terminationGracePeriodSeconds` and the other pod-level keys). */
  podSpec: YAMLMap;
}

const BATCH_KINDS = new Set(['Job', 'CronJob']);

/** Every container of every pod template in the file, each once (an aliased container counts once). */
export function containers(doc: ParsedDocument): Container[] {
  if (doc.kind !== 'kubernetes') return [];
  // Once per document version: every rule and every fix (`containerAt`) asks, once per container.
  let out = containersOf.get(doc);
  if (!out) containersOf.set(doc, (out = findContainers(doc)));
  return out;
}

const containersOf = new WeakMap<ParsedDocument, Container[]>();

function findContainers(doc: ParsedDocument): Container[] {
  const out: Container[] = [];
  const seen = new Set<YAMLMap>();
  for (const document of doc.yaml.documents) {
    // A document that does not parse is reported once by the engine (plain YAML) or is beyond
    // what masking could recover (a template): neither can be read with confidence.
    if (document.errors.length > 0) continue;
    const scope: YamlScope = { doc, document };
    visitObject(document.contents, scope, out, seen, 0);
  }
  return out;
}

function visitObject(node: unknown, scope: YamlScope, out: Container[], seen: Set<YAMLMap>, depth: number): void {
  const object = asMap(node, scope);
  if (!object || depth > 5) return;
  const kind = getString(object, 'kind', scope);
  const items = resolve(getValue(object, 'items', scope), scope);
  if (kind !== undefined && /List$/.test(kind) && isSeq(items)) {
    for (const item of items.items) visitObject(item, scope, out, seen, depth + 1);
    return;
  }
  if (!getPair(object, 'kind', scope)) return;

  const spec = getMap(object, 'spec', scope);
  let podSpec: YAMLMap | undefined;
  if (kind === 'Pod') podSpec = spec;
  else if (kind === 'CronJob') podSpec = getMap(getMap(getMap(getMap(spec, 'jobTemplate', scope), 'spec', scope), 'template', scope), 'spec', scope);
  else if (kind === 'PodTemplate') podSpec = getMap(getMap(object, 'template', scope), 'spec', scope);
  else podSpec = getMap(getMap(spec, 'template', scope), 'spec', scope);
  if (!podSpec) return;

  const metadata = getMap(object, 'metadata', scope);
  const restartPolicy = getString(podSpec, 'restartPolicy', scope);
  const hook = getString(getMap(metadata, 'annotations', scope), 'helm.sh/hook', scope);
  const workload: Workload = {
    kind,
    name: getString(metadata, 'name', scope),
    namespace: getString(metadata, 'namespace', scope),
    // An unknown (templated) kind may be a Job: probes are not asked of it.
    batch:
      kind === undefined ||
      hook !== undefined ||
      BATCH_KINDS.has(kind) ||
      (kind === 'Pod' && (restartPolicy === 'Never' || restartPolicy === 'OnFailure')),
    knative: (getString(object, 'apiVersion', scope) ?? '').startsWith('serving.knative.dev/'),
    hook,
  };

  const list = (key: string, init: boolean) => {
    const seq = resolve(getValue(podSpec!, key, scope), scope);
    if (!isSeq(seq)) return;
    for (const item of seq.items) {
      const map = asMap(item, scope);
      if (!map || seen.has(map)) continue;
      const container = readContainer(map, scope, workload, init, podSpec!);
      if (container) {
        seen.add(map);
        out.push(container);
      }
    }
  };
  list('containers', false);
  list('initContainers', true);
}

function readContainer(map: YAMLMap, scope: YamlScope, workload: Workload, init: boolean, podSpec: YAMLMap): Container | undefined {
  const sidecar = init && getString(map, 'restartPolicy', scope) === 'Always';
  if (init && !sidecar) return undefined;
  const unknown = keysFromTemplate(scope, map);
  // No `image`: a strategic-merge patch fragment (Kustomize) that only adds to a container defined elsewhere.
  if (!unknown && !getPair(map, 'image', scope)) return undefined;
  const anchorPair = getPair(map, 'name', scope) ?? getPair(map, 'image', scope);
  const anchor = anchorPair && pairSpan(scope, anchorPair);
  if (!anchor) return undefined;
  const name = getString(map, 'name', scope);
  const command = ['command', 'args'].map((key) => {
    const node = resolve(getValue(map, key, scope), scope);
    return isSeq(node) ? node.items.map((i) => (isScalar(i) ? String(i.value) : '')).join(' ') : isScalar(node) ? String(node.value ?? '') : '';
  }).join(' ').trim();
  const ports = getValue(map, 'ports', scope) !== undefined;
  const placeholder = command !== '' && isPlaceholderCommand(command);
  const notService = command && isIdleCommand(command)
    ? `its command only idles (\`${command}\`): a container to exec into`
    : placeholder ? `its command only sleeps (\`${command}\`): a placeholder that does no work`
    : !ports && isLoadGenerator(name, getString(map, 'image', scope)) ? 'a load generator with no ports: it calls services and serves none' : undefined;
  return { scope, workload, map, name, anchor, sidecar, unknown, notService, placeholder, podSpec };
}

/** The span of a `key: value` entry on its line, a value made by a template action included. */
function pairSpan(scope: YamlScope, pair: Pair): [number, number] | undefined {
  const key = pair.key as Node | null;
  if (!key?.range) return undefined;
  const { text, lines } = scope.doc;
  const value = pair.value as Node | null;
  let end = key.range[1];
  if (value?.range && isScalar(value) && value.range[1] > end) end = value.range[1];
  const lineEnd = lines.lineEnd(lines.positionAt(key.range[0]).line);
  for (const [a, b] of actionsIn(scope, end, lineEnd)) if (a >= end && /^[\s:]*$/.test(text.slice(end, a))) end = b;
  while (end > key.range[0] && /\s/.test(text[end - 1])) end--;
  return [key.range[0], end];
}

export function describe(container: Container): string {
  return container.name ? `Container '${container.name}'` : 'This container';
}

export function findingData(container: Container): JsonValue {
  const { workload } = container;
  return {
    kind: workload.kind ?? null,
    name: workload.name ?? null,
    namespace: workload.namespace ?? null,
    container: container.name ?? null,
  };
}

export function finding(container: Container, message: string): RuleFinding {
  return { start: container.anchor[0], end: container.anchor[1], message, data: findingData(container) };
}

/** The container a finding was made on, found again from the finding's start. */
export function containerAt(doc: ParsedDocument, start: number): Container | undefined {
  return containers(doc).find((c) => c.anchor[0] === start && !c.unknown);
}

/**
 * The port a probe should target: the first declared TCP port, by name when it has one, else its
 * number (a template action's text when the number comes from one); 8080 when none is declared.
 */
export function probePort(container: Container): string {
  return declaredProbePort(container) ?? '8080';
}

/** The port the container shows (see `probePort`), or undefined when it declares none. */
export function declaredProbePort(container: Container): string | undefined {
  const { scope } = container;
  const ports = resolve(getValue(container.map, 'ports', scope), scope);
  if (!isSeq(ports)) return otherProbePort(container);
  for (const item of ports.items) {
    const port = asMap(item, scope);
    if (!port) continue;
    const protocol = getString(port, 'protocol', scope);
    if (protocol !== undefined && protocol.toUpperCase() !== 'TCP') continue;
    const name = getString(port, 'name', scope);
    if (name && /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(name)) return name;
    const number = getString(port, 'containerPort', scope);
    if (number && /^\d+$/.test(number)) return number;
    const pair = getPair(port, 'containerPort', scope);
    const fromTemplate = pair && valueAction(scope, pair);
    if (fromTemplate) return fromTemplate;
    return undefined;
  }
  return otherProbePort(container);
}

/** With no declared port, the port another probe of the container already calls is the best guess. */
function otherProbePort(container: Container): string | undefined {
  const { scope, map } = container;
  for (const key of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
    const probe = getMap(map, key, scope);
    const action = getMap(probe, 'httpGet', scope) ?? getMap(probe, 'tcpSocket', scope);
    const port = getString(action, 'port', scope);
    if (port && /^(?:\d+|[a-z0-9]([a-z0-9-]*[a-z0-9])?)$/.test(port)) return port;
  }
  return undefined;
}

/** Port names that say Prometheus scrapes the port: metrics, not requests a Service routes. */
const METRICS_PORT = /^(?:[a-z0-9-]*-)?(?:metrics|prometheus|prom|exporter)$/;

/**
 * Whether every port the container declares is named for metrics (`metrics`, `http-metrics`,
 * `prometheus`, `exporter`): a worker or an exporter sidecar that is scraped, not a server. A port
 * with no name, a templated name or a templated list is not (unknown is never a reason to stay silent).
 */
export function onlyMetricsPorts(container: Container): boolean {
  const { scope, map } = container;
  const pair = getPair(map, 'ports', scope);
  if (!pair || valueAction(scope, pair)) return false;
  const ports = resolve(pair.value, scope);
  if (!isSeq(ports) || ports.items.length === 0) return false;
  return ports.items.every((item) => {
    const port = asMap(item, scope);
    const name = port && getString(port, 'name', scope);
    return name !== undefined && METRICS_PORT.test(name);
  });
}
