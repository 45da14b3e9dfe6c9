// The Kubernetes objects of a manifest, summarised for the links between them: which Service selects
// which pod template, which HorizontalPodAutoscaler and PodDisruptionBudget target which workload.
// Pure: a parsed document in, summaries out. Part of the project model (the workspace index keeps
// the summaries of every manifest of the workspace; rules ask it through WorkspaceFacts).
//
// In every summary `null` means "unknown": the value comes from a Helm template action, an alias
// the reader does not follow, or a form it does not read (`matchExpressions`). `undefined` means
// the manifest does not set it. Unknown never produces a finding, so the questions that rules ask
// treat it as "might match" where a match would silence a finding, and "does not match" otherwise.

import { isAlias, isMap, isScalar, isSeq, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import type { ParsedDocument } from '../document';

export type Labels = Record<string, string>;

export interface ContainerSummary {
  name: string | undefined | null;
  image: string | undefined | null;
  /**
   * When `image` is unknown because a template action writes it: the value as written, quotes removed
   * (`{{ .Values.image.repository }}:{{ .Values.image.tag }}`), for the index to resolve from the chart's values.
   */
  imageTemplate?: string;
  /** 1-based line of the `image` entry (or the container's first line). */
  imageLine: number;
  /** Offsets of the `image` value, for findings on it (undefined when there is none). */
  imageRange: [number, number] | undefined;
  /** Declared `containerPort`s (number or template text), by name when named; null when the list is templated. */
  ports: Array<{ name: string | undefined; containerPort: string | null }> | null;
  /** Its probes: an `httpGet` path as written (null when templated or not a string), or the probe's other action. */
  probes?: ContainerProbe[];
}

export interface ContainerProbe {
  key: 'livenessProbe' | 'readinessProbe' | 'startupProbe';
  action: 'httpGet' | 'tcpSocket' | 'other';
  /** `httpGet.path` (`/` when absent, as Kubernetes sends); null when it is not known. */
  path: string | null;
  /** 1-based line of the probe's key. */
  line: number;
}

export interface K8sObject {
  kind: string;
  apiVersion: string | undefined | null;
  name: string | undefined | null;
  namespace: string | undefined | null;
  /** The file (as the document's `path`) and 1-based line of `metadata.name` (else of `kind`). */
  path: string;
  line: number;
  /** Offsets of entries a finding sits on: `metadata.name` (else `kind`), `replicas`, the strategy's `type` and `maxUnavailable`, a PDB's `minAvailable`/`maxUnavailable`. */
  at: Partial<Record<'name' | 'replicas' | 'strategyType' | 'maxUnavailable' | 'maxSurge' | 'minAvailable', [number, number]>>;
  /** Workloads: the pod mounts a PersistentVolumeClaim (a single-writer volume may need `Recreate`). */
  claimsVolume?: boolean;
  labels: Labels | null;
  /** Workloads: the labels of the pod template. */
  podLabels?: Labels | null;
  /** Service `spec.selector`; workload and PDB `spec.selector.matchLabels` (a selector with `matchExpressions` is null). */
  selector?: Labels | null;
  /** Service ports. */
  ports?: Array<{ port: string | null; targetPort: string | undefined | null }>;
  /** HorizontalPodAutoscaler / KEDA ScaledObject `scaleTargetRef`. */
  target?: { kind: string | undefined | null; name: string | undefined | null };
  /** Workloads: `spec.replicas`, a number when it is a literal one. */
  replicas?: number | undefined | null;
  /** Deployment `spec.strategy`, StatefulSet/DaemonSet `spec.updateStrategy`. */
  strategy?: { type: string | undefined | null; maxUnavailable: string | undefined | null; maxSurge: string | undefined | null };
  /** PodDisruptionBudget. */
  minAvailable?: string | undefined | null;
  maxUnavailable?: string | undefined | null;
  containers?: ContainerSummary[];
}

/** Kinds that run a long-lived set of pods from a template at `spec.template`. */
export const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Rollout', 'DeploymentConfig']);

/** A cheap look at the text: could this YAML hold an object the index keeps? */
export const K8S_OBJECT_PREFILTER = /^[ \t-]*kind[ \t]*:[ \t]*['"]?(?:Service|HorizontalPodAutoscaler|ScaledObject|PodDisruptionBudget|Deployment|StatefulSet|DaemonSet|ReplicaSet|ReplicationController|Rollout|DeploymentConfig|Job|CronJob|List)\b/m;

/** Kinds that run pods to completion: kept for their containers' images only (which image runs once). */
export const BATCH_KINDS = new Set(['Job', 'CronJob']);

interface Reader {
  doc: ParsedDocument;
  document: Document.Parsed;
}

const cache = new WeakMap<ParsedDocument, K8sObject[]>();

/** The objects of a Kubernetes manifest (empty for any other document), once per document version. */
export function k8sObjects(doc: ParsedDocument): K8sObject[] {
  if (doc.kind !== 'kubernetes') return [];
  let objects = cache.get(doc);
  if (!objects) {
    objects = [];
    try {
      for (const document of doc.yaml.documents) {
        if (document.errors.length > 0) continue;
        readObject({ doc, document }, document.contents, doc.text.length, objects, 0);
      }
    } catch {
      // a document the reader cannot follow says nothing
    }
    cache.set(doc, objects);
  }
  return objects;
}

// ---- reading ------------------------------------------------------------------------------

function resolveNode(node: unknown, r: Reader): Node | undefined {
  let current = node;
  for (let i = 0; i < 8 && isAlias(current); i++) current = current.resolve(r.document);
  return (current ?? undefined) as Node | undefined;
}

/** The entries of a map, each with the region of text it owns (up to the next key), where a template action makes it unknown. */
function entries(map: YAMLMap, limit: number): Array<{ key: string; value: Node | undefined; region: [number, number] }> {
  const out: Array<{ key: string; value: Node | undefined; region: [number, number] }> = [];
  const items = map.items as Pair[];
  items.forEach((pair, i) => {
    const key = pair.key as Node | null;
    if (!isScalar(key) || !key.range) return;
    const next = items[i + 1]?.key as Node | null | undefined;
    const end = next?.range ? next.range[0] : limit;
    out.push({ key: String(key.value), value: (pair.value ?? undefined) as Node | undefined, region: [key.range[0], end] });
  });
  return out;
}

function templated(r: Reader, [start, end]: [number, number]): boolean {
  return r.doc.yaml.templateActions.some(([a, b]) => a < end && b > start);
}

interface Field {
  value: Node | undefined;
  region: [number, number];
}

function field(map: YAMLMap | undefined, key: string, limit: number): Field | undefined {
  if (!map) return undefined;
  return entries(map, limit).find((e) => e.key === key);
}

/** The map under `key`, with its region's end (for its own entries). */
function mapField(r: Reader, map: YAMLMap | undefined, key: string, limit: number): { map: YAMLMap; limit: number } | undefined {
  const f = field(map, key, limit);
  const value = f && resolveNode(f.value, r);
  return value && isMap(value) ? { map: value, limit: f!.region[1] } : undefined;
}

function stringOf(r: Reader, f: Field | undefined): string | undefined | null {
  if (!f) return undefined;
  const value = resolveNode(f.value, r);
  // The key's own text can hold no action; the value's region (to the next key) can.
  if (templated(r, f.region)) return null;
  if (value === undefined) return undefined;
  if (!isScalar(value)) return null;
  return value.value === null ? undefined : String(value.value);
}

function labelsOf(r: Reader, f: Field | undefined): Labels | null {
  if (!f) return {};
  if (templated(r, f.region)) return null;
  const value = resolveNode(f.value, r);
  if (value === undefined || (isScalar(value) && value.value === null)) return {};
  if (!isMap(value)) return null;
  const out: Labels = {};
  for (const e of entries(value, f.region[1])) {
    const v = resolveNode(e.value, r);
    if (!isScalar(v)) return null;
    out[e.key] = String(v.value);
  }
  return out;
}

function lineOf(r: Reader, offset: number): number {
  return r.doc.lines.positionAt(offset).line + 1;
}

function readObject(r: Reader, node: unknown, limit: number, out: K8sObject[], depth: number): void {
  const object = resolveNode(node, r);
  if (!isMap(object) || depth > 4) return;
  const kindField = field(object, 'kind', limit);
  const kind = stringOf(r, kindField);
  if (!kind || !kindField) return;
  if (/List$/.test(kind)) {
    const items = resolveNode(field(object, 'items', limit)?.value, r);
    if (isSeq(items)) for (const item of items.items) readObject(r, item, limit, out, depth + 1);
    return;
  }
  const metadata = mapField(r, object, 'metadata', limit);
  const nameField = field(metadata?.map, 'name', metadata?.limit ?? limit);
  const base: K8sObject = {
    kind,
    apiVersion: stringOf(r, field(object, 'apiVersion', limit)),
    name: stringOf(r, nameField),
    namespace: stringOf(r, field(metadata?.map, 'namespace', metadata?.limit ?? limit)),
    path: r.doc.path,
    line: lineOf(r, (nameField ?? kindField).region[0]),
    at: { name: entryRange(r, nameField ?? kindField) },
    labels: metadata ? labelsOf(r, field(metadata.map, 'labels', metadata.limit)) : {},
  };
  // A metadata block written by a template action (`metadata: {{ include ... }}`) says nothing.
  if (!metadata && field(object, 'metadata', limit) && templated(r, field(object, 'metadata', limit)!.region)) {
    base.name = null;
    base.namespace = null;
    base.labels = null;
  }
  const specField = field(object, 'spec', limit);
  const spec = mapField(r, object, 'spec', limit);
  const specUnknown = !spec && specField !== undefined && templated(r, specField.region);

  if (kind === 'Service') {
    const selector = spec ? labelsOf(r, field(spec.map, 'selector', spec.limit)) : specUnknown ? null : {};
    const portsField = field(spec?.map, 'ports', spec?.limit ?? limit);
    const portsNode = resolveNode(portsField?.value, r);
    const ports: K8sObject['ports'] = [];
    if (isSeq(portsNode)) {
      const seqEnd = portsField!.region[1];
      for (const item of portsNode.items) {
        const port = resolveNode(item, r);
        if (!isMap(port)) continue;
        const portEnd = Math.min(seqEnd, port.range ? port.range[1] : seqEnd);
        ports.push({ port: stringOf(r, field(port, 'port', portEnd)) ?? null, targetPort: stringOf(r, field(port, 'targetPort', portEnd)) });
      }
    }
    out.push({ ...base, selector, ports });
    return;
  }
  if (kind === 'HorizontalPodAutoscaler' || kind === 'ScaledObject') {
    const ref = spec && mapField(r, spec.map, 'scaleTargetRef', spec.limit);
    const target = ref
      ? { kind: stringOf(r, field(ref.map, 'kind', ref.limit)) ?? (kind === 'ScaledObject' ? 'Deployment' : undefined), name: stringOf(r, field(ref.map, 'name', ref.limit)) }
      : { kind: null, name: null };
    out.push({ ...base, target });
    return;
  }
  if (kind === 'PodDisruptionBudget') {
    out.push({
      ...base,
      selector: spec ? selectorOf(r, spec.map, spec.limit) : null,
      at: { ...base.at, ...(spec ? { minAvailable: entryRange(r, field(spec.map, 'minAvailable', spec.limit)), maxUnavailable: entryRange(r, field(spec.map, 'maxUnavailable', spec.limit)) } : {}) },
      minAvailable: spec ? stringOf(r, field(spec.map, 'minAvailable', spec.limit)) : null,
      maxUnavailable: spec ? stringOf(r, field(spec.map, 'maxUnavailable', spec.limit)) : null,
    });
    return;
  }
  if (BATCH_KINDS.has(kind) && spec) {
    // A Job's pod template is at spec.template, a CronJob's at spec.jobTemplate.spec.template.
    const jobTemplate = kind === 'CronJob' ? mapField(r, spec.map, 'jobTemplate', spec.limit) : undefined;
    const jobSpec = kind === 'CronJob' ? jobTemplate && mapField(r, jobTemplate.map, 'spec', jobTemplate.limit) : spec;
    const template = jobSpec && mapField(r, jobSpec.map, 'template', jobSpec.limit);
    const podSpec = template && mapField(r, template.map, 'spec', template.limit);
    out.push({ ...base, containers: podSpec ? containersOf(r, podSpec.map, podSpec.limit) : [] });
    return;
  }
  if (!WORKLOAD_KINDS.has(kind) || !spec) return;
  const template = mapField(r, spec.map, 'template', spec.limit);
  const templateMetadata = template && mapField(r, template.map, 'metadata', template.limit);
  const podSpec = template && mapField(r, template.map, 'spec', template.limit);
  const replicasText = stringOf(r, field(spec.map, 'replicas', spec.limit));
  const strategyKey = kind === 'Deployment' || kind === 'DeploymentConfig' ? 'strategy' : 'updateStrategy';
  const strategyField = field(spec.map, strategyKey, spec.limit);
  const strategy = mapField(r, spec.map, strategyKey, spec.limit);
  const rolling = strategy && mapField(r, strategy.map, kind === 'DeploymentConfig' ? 'rollingParams' : 'rollingUpdate', strategy.limit);
  const unknownStrategy = strategyField !== undefined && !strategy;
  const volumes = resolveNode(field(podSpec?.map, 'volumes', podSpec?.limit ?? limit)?.value, r);
  out.push({
    ...base,
    at: {
      ...base.at,
      replicas: entryRange(r, field(spec.map, 'replicas', spec.limit)),
      strategyType: strategy && entryRange(r, field(strategy.map, 'type', strategy.limit)),
      maxUnavailable: rolling && entryRange(r, field(rolling.map, 'maxUnavailable', rolling.limit)),
      maxSurge: rolling && entryRange(r, field(rolling.map, 'maxSurge', rolling.limit)),
    },
    claimsVolume: isSeq(volumes) && volumes.items.some((v) => { const m = resolveNode(v, r); return isMap(m) && m.has('persistentVolumeClaim'); }),
    podLabels: templateMetadata ? labelsOf(r, field(templateMetadata.map, 'labels', templateMetadata.limit)) : template ? (field(template.map, 'metadata', template.limit) ? null : {}) : null,
    selector: selectorOf(r, spec.map, spec.limit),
    replicas: replicasText === undefined || replicasText === null ? replicasText : /^\d+$/.test(replicasText) ? Number(replicasText) : null,
    strategy: {
      type: unknownStrategy ? null : strategy ? stringOf(r, field(strategy.map, 'type', strategy.limit)) : undefined,
      maxUnavailable: unknownStrategy ? null : rolling ? stringOf(r, field(rolling.map, 'maxUnavailable', rolling.limit)) : strategy && field(strategy.map, 'rollingUpdate', strategy.limit) ? null : undefined,
      maxSurge: unknownStrategy ? null : rolling ? stringOf(r, field(rolling.map, 'maxSurge', rolling.limit)) : strategy && field(strategy.map, 'rollingUpdate', strategy.limit) ? null : undefined,
    },
    containers: podSpec ? containersOf(r, podSpec.map, podSpec.limit) : [],
  });
}

/** The span of a `key: value` entry (the key, and the value when it is a scalar). */
function entryRange(r: Reader, f: Field | undefined): [number, number] | undefined {
  if (!f) return undefined;
  const value = resolveNode(f.value, r);
  const end = isScalar(value) && value.range && value.range[1] > f.region[0] ? value.range[1] : f.region[0] + keyLength(r, f.region[0]);
  return [f.region[0], end];
}

function keyLength(r: Reader, start: number): number {
  const m = /^[^:\n]*/.exec(r.doc.text.slice(start, start + 200));
  return Math.max(1, m ? m[0].length : 1);
}

function selectorOf(r: Reader, spec: YAMLMap, limit: number): Labels | null {
  const f = field(spec, 'selector', limit);
  if (!f) return {};
  if (templated(r, f.region)) return null;
  const selector = resolveNode(f.value, r);
  if (!isMap(selector)) return null;
  if (field(selector, 'matchExpressions', f.region[1])) return null;
  return labelsOf(r, field(selector, 'matchLabels', f.region[1]));
}

function containersOf(r: Reader, podSpec: YAMLMap, limit: number): ContainerSummary[] {
  const f = field(podSpec, 'containers', limit);
  const seq = resolveNode(f?.value, r);
  if (!f || !isSeq(seq)) return [];
  const out: ContainerSummary[] = [];
  for (const item of seq.items) {
    const container = resolveNode(item, r);
    if (!isMap(container) || !container.range) continue;
    const end = Math.min(f.region[1], container.range[1]);
    const imageField = field(container, 'image', end);
    const imageNode = resolveNode(imageField?.value, r);
    const portsField = field(container, 'ports', end);
    const portsNode = resolveNode(portsField?.value, r);
    let ports: ContainerSummary['ports'] = [];
    if (portsField && templated(r, portsField.region)) ports = null;
    else if (isSeq(portsNode)) {
      for (const p of portsNode.items) {
        const port = resolveNode(p, r);
        if (!isMap(port) || !port.range) continue;
        const name = stringOf(r, field(port, 'name', port.range[1]));
        ports.push({ name: name ?? undefined, containerPort: stringOf(r, field(port, 'containerPort', port.range[1])) ?? null });
      }
    }
    const probes = probesOf(r, container, end);
    const image = stringOf(r, imageField);
    const written = image === null && imageField ? r.doc.text.slice(imageField.region[0], imageField.region[1]).replace(/^image\s*:\s*/, '').trim() : '';
    const imageTemplate = written.length <= 300 && !written.includes('\n') ? written.replace(/^(["'])(.*)\1$/, '$2') : '';
    out.push({
      name: stringOf(r, field(container, 'name', end)),
      image,
      ...(imageTemplate.includes('{{') ? { imageTemplate } : {}),
      imageLine: lineOf(r, (imageField?.region ?? [container.range[0]])[0]),
      imageRange: isScalar(imageNode) && imageNode.range ? [imageNode.range[0], imageNode.range[1]] : undefined,
      ports,
      ...(probes.length > 0 ? { probes } : {}),
    });
  }
  return out;
}

function probesOf(r: Reader, container: YAMLMap, limit: number): ContainerProbe[] {
  const out: ContainerProbe[] = [];
  for (const key of ['livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
    const f = field(container, key, limit);
    if (!f) continue;
    const line = lineOf(r, f.region[0]);
    const probe = resolveNode(f.value, r);
    if (templated(r, f.region) || !isMap(probe)) {
      out.push({ key, action: 'other', path: null, line });
      continue;
    }
    const http = mapField(r, probe, 'httpGet', f.region[1]);
    if (http) {
      const p = stringOf(r, field(http.map, 'path', http.limit));
      out.push({ key, action: 'httpGet', path: p === undefined ? '/' : p === null || p.includes('{{') ? null : p, line });
    } else out.push({ key, action: field(probe, 'tcpSocket', f.region[1]) ? 'tcpSocket' : 'other', path: null, line });
  }
  return out;
}

// ---- matching -----------------------------------------------------------------------------

/**
 * Whether a selector picks pods with these labels. `loose`: an unknown selector or unknown labels
 * might match (for answers that silence a finding); otherwise unknown does not match.
 */
export function selects(selector: Labels | null | undefined, labels: Labels | null | undefined, loose: boolean): boolean {
  if (selector === null || labels === null || selector === undefined || labels === undefined) return loose;
  const keys = Object.keys(selector);
  // An empty selector: a Service without one selects nothing (its endpoints are managed by hand); a PDB's empty selector selects every pod.
  if (keys.length === 0) return false;
  return keys.every((k) => labels[k] === selector[k]);
}

/** Whether two namespaces are the same. Unset is the same as unset (Kustomize sets one for all); unknown might be anything. */
export function sameNamespace(a: string | undefined | null, b: string | undefined | null, loose: boolean): boolean {
  if (a === null || b === null) return true;
  if (a === b) return true;
  if (a === undefined || b === undefined) return loose || (a ?? 'default') === (b ?? 'default');
  return false;
}

/**
 * Whether two manifests are near enough to be deployed together: the folder they share is the
 * folder of one of them or its parent (`deploy/base` and `deploy/overlays/prod`, `k8s/` and
 * `k8s/services/`). Two projects' manifests elsewhere in a monorepo (or test workspaces side by
 * side) are not taken for one deployment.
 */
export function deployedTogether(a: string, b: string): boolean {
  const dirOf = (p: string) => p.slice(0, Math.max(0, p.lastIndexOf('/')));
  const da = dirOf(a);
  const db = dirOf(b);
  const sa = da.split('/');
  const sb = db.split('/');
  let common = 0;
  while (common < sa.length && common < sb.length && sa[common] === sb[common]) common++;
  return sa.length - common <= 1 || sb.length - common <= 1;
}

// ---- images built here --------------------------------------------------------------------

/**
 * The repository name of an image reference (`ghcr.io/acme/auth-ms:1.2@sha256:...` gives `auth-ms`), lower case;
 * undefined when the name itself is a template or variable. A placeholder or variable before it (the registry or
 * namespace: `us.icr.io/<namespace>/watson`, `${REGISTRY}/api`) or in its tag (`acme/api:${VERSION:-latest}`) leaves the
 * name known.
 */
export function imageRepositoryName(image: string | null | undefined): string | undefined {
  if (!image || /\{\{|\s/.test(image)) return undefined;
  const ref = image.split('@')[0];
  // The tag starts at the first `:` after the last `/` (a registry's port, `host:5000/x`, comes before it).
  const slash = ref.search(/\/[^/]*$/);
  const last = ref.slice(slash + 1);
  const name = last.includes(':') ? last.slice(0, last.indexOf(':')) : last;
  return name && !/[${}<>()]/.test(name) ? name.toLowerCase() : undefined;
}

/** The literal tag of an image reference (`acme/api:2` gives `2`), undefined when it has none or it is a variable. */
export function imageTag(image: string | null | undefined): string | undefined {
  if (!image) return undefined;
  const ref = image.split('@')[0];
  const last = ref.slice(ref.search(/\/[^/]*$/) + 1);
  const tag = last.includes(':') ? last.slice(last.indexOf(':') + 1) : undefined;
  return tag && !/[${}<>()\s]/.test(tag) ? tag.toLowerCase() : undefined;
}

/**
 * The image name a Dockerfile is conventionally built as: its folder's name (`auth-ms/Dockerfile`
 * is built as `<registry>/auth-ms`). Undefined for a Dockerfile at the workspace root (the folder's
 * name there is the checkout's, not the project's).
 */
export function dockerfileImageName(relativePath: string): string | undefined {
  const parts = relativePath.split('/');
  return parts.length >= 2 ? parts[parts.length - 2].toLowerCase() : undefined;
}
