// The project model's image links by name (issue 14): which image a Dockerfile is built as (build commands
// in Makefiles, scripts, READMEs and CI workflows; its package.json name; the manifests of its own folder),
// which Kubernetes workloads and compose services run it, images that can run no check, and the compose
// files and services that are not deployments. Answers checked against the model's functions and the index.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { WorkspaceIndex } from '../../server/src/engine/workspace-index';
import { buildCommandsOf, isBuildEvidencePath } from '../../server/src/engine/model/image-builds';
import { imageRepositoryName, imageTag } from '../../server/src/engine/model/k8s-objects';
import { composeOneShot, missingLockfile, toollessImage } from '../../server/src/engine/model/manifest-roles';
import { chartDirOf, chartValuesOf, resolveChartImage } from '../../server/src/engine/model/helm-values';
import { ParsedDocument } from '../../server/src/engine/document';
import { roleByPath } from '../../server/src/engine/model/roles';
import { parseDocument, type YAMLMap } from 'yaml';

test('build commands name the image and the Dockerfile, with the file and line that say so', () => {
  const make = 'REGISTRY ?= docker.io\nIMAGE = $(REGISTRY)/acme/hello\nVERSION ?= $(shell cat VERSION)\nbuild:\n\tdocker build --no-cache \\\n\t\t--build-arg V="$(VERSION)" \\\n\t\t-f src/app/Dockerfile -t "$(IMAGE):$(VERSION)" src/app;\n';
  assert.deepEqual(buildCommandsOf('/w/Makefile', make, 'make', '/w'), [{ image: '$(REGISTRY)/acme/hello:$(VERSION)'.replace('$(REGISTRY)', 'docker.io'), dockerfile: '/w/src/app/Dockerfile', path: '/w/Makefile', line: 5 }]);
  // A README's one-line code, a placeholder namespace, the context relative to the README's folder.
  const readme = '# Lab\n1. ```ibmcloud cr build -t us.icr.io/<namespace>/watson ./watson```\n2. `docker build -t $IMAGE .`\n';
  assert.deepEqual(buildCommandsOf('/w/lab/README.md', readme, 'readme', '/w').map((b) => [b.image, b.dockerfile, b.line]), [['us.icr.io/<namespace>/watson', '/w/lab/watson/Dockerfile', 2]]);
  // A script's default for a variable; a redirection ends the command.
  const sh = 'IMAGE="${IMAGE:-acme/api}"\ndocker build -t "$IMAGE:1" . &> build.log\n';
  assert.deepEqual(buildCommandsOf('/w/deploy.sh', sh, 'shell', '/w').map((b) => [b.image, b.dockerfile]), [['acme/api:1', '/w/Dockerfile']]);
  // A workflow's build-push-action: paths from the checkout's root; a tag built from an expression is left out.
  const workflow = 'jobs:\n  a:\n    steps:\n      - uses: docker/build-push-action@v6\n        with:\n          context: .\n          file: apps/api/Dockerfile\n          tags: |\n            acme/api:edge\n            ghcr.io/${{ github.repository }}:edge\n';
  assert.deepEqual(buildCommandsOf('/w/.github/workflows/ci.yml', workflow, 'workflow', '/w').map((b) => [b.image, b.dockerfile, b.line]), [['acme/api:edge', '/w/apps/api/Dockerfile', 4]]);
  assert.equal(isBuildEvidencePath('/w/.github/workflows/ci.yml'), 'workflow');
  assert.equal(isBuildEvidencePath('/w/docs/guide.md'), undefined, 'only READMEs among Markdown files');
});

test('build commands name the stage they build; a workflow matrix gives one build per include entry; a script\'s -f path also from the root', () => {
  const sh = 'docker buildx build --target app -f docker/app.Dockerfile -t acme/app:1 .\n';
  assert.deepEqual(buildCommandsOf('/w/scripts/build.sh', sh, 'shell', '/w'), [{ image: 'acme/app:1', dockerfile: '/w/scripts/docker/app.Dockerfile', target: 'app', fromRoot: '/w/docker/app.Dockerfile', path: '/w/scripts/build.sh', line: 1 }]);
  const workflow = 'jobs:\n  build:\n    strategy:\n      matrix:\n        include:\n          - target: web\n            tags: acme/web:latest\n          - target: aio\n            tags: acme/app:latest,acme/app:edge\n    steps:\n      - uses: docker/build-push-action@v6\n        with:\n          file: docker/Dockerfile\n          target: ${{ matrix.target }}\n          tags: ${{ matrix.tags }}\n';
  assert.deepEqual(buildCommandsOf('/w/.github/workflows/docker.yml', workflow, 'workflow', '/w').map((b) => [b.image, b.dockerfile, b.target]), [
    ['acme/web:latest', '/w/docker/Dockerfile', 'web'], ['acme/app:latest', '/w/docker/Dockerfile', 'aio'], ['acme/app:edge', '/w/docker/Dockerfile', 'aio'],
  ]);
});

test('an image\'s repository name is known when only its registry, namespace or tag is a placeholder', () => {
  assert.equal(imageRepositoryName('us.icr.io/<namespace>/watson'), 'watson');
  assert.equal(imageRepositoryName('postalsys/emailengine:${EMAILENGINE_VERSION:-latest}'), 'emailengine');
  assert.equal(imageRepositoryName('localhost:5000/acme/api:2'), 'api');
  assert.equal(imageRepositoryName('acme/${NAME}:1'), undefined);
  assert.equal(imageRepositoryName('{{ .Values.image.repository }}:{{ .Values.image.tag }}'), undefined);
  assert.equal(imageTag('acme/api:2.1'), '2.1');
  assert.equal(imageTag('acme/api:${TAG}'), undefined);
});

test('an image FROM scratch or static distroless can run no check, unless a probe binary is copied in', () => {
  assert.match(toollessImage('scratch', [{ keyword: 'COPY', text: '--from=build /api /api' }])!, /no shell or tool/);
  assert.ok(toollessImage('gcr.io/distroless/static-debian12', []));
  assert.equal(toollessImage('scratch', [{ keyword: 'COPY', text: '--from=build /go/bin/grpc-health-probe /bin/grpc_health_probe' }]), undefined);
  assert.equal(toollessImage('gcr.io/distroless/nodejs20-debian12', []), undefined, 'distroless node has node');
});

test('compose files and services that are not deployments', () => {
  assert.equal(roleByPath('docker/regtest/docker-compose.yml')?.role, 'test');
  assert.equal(roleByPath('docker-compose.build.yml')?.role, 'dev');
  assert.equal(roleByPath('.gitpod.Dockerfile')?.role, 'dev');
  assert.equal(roleByPath('test.Dockerfile')?.role, 'test', 'the prefix form names a test image too');
  assert.equal(roleByPath('docker/api.test.Dockerfile')?.role, 'test');
  assert.equal(roleByPath('latest.Dockerfile'), undefined);
  assert.equal(roleByPath('docker-compose.yml'), undefined);
  const services = (parseDocument('services:\n  shell:\n    image: acme/app\n    command: /bin/bash\n  api:\n    image: acme/app\n    command: bash -c "exec node api.js"\n').get('services') as YAMLMap).items.map((p) => ({ name: String((p.key as { value: string }).value), map: p.value as YAMLMap }));
  assert.match(composeOneShot(services[0], services)!, /interactive shell/);
  assert.equal(composeOneShot(services[1], services), undefined);
});

test('the index links a Dockerfile to the workloads and compose services that run its image by name, and says how', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prodready-image-links-'));
  try {
    const p = (rel: string) => path.join(dir, rel).split(path.sep).join('/');
    const write = (rel: string, text: string) => {
      fs.mkdirSync(path.dirname(p(rel)), { recursive: true });
      fs.writeFileSync(p(rel), text);
    };
    const deployment = (name: string, image: string) => `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n  template:\n    spec:\n      containers:\n        - name: ${name}\n          image: ${image}\n`;
    write('lab1/Dockerfile', 'FROM node:20\nCMD ["node", "a.js"]\n');
    write('lab1/README.md', '```docker build -t acme/hello-world:1 .```\n');
    write('lab2/Dockerfile', 'FROM node:20\nCMD ["node", "a.js"]\n');
    write('lab2/README.md', '```docker build -t acme/hello-world:2 .```\n');
    write('k8s/hello.yaml', deployment('hello', 'us.icr.io/<namespace>/hello-world:2'));
    write('apps/worker/package.json', '{"name": "@acme/worker"}');
    write('apps/worker/Dockerfile', 'FROM node:20\nCMD ["node", "w.js"]\n');
    write('compose.yaml', 'services:\n  worker:\n    image: acme/acme-worker:3\n    healthcheck:\n      test: ["CMD", "true"]\n');
    write('step/03/Dockerfile', 'FROM node:20\nCMD ["node", "i.js"]\n');
    write('step/03/kube/app.yaml', `${deployment('app', 'someone/notes-js:1.0.0')}---\n${deployment('db', 'mongo:6')}`);
    write('step/04/Dockerfile', 'FROM node:20\nCMD ["node", "i.js"]\n');
    write('step/04/kube/app.yaml', `${deployment('a', 'someone/notes-js:1.0.0')}---\n${deployment('b', 'someone/other:1')}`);
    const index = new WorkspaceIndex();
    await index.build([dir]);
    const facts = index.facts();
    const runs = (file: string) => (facts.kubernetesRunning(p(file)) ?? []).map((u) => `${u.object.name} ${u.link}`);
    // The tag picks the lab whose README builds it.
    assert.deepEqual(runs('lab2/Dockerfile'), ['hello `acme/hello-world:2` is built from it (lab2/README.md:1)']);
    assert.deepEqual(runs('lab1/Dockerfile'), []);
    assert.deepEqual(runs('step/03/Dockerfile'), ['app a Kubernetes manifest in its folder (step/03/kube/app.yaml) runs it']);
    assert.deepEqual(runs('step/04/Dockerfile'), [], 'two images of the project in its folder: which one it builds is unknown');
    assert.deepEqual((facts.composeRunning?.(p('apps/worker/Dockerfile')) ?? []).map((r) => [r.service, r.healthcheck, r.link]), [['worker', true, "its folder's package.json is named `@acme/worker`"]]);

    // A README edited on disk re-links, and the Dockerfiles' answers change (they are analysed again).
    const before = index.snapshot([p('lab1/Dockerfile')]);
    write('lab1/README.md', '```docker build -t acme/hello-world:2 .```\n');
    index.fileChanged(p('lab1/README.md'));
    assert.deepEqual(index.changedSince(before), [p('lab1/Dockerfile')]);
    assert.equal(runs('lab1/Dockerfile').length, 1);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('prodready explain says how a Dockerfile was linked, and why no check can run in a scratch image', () => {
  const cli = path.resolve(__dirname, '..', '..', 'dist', 'cli.js');
  const cwd = path.resolve(__dirname, '..', 'fixtures', 'manifests', 'image-links');
  const explain = (file: string) => spawnSync(process.execPath, [cli, 'explain', file], { cwd, encoding: 'utf8' }).stdout;
  assert.match(explain('api/Dockerfile'), /its image `acme\/orders:2\.1\.0` runs as compose service `orders` \(stack\/compose\.yaml:\d+\), which declares a healthcheck, linked because `acme\/orders:edge` is built from it \(\.github\/workflows\/release\.yml:8\)/);
  assert.match(explain('tutorial/03/Dockerfile'), /runs in Kubernetes Deployment `notes` .*linked because a Kubernetes manifest in its folder \(tutorial\/03\/kube\/notes\.yaml\) runs it/);
  assert.match(explain('gateway/Dockerfile'), /no health check can run in it: its final image is `FROM scratch`/);
});

test('a Helm chart template\'s image is read with the chart\'s default values; what cannot be read stays unknown', () => {
  const values = chartValuesOf('image:\n  registry: ghcr.io\n  repository: "acme/api"\n  tag: ""\nworker:\n  image: acme/worker:2\nconfig: |\n  a: 1\n')!;
  assert.equal(values.get('image.repository'), 'acme/api');
  assert.equal(values.get('config'), undefined, 'a multi-line value is not an image');
  assert.equal(resolveChartImage('{{ .Values.image.registry }}/{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}', values), 'ghcr.io/acme/api:<unknown>');
  assert.equal(imageRepositoryName(resolveChartImage('{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}', values)), 'api');
  assert.equal(resolveChartImage('{{- .Values.worker.image | quote -}}', values), 'acme/worker:2');
  assert.equal(resolveChartImage('{{ .Values.image.tag | default "1.2" }}', values), '1.2', 'a literal default stands in for an empty value');
  assert.equal(resolveChartImage('{{ include "chart.image" . }}', values), undefined, 'a helper template is not read');
  assert.equal(resolveChartImage('{{ .Values.missing.repository }}', values), undefined);
  assert.equal(chartDirOf('/w/deploy/helm/hello/templates/deployment.yaml'), '/w/deploy/helm/hello');
  assert.equal(chartDirOf('/w/k8s/app.yaml'), undefined);
  assert.equal(chartValuesOf('a: [unclosed'), undefined);
});

test('a Dockerfile that copies a lockfile no folder of its build holds, beside another package manager\'s, is a template', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prodready-lockfile-'));
  try {
    const root = dir.split(path.sep).join('/');
    fs.mkdirSync(`${root}/apps/web`, { recursive: true });
    fs.writeFileSync(`${root}/package-lock.json`, '{}');
    const doc = (rel: string, text: string) => new ParsedDocument({ path: `${root}/${rel}`, relativePath: rel, text, kind: 'dockerfile' });
    assert.equal(missingLockfile(doc('apps/web/Dockerfile.pnpm', 'FROM node:20\nCOPY ./package.json pnpm-lock.yaml /app/\nCMD ["npm", "start"]\n')), 'pnpm-lock.yaml');
    assert.equal(missingLockfile(doc('apps/web/Dockerfile', 'FROM node:20\nCOPY package.json package-lock.json ./\nCMD ["npm", "start"]\n')), undefined, 'the root holds it: the build starts there');
    assert.equal(missingLockfile(doc('apps/web/Dockerfile', 'FROM node:20\nCOPY package*.json yarn.lock* ./\nCMD ["npm", "start"]\n')), undefined, 'a pattern may match nothing on purpose');
    assert.equal(missingLockfile(doc('apps/web/Dockerfile', 'FROM node:20 AS deps\nRUN touch x\nFROM node:20\nCOPY --from=deps /app/pnpm-lock.yaml ./\nCMD ["npm", "start"]\n')), undefined, 'copied from a stage, not the context');
    assert.equal(missingLockfile(doc('apps/web/Dockerfile', 'FROM node:20\nCOPY ["package.json", "bun.lockb", "./"]\nCMD ["bun", "start"]\n')), 'bun.lockb', 'the exec form is read too');
    assert.equal(missingLockfile(doc('apps/web/Dockerfile', 'FROM python:3.12\nCOPY pyproject.toml poetry.lock ./\nCMD ["python", "-m", "app"]\n')), undefined, 'no Python lockfile at all: nothing is known');
    fs.rmSync(`${root}/package-lock.json`);
    assert.equal(missingLockfile(doc('apps/web/Dockerfile.pnpm', 'FROM node:20\nCOPY ./package.json pnpm-lock.yaml /app/\nCMD ["npm", "start"]\n')), undefined, 'no lockfile at all (a new project, one CI makes): nothing is known');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
