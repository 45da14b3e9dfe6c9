#!/usr/bin/env node
// UI test of the packaged extension, as a user gets it: `code-server --install-extension prodready.vsix`
// into a throwaway extensions folder, code-server started on a free port (setsid, stopped by process
// group), the examples/ workspace opened in headless Chromium. Opens files through Quick Open, checks
// the Problems panel rows against what the CLI reports for the same files (editor and CI must agree),
// opens the quick-fix menu on one finding, shows the Production Readiness view (its rows are the CLI's
// review) and the review as a Markdown preview, and saves screenshots under test-artifacts/ui/.
// Needs `npm run package` first (prodready.vsix) and the tools from scripts/setup-editor-tools.mjs.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import assert from 'node:assert/strict';
import { ensureEditorTools } from '../../scripts/setup-editor-tools.mjs';
import { copyDir, forwardConsole, freePort, launchChromium, makeTempDir, repoRoot, startGroup, writeJson } from '../vscode/harness.mjs';

const VSIX = path.join(repoRoot, 'prodready.vsix');
const ARTIFACTS = path.join(repoRoot, 'test-artifacts', 'ui');
const EXAMPLES = path.join(repoRoot, 'examples');
/** Files opened in the editor: a manifest of each kind and the service code. */
const FILES = [
  'service/Dockerfile',
  'service/docker-compose.yml',
  'service/deploy/k8s/orders.yaml',
  'service/deploy/ecs/task-definition.json',
  'service/src/server.ts',
  'service/src/inventory.js',
];
/** The finding whose quick-fix menu is opened, and the fix that must be in it. */
const QUICK_FIX = { file: 'service/Dockerfile', rule: 'dockerfile-missing-healthcheck', title: /Add HEALTHCHECK/ };
const UI_TIMEOUT = 60_000;

let tools;
try {
  tools = ensureEditorTools({ need: ['ui'] });
  if (!fs.existsSync(VSIX)) throw new Error('prodready.vsix is missing: run `npm run package` first');
} catch (err) {
  process.stderr.write(`UI test cannot run: ${err.message}\n`);
  process.exit(1);
}

/**
 * What the CLI reports for the opened files when it checks the folder they are in: the Problems panel
 * must show the same findings. The folder, not the file list: the editor indexes the whole workspace,
 * and a rule that needs the package's other files (missing-health-endpoint reads every route) answers
 * unknown when the CLI is given six files of it.
 */
function cliFindings(workspace) {
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), 'check', 'service', '--format', 'json', '--fail-on', 'none'], {
    cwd: workspace,
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, `prodready check failed: ${r.stderr}`);
  return JSON.parse(r.stdout).findings.filter((f) => FILES.includes(f.file));
}

/** The CLI's review of the workspace: the Production Readiness view must show the same. */
function cliReview(workspace) {
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), 'review', '--format', 'json'], { cwd: workspace, encoding: 'utf8' });
  assert.equal(r.status, 0, `prodready review failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** Runs a command through the command palette, as a user would. */
async function runCommand(page, title) {
  await page.keyboard.press('Control+Shift+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().click();
}

function codeServer(args, env) {
  return [tools.node24.bin, [tools.codeServer.entry, ...args], env];
}

test('the packaged extension in code-server: Problems panel, quick-fix menu, Production Readiness view and preview', async (t) => {
  fs.rmSync(ARTIFACTS, { recursive: true, force: true });
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const tmp = makeTempDir('ui');
  t.after(() => {
    if (process.env.PRODREADY_KEEP_TMP) return;
    // After hooks run in the order they were added, so code-server may still be writing here: a
    // temp folder left behind must not fail the test or skip the hooks that stop the servers.
    try {
      fs.rmSync(tmp, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
    } catch (error) {
      console.error(`could not remove ${tmp}: ${error.message}`);
    }
  });
  const workspace = copyDir(EXAMPLES, path.join(tmp, 'examples'));
  const userData = path.join(tmp, 'user-data');
  const extensionsDir = path.join(tmp, 'extensions');
  const env = { ...process.env, PATH: `${tools.node24.binDir}${path.delimiter}${process.env.PATH}` };
  delete env.VSCODE_IPC_HOOK_CLI;
  writeJson(path.join(userData, 'User', 'settings.json'), {
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'security.workspace.trust.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'extensions.autoUpdate': false,
    'extensions.autoCheckUpdates': false,
    'chat.disableAIFeatures': true,
    'window.commandCenter': false,
    'editor.minimap.enabled': false,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    // The examples import packages that are not installed: keep TypeScript's own errors out of the
    // Problems panel so it shows prodready's findings.
    'typescript.validate.enable': false,
    'javascript.validate.enable': false,
  });

  // 1. Install the .vsix the way a user would.
  const [cmd, installArgs] = codeServer(['--user-data-dir', userData, '--extensions-dir', extensionsDir, '--install-extension', VSIX], env);
  const install = spawnSync(cmd, installArgs, { env, encoding: 'utf8', timeout: 120_000 });
  assert.equal(install.status, 0, `--install-extension failed:\n${install.stdout}\n${install.stderr}`);
  const installed = fs.readdirSync(extensionsDir).filter((d) => d.startsWith('prodready.prodready-'));
  assert.equal(installed.length, 1, `prodready installed into the extensions folder (found: ${fs.readdirSync(extensionsDir).join(', ')})`);

  // 2. Start code-server on a free port, in its own process group.
  const port = await freePort();
  const configFile = path.join(tmp, 'config.yaml');
  fs.writeFileSync(configFile, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const [serverCmd, serverArgs] = codeServer(
    [
      '--config', configFile,
      '--user-data-dir', userData,
      '--extensions-dir', extensionsDir,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      workspace,
    ],
    env,
  );
  const server = startGroup({
    name: 'code-server',
    cmd: serverCmd,
    args: serverArgs,
    env,
    cwd: tmp,
    readyPattern: /HTTP server listening on/,
    logFile: path.join(ARTIFACTS, 'code-server.log'),
  });
  t.after(() => server.stop());
  await server.ready;

  const browser = await launchChromium(tools);
  t.after(async () => {
    // Bounded: a wedged renderer must not keep the test run alive.
    await Promise.race([browser.close().catch(() => {}), new Promise((r) => setTimeout(r, 10_000).unref())]);
  });
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  const consoleLog = fs.createWriteStream(path.join(ARTIFACTS, 'browser-console.log'));
  forwardConsole(page, (text, type) => consoleLog.write(`[${type}] ${text}\n`));
  page.setDefaultTimeout(UI_TIMEOUT);

  const shot = (name) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
  try {
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`, { waitUntil: 'domcontentloaded' });
    await page.locator('.monaco-workbench').waitFor();
    // The explorer lists the workspace once the remote file system is up.
    await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor();

    // 3. Open each file through Quick Open, as a user would.
    for (const file of FILES) {
      await page.keyboard.press('Control+P');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible' });
      await input.fill(file);
      // Results come in as the file search answers: pick the row for this very file.
      const dir = path.dirname(file);
      const row = page.locator('.quick-input-list .monaco-list-row').filter({ hasText: path.basename(file) }).filter({ hasText: dir }).first();
      await row.click();
      await page.locator(`.tabs-container .tab[data-resource-name="${path.basename(file)}"]`).waitFor();
    }

    // 4. The Problems panel shows what the CLI finds in the same files.
    const expected = cliFindings(workspace);
    assert.ok(expected.some((f) => f.ruleId === QUICK_FIX.rule), `the CLI reports ${QUICK_FIX.rule} on the examples`);
    await page.keyboard.press('Control+Shift+M');
    const panel = page.locator('.markers-panel');
    await panel.waitFor();
    // Maximized, the panel has room for every row (its list only renders the rows in view).
    const panelPart = page.locator('.part.panel');
    await panelPart.locator('[aria-label^="Maximize Panel"]').click();
    const allRows = panel.locator('.monaco-list-row');
    const rows = panel.locator('.monaco-list-row[aria-level="2"]');
    // Level-1 rows are files ("N problems in file F of folder D"), level-2 rows their markers, whose
    // text holds the message, the source and code ("prodready" "<rule>", the parentheses are CSS) and
    // "[Ln L, Col C]".
    const readMarkers = () =>
      allRows.evaluateAll((els) => {
        let file = '';
        return els.flatMap((e) => {
          const label = e.getAttribute('aria-label') || '';
          if (e.getAttribute('aria-level') === '1') {
            file = label;
            return [];
          }
          return [{ file, label, text: e.textContent || '' }];
        });
      });
    const shows = (markers, f) =>
      markers.some(
        (m) =>
          m.file.includes(` ${path.basename(f.file)} `) &&
          m.text.includes(`prodready${f.ruleId}`) &&
          m.text.includes(`[Ln ${f.line}, Col ${f.column}]`),
      );
    const deadline = Date.now() + UI_TIMEOUT;
    let markers = await readMarkers();
    while (expected.some((f) => !shows(markers, f)) && Date.now() < deadline) {
      // Re-read when the panel's DOM changes (bounded by the deadline: never a fixed sleep).
      await panel.evaluate(
        (el, ms) =>
          new Promise((resolve) => {
            const obs = new MutationObserver(() => {
              obs.disconnect();
              resolve();
            });
            obs.observe(el, { childList: true, subtree: true, characterData: true, attributes: true });
            setTimeout(() => {
              obs.disconnect();
              resolve();
            }, ms);
          }),
        Math.max(0, deadline - Date.now()),
      );
      markers = await readMarkers();
    }
    await shot('problems-panel');
    fs.writeFileSync(path.join(ARTIFACTS, 'problems-panel.json'), JSON.stringify(markers, null, 2));
    const describe = markers.map((m) => `${m.file} | ${m.text}`).join('\n');
    assert.deepEqual(
      expected.filter((f) => !shows(markers, f)).map((f) => `${f.file}:${f.line}:${f.column} ${f.ruleId}`),
      [],
      `every CLI finding is a row in the Problems panel; rows:\n${describe}`,
    );
    const ours = markers.filter((m) => expected.some((f) => m.text.includes(`prodready${f.ruleId}`)) || /prodready[a-z]+-[a-z-]+\[Ln/.test(m.text));
    assert.equal(ours.length, expected.length, `as many prodready rows as CLI findings; rows:\n${describe}`);

    await panelPart.locator('[aria-label^="Restore Panel"]').click();
    // Narrow the panel to the one finding with its filter box, as a user looking for it would.
    await panelPart.getByPlaceholder(/^Filter/).fill(QUICK_FIX.rule);

    // 5. The quick-fix menu on one finding: select its row (the editor jumps there), then Ctrl+.
    const target = expected.find((f) => f.ruleId === QUICK_FIX.rule && f.file.endsWith(path.basename(QUICK_FIX.file)));
    const row = rows.filter({ hasText: QUICK_FIX.rule }).first();
    await row.click();
    await page.keyboard.press('Enter');
    const editor = page.locator(`.editor-group-container.active .monaco-editor[data-uri$="${path.basename(QUICK_FIX.file)}"]`);
    await editor.waitFor();
    assert.ok(target);
    await page.keyboard.press('Control+.');
    const menu = page.locator('.action-widget:not(.action-list-submenu-panel)');
    await menu.waitFor({ state: 'visible' });
    const item = menu.locator('.action-list-item, .monaco-list-row').filter({ hasText: QUICK_FIX.title }).first();
    await item.waitFor();
    await shot('quick-fix-menu');
    const items = await menu.locator('.action-list-item, .monaco-list-row').allTextContents();
    assert.ok(items.some((s) => QUICK_FIX.title.test(s)), `quick-fix menu offers ${QUICK_FIX.title}: ${items.join(' | ')}`);
    assert.ok(items.some((s) => s.includes(`Ignore ${QUICK_FIX.rule} for this line`)), `quick-fix menu offers to ignore the line: ${items.join(' | ')}`);
    await page.keyboard.press('Escape');

    // 6. The Production Readiness view (issue 21): its rows are the CLI's review, top down.
    const review = cliReview(workspace);
    const expectedRows = review.services.flatMap((s) => [
      { label: s.name },
      ...s.sections.flatMap((sec) => [{ label: sec.title }, ...sec.items.map((i) => ({ label: i.title, status: i.status }))]),
    ]);
    // The side bar and the view to themselves: the panel hidden, the side bar wider, the folders pane collapsed.
    await page.keyboard.press('Control+J');
    await runCommand(page, 'Focus on Production Readiness View');
    // Widen the side bar by dragging its edge, as a user would.
    const sideBar = await page.locator('.part.sidebar').boundingBox();
    await page.mouse.move(sideBar.x + sideBar.width + 1, sideBar.y + sideBar.height / 2);
    await page.mouse.down();
    await page.mouse.move(sideBar.x + sideBar.width + 220, sideBar.y + sideBar.height / 2, { steps: 5 });
    await page.mouse.up();
    const foldersHeader = page.locator('.explorer-viewlet .pane-header').first();
    if ((await foldersHeader.getAttribute('aria-expanded')) === 'true') await foldersHeader.click();
    const viewPane = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Production Readiness' }) });
    const viewRows = viewPane.locator('.monaco-list-row');
    await viewRows.filter({ hasText: review.services[0].sections[0].items[0].title }).first().waitFor();
    const rowsShown = await viewRows.evaluateAll((els) => els.map((e) => ({ label: e.querySelector('.label-name')?.textContent ?? '', description: e.querySelector('.label-description')?.textContent ?? '' })));
    assert.ok(rowsShown.length >= 10, `the view shows its rows: ${JSON.stringify(rowsShown)}`);
    rowsShown.forEach((row, i) => {
      assert.equal(row.label, expectedRows[i].label, `row ${i}`);
      if (expectedRows[i].status) assert.ok(row.description.startsWith(expectedRows[i].status), `row ${i} ${row.label}: ${row.description}`);
    });
    await shot('readiness-view');

    // 7. The review as a Markdown preview.
    await runCommand(page, 'prodready: Open Production Readiness Review');
    const previewTab = page.locator('.tabs-container .tab', { hasText: 'Preview Production Readiness Review' });
    await previewTab.waitFor();
    const preview = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
    await preview.locator('h2', { hasText: `Service: ${review.services[0].name}` }).waitFor();
    for (const sec of review.services[0].sections) await preview.locator('h3', { hasText: sec.title }).waitFor();
    // Evidence is a link the preview follows (to the file and line), not bracketed text.
    await preview.locator('a', { hasText: 'service/src/server.ts:' }).first().waitFor();
    await shot('readiness-preview');
  } catch (err) {
    await shot('failure').catch(() => {});
    throw err;
  }
});
