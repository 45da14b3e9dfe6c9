// What the rollout rules ask about a workload: the Services in front of it, the autoscalers and the
// disruption budgets that target it, from the document itself (its current text) and from the other
// manifests of the workspace (the project model's index). Unknown answers stay undefined.

import type { ParsedDocument } from '../../engine/document';
import type { RuleContext } from '../../engine/types';
import { stockImageBehind } from '../../engine/model/manifest-roles';
import { WORKLOAD_KINDS, deployedTogether, k8sObjects, sameNamespace, selects, type K8sObject } from '../../engine/model/k8s-objects';

/** The workloads of the document whose kind, name and pod labels are known. */
export function knownWorkloads(doc: ParsedDocument): K8sObject[] {
  return k8sObjects(doc).filter((o) => WORKLOAD_KINDS.has(o.kind) && typeof o.name === 'string' && o.podLabels);
}

function merge(ctx: RuleContext, own: K8sObject[], others: readonly K8sObject[] | undefined): K8sObject[] | undefined {
  if (others === undefined) return own.length > 0 ? own : undefined;
  return [...own, ...others.filter((o) => o.path !== ctx.doc.path)];
}

/** The Services that select the workload's pods (empty: none known to; undefined: the workspace is not indexed and the file has none). */
export function servicesFor(ctx: RuleContext, w: K8sObject): K8sObject[] | undefined {
  if (!w.podLabels) return undefined;
  const own = k8sObjects(ctx.doc).filter((o) => o.kind === 'Service' && selects(o.selector, w.podLabels, false) && sameNamespace(o.namespace, w.namespace, false));
  // A Service is positive evidence (it makes findings): only one deployed with this file counts.
  const others = ctx.workspace.servicesSelecting(w.podLabels, w.namespace)?.filter((o) => deployedTogether(o.path, ctx.doc.path));
  return merge(ctx, own, others);
}

/** Autoscalers that target (or may target) the workload; undefined when the workspace is not known. */
export function autoscalersFor(ctx: RuleContext, w: K8sObject): K8sObject[] | undefined {
  if (typeof w.name !== 'string') return undefined;
  const others = ctx.workspace.autoscalersFor(w.kind, w.name, w.namespace);
  if (others === undefined) return undefined;
  const own = k8sObjects(ctx.doc).filter(
    (o) => o.target !== undefined && (o.target.kind === null || o.target.kind === w.kind) && (o.target.name === null || o.target.name === w.name) && sameNamespace(o.namespace, w.namespace, true),
  );
  return merge(ctx, own, others);
}

/** PodDisruptionBudgets that select (or may select) the workload's pods; undefined when the workspace is not known. */
export function budgetsFor(ctx: RuleContext, w: K8sObject): K8sObject[] | undefined {
  if (!w.podLabels) return undefined;
  const others = ctx.workspace.disruptionBudgetsFor(w.podLabels, w.namespace);
  if (others === undefined) return undefined;
  const own = k8sObjects(ctx.doc).filter((o) => o.kind === 'PodDisruptionBudget' && selects(o.selector, w.podLabels!, true) && sameNamespace(o.namespace, w.namespace, true));
  return merge(ctx, own, others);
}

/** Single-primary databases: one replica is how they run unless they are set up as a cluster. */
export function isSinglePrimaryDatabase(ctx: RuleContext, w: K8sObject): boolean {
  return (w.containers ?? []).some((c) => {
    // A stock database image, or the workspace's rebuild of one (init SQL copied in, no command of its own).
    // An image the workspace does not build is judged by its name too: vendors and mirrors publish the
    // same databases under names and paths the stock-image table does not list (Bitnami's `postgresql`,
    // `mcr.microsoft.com/oss/bitnami/redis`), and one replica is how those run as well.
    const image = stockImageBehind(c.image, ctx.workspace) ?? (c.image && !ctx.workspace.dockerfileBuilding(c.image) ? c.image : undefined);
    return image !== undefined && /(?:^|\/)(?:postgres|postgresql|postgis|timescaledb[\w-]*|pgvector|orioledb|mysql|mysql-server|mariadb|percona[\w/-]*|mongo|mongodb[\w/-]*|redis|redis-stack[\w-]*|valkey|keydb|rabbitmq)(?::|@|$)/.test(image.toLowerCase());
  });
}

export function where(w: K8sObject): string {
  return `${w.kind} '${w.name}'`;
}
