// The CLI's report formats. Lines and columns are 1-based; columns count UTF-16 code units.

import type { Registry } from '../rules/registry';
import type { Severity } from '../engine/types';
import { docsUri } from '../engine/docs-link';
import { ENGINE_RULE_IDS } from '../engine/analyze';

export interface ReportFinding {
  ruleId: string;
  severity: Severity;
  /** Relative to the current directory, forward slashes. */
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  message: string;
  fixes: Array<{ title: string; safe: boolean }>;
  /** The other side of a cross-check: file relative to the current directory, 1-based line and column. */
  related?: Array<{ file: string; line: number; column: number; message: string }>;
  /** Set when an inline ignore or a config ignore suppressed the finding (shown in SARIF only). */
  suppression?: { kind: 'inSource' | 'external'; justification?: string };
}

export interface Report {
  findings: ReportFinding[];
  files: number;
  durationMs: number;
  /** Files changed by --fix, with how many fixes each. */
  fixed: Array<{ file: string; applied: number }>;
}

const SEVERITY_ORDER: Severity[] = ['error', 'warning', 'information', 'hint'];

export function jsonReport(report: Report): string {
  const findings = report.findings
    .filter((f) => !f.suppression)
    .map(({ ruleId, severity, file, line, column, endLine, endColumn, message, fixes, related }) => ({
      ruleId,
      severity,
      file,
      line,
      column,
      endLine,
      endColumn,
      message,
      fixes,
      ...(related && related.length > 0 ? { related } : {}),
    }));
  return `${JSON.stringify(
    { version: 1, findings, summary: { files: report.files, findings: findings.length, durationMs: report.durationMs } },
    null,
    2,
  )}\n`;
}

export function textReport(report: Report, color: boolean): string {
  const paint = (code: string, s: string) => (color ? `\u001b[${code}m${s}\u001b[0m` : s);
  const tint: Record<Severity, string> = { error: '31', warning: '33', information: '36', hint: '90' };
  const lines: string[] = [];
  for (const fix of report.fixed) lines.push(`fixed ${fix.applied} problem${fix.applied === 1 ? '' : 's'} in ${fix.file}`);
  const shown = report.findings.filter((f) => !f.suppression);
  for (const f of shown) {
    lines.push(`${f.file}:${f.line}:${f.column}: ${paint(tint[f.severity], f.severity)} ${f.message} ${paint('2', `[${f.ruleId}]`)}`);
  }
  if (shown.length === 0) {
    lines.push(`No problems found in ${report.files} file${report.files === 1 ? '' : 's'}.`);
  } else {
    const counts = SEVERITY_ORDER.map((s) => [s, shown.filter((f) => f.severity === s).length] as const)
      .filter(([, n]) => n > 0)
      .map(([s, n]) => `${n} ${s === 'information' ? 'info' : s}${n === 1 || s === 'information' ? '' : 's'}`);
    const fixable = shown.filter((f) => f.fixes.some((x) => x.safe)).length;
    lines.push('');
    lines.push(
      `${shown.length} problem${shown.length === 1 ? '' : 's'} (${counts.join(', ')}) in ${report.files} file${report.files === 1 ? '' : 's'}` +
        (fixable ? `; ${fixable} fixable with --fix` : ''),
    );
  }
  return `${lines.join('\n')}\n`;
}

const SARIF_LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  error: 'error',
  warning: 'warning',
  information: 'note',
  hint: 'note',
};

export function sarifReport(report: Report, registry: Registry, version: string, cwdUri: string): string {
  const rules = registry.all.map((rule) => ({
    id: rule.id,
    name: rule.id,
    shortDescription: { text: rule.summary },
    fullDescription: { text: rule.docs.whatItDoes },
    ...(docsUri(rule.id) ? { helpUri: docsUri(rule.id) } : {}),
    defaultConfiguration: { level: SARIF_LEVEL[rule.defaultSeverity] },
    properties: { family: rule.family },
  }));
  const engineDescriptions: Record<string, string> = {
    [ENGINE_RULE_IDS.unparsable]: 'A file could not be parsed; it was not (fully) checked.',
    [ENGINE_RULE_IDS.skipped]: 'A file was not (fully) analysed: binary, over the size limit, nested too deeply, or over the time budget.',
    [ENGINE_RULE_IDS.unusedIgnore]: 'An ignore comment or annotation suppresses nothing.',
    [ENGINE_RULE_IDS.ignoreWithoutReason]: 'An ignore has no reason, and the configuration requires one.',
    [ENGINE_RULE_IDS.misplacedIgnore]: 'An ignore-check annotation is on a pod template instead of the object.',
  };
  const engineRules = Object.values(ENGINE_RULE_IDS).map((id) => ({
    id,
    name: id,
    shortDescription: { text: engineDescriptions[id] },
    defaultConfiguration: { level: (id === ENGINE_RULE_IDS.ignoreWithoutReason ? 'warning' : 'note') as 'warning' | 'note' },
  }));
  const allRules = [...rules, ...engineRules];
  const index = new Map(allRules.map((r, i) => [r.id, i]));
  const results = report.findings.map((f) => ({
    ruleId: f.ruleId,
    ruleIndex: index.get(f.ruleId) ?? -1,
    level: SARIF_LEVEL[f.severity],
    message: { text: f.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: encodeURI(f.file), uriBaseId: '%SRCROOT%' },
          region: { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn },
        },
      },
    ],
    ...(f.related && f.related.length > 0
      ? {
          relatedLocations: f.related.map((r, id) => ({
            id,
            message: { text: r.message },
            physicalLocation: { artifactLocation: { uri: encodeURI(r.file), uriBaseId: '%SRCROOT%' }, region: { startLine: r.line, startColumn: r.column } },
          })),
        }
      : {}),
    ...(f.suppression
      ? { suppressions: [{ kind: f.suppression.kind, ...(f.suppression.justification ? { justification: f.suppression.justification } : {}) }] }
      : {}),
  }));
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'prodready',
            version,
            semanticVersion: version,
            rules: allRules,
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { uri: cwdUri.endsWith('/') ? cwdUri : `${cwdUri}/` } },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
