import type { Rule, RuleContext, RuleFinding } from '../../engine/types';
import { containers, describe, finding, onlyMetricsPorts } from './k8s';
import { getMap, getPair, getString } from './yaml-tools';
import { knownWorkloads, servicesFor } from './rollout-links';
import { stockImageBehind } from '../../engine/model/manifest-roles';

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
    if (stockImageBehind(getString(c.map, 'image', c.scope), ctx.workspace)) continue;
    out.push(finding(c, `${describe(c)} has no preStop hook: when the pod is deleted, SIGTERM arrives while the endpoint is still being removed from Services and load balancers, so requests keep arriving at a process that has begun to shut down.`));
  }
  return out;
}

export const missingPrestopHook: Rule = {
  id: 'missing-prestop-hook',
  family: 'manifests',
  kinds: ['kubernetes'],
  roles: ['service'],
  defaultSeverity: 'information',
  fix: 'none',
  summary: 'A container behind a Service has no preStop hook to wait out endpoint removal.',
  docs: {
    whatItDoes:
      'Flags each long-running container that serves traffic (it declares `ports` other than ports named for metrics only, `metrics`, `http-metrics`, `prometheus`, `exporter`, which Prometheus scrapes and no Service routes requests to; or it is the only container of a pod that a Service in the workspace selects) and has no `lifecycle.preStop`. Workers with no ports and no Service in front of them, Jobs and CronJobs, native sidecars, Knative Services, containers whose command only idles, third-party images as published (databases, caches, brokers, Prometheus exporters: \`isStockImage\`) or rebuilt by a Dockerfile of the workspace that only adds files to one and sets no command (linked by name: `acme/mysql-iot` and `mysql-iot/Dockerfile`) and containers whose keys (or whose `lifecycle`) come from a template action are not flagged. The finding sits on the container\'s `name` entry.',
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
      'No fix yet. Add a `preStop` `sleep` (the `sleep` action needs Kubernetes 1.30+; before that, `exec` a `sleep` the image has) and keep `terminationGracePeriodSeconds` above the sleep plus the app\'s own drain time.',
    references: [
      'https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/',
      'https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-termination',
    ],
  },
  check,
};
