// Headless runner for the extension-host suite on machines with no VS Code binary and no internet
// (the route in /work/shared/TESTING.md): the VS Code server bundled in code-server, started with the
// smoke-test driver, opened in headless Chromium with extensionDevelopmentPath / extensionTestsPath
// in the payload. The workbench runs the suite in the (remote) extension host and calls
// window.codeAutomationExit(status) when it is done; that status is our exit status.
import fs from 'node:fs';
import path from 'node:path';
import { ensureEditorTools } from '../../scripts/setup-editor-tools.mjs';
import {
  copyDir,
  forwardConsole,
  freePort,
  launchChromium,
  makeTempDir,
  repoRoot,
  startGroup,
  writeJson,
} from './harness.mjs';

const REPORT_MARKER = '[prodready-e2e] ';
const SUITE_TIMEOUT_MS = Number(process.env.PRODREADY_E2E_SUITE_TIMEOUT_MS || 10 * 60_000);

/**
 * Runs the suite and resolves with its exit status. `workspace` is copied to a temporary folder first
 * (the tests create and change files).
 */
export async function runHeadless({ workspace, tools, artifactsDir }) {
  const extensionTestsPath = path.join(repoRoot, 'test', 'vscode', 'suite', 'index.js');
  const tmp = makeTempDir('vscode-e2e');
  const ws = copyDir(workspace, path.join(tmp, 'workspace'));
  const serverData = path.join(tmp, 'server-data');
  const userData = path.join(tmp, 'user-data');
  const extensionsDir = path.join(tmp, 'extensions');
  for (const d of [serverData, userData, extensionsDir]) fs.mkdirSync(d, { recursive: true });
  // Keep the window quiet: no welcome page, no trust prompt, no telemetry notice.
  const settings = {
    'workbench.startupEditor': 'none',
    'security.workspace.trust.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'extensions.autoUpdate': false,
    'extensions.autoCheckUpdates': false,
  };
  writeJson(path.join(userData, 'User', 'settings.json'), settings);
  writeJson(path.join(serverData, 'data', 'Machine', 'settings.json'), settings);
  fs.mkdirSync(artifactsDir, { recursive: true });

  const env = {
    ...process.env,
    PATH: `${tools.node24.binDir}${path.delimiter}${process.env.PATH}`,
    PRODREADY_E2E_WORKSPACE: ws,
    PRODREADY_E2E_REPORT_MARKER: REPORT_MARKER,
  };
  delete env.ELECTRON_RUN_AS_NODE;
  delete env.VSCODE_IPC_HOOK_CLI;

  let server;
  let port;
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    server = startGroup({
      name: 'VS Code server',
      cmd: tools.node24.bin,
      args: [
        tools.codeServer.serverMain,
        '--host', '127.0.0.1',
        '--port', String(port),
        '--without-connection-token',
        '--accept-server-license-terms',
        '--enable-smoke-test-driver',
        '--disable-telemetry',
        '--disable-workspace-trust',
        '--server-data-dir', serverData,
        '--user-data-dir', userData,
        '--extensions-dir', extensionsDir,
      ],
      env,
      cwd: repoRoot,
      readyPattern: /Extension host agent listening on (\d+)/,
      logFile: path.join(artifactsDir, 'server.log'),
    });
    try {
      await server.ready;
      break;
    } catch (err) {
      await server.stop();
      // Someone took the port between our probe and the bind: try another one.
      if (attempt < 3 && /EADDRINUSE/.test(String(err.message))) continue;
      throw err;
    }
  }

  let browser;
  try {
    browser = await launchChromium(tools);
    const page = await browser.newPage();
    // The mocha report (marked lines) goes to stdout; the workbench's own logging to a file.
    const consoleLog = fs.createWriteStream(path.join(artifactsDir, 'browser-console.log'));
    forwardConsole(page, (text, type) => {
      for (const line of text.split('\n')) {
        if (line.startsWith(REPORT_MARKER)) process.stdout.write(`${line.slice(REPORT_MARKER.length)}\n`);
        else consoleLog.write(`[${type}] ${line}\n`);
      }
    });
    const done = new Promise((resolve) => {
      page.exposeFunction('codeAutomationExit', (code) => {
        resolve(typeof code === 'number' ? code : 1);
      });
    });
    const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
    const payload = [
      ['extensionDevelopmentPath', remote(repoRoot)],
      ['extensionTestsPath', remote(extensionTestsPath)],
    ];
    const url =
      `http://127.0.0.1:${port}/?folder=${encodeURIComponent(ws)}` +
      `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 120_000 });
    let timer;
    const timeout = new Promise((resolve) => {
      timer = setTimeout(() => {
        process.stdout.write(`\nThe suite did not finish within ${SUITE_TIMEOUT_MS / 1000} s.\n`);
        resolve(124);
      }, SUITE_TIMEOUT_MS);
    });
    let onServerExit;
    const serverGone = new Promise((resolve) => {
      onServerExit = () => {
        process.stdout.write('\nThe VS Code server exited while the suite was running.\n');
        resolve(1);
      };
      server.child.once('exit', onServerExit);
    });
    const status = await Promise.race([done, timeout, serverGone]);
    clearTimeout(timer);
    server.child.off('exit', onServerExit);
    await page.screenshot({ path: path.join(artifactsDir, 'extension-host-suite.png') }).catch(() => {});
    if (status !== 0) {
      process.stdout.write(`Server log, browser console and a screenshot: ${path.relative(repoRoot, artifactsDir)}/\n`);
    }
    return status;
  } finally {
    await browser?.close().catch(() => {});
    await server.stop();
    if (!process.env.PRODREADY_KEEP_TMP) fs.rmSync(tmp, { recursive: true, force: true });
  }
}

export function defaultWorkspace() {
  return path.join(repoRoot, 'test', 'workspaces', 'e2e');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const tools = ensureEditorTools({ need: ['vscode'] });
  const status = await runHeadless({
    workspace: defaultWorkspace(),
    tools,
    artifactsDir: path.join(repoRoot, 'test-artifacts', 'vscode'),
  });
  process.exit(status);
}
