import type { Fix, Rule, RuleContext, RuleFinding } from '../../engine/types';
import { k8sObjects, selects, sameNamespace } from '../../engine/model/k8s-objects';
import { budgetsFor, knownWorkloads, where } from './rollout-links';

const KINDS = new Set(['Deployment', 'StatefulSet', 'Rollout', 'DeploymentConfig', 'ReplicaSet']);

function check(ctx: RuleContext): RuleFinding[] {
  const out: RuleFinding[] = [];
  const workloads = knownWorkloads(ctx.doc);
  for (const w of workloads) {
    if (!KINDS.has(w.kind) || typeof w.replicas !== 'number' || w.replicas < 2 || !w.at.name) continue;
    if (!w.podLabels || Object.keys(w.podLabels).length === 0) continue;
    const budgets = budgetsFor(ctx, w);
    if (budgets === undefined || budgets.length > 0) continue;
    out.push({
      start: w.at.name[0],
      end: w.at.name[1],
      message: `${where(w)} runs ${w.replicas} replicas and no PodDisruptionBudget selects its pods: a node drain (a cluster upgrade, an autoscaler scale-down) may evict all of them at once.`,
      data: { kind: w.kind, name: w.name ?? null, fix: 'add' },
    });
  }
  // A budget that can never be met blocks every voluntary eviction: node drains hang.
  for (const pdb of k8sObjects(ctx.doc)) {
    if (pdb.kind !== 'PodDisruptionBudget') continue;
    if ((pdb.maxUnavailable === '0' || pdb.maxUnavailable === '0%') && pdb.at.maxUnavailable) {
      out.push({
        start: pdb.at.maxUnavailable[0],
        end: pdb.at.maxUnavailable[1],
        message: `PodDisruptionBudget '${pdb.name ?? ''}' allows no disruption (\`maxUnavailable: ${pdb.maxUnavailable}\`): every node drain waits on these pods forever.`,
        data: { kind: pdb.kind, name: pdb.name ?? null },
      });
      continue;
    }
    if (typeof pdb.minAvailable !== 'string' || !pdb.at.minAvailable) continue;
    const selected = workloads.filter((w) => selects(pdb.selector, w.podLabels, false) && sameNamespace(pdb.namespace, w.namespace, false));
    if (selected.length !== 1 || typeof selected[0].replicas !== 'number') continue;
    const replicas = selected[0].replicas;
    const percent = /^(\d+)%$/.exec(pdb.minAvailable);
    const needed = percent ? Math.ceil((replicas * Number(percent[1])) / 100) : /^\d+$/.test(pdb.minAvailable) ? Number(pdb.minAvailable) : undefined;
    if (needed === undefined || needed < replicas || replicas === 0) continue;
    out.push({
      start: pdb.at.minAvailable[0],
      end: pdb.at.minAvailable[1],
      message: `PodDisruptionBudget '${pdb.name ?? ''}' needs ${needed} available of the ${replicas} replica${replicas === 1 ? '' : 's'} of ${where(selected[0])} (\`minAvailable: ${pdb.minAvailable}\`): no pod can ever be evicted, so every node drain hangs.`,
      data: { kind: pdb.kind, name: pdb.name ?? null },
    });
  }
  return out;
}

function fixes(finding: RuleFinding, ctx: RuleContext): Fix[] {
  const w = knownWorkloads(ctx.doc).find((o) => o.at.name?.[0] === finding.start);
  if (!w || !w.podLabels || (finding.data as { fix?: string } | undefined)?.fix !== 'add') return [];
  const labels = w.selector && Object.keys(w.selector).length > 0 ? w.selector : w.podLabels;
  const doc = ctx.doc;
  const document = doc.yaml.documents.find((d) => d.range && d.range[0] <= finding.start && finding.start <= d.range[2]);
  if (!document || doc.yaml.documents.length === 0) return [];
  const eol = doc.lines.eol;
  const end = document.range[2];
  const quote = (v: string) => (/^[\w./-]+$/.test(v) && !/^(?:true|false|yes|no|on|off|null|~|\d[\d.]*)$/i.test(v) ? v : JSON.stringify(v));
  const lines = [
    '---',
    'apiVersion: policy/v1',
    'kind: PodDisruptionBudget',
    'metadata:',
    `  name: ${quote(String(w.name))}`,
    ...(typeof w.namespace === 'string' ? [`  namespace: ${quote(w.namespace)}`] : []),
    'spec:',
    '  maxUnavailable: 1',
    '  selector:',
    '    matchLabels:',
    ...Object.entries(labels).map(([k, v]) => `      ${quote(k)}: ${quote(v)}`),
  ];
  const before = doc.text.slice(0, end);
  const lead = before.endsWith('\n') ? '' : eol;
  const newText = `${lead}${lines.join(eol)}${eol}`;
  return [{ title: `Add a PodDisruptionBudget for ${where(w)} (maxUnavailable: 1)`, safe: false, edits: [{ start: end, end, newText }] }];
}

export const missingPodDisruptionBudget: Rule = {
  id: 'missing-pod-disruption-budget',
  family: 'manifests',
  kinds: ['kubernetes'],
  roles: ['service'],
  defaultSeverity: 'information',
  fix: 'unsafe',
  summary: 'A replicated workload has no PodDisruptionBudget, or its budget can never be met.',
  docs: {
    whatItDoes:
      'Flags a Deployment, StatefulSet, ReplicaSet, Argo Rollout or DeploymentConfig with a literal `replicas` of 2 or more when no PodDisruptionBudget in the workspace selects its pods (same namespace; a budget whose selector comes from a template action may select them and counts). Also flags a PodDisruptionBudget that can never be satisfied: `maxUnavailable: 0`, or a `minAvailable` that is at least the replica count of the one workload in the same file it selects. Before the workspace is indexed nothing is flagged. The finding sits on the workload\'s `metadata.name`, or on the budget\'s `minAvailable`/`maxUnavailable`.',
    whyItMatters:
      'Checklist: "Multiple replicas, no single point of failure". Replicas protect against a crash, not against a drain: without a budget, `kubectl drain` during a cluster upgrade or a node scale-down may evict every replica at the same time. A budget that can never be met is the opposite failure: drains wait on it forever and upgrades stall.',
    example: {
      path: 'deploy/api.yaml',
      code: 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  replicas: 3\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: registry.example.com/api:1.4.2\n',
    },
    useInstead: {
      path: 'deploy/api.yaml',
      code: 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  replicas: 3\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: registry.example.com/api:1.4.2\n---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: api\nspec:\n  maxUnavailable: 1\n  selector:\n    matchLabels:\n      app: api\n',
    },
    fixSafety:
      'Unsafe. The fix appends a PodDisruptionBudget (`maxUnavailable: 1`, the workload\'s selector) after the workload\'s document. A budget changes how drains behave (they now wait for pods to be replaced), which cluster operators may have planned around.',
    references: [
      'https://kubernetes.io/docs/concepts/workloads/pods/disruptions/',
      'https://kubernetes.io/docs/tasks/run-application/configure-pdb/',
    ],
  },
  check,
  fixes,
};
