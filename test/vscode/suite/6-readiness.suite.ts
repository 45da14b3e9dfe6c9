// The Production Readiness view (issue 21): opened like a user opens it, its tree (services ->
// sections -> items -> evidence) equals what `prodready review --format json` prints for the same
// workspace, an item opens its evidence, the view follows a file written to disk, and the review
// opens as a Markdown preview. Waits are on the view's own refresh event, bounded by WAIT_MS.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ReadinessApi, ReadinessNode } from '../../../client/src/readiness';
import type { Review } from '../../../server/src/review/review';
import { WAIT_MS, workspaceRoot } from './helpers';

const CLI = path.resolve(__dirname, '..', '..', '..', 'dist', 'cli.js');

function cliReview(): Review {
  // The extension host's own runtime runs the CLI (ELECTRON_RUN_AS_NODE for the Electron runner).
  const r = spawnSync(process.execPath, [CLI, 'review', '--format', 'json'], {
    cwd: workspaceRoot(),
    encoding: 'utf8',
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
  });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Review;
}

interface Shown {
  label: string;
  description: string;
  icon: string | undefined;
  children: Shown[];
}

async function shown(api: ReadinessApi, node?: ReadinessNode): Promise<Shown[]> {
  const out: Shown[] = [];
  for (const child of api.view.getChildren(node)) {
    const item = api.view.getTreeItem(child);
    const icon = item.iconPath instanceof vscode.ThemeIcon ? item.iconPath.id : undefined;
    out.push({ label: String(typeof item.label === 'object' ? item.label.label : item.label), description: String(item.description ?? ''), icon, children: await shown(api, child) });
  }
  return out;
}

const ICON = { pass: 'pass-filled', fail: 'error', unknown: 'question' } as const;

/** Resolves with the first review the view shows that satisfies `accept`. */
function nextReview(api: ReadinessApi, accept: (review: Review) => boolean): Promise<Review> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`the view did not show the expected review within ${WAIT_MS} ms`));
    }, WAIT_MS);
    const sub = api.view.onDidRefresh((result) => {
      const review = result.folders[0]?.review;
      if (review && accept(review)) {
        clearTimeout(timer);
        sub.dispose();
        resolve(review);
      }
    });
  });
}

const runbook = (review: Review) => review.services[0].sections.flatMap((s) => s.items).find((i) => i.id === 'runbook')!;

describe('Production Readiness view', () => {
  let api: ReadinessApi;
  const runbookFile = () => path.join(workspaceRoot(), 'RUNBOOK.md');

  before(async () => {
    const ext = vscode.extensions.getExtension<{ readiness: ReadinessApi }>('prodready.prodready');
    assert.ok(ext, 'the extension is installed');
    api = (await ext.activate()).readiness;
  });

  after(() => fs.rmSync(runbookFile(), { force: true }));

  it('opens, and shows the CLI review: every service, section, item with its status icon, and evidence row', async () => {
    const shownNow = api.tree.visible
      ? Promise.resolve()
      : new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`the view did not become visible within ${WAIT_MS} ms`)), WAIT_MS);
          const sub = api.tree.onDidChangeVisibility((e) => {
            if (!e.visible) return;
            clearTimeout(timer);
            sub.dispose();
            resolve();
          });
        });
    await vscode.commands.executeCommand('prodready.readiness.focus');
    await shownNow;
    assert.ok(api.tree.visible, 'the view is visible');
    await api.view.current();
    const tree = await shown(api);
    const review = cliReview();
    assert.deepEqual(
      tree.map((s) => s.label),
      review.services.map((s) => s.name),
    );
    review.services.forEach((service, i) => {
      const node = tree[i];
      assert.deepEqual(
        node.children.map((s) => s.label),
        service.sections.map((s) => s.title),
      );
      service.sections.forEach((section, j) => {
        const items = node.children[j].children;
        assert.deepEqual(
          items.map((it) => ({ label: it.label, status: it.description.split(' ')[0], icon: it.icon, evidence: it.children.map((e) => e.label) })),
          section.items.map((it) => ({ label: it.title, status: it.status, icon: ICON[it.status], evidence: it.evidence.map((e) => `${e.file}:${e.line}`) })),
          section.title,
        );
      });
    });
  });

  it('an item opens its evidence at its line', async () => {
    const review = await api.view.current();
    const folder = review!.folders[0];
    const item = folder.review.services[0].sections.flatMap((s) => s.items).find((i) => i.status === 'fail')!;
    const treeItem = api.view.getTreeItem({ kind: 'item', folder: folder.folder, item });
    assert.ok(treeItem.command, 'a failing item has a command');
    await vscode.commands.executeCommand(treeItem.command.command, ...(treeItem.command.arguments ?? []));
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor);
    assert.equal(editor.document.uri.fsPath, path.join(folder.folder, item.evidence[0].file));
    assert.equal(editor.selection.active.line, item.evidence[0].line - 1);
  });

  it('follows the disk: a runbook written makes the item pass, deleting it makes it unknown again', async () => {
    const before = await api.view.current();
    assert.equal(runbook(before!.folders[0].review).status, 'unknown');
    const passed = nextReview(api, (r) => runbook(r).status === 'pass');
    fs.writeFileSync(runbookFile(), '# orders-service runbook\n\nRoll back with `kubectl rollout undo deployment/orders`.\n');
    const after = await passed;
    assert.deepEqual(runbook(after).evidence.map((e) => e.file), ['RUNBOOK.md']);
    const unknown = nextReview(api, (r) => runbook(r).status === 'unknown');
    fs.rmSync(runbookFile());
    await unknown;
  });

  it('opens the review as a Markdown preview', async () => {
    await vscode.commands.executeCommand('prodready.openReview');
    const deadline = Date.now() + WAIT_MS;
    const previewTab = () =>
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview && /Production Readiness Review/.test(t.label));
    // The preview's tab appears when the markdown extension has opened it: poll the tab model on its change event.
    while (!previewTab() && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const sub = vscode.window.tabGroups.onDidChangeTabs(() => {
          sub.dispose();
          resolve();
        });
        setTimeout(() => {
          sub.dispose();
          resolve();
        }, Math.max(0, deadline - Date.now())).unref?.();
      });
    }
    assert.ok(previewTab(), `a Markdown preview tab; tabs: ${vscode.window.tabGroups.all.flatMap((g) => g.tabs).map((t) => t.label).join(', ')}`);
  });
});
