// The .vsix a user installs: built by `npm run package`, holding only what a user needs.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { registry } from '../../server/src/rules';

const ROOT = path.resolve(__dirname, '..', '..');
const VSIX = path.join(ROOT, 'prodready.vsix');

test('npm run package yields a .vsix under 3 MB with the bundles (and the Python parser WebAssembly), snippets, docs, README and LICENSE only', () => {
  fs.rmSync(VSIX, { force: true });
  execFileSync('npm', ['run', 'package', '--silent'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  const size = fs.statSync(VSIX).size;
  assert.ok(size < 3 * 1024 * 1024, `the .vsix is ${(size / 1024 / 1024).toFixed(2)} MB`);

  const listing = execFileSync('unzip', ['-Z1', VSIX], { encoding: 'utf8' }).trim().split('\n').sort();
  const files = listing.filter((f) => f.startsWith('extension/')).map((f) => f.slice('extension/'.length));
  // The Python parser's WebAssembly (web-tree-sitter's runtime and the grammar) ships next to the server.
  for (const required of ['package.json', 'readme.md', 'LICENSE.txt', 'dist/extension.js', 'dist/server.js', 'dist/engine.js', 'dist/cli.js', 'dist/tree-sitter.wasm', 'dist/tree-sitter-python.wasm']) {
    assert.ok(files.includes(required), `${required} is missing from the .vsix`);
  }
  for (const rule of registry.all) assert.ok(files.includes(`docs/rules/${rule.id}.md`), `docs for ${rule.id} missing`);
  for (const snippet of fs.readdirSync(path.join(ROOT, 'snippets'))) assert.ok(files.includes(`snippets/${snippet}`), `${snippet} missing`);

  const unexpected = files.filter(
    (f) =>
      !/^(package\.json|readme\.md|LICENSE\.txt|changelog\.md|dist\/(extension|server|engine|cli)\.js|dist\/tree-sitter(-python)?\.wasm|snippets\/[\w-]+\.code-snippets|docs\/.+\.md)$/.test(f),
  );
  assert.deepEqual(unexpected, [], 'sources, tests, maps or node_modules leaked into the .vsix');

  const manifest = JSON.parse(execFileSync('unzip', ['-p', VSIX, 'extension/package.json'], { encoding: 'utf8' }));
  assert.equal(manifest.name, 'prodready');
  assert.equal(manifest.displayName, 'Production Readiness');
  assert.match(manifest.engines.vscode, /^\^1\.(\d+)\./);
  assert.ok(Number(/^\^1\.(\d+)\./.exec(manifest.engines.vscode)![1]) <= 91, 'engines.vscode must stay at or below ^1.91.0');
  assert.equal(manifest.bin.prodready, 'dist/cli.js');
  assert.equal(manifest.capabilities.untrustedWorkspaces.supported, true);
});
