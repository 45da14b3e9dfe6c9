// Layer 2, the code <-> manifest cross-checks: a manifest's probe-path-not-served follows the route
// file on disk while only the manifest is open. The server learns about the route from its index
// (watched-file notifications) and re-publishes the manifest's diagnostics, with related
// information pointing at the route the app serves.

import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { TestClient, fileUri } from './client';

const CHANGED = 2;

const MANIFEST = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    spec:
      containers:
        - name: api
          image: ghcr.io/acme/api:1.0.0
          livenessProbe:
            httpGet:
              path: /api/healthz
              port: 3000
`;

const routes = (p: string) => `const { Router } = require('express');\nconst router = Router();\nrouter.get('${p}', (req, res) => res.send('ok'));\nmodule.exports = router;\n`;

const SERVER = `const express = require('express');\nconst app = express();\napp.use('/api', require('./routes'));\napp.listen(3000);\n`;

const notServed = (d: Diagnostic[]) => d.filter((x) => x.code === 'probe-path-not-served');

describe('cross-check over stdio: probe-path-not-served', () => {
  let dir: string;
  let client: TestClient;
  const routesFile = () => path.join(dir, 'api', 'src', 'routes.js');
  const manifestUri = () => fileUri(path.join(dir, 'deploy', 'api.yaml'));

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prodready-health-'));
    fs.mkdirSync(path.join(dir, 'api', 'src'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'deploy'));
    fs.writeFileSync(path.join(dir, 'api', 'package.json'), JSON.stringify({ name: 'api', private: true, dependencies: { express: '^4.19.0' } }));
    fs.writeFileSync(path.join(dir, 'api', 'Dockerfile'), 'FROM node:20-slim\nCOPY . .\nCMD ["node", "src/server.js"]\n');
    fs.writeFileSync(path.join(dir, 'api', 'src', 'server.js'), SERVER);
    fs.writeFileSync(routesFile(), routes('/health'));
    fs.writeFileSync(path.join(dir, 'deploy', 'api.yaml'), MANIFEST);
    client = new TestClient({ folders: [dir] });
    await client.initialize();
  });

  after(() => {
    client.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the open manifest is flagged on the probe path, pointing at the route the app serves', async () => {
    await client.open(manifestUri(), 'yaml', MANIFEST);
    const diagnostics = await client.waitFor(manifestUri(), (d) => notServed(d).length === 1);
    const [finding] = notServed(diagnostics);
    assert.deepEqual(finding.range, { start: { line: 12, character: 20 }, end: { line: 12, character: 32 } });
    assert.match(String(finding.message), /`\/api\/healthz`.*It serves `\/api\/health`/);
    assert.equal(finding.relatedInformation?.length, 1);
    assert.equal(finding.relatedInformation![0].location.uri, fileUri(routesFile()));
    assert.equal(finding.relatedInformation![0].location.range.start.line, 2);
  });

  test('the route file changed on disk (never opened) to serve the path clears it', async () => {
    const seen = client.count(manifestUri());
    fs.writeFileSync(routesFile(), routes('/healthz'));
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(routesFile()), type: CHANGED }] });
    await client.waitFor(manifestUri(), (d) => notServed(d).length === 0, { after: seen });
  });

  test('changing it back brings the finding back', async () => {
    const seen = client.count(manifestUri());
    fs.writeFileSync(routesFile(), routes('/live'));
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(routesFile()), type: CHANGED }] });
    const diagnostics = await client.waitFor(manifestUri(), (d) => notServed(d).length === 1, { after: seen });
    assert.match(String(notServed(diagnostics)[0].message), /It serves `\/api\/live`/);
  });
});

const pyRoutes = (p: string) => `from fastapi import APIRouter\n\nrouter = APIRouter()\n\n\n@router.get("${p}")\ndef health():\n    return {"ok": True}\n`;

const PY_MAIN = `from fastapi import FastAPI\n\nfrom app.routes import router\n\napp = FastAPI()\napp.include_router(router, prefix="/api")\n`;

describe('cross-check over stdio: probe-path-not-served for a Python service', () => {
  let dir: string;
  let client: TestClient;
  const routesFile = () => path.join(dir, 'api', 'app', 'routes.py');
  const manifestUri = () => fileUri(path.join(dir, 'deploy', 'api.yaml'));

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prodready-health-py-'));
    fs.mkdirSync(path.join(dir, 'api', 'app'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'deploy'));
    fs.writeFileSync(path.join(dir, 'api', 'requirements.txt'), 'fastapi==0.115.0\nuvicorn==0.30.0\n');
    fs.writeFileSync(path.join(dir, 'api', 'Dockerfile'), 'FROM python:3.12-slim\nCOPY . .\nCMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "3000"]\n');
    fs.writeFileSync(path.join(dir, 'api', 'app', '__init__.py'), '');
    fs.writeFileSync(path.join(dir, 'api', 'app', 'main.py'), PY_MAIN);
    fs.writeFileSync(routesFile(), pyRoutes('/health'));
    fs.writeFileSync(path.join(dir, 'deploy', 'api.yaml'), MANIFEST);
    client = new TestClient({ folders: [dir] });
    await client.initialize();
  });

  after(() => {
    client.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the open manifest is flagged, pointing at the FastAPI route under its include_router prefix', async () => {
    await client.open(manifestUri(), 'yaml', MANIFEST);
    const diagnostics = await client.waitFor(manifestUri(), (d) => notServed(d).length === 1);
    const [finding] = notServed(diagnostics);
    assert.match(String(finding.message), /`\/api\/healthz`.*It serves `\/api\/health`/);
    assert.equal(finding.relatedInformation?.[0].location.uri, fileUri(routesFile()));
    assert.equal(finding.relatedInformation![0].location.range.start.line, 5);
  });

  test('the Python route file changed on disk (never opened) to serve the path clears it', async () => {
    const seen = client.count(manifestUri());
    fs.writeFileSync(routesFile(), pyRoutes('/healthz'));
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(routesFile()), type: CHANGED }] });
    await client.waitFor(manifestUri(), (d) => notServed(d).length === 0, { after: seen });
  });
});

// missing-health-endpoint is a package-wide answer: the route table of every file of the package. With
// the listen file and the manifest open and the router file closed, a change of the router on disk
// alone must bring the finding (on the listen call, pointing at the probe that requests a path nothing
// serves) and take it away again; the manifest's probe-path-not-served follows the same change.
const LISTEN = `const express = require('express');\nconst app = express();\napp.use('/api', require('./routes'));\napp.listen(3000);\n`;

const PROBED = MANIFEST.replace('/api/healthz', '/api/health');

const noHealth = (d: Diagnostic[]) => d.filter((x) => x.code === 'missing-health-endpoint');

describe('cross-check over stdio: missing-health-endpoint follows the closed router file', () => {
  let dir: string;
  let client: TestClient;
  const routesFile = () => path.join(dir, 'api', 'src', 'routes.js');
  const serverUri = () => fileUri(path.join(dir, 'api', 'src', 'server.js'));
  const manifestFile = () => path.join(dir, 'deploy', 'api.yaml');
  const changed = async (p: string) =>
    client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(p), type: CHANGED }] });

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prodready-health-endpoint-'));
    fs.mkdirSync(path.join(dir, 'api', 'src'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'deploy'));
    fs.writeFileSync(path.join(dir, 'api', 'package.json'), JSON.stringify({ name: 'api', private: true, dependencies: { express: '^4.19.0' } }));
    fs.writeFileSync(path.join(dir, 'api', 'Dockerfile'), 'FROM node:20-slim\nCOPY . .\nCMD ["node", "src/server.js"]\n');
    fs.writeFileSync(path.join(dir, 'api', 'src', 'server.js'), LISTEN);
    fs.writeFileSync(routesFile(), routes('/health'));
    fs.writeFileSync(manifestFile(), PROBED);
    client = new TestClient({ folders: [dir] });
    await client.initialize();
  });

  after(() => {
    client.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a package that serves /api/health under its probe: no finding on the listen call or the manifest', async () => {
    await client.open(fileUri(manifestFile()), 'yaml', PROBED);
    await client.open(serverUri(), 'javascript', LISTEN);
    await client.waitFor(serverUri(), (d) => d.some((x) => x.code === 'missing-sigterm-handler') && noHealth(d).length === 0);
    await client.waitFor(fileUri(manifestFile()), (d) => d.length > 0 && notServed(d).length === 0);
  });

  test('the router changed on disk (never opened) to serve no health route: the finding appears on the listen call', async () => {
    const seenServer = client.count(serverUri());
    const seenManifest = client.count(fileUri(manifestFile()));
    fs.writeFileSync(routesFile(), routes('/users'));
    await changed(routesFile());
    const diagnostics = await client.waitFor(serverUri(), (d) => noHealth(d).length === 1, { after: seenServer });
    const [finding] = noHealth(diagnostics);
    assert.equal(finding.range.start.line, 3);
    assert.match(String(finding.message), /health/i);
    const related = finding.relatedInformation ?? [];
    assert.ok(
      related.some((r) => r.location.uri === fileUri(manifestFile()) && r.location.range.start.line === 10 && /\/api\/health/.test(r.message)),
      `related information points at the manifest's livenessProbe, naming the path it requests: ${JSON.stringify(related)}`,
    );
    await client.waitFor(fileUri(manifestFile()), (d) => notServed(d).length === 1, { after: seenManifest });
  });

  test('the router changed back on disk: the finding goes away on both sides', async () => {
    const seenServer = client.count(serverUri());
    const seenManifest = client.count(fileUri(manifestFile()));
    fs.writeFileSync(routesFile(), routes('/health'));
    await changed(routesFile());
    await client.waitFor(serverUri(), (d) => noHealth(d).length === 0, { after: seenServer });
    await client.waitFor(fileUri(manifestFile()), (d) => notServed(d).length === 0, { after: seenManifest });
  });
});
