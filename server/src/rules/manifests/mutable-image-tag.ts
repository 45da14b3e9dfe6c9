import { isScalar, type Node, type YAMLMap } from 'yaml';
import type { Rule, RuleContext, RuleFinding } from '../../engine/types';
import { containers } from './k8s';
import { composeOneShot, isStockImage, type ComposeServiceShape } from '../../engine/model/manifest-roles';
import { asMap, getMap, getPair, getString, templated, type YamlScope } from './yaml-tools';

/** Why an image reference names no fixed version (`latest`, no tag), or undefined when it does or cannot be known. */
export function mutableTag(image: string, untaggedIsUnknown = false): string | undefined {
  const ref = image.trim();
  // Variables and template output are filled in elsewhere: unknown.
  if (ref === '' || /[${}<>]|__/.test(ref) || /\s/.test(ref)) return undefined;
  if (ref.includes('@')) return undefined; // a digest pins it
  const lastSegment = ref.slice(ref.lastIndexOf('/') + 1);
  const colon = lastSegment.lastIndexOf(':');
  if (colon < 0) return untaggedIsUnknown ? undefined : 'has no tag (so `latest`)';
  const tag = lastSegment.slice(colon + 1);
  if (tag.toLowerCase() === 'latest') return 'is tagged `latest`';
  return undefined;
}

function imageFinding(scope: YamlScope, map: YAMLMap, where: string, untaggedIsUnknown = false): RuleFinding | undefined {
  const pair = getPair(map, 'image', scope);
  const value = pair?.value as Node | null | undefined;
  const image = getString(map, 'image', scope);
  if (!image || !isScalar(value) || !value.range) return undefined;
  const why = mutableTag(image, untaggedIsUnknown);
  if (!why) return undefined;
  return {
    start: value.range[0],
    end: value.range[1],
    message: `${where} image \`${image}\` ${why}: the tag moves with every push, so a restart can run different code than the rest of the fleet, and "roll back to the previous version" has no version to go to.`,
    data: { image },
  };
}

function check(ctx: RuleContext): RuleFinding[] {
  const out: RuleFinding[] = [];
  if (ctx.doc.kind === 'kubernetes') {
    for (const c of containers(ctx.doc)) {
      // Jobs, CronJobs and release hooks run once: there is no running version to roll back to.
      if (c.unknown || c.workload.batch) continue;
      // An untagged Kubernetes image is how Kustomize bases leave the tag to `images:` / `replacements:` and CD tools to set: unknown.
      const f = imageFinding(c.scope, c.map, c.name ? `Container '${c.name}':` : 'This container\'s', true);
      if (f) out.push(f);
    }
    return out;
  }
  if (ctx.doc.kind !== 'compose') return out;
  for (const document of ctx.doc.yaml.documents) {
    if (document.errors.length > 0) continue;
    const scope: YamlScope = { doc: ctx.doc, document };
    const services = getMap(asMap(document.contents, scope), 'services', scope);
    // The file's services as the project model reads them, to see which run once (a migration, a wait or chown helper).
    const shapes: ComposeServiceShape[] = [];
    // A service's shape by its map (the first one, as an alias can give two services the same map).
    const shapeOf = new Map<unknown, ComposeServiceShape>();
    for (const pair of services?.items ?? []) {
      const map = asMap(pair.value, scope);
      if (map && isScalar(pair.key)) {
        const shape = { name: String(pair.key.value), map };
        shapes.push(shape);
        if (!shapeOf.has(map)) shapeOf.set(map, shape);
      }
    }
    for (const pair of services?.items ?? []) {
      const service = asMap(pair.value, scope);
      // A service that runs once and exits leaves no running version to roll back to (as Jobs in Kubernetes).
      const shape = service && shapeOf.get(service);
      if (shape && composeOneShot(shape, shapes)) continue;
      // With `build:`, `image:` names the image compose builds and tags: nothing is pulled.
      // Published third-party images (databases, dev tools) are the stack's local dependencies, not what it deploys.
      if (!service || getPair(service, 'build', scope) || isStockImage(getString(service, 'image', scope))) continue;
      const name = isScalar(pair.key) ? String(pair.key.value) : undefined;
      // A service whose name comes from a template is no service of this file's own.
      const keyRange = isScalar(pair.key) ? pair.key.range : undefined;
      if (!name || !keyRange || templated(scope, keyRange[0], keyRange[1]) || /\{\{|\$/.test(name)) continue;
      const f = imageFinding(scope, service, name ? `Service '${name}':` : 'This service\'s');
      if (f) out.push(f);
    }
  }
  return out;
}

export const mutableImageTag: Rule = {
  id: 'mutable-image-tag',
  family: 'manifests',
  kinds: ['kubernetes', 'compose'],
  roles: ['service'],
  defaultSeverity: 'warning',
  fix: 'none',
  summary: 'A deployed image has no tag or the tag `latest`.',
  docs: {
    whatItDoes:
      'Flags the `image` of each long-running Kubernetes container (pod templates of Deployments, StatefulSets, DaemonSets and the like, native sidecars; not Jobs, CronJobs or Helm hooks, which run once) and of each compose service that pulls its image (no `build:`; published third-party images such as postgres or grafana, the local dependencies of a stack, are left out, and so are services that run once, as compose-missing-healthcheck reads them: `restart: "no"`, a helper that waits or sets up a volume, a migration) when the reference has the tag `latest` (compose: also no tag at all) and no digest (`@sha256:...`). An untagged Kubernetes image is not flagged: a Kustomize base leaves the tag to `images:` or `replacements:` in a kustomization, and CD tools (Argo CD Image Updater, Flux) set it, none of which the file shows. References written by a template action (`{{ .Values.image.tag }}`), or holding a variable (`${TAG}`), are unknown and not flagged. The finding sits on the image value.',
    whyItMatters:
      'Checklist: "Rollback plan documented and tested", "Immutable artifacts". A moving tag means a node that pulls the image again (a restart, a new node) may run different code than its neighbours, and rolling back to "the previous version" re-deploys the same tag, which now points at the new code.',
    example: {
      path: 'deploy/api.yaml',
      code: 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: registry.example.com/api:latest\n',
    },
    useInstead: {
      path: 'deploy/api.yaml',
      code: 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: registry.example.com/api:1.4.2\n',
    },
    fixSafety: 'No fix: only the release process knows which version to pin.',
    references: ['https://kubernetes.io/docs/concepts/containers/images/#image-names', 'https://kubernetes.io/docs/concepts/configuration/overview/#container-images'],
  },
  check,
};
