// A Python file over the protocol: the server loads the parser before analysing, re-parses on
// incremental edits, and its quick fix is the one the fixtures' golden files show.

import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TestClient, applyWorkspaceEdit, fileUri } from './client';

const TEXT = 'import requests\n\n\ndef get_user(user_id):\n    return requests.get(f"https://users.example.com/{user_id}")\n';

describe('a Python document over stdio', () => {
  let dir: string;
  let client: TestClient;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prodready-python-'));
    client = new TestClient({ folders: [dir], settings: () => ({}) });
    await client.initialize();
  });

  after(() => {
    client.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the first diagnostics already come from the parsed tree; edits and the quick fix follow', async () => {
    const uri = fileUri(path.join(dir, 'app', 'users.py'));
    await client.open(uri, 'python', TEXT);
    const [d] = await client.waitFor(uri, (list) => list.length > 0);
    assert.equal(d.code, 'http-call-without-timeout');
    assert.deepEqual(d.range, { start: { line: 4, character: 11 }, end: { line: 4, character: 23 } });

    // An incremental edit above the call: the diagnostic moves with it.
    let seen = client.count(uri);
    await client.change(uri, 2, [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: 'API = "x"\n' }]);
    const moved = await client.waitFor(uri, (_d, p) => p.version === 2, { after: seen });
    assert.deepEqual(moved.map((m) => m.range.start.line), [5]);

    const actions = await client.codeActions(uri, [moved[0]]);
    assert.equal(actions[0].title, 'Add timeout=10');
    const fixed = applyWorkspaceEdit(TEXT.replace('\n\n\n', '\nAPI = "x"\n\n\n'), uri, actions[0].edit!);
    assert.match(fixed, /requests\.get\(f"https:\/\/users\.example\.com\/\{user_id\}", timeout=10\)/);

    seen = client.count(uri);
    await client.change(uri, 3, [{ text: fixed }]);
    assert.deepEqual(await client.waitFor(uri, (_d, p) => p.version === 3, { after: seen }), []);
  });
});
