// Edits the rollout rules' fixes make to a workload: set one entry of its `spec` (or of a map below it).

import type { ParsedDocument } from '../../engine/document';
import type { TextEdit } from '../../engine/types';
import type { K8sObject } from '../../engine/model/k8s-objects';
import { addToMap, asMap, getMap, indentStep, type YamlScope } from './yaml-tools';

type At = keyof K8sObject['at'];

/** Replaces the entry the summary located (`key: old` becomes `key: value`). */
export function replaceEntry(doc: ParsedDocument, w: K8sObject, at: At, key: string, value: string): TextEdit[] | undefined {
  const range = w.at[at];
  if (!range || !doc.text.slice(range[0], range[1]).startsWith(key)) return undefined;
  return [{ start: range[0], end: range[1], newText: `${key}: ${value}` }];
}

/** Sets `spec.<key>`: replaces it where it is, else adds it to `spec` in the file's style. */
export function setEntry(doc: ParsedDocument, w: K8sObject, key: 'replicas', value: string): TextEdit[] | undefined {
  if (w.at[key]) return replaceEntry(doc, w, key, key, value);
  const found = specOf(doc, w);
  if (!found) return undefined;
  return addToMap(found.scope, found.spec, [[key, value]], indentStep(found.scope));
}

/** The `spec` map of the top-level object the summary was read from. */
export function specOf(doc: ParsedDocument, w: K8sObject): { scope: YamlScope; spec: NonNullable<ReturnType<typeof getMap>> } | undefined {
  const at = w.at.name?.[0];
  if (at === undefined || doc.kind !== 'kubernetes') return undefined;
  for (const document of doc.yaml.documents) {
    const scope: YamlScope = { doc, document };
    const object = asMap(document.contents, scope);
    if (!object?.range || at < object.range[0] || at > object.range[2]) continue;
    const spec = getMap(object, 'spec', scope);
    return spec ? { scope, spec } : undefined;
  }
  return undefined;
}
