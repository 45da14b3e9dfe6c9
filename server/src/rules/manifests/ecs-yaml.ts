// CloudFormation templates in YAML for the ECS rules: each YAML document is read as the jsonc tree
// that `ecs.ts` already reads for JSON task definitions (objects of properties, arrays, scalars, with
// offsets into the file), so both forms go through one reader. A short-form function (`!Ref X`,
// `!Sub '...'`, `!If [...]`) becomes an object with no members, as its long form `{"Ref": "X"}` is an
// object: a value only known at deploy time, never a literal.

import { isAlias, isMap, isScalar, isSeq, type Node, type YAMLMap } from 'yaml';
import type { Node as JsonNode } from 'jsonc-parser';
import type { ParsedDocument } from '../../engine/document';
import { isCloudFormationFunction } from '../../engine/cloudformation';
import { resolve, type YamlScope } from './yaml-tools';

/** Where an adapted object came from: the YAML mapping and its document, for edits in YAML. */
export interface YamlOrigin {
  map: YAMLMap;
  scope: YamlScope;
}

interface Adapted {
  roots: JsonNode[];
  origins: WeakMap<JsonNode, YamlOrigin>;
}

/** One adaptation per document version, shared by both ECS rules and their fixes. */
const cache = new WeakMap<ParsedDocument, Adapted>();

/** The documents of a YAML file that parsed without errors, as jsonc trees. */
export function yamlEcsRoots(doc: ParsedDocument): Adapted {
  let adapted = cache.get(doc);
  if (!adapted) {
    adapted = { roots: [], origins: new WeakMap() };
    for (const document of doc.yaml.documents) {
      if (document.errors.length > 0) continue;
      const scope: YamlScope = { doc, document };
      const root = toJson(document.contents, scope, adapted.origins, 0);
      if (root) adapted.roots.push(root);
    }
    cache.set(doc, adapted);
  }
  return adapted;
}

type Mutable = { -readonly [K in keyof JsonNode]: JsonNode[K] };

function toJson(value: unknown, scope: YamlScope, origins: WeakMap<JsonNode, YamlOrigin>, depth: number): JsonNode | undefined {
  // Aliases are followed (with the offsets of what they point to); a cycle or a deep tree stops.
  if (depth > 40) return undefined;
  const node = isAlias(value) ? resolve(value, scope) : (value as Node | null | undefined);
  if (!node || !node.range) return undefined;
  const [start, valueEnd] = node.range;
  const base = { offset: start, length: Math.max(0, valueEnd - start) };
  if (isCloudFormationFunction(node)) return { type: 'object', ...base, children: [] };
  if (isMap(node)) {
    const object: Mutable = { type: 'object', ...base, children: [] };
    for (const pair of node.items) {
      const key = pair.key as Node | null;
      if (!isScalar(key) || !key.range || typeof key.value !== 'string') continue;
      const keyNode: Mutable = { type: 'string', value: key.value, offset: key.range[0], length: key.range[1] - key.range[0] };
      const valueNode: Mutable = toJson(pair.value, scope, origins, depth + 1) ?? { type: 'null', value: null, offset: key.range[1], length: 0 };
      const end = Math.max(keyNode.offset + keyNode.length, valueNode.offset + valueNode.length);
      const property: Mutable = { type: 'property', offset: keyNode.offset, length: end - keyNode.offset, children: [keyNode, valueNode] };
      keyNode.parent = property;
      valueNode.parent = property;
      property.parent = object;
      object.children!.push(property);
    }
    origins.set(object, { map: node, scope });
    return object;
  }
  if (isSeq(node)) {
    const array: Mutable = { type: 'array', ...base, children: [] };
    for (const item of node.items) {
      const child = toJson(item, scope, origins, depth + 1);
      if (!child) continue;
      (child as Mutable).parent = array;
      array.children!.push(child);
    }
    return array;
  }
  if (isScalar(node)) {
    const v = node.value;
    if (typeof v === 'string') return { type: 'string', value: v, ...base };
    if (typeof v === 'number') return { type: 'number', value: v, ...base };
    if (typeof v === 'boolean') return { type: 'boolean', value: v, ...base };
    if (v === null) return { type: 'null', value: null, ...base };
  }
  return undefined;
}
