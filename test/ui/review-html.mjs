#!/usr/bin/env node
// The review's HTML report (issue 21) in headless Chromium (Debian's chromium through playwright-core,
// the ui layer's browser): `prodready review --format html` on the example service opened from a file
// with every network request refused; the page renders one row per item of the JSON review, with the
// same statuses, and asks for nothing outside the file.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import test from 'node:test';
import assert from 'node:assert/strict';
import { ensureEditorTools } from '../../scripts/setup-editor-tools.mjs';
import { launchChromium, makeTempDir, repoRoot } from '../vscode/harness.mjs';

// Its own folder: test/ui/run.mjs empties test-artifacts/ui when it starts.
const ARTIFACTS = path.join(repoRoot, 'test-artifacts', 'review-html');
const SERVICE = path.join(repoRoot, 'examples', 'service');

function review(format) {
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), 'review', '--format', format], { cwd: SERVICE, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

test('the HTML review in headless Chromium: one row per JSON item, same statuses, no request outside the file', async (t) => {
  const tools = ensureEditorTools({ need: ['ui'] });
  const tmp = makeTempDir('review-html');
  t.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const file = path.join(tmp, 'review.html');
  fs.writeFileSync(file, review('html'));
  const json = JSON.parse(review('json'));
  const expected = json.services.flatMap((s) => s.sections.flatMap((sec) => sec.items.map((i) => ({ service: s.name, id: i.id, status: i.status }))));

  const browser = await launchChromium(tools);
  t.after(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const requests = [];
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url === pathToFileURL(file).href) return route.continue();
    requests.push(url);
    return route.abort();
  });
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  const rows = await page.locator('section.service tr.item').evaluateAll((els) =>
    els.map((e) => ({ service: e.closest('section').dataset.service, id: e.dataset.item, status: e.dataset.status, shown: e.querySelector('.status').textContent })),
  );
  assert.equal(rows.length, expected.length);
  assert.deepEqual(rows.map(({ service, id, status }) => ({ service, id, status })), expected);
  for (const r of rows) assert.equal(r.shown, r.status.toUpperCase());
  assert.equal(await page.locator('h3', { hasText: 'Sign-off' }).count(), json.services.length);
  assert.deepEqual(requests, []);
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, 'review-html.png'), fullPage: true });
});
