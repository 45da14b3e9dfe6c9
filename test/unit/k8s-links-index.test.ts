// The project model's Kubernetes links: which Service selects a workload, which HPA targets it,
// across files, kept current when a manifest changes (open manifests are named for re-publishing).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { WorkspaceIndex } from '../../server/src/engine/workspace-index';

const SERVICE = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: api\nspec:\n  selector:\n    app: api\n  ports:\n    - port: 80\n      targetPort: http\n';
const HPA = 'apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: api\nspec:\n  scaleTargetRef: {kind: Deployment, name: "{{ .Values.name }}"}\n';
const DEPLOYMENT = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    metadata:\n      labels: {app: api, tier: web}\n    spec:\n      containers:\n        - name: api\n          image: api:1.0.0\n';

test('Services and autoscalers of other manifests are answered with their file and line, and a change re-publishes open manifests', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prodready-k8s-'));
  try {
    const p = (rel: string) => path.join(dir, rel).split(path.sep).join('/');
    fs.mkdirSync(path.join(dir, 'deploy'));
    fs.writeFileSync(p('deploy/service.yaml'), SERVICE);
    fs.writeFileSync(p('deploy/hpa.yaml'), HPA);
    fs.writeFileSync(p('deploy/api.yaml'), DEPLOYMENT);
    const index = new WorkspaceIndex();
    await index.build([dir]);
    const facts = index.facts();

    const services = facts.servicesSelecting({ app: 'api', tier: 'web' }, undefined)!;
    assert.deepEqual(services.map((s) => [s.path, s.line, s.name]), [[p('deploy/service.yaml'), 4, 'api']]);
    assert.deepEqual(facts.servicesSelecting({ app: 'web' }, undefined), []);
    assert.deepEqual(facts.servicesSelecting({ app: 'api' }, 'other'), [], 'another namespace');
    // A target written by a template action may be any workload: it is answered, so nothing is flagged.
    assert.deepEqual(facts.autoscalersFor('Deployment', 'api', undefined)!.map((h) => h.target), [{ kind: 'Deployment', name: null }]);

    const open = [p('deploy/api.yaml')];
    const before = index.snapshot(open);
    fs.writeFileSync(p('deploy/service.yaml'), SERVICE.replace('app: api', 'app: admin'));
    index.fileChanged(p('deploy/service.yaml'));
    assert.deepEqual(index.changedSince(before), open);
    assert.deepEqual(facts.servicesSelecting({ app: 'api', tier: 'web' }, undefined), []);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
