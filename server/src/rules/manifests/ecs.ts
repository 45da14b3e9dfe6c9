// ECS task definitions in JSON: bare (`register-task-definition` input), wrapped in
// `taskDefinition` (`describe-task-definition` output), or CloudFormation (`Properties` of an
// `AWS::ECS::TaskDefinition`, where every key is capitalised), in JSON or in YAML (read through
// `ecs-yaml.ts` as the same tree).

import { findNodeAtLocation, type Node as JsonNode } from 'jsonc-parser';
import type { ParsedDocument } from '../../engine/document';
import type { RuleFinding, TextEdit } from '../../engine/types';
import { isYamlPath } from '../../engine/classify';
import { yamlEcsRoots, type YamlOrigin } from './ecs-yaml';
import { addToMap, indentStep } from './yaml-tools';

/** Member names of the two spellings. */
export interface EcsKeys {
  name: string;
  essential: string;
  healthCheck: string;
  stopTimeout: string;
  portMappings: string;
  containerPort: string;
  command: string;
  interval: string;
  timeout: string;
  retries: string;
  startPeriod: string;
}

const API_KEYS: EcsKeys = {
  name: 'name',
  essential: 'essential',
  healthCheck: 'healthCheck',
  stopTimeout: 'stopTimeout',
  portMappings: 'portMappings',
  containerPort: 'containerPort',
  command: 'command',
  interval: 'interval',
  timeout: 'timeout',
  retries: 'retries',
  startPeriod: 'startPeriod',
};

const CFN_KEYS: EcsKeys = {
  name: 'Name',
  essential: 'Essential',
  healthCheck: 'HealthCheck',
  stopTimeout: 'StopTimeout',
  portMappings: 'PortMappings',
  containerPort: 'ContainerPort',
  command: 'Command',
  interval: 'Interval',
  timeout: 'Timeout',
  retries: 'Retries',
  startPeriod: 'StartPeriod',
};

export interface EcsContainer {
  object: JsonNode;
  keys: EcsKeys;
  name: string | undefined;
  /** The `"name"` member: where findings sit. */
  anchor: [number, number];
  /** The YAML mapping the container was read from, in a YAML template. */
  yaml?: YamlOrigin;
  /**
   * An `AWS::ECS::Service` of the same template registers this container with a load balancer
   * (`LoadBalancers` entry whose `ContainerName` is its name, with a `TargetGroupArn` or
   * `LoadBalancerName`): the target group health-checks it and the service replaces tasks it marks unhealthy.
   */
  loadBalanced?: boolean;
}

export function member(object: JsonNode | undefined, key: string): JsonNode | undefined {
  if (object?.type !== 'object') return undefined;
  const property = object.children?.find((p) => p.children?.[0]?.value === key);
  return property?.children?.[1];
}

function property(object: JsonNode, key: string): JsonNode | undefined {
  return object.children?.find((p) => p.children?.[0]?.value === key);
}

/** Every essential container definition of the file. */
export function essentialContainers(doc: ParsedDocument): EcsContainer[] {
  if (isYamlPath(doc.path)) {
    const { roots, origins } = yamlEcsRoots(doc);
    return roots.flatMap((root) => containersIn(root).map((c) => ({ ...c, yaml: origins.get(c.object) })));
  }
  const root = doc.json.root;
  if (!root || doc.json.errors.length > 0) return [];
  return containersIn(root);
}

function containersIn(root: JsonNode): EcsContainer[] {
  if (root.type !== 'object') return [];
  const lists: Array<{ array: JsonNode | undefined; keys: EcsKeys }> = [
    { array: findNodeAtLocation(root, ['containerDefinitions']), keys: API_KEYS },
    { array: findNodeAtLocation(root, ['taskDefinition', 'containerDefinitions']), keys: API_KEYS },
    { array: findNodeAtLocation(root, ['Properties', 'ContainerDefinitions']), keys: CFN_KEYS },
  ];
  const resources = member(root, 'Resources');
  const balanced = new Set<string>();
  for (const resource of resources?.type === 'object' ? resources.children ?? [] : []) {
    const value = resource.children?.[1];
    const type = member(value, 'Type')?.value;
    if (type === 'AWS::ECS::Service') for (const name of loadBalancedContainers(value!)) balanced.add(name);
    if (type !== undefined && type !== 'AWS::ECS::TaskDefinition') continue;
    lists.push({ array: findNodeAtLocation(value!, ['Properties', 'ContainerDefinitions']), keys: CFN_KEYS });
  }
  const out: EcsContainer[] = [];
  for (const { array, keys } of lists) {
    if (array?.type !== 'array') continue;
    for (const object of array.children ?? []) {
      if (object.type !== 'object') continue;
      const essential = member(object, keys.essential);
      // Essential unless it says otherwise; a CloudFormation function (`{"Ref": ...}`) is unknown.
      if (essential && !(essential.type === 'boolean' && essential.value === true) && !(essential.type === 'string' && essential.value === 'true')) continue;
      const anchorProperty = property(object, keys.name) ?? property(object, keys === CFN_KEYS ? 'Image' : 'image');
      if (!anchorProperty) continue;
      const nameNode = member(object, keys.name);
      out.push({
        object,
        keys,
        name: nameNode?.type === 'string' ? nameNode.value : undefined,
        anchor: [anchorProperty.offset, anchorProperty.offset + anchorProperty.length],
        ...(keys === CFN_KEYS && nameNode?.type === 'string' && balanced.has(nameNode.value) ? { loadBalanced: true } : {}),
      });
    }
  }
  return out;
}

/** The container names an `AWS::ECS::Service` resource registers with a target group or a classic load balancer. */
function loadBalancedContainers(service: JsonNode): string[] {
  const list = findNodeAtLocation(service, ['Properties', 'LoadBalancers']);
  const out: string[] = [];
  for (const entry of list?.type === 'array' ? list.children ?? [] : []) {
    const name = member(entry, 'ContainerName');
    if (name?.type === 'string' && (member(entry, 'TargetGroupArn') || member(entry, 'LoadBalancerName'))) out.push(name.value);
  }
  return out;
}

export function ecsContainerAt(doc: ParsedDocument, start: number): EcsContainer | undefined {
  return essentialContainers(doc).find((c) => c.anchor[0] === start);
}

export function ecsFinding(container: EcsContainer, message: string): RuleFinding {
  return { start: container.anchor[0], end: container.anchor[1], message, data: { container: container.name ?? null } };
}

export function describeEcs(container: EcsContainer): string {
  return container.name ? `Essential container '${container.name}'` : 'This essential container';
}

/** The first `containerPort` of `portMappings`, 8080 when there is none. */
export function ecsPort(container: EcsContainer): number {
  const mappings = member(container.object, container.keys.portMappings);
  for (const mapping of mappings?.type === 'array' ? mappings.children ?? [] : []) {
    const port = member(mapping, container.keys.containerPort);
    if (port?.type === 'number' && Number.isInteger(port.value)) return port.value;
  }
  return 8080;
}

/** A JSON value to insert: a literal as written, or ordered members of an object. */
export type JsonInsert = string | ReadonlyArray<readonly [string, JsonInsert]>;

/**
 * An edit adding `key: value` as the last member of the container object, indented like its
 * other members (or on the same line when the object is written on one line).
 */
export function addMember(doc: ParsedDocument, container: EcsContainer, key: string, value: JsonInsert): TextEdit | undefined {
  if (container.yaml) {
    // YAML: the same entries in the template's own style (block or flow), keys as written.
    const { map, scope } = container.yaml;
    const edits = addToMap(scope, map, [[key, value]], indentStep(scope));
    return edits?.length === 1 ? edits[0] : undefined;
  }
  const { text, lines } = doc;
  const members = container.object.children ?? [];
  const last = members[members.length - 1];
  if (!last) return undefined;
  const objectLine = lines.positionAt(container.object.offset).line;
  const lastLine = lines.positionAt(last.offset).line;
  const at = last.offset + last.length;
  if (objectLine === lastLine) {
    return { start: at, end: at, newText: `, ${JSON.stringify(key)}: ${renderInline(value)}` };
  }
  const column = lines.positionAt(last.offset).character;
  const indentText = text.slice(lines.lineStart(lastLine), lines.lineStart(lastLine) + column);
  const unit = indentUnit(doc);
  const render = (v: JsonInsert, pad: string): string => {
    if (typeof v === 'string') return v;
    const inner = pad + unit;
    return `{${lines.eol}${v.map(([k, x]) => `${inner}${JSON.stringify(k)}: ${render(x, inner)}`).join(`,${lines.eol}`)}${lines.eol}${pad}}`;
  };
  return { start: at, end: at, newText: `,${lines.eol}${indentText}${JSON.stringify(key)}: ${render(value, indentText)}` };
}

function renderInline(value: JsonInsert): string {
  if (typeof value === 'string') return value;
  return `{${value.map(([k, v]) => `${JSON.stringify(k)}: ${renderInline(v)}`).join(', ')}}`;
}

/** The file's indentation unit: the step between an object's line and its first member's line. */
function indentUnit(doc: ParsedDocument): string {
  const { lines, text } = doc;
  const visit = (node: JsonNode | undefined, depth: number): string | undefined => {
    if (!node || depth > 8) return undefined;
    if (node.type === 'object' || node.type === 'array') {
      const first = node.children?.[0];
      if (first) {
        const parentLine = lines.positionAt(node.offset).line;
        const childLine = lines.positionAt(first.offset).line;
        if (childLine > parentLine) {
          const parentIndent = /^[ \t]*/.exec(lines.lineText(parentLine))![0];
          const childIndent = text.slice(lines.lineStart(childLine), first.offset);
          if (/^[ \t]+$/.test(childIndent) && childIndent.startsWith(parentIndent) && childIndent.length > parentIndent.length) {
            return childIndent.slice(parentIndent.length);
          }
        }
      }
      for (const child of node.children ?? []) {
        const found = visit(child.type === 'property' ? child.children?.[1] : child, depth + 1);
        if (found) return found;
      }
    }
    return undefined;
  };
  return visit(doc.json.root, 0) ?? '  ';
}
