// Runner for machines with a VS Code binary (a developer's desktop): @vscode/test-electron launches
// VS Code itself, from VSCODE_EXECUTABLE or from its own download into .vscode-test/ (needs internet),
// and runs the same suite (same run() index) in its extension host.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { copyDir, makeTempDir, repoRoot } from './harness.mjs';

export async function runElectron({ workspace, vscodeExecutablePath }) {
  const require = createRequire(path.join(repoRoot, 'package.json'));
  const { runTests, TestRunFailedError } = require('@vscode/test-electron');
  const extensionTestsPath = path.join(repoRoot, 'test', 'vscode', 'suite', 'index.js');
  const tmp = makeTempDir('vscode-electron');
  const ws = copyDir(workspace, path.join(tmp, 'workspace'));
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    process.stdout.write('No DISPLAY: VS Code (Electron) needs a display; run under xvfb-run or use the headless runner.\n');
    return 1;
  }
  try {
    await runTests({
      ...(vscodeExecutablePath ? { vscodeExecutablePath } : { version: '1.139.1' }),
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath,
      extensionTestsEnv: { PRODREADY_E2E_WORKSPACE: ws },
      launchArgs: [
        ws,
        '--disable-extensions',
        '--disable-workspace-trust',
        '--skip-welcome',
        '--skip-release-notes',
        '--user-data-dir', path.join(tmp, 'user-data'),
        '--extensions-dir', path.join(tmp, 'extensions'),
      ],
    });
    return 0;
  } catch (err) {
    // A failed suite (TestRunFailedError) or VS Code that could not start: never report success, and
    // keep the status a valid exit code.
    if (err instanceof TestRunFailedError || typeof err?.code === 'number') {
      return Number.isInteger(err.code) && err.code > 0 && err.code < 256 ? err.code : 1;
    }
    process.stdout.write(`VS Code could not run the suite: ${err?.stack || err}\n`);
    return 1;
  } finally {
    if (!process.env.PRODREADY_KEEP_TMP) fs.rmSync(tmp, { recursive: true, force: true });
  }
}
