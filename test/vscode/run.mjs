#!/usr/bin/env node
// Runs the extension-host suite (test/vscode/suite) in a real VS Code and exits with its status.
// Picks the runner on its own:
//   - @vscode/test-electron when a VS Code binary is available: VSCODE_EXECUTABLE, or a VS Code that
//     test-electron already downloaded into .vscode-test/ (PRODREADY_VSCODE_RUNNER=electron downloads one);
//   - otherwise the headless code-server route (VS Code server + headless Chromium), tools from
//     scripts/setup-editor-tools.mjs.
// PRODREADY_VSCODE_RUNNER=electron|headless forces one. Needs `npm run build` first (dist/extension.js).
import fs from 'node:fs';
import path from 'node:path';
import { ensureEditorTools, MissingToolError } from '../../scripts/setup-editor-tools.mjs';
import { repoRoot } from './harness.mjs';
import { defaultWorkspace, runHeadless } from './run-headless.mjs';
import { runElectron } from './run-electron.mjs';

function downloadedVSCode() {
  const dir = path.join(repoRoot, '.vscode-test');
  if (!fs.existsSync(dir)) return false;
  return fs.readdirSync(dir).some((d) => d.startsWith('vscode-'));
}

function pickRunner() {
  const forced = process.env.PRODREADY_VSCODE_RUNNER;
  if (forced === 'electron' || forced === 'headless') return forced;
  if (forced) throw new MissingToolError(`PRODREADY_VSCODE_RUNNER must be "electron" or "headless", not "${forced}"`);
  if (process.env.VSCODE_EXECUTABLE || downloadedVSCode()) return 'electron';
  return 'headless';
}

const started = Date.now();
let status;
try {
  for (const f of ['dist/extension.js', 'dist/server.js']) {
    if (!fs.existsSync(path.join(repoRoot, f))) throw new MissingToolError(`${f} is missing: run \`npm run build\` first`);
  }
  const runner = pickRunner();
  process.stdout.write(`VS Code suite: ${runner} runner\n`);
  if (runner === 'electron') {
    status = await runElectron({ workspace: defaultWorkspace(), vscodeExecutablePath: process.env.VSCODE_EXECUTABLE });
  } else {
    const tools = ensureEditorTools({ need: ['vscode'] });
    status = await runHeadless({
      workspace: defaultWorkspace(),
      tools,
      artifactsDir: path.join(repoRoot, 'test-artifacts', 'vscode'),
    });
  }
} catch (err) {
  process.stdout.write(`VS Code suite could not run: ${err instanceof MissingToolError ? err.message : err?.stack || err}\n`);
  status = 1;
}
process.stdout.write(`VS Code suite: exit ${status} after ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
process.exit(status);
