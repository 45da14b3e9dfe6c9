import { isAlias, isMap, isScalar, type Node, type Pair, type YAMLMap } from 'yaml';
import type { Fix, Rule, RuleContext, RuleFinding, TextEdit } from '../../engine/types';
import { containerAt, containers, describe, finding, type Container } from './k8s';
import {
  addToMap,
  fillEmptyValue,
  getPair,
  indentStep,
  isEmptyMapValue,
  resolve,
  valueFromTemplate,
  type YamlEntries,
} from './yaml-tools';

interface Options {
  cpuLimit: boolean;
}

type Section = 'requests' | 'limits';
type Resource = 'cpu' | 'memory';

/** The checklist's defaults for what a fix adds. */
const DEFAULTS: Record<Section, Record<Resource, string>> = {
  requests: { cpu: '100m', memory: '128Mi' },
  limits: { cpu: '500m', memory: '512Mi' },
};

interface Missing {
  section: Section;
  resource: Resource;
}

interface Reading {
  /** What is missing, in the order requests.cpu, requests.memory, limits.cpu, limits.memory. */
  missing: Missing[];
  resourcesPair: Pair | undefined;
  resources: YAMLMap | undefined;
  sections: Partial<Record<Section, { pair: Pair; map: YAMLMap | undefined }>>;
}

/** What a container's `resources` holds, or undefined when it cannot be known (a template, an odd value). */
function read(container: Container, options: Options): Reading | undefined {
  const { scope, map } = container;
  const resourcesPair = getPair(map, 'resources', scope);
  const reading: Reading = { missing: [], resourcesPair, resources: undefined, sections: {} };
  const values: Partial<Record<Section, YAMLMap>> = {};
  if (resourcesPair) {
    if (valueFromTemplate(scope, resourcesPair)) return undefined;
    const value = resolve(resourcesPair.value, scope);
    if (isMap(value)) {
      reading.resources = value;
      for (const section of ['requests', 'limits'] as const) {
        const pair = getPair(value, section, scope);
        if (!pair) continue;
        const sectionValue = resolve(pair.value, scope);
        if (isMap(sectionValue)) values[section] = sectionValue;
        else if (!isEmptyMapValue(sectionValue)) return undefined;
        reading.sections[section] = { pair, map: isMap(sectionValue) ? sectionValue : undefined };
      }
    } else if (!isEmptyMapValue(value)) {
      return undefined;
    }
  }
  const has = (section: Section, resource: Resource) => {
    const sectionMap = values[section];
    if (!sectionMap) return false;
    const pair = getPair(sectionMap, resource, scope);
    return pair !== undefined && !(isScalar(pair.value) && pair.value.value === null);
  };
  for (const section of ['requests', 'limits'] as const) {
    for (const resource of ['cpu', 'memory'] as const) {
      if (has(section, resource)) continue;
      if (section === 'limits' && resource === 'cpu' && !options.cpuLimit) continue;
      // A request left out next to a limit is set to the limit by the API server: nothing is missing.
      if (section === 'requests' && has('limits', resource)) continue;
      reading.missing.push({ section, resource });
    }
  }
  return reading;
}

function label(m: Missing): string {
  return `${m.resource === 'cpu' ? 'CPU' : 'memory'} ${m.section === 'requests' ? 'request' : 'limit'}`;
}

function message(container: Container, missing: Missing[]): string {
  const list = missing.map(label);
  const named = list.length === 1 ? list[0] : `${list.slice(0, -1).join(', ')} and ${list[list.length - 1]}`;
  const why: string[] = [];
  if (missing.some((m) => m.section === 'requests')) {
    why.push('without requests the scheduler places it as if it needed nothing and it is among the first evicted under pressure');
  }
  if (missing.some((m) => m.section === 'limits' && m.resource === 'memory')) {
    why.push('without a memory limit one leak can take the memory of every pod on the node');
  }
  if (missing.some((m) => m.section === 'limits' && m.resource === 'cpu')) {
    why.push('without a CPU limit a busy loop can starve its neighbours');
  }
  return `${describe(container)} has no ${named}: ${why.join('; ')}.`;
}

// Quantities, to keep an added limit at or above a request that is already set (the API server
// rejects a limit below its request).
const SUFFIX: Record<string, number> = {
  '': 1, m: 1e-3, k: 1e3, K: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

export function quantity(text: string): number | undefined {
  const match = /^([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)([a-zA-Z]{0,2})$/.exec(text.trim());
  if (!match || !(match[2] in SUFFIX)) return undefined;
  return Number(match[1]) * SUFFIX[match[2]];
}

/** The value to add for `m`: the default, raised to the request when a limit would fall below it. */
function valueFor(container: Container, reading: Reading, m: Missing): string {
  const fallback = DEFAULTS[m.section][m.resource];
  if (m.section !== 'limits') return fallback;
  const requests = reading.sections.requests?.map;
  const pair = requests && getPair(requests, m.resource, container.scope);
  const value = pair && resolve(pair.value, container.scope);
  if (!isScalar(value) || !value.range) return fallback;
  const source = container.scope.doc.text.slice(value.range[0], value.range[1]);
  const request = quantity(String(value.value));
  if (request === undefined) return source;
  return request > (quantity(fallback) ?? 0) ? source : fallback;
}

/** True when the pair is written in `map` itself (not merged in with `<<`, not shared through an alias). */
function owned(map: YAMLMap, pair: Pair | undefined): boolean {
  return pair !== undefined && map.items.includes(pair) && !isAlias(pair.value);
}

function edits(container: Container, reading: Reading): TextEdit[] | undefined {
  const { scope, map } = container;
  const step = indentStep(scope);
  const bySection = (section: Section): YamlEntries =>
    reading.missing.filter((m) => m.section === section).map((m) => [m.resource, valueFor(container, reading, m)] as const);
  const wanted: YamlEntries = (['requests', 'limits'] as const)
    .map((section) => [section, bySection(section)] as const)
    .filter(([, entries]) => entries.length > 0);

  if (!reading.resourcesPair) return addToMap(scope, map, [['resources', wanted]], step);
  if (!owned(map, reading.resourcesPair)) return undefined;
  if (!reading.resources || reading.resources.items.length === 0) {
    return fillEmptyValue(scope, map, reading.resourcesPair, wanted, step);
  }
  const resources = reading.resources;
  const out: TextEdit[] = [];
  const absent: Array<readonly [string, ReturnType<typeof bySection>]> = [];
  const present = (['requests', 'limits'] as const)
    .filter((s) => reading.sections[s])
    .sort((a, b) => ((reading.sections[a]!.pair.key as Node).range?.[0] ?? 0) - ((reading.sections[b]!.pair.key as Node).range?.[0] ?? 0));
  for (const section of present) {
    const entries = bySection(section);
    if (entries.length === 0) continue;
    const { pair, map: sectionMap } = reading.sections[section]!;
    if (!owned(resources, pair)) return undefined;
    const edit =
      sectionMap && sectionMap.items.length > 0
        ? addToMap(scope, sectionMap, entries, step)
        : fillEmptyValue(scope, resources, pair, entries, step);
    if (!edit) return undefined;
    out.push(...edit);
  }
  for (const section of ['requests', 'limits'] as const) {
    if (!reading.sections[section] && bySection(section).length > 0) absent.push([section, bySection(section)]);
  }
  if (absent.length > 0) {
    const edit = addToMap(scope, resources, absent, step);
    if (!edit) return undefined;
    out.push(...edit);
  }
  return out;
}

export const missingResourceLimits: Rule<Options> = {
  id: 'missing-resource-limits',
  family: 'manifests',
  kinds: ['kubernetes'],
  roles: ['service'],
  defaultSeverity: 'warning',
  fix: 'unsafe',
  summary: 'A Kubernetes container does not set CPU and memory requests and limits.',
  options: {
    cpuLimit: {
      type: 'boolean',
      default: true,
      description:
        'Ask for a CPU limit as well (the checklist does). Turn off if your team avoids CPU limits to prevent throttling; requests and the memory limit are still asked for.',
    },
  },
  docs: {
    whatItDoes:
      'Flags each container of a pod template (every workload kind, Jobs and CronJobs included, native sidecars too; other init containers are skipped) that lacks a CPU request, a memory request, a CPU limit (option `cpuLimit`) or a memory limit. One finding per container, on its `name` entry, naming what is missing. A request left out next to its limit is not reported: the API server sets it to the limit. A container whose `command`/`args` only sleep a fixed time and exit (`sleep 10`, a placeholder hook Job) uses no CPU or memory worth bounding and is skipped; an idle container kept to `exec` into (`sleep infinity`) is not: what people run in it counts against its limits. A container with no `image` is a Kustomize patch fragment and is skipped; a `resources` block written by a template action (`resources: {{- toYaml .Values.resources | nindent 12 }}`) is unknown and not flagged. A LimitRange in the namespace may supply defaults; this rule cannot see it, so it asks for the values in the manifest.',
    whyItMatters:
      'Checklist: "Resource limits: CPU/memory limits set in container config". Requests are what the scheduler places pods by: a pod without them lands on a node as if it needed nothing and is among the first evicted when the node runs short. A memory limit bounds the damage of a leak to the leaking container (it is OOM-killed and restarted) instead of the whole node; a CPU limit keeps a busy loop from starving its neighbours.',
    example: {
      path: 'deploy/api.yaml',
      code: 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: registry.example.com/api:1.4.2\n          resources:\n            requests:\n              memory: 256Mi\n',
    },
    useInstead: {
      path: 'deploy/api.yaml',
      code: 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: registry.example.com/api:1.4.2\n          resources:\n            requests:\n              cpu: 100m\n              memory: 256Mi\n            limits:\n              cpu: 500m\n              memory: 512Mi\n',
    },
    fixSafety:
      'Unsafe. The fix inserts or completes `resources` with the checklist\'s values, requests `cpu: 100m`, `memory: 128Mi` and limits `cpu: 500m`, `memory: 512Mi`, keeping every value already set and never adding a limit below a request that is set (it copies the request instead). The numbers are a starting point, not a measurement: a service that needs more than 512Mi is OOM-killed in a loop, one that needs more CPU is throttled, and new requests can leave pods unschedulable on a full cluster. Review the values before applying; fix-all never applies it.',
    references: [
      'https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/',
      'https://kubernetes.io/docs/concepts/policy/limit-range/',
    ],
  },

  check(ctx: RuleContext<Options>): RuleFinding[] {
    const out: RuleFinding[] = [];
    for (const container of containers(ctx.doc)) {
      // A Helm test hook runs once when someone runs `helm test`: it is a test, not a workload.
      if (container.unknown || /\btest(?:-success)?\b/.test(container.workload.hook ?? '')) continue;
      // A container whose command only sleeps a fixed time (a placeholder hook Job) uses nothing worth bounding.
      if (container.placeholder) continue;
      const reading = read(container, ctx.options);
      if (!reading || reading.missing.length === 0) continue;
      out.push(finding(container, message(container, reading.missing)));
    }
    return out;
  },

  fixes(finding, ctx): Fix[] {
    const container = containerAt(ctx.doc, finding.start);
    if (!container) return [];
    const reading = read(container, ctx.options);
    if (!reading || reading.missing.length === 0) return [];
    const result = edits(container, reading);
    if (!result || result.length === 0) return [];
    const title = reading.resourcesPair ? 'Complete resources (requests 100m/128Mi, limits 500m/512Mi)' : 'Add resources (requests 100m/128Mi, limits 500m/512Mi)';
    return [{ title, safe: false, edits: result }];
  },
};
