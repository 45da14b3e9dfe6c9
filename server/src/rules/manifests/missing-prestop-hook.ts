import { isScalar } from 'yaml';
import type { Fix, Rule, RuleContext, RuleFinding, TextEdit } from '../../engine/types';
import { containerAt, containers, describe, finding, onlyMetricsPorts, type Container } from './k8s';
import { addToMap, getMap, getPair, getString, indentStep, resolve, valueFromTemplate } from './yaml-tools';
import { knownWorkloads, servicesFor } from './rollout-links';
import { stockImageBehind } from '../../engine/model/manifest-roles';
import { isDataStoreImage, isHeadlessBrowserImage } from './health-checks';
import { codeServesNothing, ownShutdownUnread } from '../../engine/model/image-code';

function check(ctx: RuleContext): RuleFinding[] {
  const out: RuleFinding[] = [];
  const workloads = knownWorkloads(ctx.doc);
  const all = containers(ctx.doc);
  for (const c of all) {
    if (c.unknown || c.workload.batch || c.notService || c.sidecar || c.workload.knative) continue;
    if (getMap(getMap(c.map, 'lifecycle', c.scope), 'preStop', c.scope) || getPair(getMap(c.map, 'lifecycle', c.scope) ?? c.map, 'preStop', c.scope)) continue;
    // A lifecycle block written by a template action may hold a preStop.
    const lifecycle = getPair(c.map, 'lifecycle', c.scope);
    if (lifecycle && !getMap(c.map, 'lifecycle', c.scope)) continue;
    // Ports named for metrics (`metrics`, `prometheus`) are scraped, not served: a worker or an exporter is not behind a Service for them.
    const ports = getPair(c.map, 'ports', c.scope) !== undefined && !onlyMetricsPorts(c);
    let behind = ports;
    if (!behind) {
      // No ports of its own: behind a Service when one selects the pod and it is the pod's only container.
      const w = workloads.find((o) => o.kind === c.workload.kind && o.name === c.workload.name);
      const siblings = all.filter((o) => o.workload.kind === c.workload.kind && o.workload.name === c.workload.name && !o.sidecar);
      behind = w !== undefined && siblings.length === 1 && (servicesFor(ctx, w)?.length ?? 0) > 0;
    }
    if (!behind) continue;
    // Databases, caches and brokers as published: their clients reconnect, and their shutdown is their publisher's design.
    // So are the workspace's rebuilds of them (a Dockerfile that only copies init SQL or config into one).
    const image = getString(c.map, 'image', c.scope);
    // A headless browser the app drives (alpine-chrome, browserless) is published too, but serves the app's
    // requests afresh each session, as a service does: the endpoint race is the same.
    if (stockImageBehind(image, ctx.workspace) && !isHeadlessBrowserImage(image)) continue;
    // A data store published under a vendor's or a mirror's name (`docker.io/bitnami/postgresql`,
    // `mcr.microsoft.com/oss/bitnami/redis`), not built here: the same, by the data-store table.
    if (image && !ctx.workspace.dockerfileBuilding(image) && isDataStoreImage(image)) continue;
    // The code the image is built from, when the workspace holds it: a worker that serves nothing has no
    // endpoint to drain, and a Go program's own SIGTERM shutdown (which may wait, as podinfo's) is unread: unknown.
    if (codeServesNothing(image, ctx.workspace) || ownShutdownUnread(image, ctx.workspace)) continue;
    out.push(finding(c, `${describe(c)} has no preStop hook: when the pod is deleted, SIGTERM arrives while the endpoint is still being removed from Services and load balancers, so requests keep arriving at a process that has begun to shut down.`));
  }
  return out;
}

/** How long the preStop hook waits: longer than kube-proxy, ingress controllers and cloud load balancers take to drop the endpoint. */
const SLEEP_SECONDS = 10;
/** The pod's grace period when it sets none (Kubernetes' default). */
const DEFAULT_GRACE = 30;

function hasPreStop(c: Container): boolean {
  return getPair(getMap(c.map, 'lifecycle', c.scope) ?? c.map, 'preStop', c.scope) !== undefined;
}

/**
 * A preStop `sleep` and, so that the app keeps its own drain time after the sleep, the pod's grace period
 * raised by as much (from the default 30 s when unset). When another container of the pod already waits in a
 * preStop hook, the grace period was sized for one (hooks run in parallel) and is left as it is.
 */
function fixes(f: RuleFinding, ctx: RuleContext): Fix[] {
  const c = containerAt(ctx.doc, f.start);
  if (!c || c.unknown) return [];
  const { scope } = c;
  const step = indentStep(scope);
  const edits: TextEdit[] = [];
  const sleep: [string, [string, string][]][] = [['sleep', [['seconds', String(SLEEP_SECONDS)]]]];
  const lifecycle = getMap(c.map, 'lifecycle', scope);
  const hook = lifecycle ? addToMap(scope, lifecycle, [['preStop', sleep]], step) : addToMap(scope, c.map, [['lifecycle', [['preStop', sleep]]]], step);
  if (!hook) return [];
  edits.push(...hook);
  const siblings = containers(ctx.doc).filter((o) => o !== c && o.podSpec === c.podSpec);
  let grace = '';
  if (!siblings.some(hasPreStop)) {
    const pair = getPair(c.podSpec, 'terminationGracePeriodSeconds', scope);
    if (pair) {
      const value = resolve(pair.value, scope);
      if (valueFromTemplate(scope, pair) || !isScalar(value) || !value.range || !/^\d+$/.test(String(value.value))) return [];
      const raised = Number(value.value) + SLEEP_SECONDS;
      edits.push({ start: value.range[0], end: value.range[1], newText: String(raised) });
      grace = ` and terminationGracePeriodSeconds: ${raised}`;
    } else {
      const added = addToMap(scope, c.podSpec, [['terminationGracePeriodSeconds', String(DEFAULT_GRACE + SLEEP_SECONDS)]], step);
      if (!added) return [];
      edits.push(...added);
      grace = ` and terminationGracePeriodSeconds: ${DEFAULT_GRACE + SLEEP_SECONDS}`;
    }
  }
  return [{ title: `Add a preStop sleep of ${SLEEP_SECONDS} s (Kubernetes 1.30+)${grace} (unsafe)`, safe: false, edits }];
}

export const missingPrestopHook: Rule = {
  id: 'missing-prestop-hook',
  family: 'manifests',
  kinds: ['kubernetes'],
  roles: ['service'],
  defaultSeverity: 'information',
  fix: 'unsafe',
  summary: 'A container behind a Service has no preStop hook to wait out endpoint removal.',
  docs: {
    whatItDoes:
      'Flags each long-running container that serves traffic (it declares `ports` other than ports named for metrics only, `metrics`, `http-metrics`, `prometheus`, `exporter`, which Prometheus scrapes and no Service routes requests to; or it is the only container of a pod that a Service in the workspace selects) and has no `lifecycle.preStop`. Workers with no ports and no Service in front of them, Jobs and CronJobs, native sidecars, Knative Services, containers whose command only idles, third-party images as published (databases, caches, brokers, Prometheus exporters: \`isStockImage\`; but not headless browsers the app drives over the network, such as `alpine-chrome`, `browserless/chrome` or Selenium\'s standalone images: stateless servers of the app\'s sessions, flagged like the app\'s own services) or rebuilt by a Dockerfile of the workspace that only adds files to one and sets no command (linked by name: `acme/mysql-iot` and `mysql-iot/Dockerfile`), and data stores under a vendor\'s or a mirror\'s name that the workspace does not build (`docker.io/bitnami/postgresql`, `mcr.microsoft.com/oss/bitnami/redis`: the `DATA_STORES` table of `health-checks.ts`, matched on the last path segment; decision, stop 17: their clients hold long-lived connections and reconnect, so the endpoint race a preStop wait covers is not what their shutdown is about) and containers whose keys (or whose `lifecycle`) come from a template action are not flagged. Nor are containers whose image is built in the workspace from code that says the hook is not the question (the project model\'s `imageCode`): JS/TS or Python code that starts no server and declares no route, run by the image\'s own `node`/`python` command (a worker, whatever ports the manifest declares), or a Go module that catches SIGTERM itself (`signal.Notify`): what a Go program does before it closes (podinfo fails its readiness and sleeps 3 s, the wait a preStop would add) is code prodready does not read, so the answer is unknown. A Go module that catches no SIGTERM exits the moment it gets one, and is flagged. An image built elsewhere is judged from the manifest alone. The finding sits on the container\'s `name` entry.',
    whyItMatters:
      'Checklist: "Zero-downtime deployments", "Graceful shutdown". The kubelet sends SIGTERM and the endpoints controller removes the pod from Services at the same moment; kube-proxy, ingress controllers and cloud load balancers learn about it seconds later. An app that stops accepting connections on SIGTERM refuses the requests that still arrive meanwhile. A short `preStop` sleep keeps the process serving until the endpoint is gone everywhere.',
    example: {
      path: 'deploy/api.yaml',
      code: 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: registry.example.com/api:1.4.2\n          ports:\n            - containerPort: 3000\n',
    },
    useInstead: {
      path: 'deploy/api.yaml',
      code: 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      terminationGracePeriodSeconds: 40\n      containers:\n        - name: api\n          image: registry.example.com/api:1.4.2\n          ports:\n            - containerPort: 3000\n          lifecycle:\n            preStop:\n              sleep:\n                seconds: 10\n',
    },
    fixSafety:
      'Unsafe. The fix adds `lifecycle.preStop.sleep.seconds: 10` to the container and raises the pod\'s `terminationGracePeriodSeconds` by the same 10 s (to 40 when it is unset, from the default 30), so the app keeps its own drain time after the wait; when another container of the pod already has a preStop hook, the grace period is left alone (hooks run in parallel), and a grace period from a template action gets no fix. The `sleep` action needs Kubernetes 1.30 or later (before that, `exec` a `sleep` the image has), and every pod deletion now takes 10 s longer.',
    references: [
      'https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/',
      'https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-termination',
    ],
  },
  check,
  fixes,
};
