import type { Fix, Rule, RuleContext, RuleFinding } from '../../engine/types';
import type { K8sObject } from '../../engine/model/k8s-objects';
import { autoscalersFor, knownWorkloads, servicesFor, where } from './rollout-links';
import { replaceEntry } from './rollout-edits';

/** How many pods a rolling update may take down at once (Kubernetes rounds a percentage down), or undefined when unknown. */
export function unavailableDuringRollout(maxUnavailable: string, replicas: number): number | undefined {
  const percent = /^(\d+)%$/.exec(maxUnavailable);
  if (percent) return Math.floor((replicas * Number(percent[1])) / 100);
  return /^\d+$/.test(maxUnavailable) ? Number(maxUnavailable) : undefined;
}

function check(ctx: RuleContext): RuleFinding[] {
  const out: RuleFinding[] = [];
  for (const w of knownWorkloads(ctx.doc)) {
    if (!['Deployment', 'StatefulSet', 'DaemonSet'].includes(w.kind) || !w.strategy) continue;
    const services = servicesFor(ctx, w);
    if (!services || services.length === 0) continue;
    const { type, maxUnavailable } = w.strategy;
    if (type === 'Recreate' && w.at.strategyType) {
      // A single-writer volume (ReadWriteOnce) cannot be mounted by the old and the new pod at once: Recreate is how it must roll.
      if (w.claimsVolume) continue;
      out.push({
        start: w.at.strategyType[0],
        end: w.at.strategyType[1],
        message: `${where(w)} rolls out with \`Recreate\`: every old pod is stopped before any new one starts, so Service '${services[0].name}' has no pod to send requests to during each deploy.`,
        data: { kind: w.kind, name: w.name ?? null, fix: 'recreate' },
      });
      continue;
    }
    if (type !== undefined && type !== 'RollingUpdate') continue;
    if (typeof maxUnavailable !== 'string' || !w.at.maxUnavailable) continue;
    if (w.kind === 'DaemonSet') continue; // one pod per node: maxUnavailable counts nodes, not capacity of one service
    // An autoscaled workload's replica count is the autoscaler's: unknown here.
    const autoscalers = autoscalersFor(ctx, w);
    if (autoscalers === undefined || autoscalers.length > 0) continue;
    const replicas = w.replicas === undefined ? 1 : w.replicas;
    if (typeof replicas !== 'number' || replicas === 0) continue;
    const down = unavailableDuringRollout(maxUnavailable, replicas);
    if (down === undefined || down < replicas) continue;
    out.push({
      start: w.at.maxUnavailable[0],
      end: w.at.maxUnavailable[1],
      message: `${where(w)} has \`maxUnavailable: ${maxUnavailable}\` with ${replicas} replica${replicas === 1 ? '' : 's'}: a rolling update may stop all of them before the new ones are ready, and Service '${services[0].name}' drops requests meanwhile.`,
      data: { kind: w.kind, name: w.name ?? null, fix: 'rolling' },
    });
  }
  return out;
}

function workloadAt(ctx: RuleContext, start: number): K8sObject | undefined {
  return knownWorkloads(ctx.doc).find((w) => w.at.maxUnavailable?.[0] === start || w.at.strategyType?.[0] === start);
}

function fixes(finding: RuleFinding, ctx: RuleContext): Fix[] {
  const w = workloadAt(ctx, finding.start);
  if (!w || w.at.maxUnavailable?.[0] !== finding.start) return [];
  const edits = replaceEntry(ctx.doc, w, 'maxUnavailable', 'maxUnavailable', '0');
  if (!edits) return [];
  // maxSurge and maxUnavailable cannot both be 0: a new pod must be allowed to start first.
  const surge = w.strategy?.maxSurge;
  if (surge === '0' || surge === '0%') {
    const more = replaceEntry(ctx.doc, w, 'maxSurge', 'maxSurge', '1');
    if (!more) return [];
    edits.push(...more);
  } else if (surge === null) return [];
  return [{ title: 'Keep every pod until its replacement is ready (maxUnavailable: 0)', safe: true, edits }];
}

export const rolloutDropsCapacity: Rule = {
  id: 'rollout-drops-capacity',
  family: 'manifests',
  kinds: ['kubernetes'],
  roles: ['service'],
  defaultSeverity: 'warning',
  fix: 'sometimes-safe',
  summary: 'A rollout can take every pod behind a Service down at once.',
  docs: {
    whatItDoes:
      'Flags a Deployment behind a Service (one in the workspace selects its pods) whose `strategy.type` is `Recreate`, and a Deployment or StatefulSet whose rolling update\'s `maxUnavailable` is at least its replica count (`maxUnavailable: 1` with 1 replica, `100%`). Kubernetes rounds a percentage down, so the default 25% with 1 replica is 0 and fine, and so is `25%` with 4 replicas (1 of 4). A Deployment that mounts a PersistentVolumeClaim may need `Recreate` (a ReadWriteOnce volume cannot be attached to the old and new pod at once) and is not flagged; an autoscaled workload\'s replica count is the autoscaler\'s and unknown here. Values from template actions are unknown. The finding sits on `type: Recreate` or on `maxUnavailable`.',
    whyItMatters:
      'Checklist: "Zero-downtime deployments". A graceful shutdown handler does not help when the rollout itself removes every ready pod: with `Recreate`, or with `maxUnavailable` covering all replicas, there is a window in every deploy where the Service has no endpoints and every request fails.',
    example: {
      path: 'deploy/api.yaml',
      code: 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  replicas: 1\n  strategy:\n    rollingUpdate:\n      maxUnavailable: 1\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: registry.example.com/api:1.4.2\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: api\nspec:\n  selector: {app: api}\n  ports:\n    - port: 80\n',
    },
    useInstead: {
      path: 'deploy/api.yaml',
      code: 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  replicas: 1\n  strategy:\n    rollingUpdate:\n      maxUnavailable: 0\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: registry.example.com/api:1.4.2\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: api\nspec:\n  selector: {app: api}\n  ports:\n    - port: 80\n',
    },
    fixSafety:
      'Safe for a rolling update: the fix sets `maxUnavailable: 0` (and `maxSurge: 1` when it was 0, since both cannot be 0), so each old pod is kept until its replacement is ready; the rollout needs room for one extra pod, and nothing else changes. `Recreate` gets no fix: switching to a rolling update runs the old and new version side by side, which the workload may have chosen `Recreate` to avoid.',
    references: [
      'https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#strategy',
      'https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#max-unavailable',
    ],
  },
  check,
  fixes,
};
