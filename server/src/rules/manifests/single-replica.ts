import type { Fix, Rule, RuleContext, RuleFinding } from '../../engine/types';
import { autoscalersFor, isSinglePrimaryDatabase, knownWorkloads, servicesFor, where } from './rollout-links';
import { setEntry } from './rollout-edits';

const KINDS = new Set(['Deployment', 'StatefulSet', 'Rollout', 'DeploymentConfig']);

function check(ctx: RuleContext): RuleFinding[] {
  const out: RuleFinding[] = [];
  for (const w of knownWorkloads(ctx.doc)) {
    if (!KINDS.has(w.kind) || (w.replicas !== undefined && w.replicas !== 1)) continue;
    if (isSinglePrimaryDatabase(ctx, w)) continue;
    const services = servicesFor(ctx, w);
    const autoscalers = autoscalersFor(ctx, w);
    // Unknown (not indexed) is silent; a templated replica count or target is unknown too.
    if (!services || services.length === 0 || autoscalers === undefined || autoscalers.length > 0) continue;
    const at = w.at.replicas ?? w.at.name;
    if (!at) continue;
    const count = w.replicas === undefined ? 'sets no `replicas` (so 1)' : 'runs `replicas: 1`';
    out.push({
      start: at[0],
      end: at[1],
      message: `${where(w)} ${count} behind Service '${services[0].name}' and no HorizontalPodAutoscaler targets it: every node drain, eviction or crash of its one pod is an outage of the service.`,
      data: { kind: w.kind, name: w.name ?? null },
    });
  }
  return out;
}

function fixes(finding: RuleFinding, ctx: RuleContext): Fix[] {
  const w = knownWorkloads(ctx.doc).find((o) => (o.at.replicas ?? o.at.name)?.[0] === finding.start);
  if (!w) return [];
  const edits = setEntry(ctx.doc, w, 'replicas', '2');
  return edits ? [{ title: 'Run 2 replicas', safe: false, edits }] : [];
}

export const singleReplica: Rule = {
  id: 'single-replica',
  family: 'manifests',
  kinds: ['kubernetes'],
  roles: ['service'],
  defaultSeverity: 'warning',
  fix: 'unsafe',
  summary: 'A workload behind a Service runs one replica and nothing scales it.',
  docs: {
    whatItDoes:
      'Flags a Deployment, StatefulSet, Argo Rollout or DeploymentConfig with `replicas: 1` or no `replicas` when a Service in the workspace selects its pods (the Service\'s `selector` is a subset of the pod template\'s labels, same namespace) and no HorizontalPodAutoscaler or KEDA ScaledObject targets it. A workload running a single-primary database or broker image (postgres, mysql, mariadb, mongo, redis, rabbitmq; also under a vendor\'s name or a mirror\'s path, such as Bitnami\'s `postgresql` or `mcr.microsoft.com/oss/bitnami/redis`, when the workspace does not build that image) is left alone: one replica is how it runs, and a second one is not a replica but a split brain. A replica count, a selector or labels written by a template action are unknown and not flagged; so is an autoscaler whose target comes from one (it may target this workload). Before the workspace is indexed nothing is flagged. The finding sits on `replicas`, or on `metadata.name` when it is unset.',
    whyItMatters:
      'Checklist: "Multiple replicas, no single point of failure". With one pod, every node drain (a cluster upgrade), eviction, OOM kill or crash takes the whole service down until a new pod is scheduled, started and ready; PodDisruptionBudgets cannot help, and a rolling update has no second pod to keep serving.',
    example: {
      path: 'deploy/api.yaml',
      code: 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  replicas: 1\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: registry.example.com/api:1.4.2\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: api\nspec:\n  selector: {app: api}\n  ports:\n    - port: 80\n      targetPort: 3000\n',
    },
    useInstead: {
      path: 'deploy/api.yaml',
      code: 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: registry.example.com/api:1.4.2\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: api\nspec:\n  selector: {app: api}\n  ports:\n    - port: 80\n      targetPort: 3000\n',
    },
    fixSafety:
      'Unsafe. The fix sets `replicas: 2` (or adds it to `spec`). A second pod doubles what the workload costs and can change behaviour: an app that keeps state in memory, runs a scheduler or holds a lock assuming it is alone will now run twice.',
    references: [
      'https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#replicas',
      'https://kubernetes.io/docs/tasks/run-application/configure-pdb/',
    ],
  },
  check,
  fixes,
};
