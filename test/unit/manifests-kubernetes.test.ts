// Kubernetes rules beyond what fixtures show: broken documents, options, fix details, finding data.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, fixesFor } from '../../server/src/engine/analyze';
import { EMPTY_CONFIG, type Config } from '../../server/src/engine/config';
import { applyEdits } from '../../server/src/engine/edits';
import { prepare } from '../../server/src/engine/source';
import type { Finding } from '../../server/src/engine/types';
import { registry } from '../../server/src/rules';
import { quantity } from '../../server/src/rules/manifests/missing-resource-limits';
import { helperNamed, isDataStoreImage } from '../../server/src/rules/manifests/health-checks';

function run(path: string, text: string, config: Config = EMPTY_CONFIG) {
  const prepared = prepare({ path: `/ws/${path}`, relativePath: path, text });
  if (prepared.status !== 'document') throw new Error(`${path} is not analysed`);
  const result = analyze(prepared.doc, { registry, config });
  assert.deepEqual(result.crashes, []);
  return { doc: prepared.doc, findings: result.findings, fixes: (f: Finding) => fixesFor(f, prepared.doc, { registry, config }) };
}

const lineOf = (text: string, offset: number) => text.slice(0, offset).split('\n').length;
const summary = (text: string, findings: Finding[]) => findings.map((f) => `${lineOf(text, f.start)} ${f.ruleId}`);

const POD = (name: string, extra = '') => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  containers:
    - name: ${name}
      image: busybox:1.36${extra}
`;

describe('YAML that does not parse', () => {
  test('one clear diagnostic for the broken document, the other documents still checked', () => {
    const broken = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: broken
  labels: {app: broken
spec: {}
`;
    const text = `${POD('first')}---\n${broken}---\n${POD('third')}`;
    const { findings } = run('deploy/all.yaml', text);
    const problems = findings.filter((f) => f.ruleId === 'unparsable-file');
    assert.equal(problems.length, 1);
    assert.match(problems[0].message, /^YAML syntax error at line \d+, column \d+: .+ the other documents in this file are still checked/);
    assert.ok(lineOf(text, problems[0].start) >= 14 && lineOf(text, problems[0].start) <= 16, 'points into the broken document');
    const containers = findings.filter((f) => f.ruleId === 'missing-liveness-probe').map((f) => text.slice(f.start, f.end));
    assert.deepEqual(containers, ['name: first', 'name: third']);
  });

  test('a Helm template never gets a syntax diagnostic', () => {
    const text = `apiVersion: v1\nkind: ConfigMap\ndata:\n  {{- range $k, $v := .Values.data }}\n  {{ $k }}: {{ $v | quote }}\n  {{- end }}\n  broken: [\n`;
    const { findings } = run('charts/x/templates/cm.yaml', text);
    assert.deepEqual(findings.filter((f) => f.ruleId === 'unparsable-file'), []);
  });
});

describe('missing-resource-limits', () => {
  test('cpuLimit: false no longer asks for a CPU limit, and the fix does not add one', () => {
    const text = POD('api', '\n      resources:\n        requests: {cpu: 100m, memory: 128Mi}\n        limits: {memory: 256Mi}');
    assert.deepEqual(summary(text, run('pod.yaml', text).findings).filter((s) => s.includes('resource')), ['7 missing-resource-limits']);
    const config: Config = { ...EMPTY_CONFIG, rules: { 'missing-resource-limits': { options: { cpuLimit: false } } } };
    assert.deepEqual(run('pod.yaml', text, config).findings.filter((f) => f.ruleId === 'missing-resource-limits'), []);

    const partial = POD('api', '\n      resources:\n        limits: {memory: 256Mi}');
    const { findings, fixes } = run('pod.yaml', partial, config);
    const finding = findings.find((f) => f.ruleId === 'missing-resource-limits')!;
    assert.match(finding.message, /no CPU request:/);
    const fixed = applyEdits(partial, fixes(finding)[0].edits);
    assert.ok(fixed.endsWith('      resources:\n        limits: {memory: 256Mi}\n        requests:\n          cpu: 100m\n'), fixed);
  });

  test('an added limit never falls below a request that is set', () => {
    const text = POD('java', '\n      resources:\n        requests:\n          cpu: "2"\n          memory: 2Gi');
    const { findings, fixes } = run('pod.yaml', text);
    const finding = findings.find((f) => f.ruleId === 'missing-resource-limits')!;
    assert.match(finding.message, /no CPU limit and memory limit/);
    const fixed = applyEdits(text, fixes(finding)[0].edits);
    assert.match(fixed, /limits:\n {10}cpu: "2"\n {10}memory: 2Gi\n$/);
  });

  test('quantities in every notation the API server accepts', () => {
    assert.equal(quantity('500m'), 0.5);
    assert.equal(quantity('2'), 2);
    assert.equal(quantity('128Mi'), 128 * 2 ** 20);
    assert.equal(quantity('1G'), 1e9);
    assert.equal(quantity('1e3'), 1000);
    assert.equal(quantity('{{ .Values.x }}'), undefined);
  });
});

describe('fixes', () => {
  test('a fix in one document leaves every other document byte for byte', () => {
    const first = POD('first', '\n      ports: [{containerPort: 80}]\n      livenessProbe: {exec: {command: [true]}}');
    const text = `${first}---\n# comment\n${POD('second', '\n      ports: [{containerPort: 80}]')}`.replace(/\n/g, '\r\n');
    const { findings, fixes } = run('deploy/two.yaml', text);
    const readiness = findings.filter((f) => f.ruleId === 'missing-readiness-probe');
    assert.equal(readiness.length, 2);
    const fix = fixes(readiness[1])[0];
    const fixed = applyEdits(text, fix.edits);
    assert.ok(fixed.startsWith(text.slice(0, text.indexOf('---'))), 'the first document is untouched');
    assert.ok(!/[^\r]\n/.test(fixed), 'CRLF everywhere');
    assert.equal(fix.safe, false);
    assert.equal(fix.title, 'Add readinessProbe: TCP on port 80');
  });

  test('the snippet expands to the same text, with the path and port as placeholders', () => {
    // The readiness probe's path is a route the app is known to serve: the liveness probe GETs it too.
    const text = POD('api', '\n      ports:\n        - name: http\n          containerPort: 3000\n      readinessProbe:\n        httpGet: {path: /healthz, port: http}');
    const { findings, fixes } = run('pod.yaml', text);
    const edit = fixes(findings.find((f) => f.ruleId === 'missing-liveness-probe')!)[0].edits[0];
    assert.ok(edit.snippet);
    assert.match(edit.snippet!, /path: \$\{1:\/healthz\}/);
    assert.match(edit.snippet!, /port: \$\{2:http\}/);
    assert.equal(edit.snippet!.replace(/\$\{\d+:([^}]*)\}/g, '$1'), edit.newText);
  });

  test('findings carry the object they belong to, for ignore rules in .prodready.yaml', () => {
    const text = `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  namespace: shop\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: nginx\n`;
    const finding = run('d.yaml', text).findings.find((f) => f.ruleId === 'missing-liveness-probe')!;
    assert.deepEqual(finding.data, { kind: 'Deployment', name: 'api', namespace: 'shop', container: 'web' });
  });
});

test('data stores and helper sidecars, by image name', () => {
  for (const image of ['postgres:16', 'docker.io/library/mongo', 'mcr.microsoft.com/oss/bitnami/redis:6.0.8', 'docker.io/bitnami/postgresql:11.5.0', 'minio/minio:RELEASE.2022', 'apache/kafka:3.7.0', 'weaveworksdemos/user-db:0.3.0']) {
    assert.equal(isDataStoreImage(image), true, image);
  }
  for (const image of ['memcached:1.6', 'getmeili/meilisearch:v1.11', 'registry.example.com/api:1', 'acme/postgres-backup:1', '{{ .Values.image }}', undefined]) {
    assert.equal(isDataStoreImage(image), false, String(image));
  }
  assert.equal(helperNamed('kbudde/rabbitmq-exporter'), 'exporter');
  assert.equal(helperNamed('quay.io/prometheus/blackbox-exporter:v0.27.0@sha256:abc'), 'exporter');
  assert.equal(helperNamed('gcr.io/cloudsql-docker/gce-proxy:1.37'), 'auth-proxy');
  assert.equal(helperNamed('cloudsql-proxy'), 'auth-proxy');
  assert.equal(helperNamed('envoyproxy/envoy:v1.30'), undefined);
});
