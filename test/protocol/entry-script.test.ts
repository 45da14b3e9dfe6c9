// Layer 2, issue 19: signal-not-forwarded follows a Dockerfile's entry script. The script is another
// file: when it changes (on disk, or in an editor), the open Dockerfile that runs it is re-published.

import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { TestClient, fileUri } from './client';

const CHANGED = 2;

const DOCKERFILE = 'FROM node:20-slim\nWORKDIR /app\nCOPY . .\nCOPY docker-entrypoint.sh /usr/local/bin/\nHEALTHCHECK CMD node healthcheck.js\nENTRYPOINT ["docker-entrypoint.sh"]\n';
const CHILD = '#!/bin/sh\nset -e\nnode src/migrate.js\nnode src/server.js\n';
const EXEC = '#!/bin/sh\nset -e\nnode src/migrate.js\nexec node src/server.js\n';

const signal = (d: Diagnostic[]) => d.filter((x) => x.code === 'signal-not-forwarded');

describe('entry scripts over stdio: signal-not-forwarded', () => {
  let dir: string;
  let client: TestClient;
  const script = () => path.join(dir, 'api', 'docker-entrypoint.sh');
  const dockerfileUri = () => fileUri(path.join(dir, 'api', 'Dockerfile'));

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prodready-entry-'));
    fs.mkdirSync(path.join(dir, 'api', 'src'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'api', 'package.json'), JSON.stringify({ name: 'api', private: true, dependencies: { express: '^4.19.0' } }));
    fs.writeFileSync(path.join(dir, 'api', 'src', 'server.js'), "const app = require('express')();\napp.listen(3000);\n");
    fs.writeFileSync(path.join(dir, 'api', 'Dockerfile'), DOCKERFILE);
    fs.writeFileSync(script(), CHILD);
    client = new TestClient({ folders: [dir] });
    await client.initialize();
  });

  after(() => {
    client.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the open Dockerfile is flagged on its ENTRYPOINT, pointing at the script line without exec', async () => {
    await client.open(dockerfileUri(), 'dockerfile', DOCKERFILE);
    const diagnostics = await client.waitFor(dockerfileUri(), (d) => signal(d).length === 1);
    const [finding] = signal(diagnostics);
    assert.equal(finding.range.start.line, 5);
    assert.match(String(finding.message), /`docker-entrypoint\.sh` starts it without `exec` \(line 4: `node src\/server\.js`\)/);
    assert.equal(finding.relatedInformation?.[0]?.location.uri, fileUri(script()));
    assert.equal(finding.relatedInformation?.[0]?.location.range.start.line, 3);
  });

  test('the script changed on disk (never opened) to exec the app clears it', async () => {
    const seen = client.count(dockerfileUri());
    fs.writeFileSync(script(), EXEC);
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(script()), type: CHANGED }] });
    await client.waitFor(dockerfileUri(), (d) => signal(d).length === 0, { after: seen });
  });

  test('editing the open script back (unsaved) brings the finding back; closing it goes back to the disk', async () => {
    let seen = client.count(dockerfileUri());
    await client.open(fileUri(script()), 'shellscript', EXEC);
    await client.change(fileUri(script()), 2, [{ text: CHILD }]);
    await client.waitFor(dockerfileUri(), (d) => signal(d).length === 1, { after: seen });
    seen = client.count(dockerfileUri());
    await client.close(fileUri(script()));
    await client.waitFor(dockerfileUri(), (d) => signal(d).length === 0, { after: seen });
  });
});
