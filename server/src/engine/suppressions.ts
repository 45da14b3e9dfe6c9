// Suppressions: inline ignore comments, Kubernetes ignore-check annotations and `.prodready.yaml`
// ignores. A suppression that suppresses nothing is itself reported, so stale ones do not pile up.
//
//   // prodready-ignore-next-line <rule-id>[, <rule-id>] [-- reason]
//   // prodready-ignore-line <rule-id> [-- reason]          (at the end of the line it is about)
//   # prodready-ignore-file <rule-id> [-- reason]
//   metadata.annotations: ignore-check.prodready.dev/<rule-id>: "<reason>"

import { isMap, isScalar, isSeq, type Node as YamlNode, type YAMLMap } from 'yaml';
import type { Registry } from '../rules/registry';
import type { Config } from './config';
import type { ParsedDocument } from './document';
import type { Finding } from './types';
import { ENGINE_RULE_IDS, isEngineFinding } from './analyze';

export const ANNOTATION_PREFIX = 'ignore-check.prodready.dev/';

const DIRECTIVE = /(\/\/|\/\*|#|<!--)\s*prodready-ignore-(next-line|line|file)\b(.*)$/;

export interface Directive {
  form: 'next-line' | 'line' | 'file' | 'annotation';
  ruleIds: string[];
  reason?: string;
  /** The directive's own text (comment body, or the annotation's key), where its diagnostics go. */
  start: number;
  end: number;
  /** Zero-based line the directive applies to (line and next-line forms). */
  targetLine?: number;
  /** Just past the last rule id of a comment directive: where another id can be added. */
  idsEnd?: number;
  /** Zero-based line the comment directive itself is on. */
  line?: number;
  /** For annotations: the offsets of the Kubernetes object they belong to. */
  scope?: [number, number];
}

export interface Suppressed {
  finding: Finding;
  kind: 'inSource' | 'external';
  justification?: string;
}

export interface SuppressionResult {
  /** Findings left to report, plus the engine's findings about the directives themselves. */
  findings: Finding[];
  suppressed: Suppressed[];
}

function isDirectiveOnly(text: string): boolean {
  const match = DIRECTIVE.exec(text);
  return match !== null && /^\s*\{?\s*$/.test(text.slice(0, match.index));
}

/**
 * A directive's body without the `*\/` or `-->` that closes its comment (and a JSX `}` after it).
 * String operations, not a regex: `\s*(\*\/|-->)\s*$` backtracks quadratically over a long run of
 * blanks (200,000 spaces took 46 s).
 */
function withoutCommentEnd(body: string): string {
  const trimmed = body.trimEnd();
  const inner = trimmed.endsWith('}') ? trimmed.slice(0, -1).trimEnd() : trimmed;
  if (inner.endsWith('*/')) return inner.slice(0, -2).trimEnd();
  if (inner.endsWith('-->')) return inner.slice(0, -3).trimEnd();
  return body;
}

/** Reads `prodready-ignore-*` comments. Works on text so it serves every file kind alike. */
export function readDirectives(doc: ParsedDocument): Directive[] {
  if (!doc.text.includes('prodready-ignore-')) return [];
  const directives: Directive[] = [];
  const { lines } = doc;
  for (let line = 0; line < lines.lineCount; line++) {
    const text = lines.lineText(line);
    const match = DIRECTIVE.exec(text);
    if (!match) continue;
    const form = match[2] as Directive['form'];
    let body = withoutCommentEnd(match[3]);
    let reason: string | undefined;
    const dashes = body.indexOf('--');
    if (dashes >= 0) {
      reason = body.slice(dashes + 2).trim() || undefined;
      body = body.slice(0, dashes);
    }
    const ruleIds = body
      .split(/[\s,]+/)
      .map((s) => s.trim())
      .filter(Boolean);
    const start = lines.lineStart(line) + match.index + match[0].indexOf('prodready-ignore-');
    const bodyStart = lines.lineStart(line) + match.index + match[0].length - match[3].length;
    const idsEnd = bodyStart + body.trimEnd().length;
    const directive: Directive = { form, ruleIds, reason, start, end: lines.lineEnd(line), idsEnd, line };
    if (form === 'line') directive.targetLine = line;
    if (form === 'next-line') {
      // The next line with code; stacked directives apply together to the same line.
      let target = line + 1;
      while (target < lines.lineCount && (lines.lineText(target).trim() === '' || isDirectiveOnly(lines.lineText(target)))) target++;
      directive.targetLine = target;
    }
    directives.push(directive);
  }
  return directives;
}

interface KubeObject {
  start: number;
  end: number;
  kind?: string;
  name?: string;
  namespace?: string;
  annotations?: YAMLMap;
  /** Annotations maps of pod templates inside the object, where ignore-checks do not belong. */
  templateAnnotations: YAMLMap[];
}

function get(map: unknown, key: string): YamlNode | undefined {
  if (!isMap(map)) return undefined;
  const pair = map.items.find((p) => isScalar(p.key) && p.key.value === key);
  return (pair?.value ?? undefined) as YamlNode | undefined;
}

function str(node: YamlNode | undefined): string | undefined {
  return isScalar(node) && (typeof node.value === 'string' || typeof node.value === 'number') ? String(node.value) : undefined;
}

function templateAnnotations(object: YamlNode): YAMLMap[] {
  const out: YAMLMap[] = [];
  const spec = get(object, 'spec');
  for (const template of [get(spec, 'template'), get(get(get(spec, 'jobTemplate'), 'spec'), 'template')]) {
    const annotations = get(get(template, 'metadata'), 'annotations');
    if (isMap(annotations)) out.push(annotations);
  }
  return out;
}

/** Every Kubernetes object in a manifest file (List items included), with its offsets. */
export function kubeObjects(doc: ParsedDocument): KubeObject[] {
  const out: KubeObject[] = [];
  const visit = (node: unknown) => {
    if (!isMap(node) || !node.range) return;
    const kind = str(get(node, 'kind'));
    const items = get(node, 'items');
    if (kind === 'List' && isSeq(items)) {
      for (const item of items.items) visit(item);
      return;
    }
    const metadata = get(node, 'metadata');
    const annotations = get(metadata, 'annotations');
    out.push({
      start: node.range[0],
      end: node.range[2],
      kind,
      name: str(get(metadata, 'name')),
      namespace: str(get(metadata, 'namespace')),
      annotations: isMap(annotations) ? annotations : undefined,
      templateAnnotations: templateAnnotations(node),
    });
  };
  for (const document of doc.yaml.documents) visit(document.contents);
  return out;
}

function annotationDirectives(objects: KubeObject[], findings: Finding[]): Directive[] {
  const directives: Directive[] = [];
  for (const object of objects) {
    for (const pair of object.annotations?.items ?? []) {
      if (!isScalar(pair.key) || typeof pair.key.value !== 'string' || !pair.key.value.startsWith(ANNOTATION_PREFIX)) continue;
      const [start, end] = pair.key.range ?? [object.start, object.start];
      directives.push({
        form: 'annotation',
        ruleIds: [pair.key.value.slice(ANNOTATION_PREFIX.length)],
        reason: str(pair.value as YamlNode)?.trim() || undefined,
        start,
        end,
        scope: [object.start, object.end],
      });
    }
    for (const annotations of object.templateAnnotations) {
      for (const pair of annotations.items) {
        if (!isScalar(pair.key) || typeof pair.key.value !== 'string' || !pair.key.value.startsWith(ANNOTATION_PREFIX)) continue;
        const [start, end] = pair.key.range ?? [object.start, object.start];
        findings.push({
          ruleId: ENGINE_RULE_IDS.misplacedIgnore,
          severity: 'hint',
          start,
          end,
          message: `This annotation is on the pod template, where prodready does not read it: move it to the ${object.kind ?? 'object'}'s own metadata.annotations.`,
        });
      }
    }
  }
  return directives;
}

/** Applies every suppression to `findings`; reports unused, unknown and reason-less ignores. */
export function applySuppressions(doc: ParsedDocument, findings: Finding[], config: Config, registry: Registry): SuppressionResult {
  const extra: Finding[] = [];
  const directives = readDirectives(doc);
  const objects = doc.kind === 'kubernetes' ? kubeObjects(doc) : [];
  if (objects.length > 0) directives.push(...annotationDirectives(objects, extra));
  const configIgnores = doc.kind === 'kubernetes' ? config.ignore : [];
  if (directives.length === 0 && configIgnores.length === 0) return { findings: findings.concat(extra), suppressed: [] };

  const used = new Set<Directive>();
  const usable = (d: Directive) => !config.requireReason || d.reason !== undefined;
  const kept: Finding[] = [];
  const suppressed: Suppressed[] = [];
  for (const finding of findings) {
    if (isEngineFinding(finding.ruleId)) {
      kept.push(finding);
      continue;
    }
    const line = doc.lines.positionAt(finding.start).line;
    const directive = directives.find(
      (d) =>
        d.ruleIds.includes(finding.ruleId) &&
        usable(d) &&
        (d.form === 'file' ||
          (d.form === 'annotation' ? d.scope![0] <= finding.start && finding.start < d.scope![1] : d.targetLine === line)),
    );
    if (directive) {
      used.add(directive);
      suppressed.push({ finding, kind: 'inSource', justification: directive.reason });
      continue;
    }
    if (configIgnores.length > 0) {
      const object = objects.find((o) => o.start <= finding.start && finding.start < o.end);
      const ignore = object
        ? configIgnores.find(
            (i) =>
              i.rule === finding.ruleId &&
              (i.kind === undefined || i.kind === object.kind) &&
              (i.name === undefined || i.name === object.name) &&
              (i.namespace === undefined || i.namespace === object.namespace),
          )
        : undefined;
      if (ignore) {
        suppressed.push({
          finding,
          kind: 'external',
          justification: `.prodready.yaml ignore: ${[ignore.kind, ignore.namespace, ignore.name].filter(Boolean).join('/')}`,
        });
        continue;
      }
    }
    kept.push(finding);
  }

  for (const directive of directives) {
    const what = directive.form === 'annotation' ? 'This ignore-check annotation' : `prodready-ignore-${directive.form}`;
    if (directive.ruleIds.length === 0) {
      extra.push({ ruleId: ENGINE_RULE_IDS.unusedIgnore, severity: 'hint', start: directive.start, end: directive.end, message: `${what} names no rule: list the rule ids it is for.` });
      continue;
    }
    const unknown = directive.ruleIds.filter((id) => !registry.get(id));
    if (unknown.length > 0) {
      extra.push({
        ruleId: ENGINE_RULE_IDS.unusedIgnore,
        severity: 'hint',
        start: directive.start,
        end: directive.end,
        message: `${what} names ${unknown.length === 1 ? 'an unknown rule' : 'unknown rules'}: ${unknown.join(', ')}.`,
      });
      continue;
    }
    if (!usable(directive)) {
      extra.push({
        ruleId: ENGINE_RULE_IDS.ignoreWithoutReason,
        severity: 'warning',
        start: directive.start,
        end: directive.end,
        message: `${what} has no reason, and this project requires one (requireReason): add \`-- why\`${directive.form === 'annotation' ? ' (the annotation value)' : ''}. It suppresses nothing until then.`,
      });
      continue;
    }
    if (!used.has(directive)) {
      const active = directive.ruleIds.filter((id) => config.rules[id]?.severity !== 'off');
      if (active.length === 0) continue; // every rule it names is off: nothing could fire here
      extra.push({
        ruleId: ENGINE_RULE_IDS.unusedIgnore,
        severity: 'hint',
        start: directive.start,
        end: directive.end,
        message: `${what} ${directive.ruleIds.join(', ')} suppresses nothing here: remove it.`,
      });
    }
  }
  return { findings: kept.concat(extra).sort((a, b) => a.start - b.start || a.ruleId.localeCompare(b.ruleId)), suppressed };
}
