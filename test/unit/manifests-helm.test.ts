// Helm templates: masking keeps every offset, never turns template syntax into a YAML error, and
// a container whose keys come from a template action is left alone.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { maskTemplateActions, lineActions } from '../../server/src/engine/helm';
import { analyze } from '../../server/src/engine/analyze';
import { EMPTY_CONFIG } from '../../server/src/engine/config';
import { prepare } from '../../server/src/engine/source';
import { registry } from '../../server/src/rules';

function findings(path: string, text: string) {
  const prepared = prepare({ path: `/ws/${path}`, relativePath: path, text });
  assert.equal(prepared.status, 'document');
  if (prepared.status !== 'document') return { doc: undefined, findings: [] };
  const result = analyze(prepared.doc, { registry, config: EMPTY_CONFIG });
  assert.deepEqual(result.crashes, []);
  return { doc: prepared.doc, findings: result.findings };
}

const lineOf = (text: string, offset: number) => text.slice(0, offset).split('\n').length;

describe('maskTemplateActions', () => {
  test('keeps the length, every line break and every offset outside actions', () => {
    const text = 'a: {{ .Values.a }}\r\n{{- if .Values.b }}\nb: "{{ .x }}:{{ .y }}"\n{{/* a\ncomment */}}\n';
    const { text: masked, actions } = maskTemplateActions(text);
    assert.equal(masked.length, text.length);
    assert.equal(actions.length, 5);
    for (let i = 0; i < text.length; i++) {
      const inside = actions.some(([a, b]) => i >= a && i < b);
      if (!inside || text[i] === '\n' || text[i] === '\r') assert.equal(masked[i], text[i], `offset ${i}`);
    }
  });

  test('an action inside a scalar stays a scalar; an action ending `key: ` or alone on its line is blank', () => {
    const { text } = maskTemplateActions('image: {{ .Values.repo }}:{{ .Values.tag }}\nlabels: {{- include "l" . | nindent 4 }}\n  {{- end }}\n{{ $k }}: v\n');
    const lines = text.split('\n');
    assert.match(lines[0], /^image: _+:_+$/);
    assert.match(lines[1], /^labels: +$/);
    assert.match(lines[2], /^ +$/);
    assert.match(lines[3], /^_+: v$/);
  });

  test('lineActions knows where an action writes (nindent wins) and which are control flow', () => {
    const text = 'spec:\n  {{- if .Values.x }}\n  {{- include "probes" . | nindent 10 }}\n  x: {{ .Values.y }}\n';
    const actions = lineActions(text, maskTemplateActions(text).actions);
    assert.deepEqual(
      actions.map((a) => ({ line: a.line, column: a.column, control: a.control })),
      [
        { line: 1, column: 2, control: true },
        { line: 2, column: 10, control: false },
      ],
    );
  });
});

// The constructs real charts use (helm create's deployment, Bitnami-style helpers, SAP's
// `labels: {{- include ... | nindent 4 }}` followed by a conditional block).
const CHART = `{{- if .Values.enabled }}
apiVersion: {{ include "common.capabilities.deployment.apiVersion" . }}
kind: Deployment
metadata:
  name: {{ include "app.fullname" . }}
  labels: {{- include "app.labels" . | nindent 4 }}
  {{- if .Values.annotations }}
  annotations:
  {{- toYaml .Values.annotations | nindent 4 }}
  {{- end }}
spec:
  replicas: {{ .Values.replicaCount }}
  template:
    metadata:
      labels: {{- include "app.selectorLabels" . | nindent 8 }}
      {{- if .Values.istio }}
        sidecar.istio.io/inject: {{ .Values.istio.enabled | quote }}
      {{ end }}
    spec:
      {{- /*
      Containers below.
      */}}
      containers:
        - name: {{ .Chart.Name }}
          image: {{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
          args: [{{ range .Values.args }}{{ . | quote }}, {{ end }}"--serve"]
          command:
          {{- toYaml .Values.command | nindent 10 }}
          env:
            {{- range $key, $value := .Values.env }}
            - name: {{ $key }}
              value: {{ $value | quote }}
            {{- end }}
          {{- with .Values.livenessProbe }}
          livenessProbe: {{- toYaml . | nindent 12 }}
          {{- end }}
          readinessProbe:
            {{- toYaml .Values.readinessProbe | nindent 12 }}
          resources: {{- toYaml .Values.resources | nindent 12 }}
        - name: exporter
          image: "prom/statsd-exporter:{{ .Values.exporter.tag }}"
          {{- include "app.probes" . | nindent 10 }}
        {{- with .Values.sidecars }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
{{- end }}
---
{{- range $name, $job := .Values.jobs }}
apiVersion: batch/v1
kind: {{ $job.kind | default "CronJob" }}
metadata:
  name: {{ $name }}
spec:
  template:
    spec:
      containers:
        - name: {{ $name }}
          image: {{ $job.image }}
---
{{- end }}
`;

describe('Helm templates', () => {
  test('a chart using values, conditionals, ranges and include | nindent gives no YAML error, and flags only what is known to be missing', () => {
    const { doc, findings: found } = findings('charts/app/templates/deployment.yaml', CHART);
    assert.ok(doc!.yaml.templated);
    assert.deepEqual(
      doc!.yaml.documents.flatMap((d) => d.errors.map((e) => e.message)),
      [],
      'masking must leave nothing the YAML parser rejects',
    );
    // The first container's probes and resources are all declared or written by actions, the
    // second's keys come from an include, the sidecars are a toYaml. The range's kind is a template
    // (it may be a Job: no probe checks), and its container has no resources at all.
    assert.deepEqual(found.map((f) => `${lineOf(CHART, f.start)} ${f.ruleId}`), ['57 missing-resource-limits']);
  });

  test('a container with nothing templated inside is still checked', () => {
    const text = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "app.fullname" . }}
spec:
  template:
    spec:
      containers:
        - name: app
          image: "{{ .Values.image }}"
          ports:
            - containerPort: {{ .Values.port }}
          resources:
            requests:
              cpu: "{{ .Values.cpu }}"
              memory: 128Mi
`;
    const { findings: found } = findings('charts/app/templates/deployment.yaml', text);
    assert.deepEqual(
      found.map((f) => `${lineOf(text, f.start)} ${f.ruleId}`),
      ['9 missing-liveness-probe', '9 missing-prestop-hook', '9 missing-readiness-probe', '9 missing-resource-limits'],
    );
    assert.match(found[3].message, /no CPU limit and memory limit/);
  });
});
