// Environment variables set in manifests, read the same way whatever the manifest: Kubernetes
// `env[]` entries, compose `environment:` (map and list forms), ECS `environment` (API and
// CloudFormation spellings) and Dockerfile `ENV`/`ARG` defaults. Each entry knows where its literal
// value is and how to write the "read it from a secret" form in the file's own style.

import { isMap, isScalar, isSeq, type Node, type Pair, type YAMLMap } from 'yaml';
import type { Node as JsonNode } from 'jsonc-parser';
import type { Arg, Env } from 'dockerfile-ast';
import type { ParsedDocument } from '../../engine/document';
import type { TextEdit } from '../../engine/types';
import { asMap, getMap, getString, getValue, indentStep, keyText, resolve, templated, type YamlScope } from '../manifests/yaml-tools';

export interface EnvEntry {
  name: string;
  value: string;
  /** Where the value's text is (inside quotes, when quoted). */
  start: number;
  end: number;
  /** How the manifest says it: for the message. */
  where: string;
  /** Entries of the same list or map share a group (a `*_USER` next to a `*_PASSWORD`). */
  group: number;
  /** The edits that make the entry read the variable from a secret, when the file allows one. */
  fix?: () => { title: string; edits: TextEdit[] } | undefined;
}

const cache = new WeakMap<ParsedDocument, EnvEntry[]>();

export function envEntries(doc: ParsedDocument): EnvEntry[] {
  let entries = cache.get(doc);
  if (!entries) {
    entries = read(doc);
    cache.set(doc, entries);
  }
  return entries;
}

function read(doc: ParsedDocument): EnvEntry[] {
  switch (doc.kind) {
    case 'kubernetes':
      return yamlDocuments(doc, kubernetesEnv);
    case 'compose':
      return yamlDocuments(doc, composeEnv);
    case 'ecs':
      return ecsEnv(doc);
    case 'dockerfile':
      return dockerfileEnv(doc);
    default:
      return [];
  }
}

function yamlDocuments(doc: ParsedDocument, each: (scope: YamlScope, out: EnvEntry[], seen: Set<unknown>) => void): EnvEntry[] {
  const out: EnvEntry[] = [];
  const seen = new Set<unknown>();
  for (const document of doc.yaml.documents) {
    if (document.errors.length > 0) continue;
    each({ doc, document }, out, seen);
  }
  return out;
}

/** A scalar written in the file (not a template action, not an alias of a number): its text and span. */
function scalarSpan(scope: YamlScope, node: unknown): { value: string; start: number; end: number } | undefined {
  if (!isScalar(node) || !node.range) return undefined;
  if (typeof node.value !== 'string') return undefined;
  const [a, b] = node.range;
  if (templated(scope, a, b)) return undefined;
  const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE';
  if (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') return undefined;
  return { value: node.value, start: quoted ? a + 1 : a, end: quoted ? b - 1 : b };
}

// ---- Kubernetes ------------------------------------------------------------------------------

/** Every `env:` list of EnvVar entries (`name` + `value`) in an object with a `kind`, at any depth. */
function kubernetesEnv(scope: YamlScope, out: EnvEntry[], seen: Set<unknown>): void {
  const root = asMap(scope.document.contents, scope);
  if (!root || getString(root, 'kind', scope) === undefined) return;
  const kind = getString(root, 'kind', scope);
  // A Secret holds secrets by design; whether it belongs in the repository is another question.
  if (kind === 'Secret' || kind === 'SealedSecret') return;
  const owner = getString(getMap(root, 'metadata', scope), 'name', scope);
  const visit = (node: unknown, depth: number): void => {
    const n = resolve(node, scope);
    if (depth > 16 || !n || seen.has(n)) return;
    if (isMap(n)) {
      seen.add(n);
      for (const pair of n.items) {
        const value = resolve(pair.value, scope);
        if (keyText(pair) === 'env' && isSeq(value)) envList(value.items, value.range?.[0] ?? 0);
        else visit(value, depth + 1);
      }
    } else if (isSeq(n)) {
      for (const item of n.items) visit(item, depth + 1);
    }
  };
  const envList = (items: unknown[], group: number): void => {
    for (const item of items) {
      const entry = asMap(item, scope);
      if (!entry || seen.has(entry)) continue;
      seen.add(entry);
      const name = getString(entry, 'name', scope);
      const valuePair = entry.items.find((p) => keyText(p) === 'value');
      const span = valuePair && scalarSpan(scope, valuePair.value);
      if (!name || !valuePair || !span) continue;
      out.push({ name, ...span, where: 'env', group, fix: () => secretKeyRef(scope, entry, valuePair, owner, name) });
    }
  };
  visit(root, 0);
}

function secretKeyRef(scope: YamlScope, entry: YAMLMap, pair: Pair, owner: string | undefined, name: string): { title: string; edits: TextEdit[] } | undefined {
  const key = pair.key as Node | null;
  const value = pair.value as Node | null;
  if (!key?.range || !value?.range) return undefined;
  const secret = `${owner ?? 'app'}-secrets`;
  const secretKey = name.toLowerCase().replace(/_/g, '-');
  const { lines } = scope.doc;
  const title = `Read ${name} from the Secret '${secret}' (secretKeyRef) (unsafe)`;
  if (entry.flow) {
    return { title, edits: [{ start: key.range[0], end: value.range[1], newText: `valueFrom: {secretKeyRef: {name: ${secret}, key: ${secretKey}}}` }] };
  }
  const column = lines.positionAt(key.range[0]).character;
  const step = indentStep(scope);
  const pad = (n: number) => ' '.repeat(column + n * step);
  const eol = lines.eol;
  const newText = `valueFrom:${eol}${pad(1)}secretKeyRef:${eol}${pad(2)}name: ${secret}${eol}${pad(2)}key: ${secretKey}`;
  return { title, edits: [{ start: key.range[0], end: value.range[1], newText }] };
}

// ---- Compose ---------------------------------------------------------------------------------

function composeEnv(scope: YamlScope, out: EnvEntry[], seen: Set<unknown>): void {
  const root = asMap(scope.document.contents, scope);
  const services = root && getMap(root, 'services', scope);
  if (!services) return;
  for (const service of services.items) {
    const map = asMap(service.value, scope);
    if (!map) continue;
    const environment = resolve(getValue(map, 'environment', scope), scope);
    if (!environment || seen.has(environment)) continue;
    seen.add(environment);
    const group = environment.range?.[0] ?? 0;
    if (isMap(environment)) {
      for (const pair of environment.items) {
        const name = keyText(pair);
        const span = scalarSpan(scope, pair.value);
        if (!name || !span) continue;
        out.push({ name, ...span, where: 'environment', group, fix: () => composeRead(span, name) });
      }
    } else if (isSeq(environment)) {
      for (const item of environment.items) {
        const span = scalarSpan(scope, item);
        if (!span) continue;
        const eq = span.value.indexOf('=');
        if (eq <= 0) continue;
        const name = span.value.slice(0, eq).trim();
        // Offsets into the value are exact only when the text is written as is (plain or simple quotes).
        const raw = scope.doc.text.slice(span.start, span.end);
        if (raw !== span.value) continue;
        const valueSpan = { value: span.value.slice(eq + 1), start: span.start + eq + 1, end: span.end };
        out.push({ name, ...valueSpan, where: 'environment', group, fix: () => composeRead(valueSpan, name) });
      }
    }
  }
}

function composeRead(span: { start: number; end: number }, name: string): { title: string; edits: TextEdit[] } {
  return { title: `Take ${name} from the environment (\${${name}}) (unsafe)`, edits: [{ start: span.start, end: span.end, newText: `\${${name}}` }] };
}

// ---- ECS -------------------------------------------------------------------------------------

function ecsEnv(doc: ParsedDocument): EnvEntry[] {
  const root = doc.json.root;
  if (!root || doc.json.errors.length > 0) return [];
  const out: EnvEntry[] = [];
  const visit = (node: JsonNode | undefined, depth: number): void => {
    if (!node || depth > 12) return;
    if (node.type === 'object') {
      for (const property of node.children ?? []) {
        const key = property.children?.[0]?.value;
        const value = property.children?.[1];
        if ((key === 'environment' || key === 'Environment') && value?.type === 'array') {
          const cfn = key === 'Environment';
          for (const item of value.children ?? []) {
            const name = member(item, cfn ? 'Name' : 'name');
            const literal = member(item, cfn ? 'Value' : 'value');
            if (name?.type !== 'string' || literal?.type !== 'string') continue;
            const raw = doc.text.slice(literal.offset + 1, literal.offset + literal.length - 1);
            if (raw !== literal.value) continue;
            const entryName = name.value as string;
            out.push({
              name: entryName,
              value: literal.value,
              start: literal.offset + 1,
              end: literal.offset + literal.length - 1,
              where: cfn ? 'Environment' : 'ecs-environment',
              group: value.offset,
              fix: cfn || node.type !== 'object' ? undefined : () => ecsSecret(doc, node, value, item, entryName),
            });
          }
        } else {
          visit(value, depth + 1);
        }
      }
    } else if (node.type === 'array') {
      for (const child of node.children ?? []) visit(child, depth + 1);
    }
  };
  visit(root, 0);
  return out;
}

/**
 * Moves the entry from `environment` to the container's `secrets`, read from Secrets Manager (the
 * ARN's region and account are placeholders to fill in: the fix is unsafe). Written as the file
 * writes its entries: on one line when the neighbours are, on their own lines otherwise.
 */
function ecsSecret(doc: ParsedDocument, container: JsonNode, environment: JsonNode, item: JsonNode, name: string): { title: string; edits: TextEdit[] } | undefined {
  const { text, lines } = doc;
  const items = environment.children ?? [];
  const index = items.indexOf(item);
  if (index < 0) return undefined;
  // Remove the entry with the separator that joins it to its neighbour.
  const remove: TextEdit =
    index + 1 < items.length
      ? { start: item.offset, end: items[index + 1].offset, newText: '' }
      : index > 0
        ? { start: items[index - 1].offset + items[index - 1].length, end: item.offset + item.length, newText: '' }
        : { start: item.offset, end: item.offset + item.length, newText: '' };
  const entry = `{ "name": ${JSON.stringify(name)}, "valueFrom": ${JSON.stringify(`arn:aws:secretsmanager:REGION:ACCOUNT_ID:secret:${name}`)} }`;
  const secrets = member(container, 'secrets');
  let add: TextEdit | undefined;
  if (secrets?.type === 'array' && (secrets.children?.length ?? 0) > 0) {
    const last = secrets.children![secrets.children!.length - 1];
    const at = last.offset + last.length;
    const sameLine = lines.positionAt(secrets.offset).line === lines.positionAt(last.offset).line;
    const indent = text.slice(lines.lineStart(lines.positionAt(last.offset).line), last.offset);
    add = { start: at, end: at, newText: sameLine ? `, ${entry}` : `,${lines.eol}${indent}${entry}` };
  } else if (!secrets) {
    const members = container.children ?? [];
    const lastMember = members[members.length - 1];
    if (!lastMember) return undefined;
    const at = lastMember.offset + lastMember.length;
    const line = lines.positionAt(lastMember.offset).line;
    const indent = text.slice(lines.lineStart(line), lastMember.offset);
    const sameLine = lines.positionAt(container.offset).line === line;
    add = { start: at, end: at, newText: sameLine ? `, "secrets": [${entry}]` : `,${lines.eol}${indent}"secrets": [${entry}]` };
  }
  if (!add || (add.start >= remove.start && add.start < remove.end)) return undefined;
  return { title: `Move ${name} to the container's secrets (Secrets Manager) (unsafe)`, edits: [remove, add] };
}

function member(object: JsonNode | undefined, key: string): JsonNode | undefined {
  if (object?.type !== 'object') return undefined;
  return object.children?.find((p) => p.children?.[0]?.value === key)?.children?.[1];
}

// ---- Dockerfile ------------------------------------------------------------------------------

function dockerfileEnv(doc: ParsedDocument): EnvEntry[] {
  const out: EnvEntry[] = [];
  for (const instruction of doc.dockerfile.getInstructions()) {
    const keyword = instruction.getKeyword().toUpperCase();
    if (keyword !== 'ENV' && keyword !== 'ARG') continue;
    const properties = keyword === 'ENV' ? (instruction as Env).getProperties() : [(instruction as Arg).getProperty()].filter((p) => p !== null);
    for (const property of properties) {
      const name = property.getName();
      const value = property.getValue();
      const range = property.getValueRange();
      if (!name || value === null || !range) continue;
      let start = doc.lines.offsetAt(range.start);
      let end = doc.lines.offsetAt(range.end);
      const raw = doc.text.slice(start, end);
      if ((raw.startsWith('"') && raw.endsWith('"')) || (raw.startsWith("'") && raw.endsWith("'"))) {
        start++;
        end--;
      }
      if (doc.text.slice(start, end) !== value) continue;
      out.push({ name, value, start, end, where: keyword, group: 0 });
    }
  }
  return out;
}
