// The "Production Readiness" view: the language server's review (`prodready/review`) as a tree,
// services -> sections -> items -> evidence, with status icons; an item opens its first piece of
// evidence, an evidence row its file and line. Refreshed as documents change and files are created,
// changed or deleted (debounced). The command "Open Production Readiness Review" shows the same
// review as a Markdown preview. The client only shows what the server computed.

import * as path from 'node:path';
import {
  commands,
  EventEmitter,
  Range,
  ThemeColor,
  ThemeIcon,
  TreeItem,
  TreeItemCollapsibleState,
  Uri,
  window,
  workspace,
  type Disposable,
  type Event,
  type ExtensionContext,
  type TreeDataProvider,
  type TreeView,
} from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { FolderReview, ReviewResult } from '../../server/src/lsp/review';
import type { Evidence, ReviewItem, ReviewSection, ServiceReview } from '../../server/src/review/review';

export const VIEW_ID = 'prodready.readiness';
const REQUEST = 'prodready/review';
const REFRESH_DELAY_MS = 800;

export type ReadinessNode =
  | { kind: 'service'; folder: string; service: ServiceReview }
  | { kind: 'section'; folder: string; section: ReviewSection }
  | { kind: 'item'; folder: string; item: ReviewItem }
  | { kind: 'evidence'; folder: string; evidence: Evidence }
  | { kind: 'message'; text: string };

const STATUS_ICON: Record<ReviewItem['status'], ThemeIcon> = {
  pass: new ThemeIcon('pass-filled', new ThemeColor('testing.iconPassed')),
  fail: new ThemeIcon('error', new ThemeColor('testing.iconFailed')),
  unknown: new ThemeIcon('question', new ThemeColor('testing.iconQueued')),
};

const counts = (items: readonly ReviewItem[]) => {
  const n = (s: ReviewItem['status']) => items.filter((i) => i.status === s).length;
  return `${n('pass')} pass, ${n('fail')} fail, ${n('unknown')} unknown`;
};

export class ReadinessView implements TreeDataProvider<ReadinessNode>, Disposable {
  private readonly changed = new EventEmitter<ReadinessNode | undefined>();
  readonly onDidChangeTreeData: Event<ReadinessNode | undefined> = this.changed.event;
  private result: ReviewResult | undefined;
  private error: string | undefined;
  private pending: Promise<ReviewResult | undefined> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly refreshed = new EventEmitter<ReviewResult>();
  /** Fires after each review the view shows (tests wait on it). */
  readonly onDidRefresh: Event<ReviewResult> = this.refreshed.event;

  constructor(private readonly client: () => Promise<LanguageClient | undefined>) {}

  /** Asks the server for the review now and redraws the tree (`markdownDir`: see the request's params). */
  refresh(markdownDir?: string): Promise<ReviewResult | undefined> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const run = (async () => {
      try {
        const client = await this.client();
        if (!client) return undefined;
        this.result = await client.sendRequest<ReviewResult>(REQUEST, markdownDir ? { markdownDir } : {});
        this.error = undefined;
      } catch (error) {
        this.error = `The prodready server could not compute the review: ${(error as Error)?.message ?? error}`;
      }
      this.changed.fire(undefined);
      if (this.result) this.refreshed.fire(this.result);
      return this.result;
    })();
    this.pending = run;
    return run;
  }

  /** A refresh after the edits stop for a moment. */
  scheduleRefresh(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), REFRESH_DELAY_MS);
  }

  /** The latest review, computing it first when there is none. */
  async current(): Promise<ReviewResult | undefined> {
    return this.result ?? (await (this.pending ?? this.refresh()));
  }

  getChildren(node?: ReadinessNode): ReadinessNode[] {
    if (!node) {
      if (this.error) return [{ kind: 'message', text: this.error }];
      if (!this.result) {
        if (!this.pending) void this.refresh();
        return [];
      }
      const services = this.result.folders.flatMap((f: FolderReview) => f.review.services.map((service) => ({ kind: 'service' as const, folder: f.folder, service })));
      return services.length > 0 ? services : [{ kind: 'message', text: 'No service found: no application package.json, service Dockerfile or Python service.' }];
    }
    switch (node.kind) {
      case 'service':
        return node.service.sections.map((section) => ({ kind: 'section', folder: node.folder, section }));
      case 'section':
        return node.section.items.map((item) => ({ kind: 'item', folder: node.folder, item }));
      case 'item':
        return node.item.evidence.map((evidence) => ({ kind: 'evidence', folder: node.folder, evidence }));
      default:
        return [];
    }
  }

  getTreeItem(node: ReadinessNode): TreeItem {
    switch (node.kind) {
      case 'message': {
        const t = new TreeItem(node.text, TreeItemCollapsibleState.None);
        t.iconPath = new ThemeIcon('info');
        return t;
      }
      case 'service': {
        const items = node.service.sections.flatMap((s) => s.items);
        const t = new TreeItem(node.service.name, TreeItemCollapsibleState.Expanded);
        t.description = `${counts(items)}${node.service.blockers.length ? `, ${node.service.blockers.length} blocker${node.service.blockers.length === 1 ? '' : 's'}` : ''}`;
        t.tooltip = `${node.service.path} (${node.service.source.what})`;
        t.iconPath = new ThemeIcon(node.service.blockers.length ? 'server-process' : 'server');
        t.contextValue = 'prodready.service';
        t.id = `${node.folder}#${node.service.path}#${node.service.name}`;
        return t;
      }
      case 'section': {
        const t = new TreeItem(node.section.title, TreeItemCollapsibleState.Expanded);
        t.description = counts(node.section.items);
        t.contextValue = 'prodready.section';
        return t;
      }
      case 'item': {
        const { item } = node;
        const t = new TreeItem(item.title, item.evidence.length ? TreeItemCollapsibleState.Collapsed : TreeItemCollapsibleState.None);
        t.description = `${item.status}${item.blocker && item.status === 'fail' ? ' (blocker)' : ''}`;
        t.tooltip = `${item.title}: ${item.status}. ${item.reason}`;
        t.iconPath = STATUS_ICON[item.status];
        t.contextValue = `prodready.item.${item.status}`;
        const first = item.evidence[0];
        if (first) t.command = openCommand(node.folder, first);
        return t;
      }
      case 'evidence': {
        const e = node.evidence;
        const t = new TreeItem(`${e.file}:${e.line}`, TreeItemCollapsibleState.None);
        t.description = e.ruleId ? `${e.ruleId}` : e.what;
        t.tooltip = e.ruleId ? `${e.what} [${e.ruleId}]` : `${e.what}${e.text ? `: ${e.text}` : ''}`;
        t.iconPath = new ThemeIcon(e.ruleId ? 'warning' : 'file-code');
        t.command = openCommand(node.folder, e);
        t.resourceUri = Uri.file(path.join(node.folder, e.file));
        return t;
      }
    }
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.changed.dispose();
    this.refreshed.dispose();
  }
}

function openCommand(folder: string, e: Evidence) {
  const line = Math.max(0, e.line - 1);
  return {
    command: 'vscode.open',
    title: 'Open Evidence',
    arguments: [Uri.file(path.join(folder, e.file)), { selection: new Range(line, 0, line, 0), preview: true }],
  };
}

export interface ReadinessApi {
  view: ReadinessView;
  tree: TreeView<ReadinessNode>;
}

/** Registers the view, its refresh triggers and the commands; `client` is the running language client. */
export function registerReadiness(context: ExtensionContext, client: () => Promise<LanguageClient | undefined>): ReadinessApi {
  const view = new ReadinessView(client);
  const tree = window.createTreeView(VIEW_ID, { treeDataProvider: view, showCollapseAll: true });
  const watcher = workspace.createFileSystemWatcher('**/*');
  // A hidden view is not recomputed on every change: it is marked stale and refreshed when shown.
  let stale = false;
  const changed = () => {
    if (tree.visible) view.scheduleRefresh();
    else stale = true;
  };
  const onFile = (uri: Uri) => {
    if (!/[\\/](?:node_modules|\.git)[\\/]/.test(uri.fsPath)) changed();
  };
  context.subscriptions.push(
    view,
    tree,
    watcher,
    watcher.onDidCreate(onFile),
    watcher.onDidChange(onFile),
    watcher.onDidDelete(onFile),
    workspace.onDidChangeTextDocument((e) => {
      if (e.document.uri.scheme === 'file' && e.contentChanges.length > 0) changed();
    }),
    workspace.onDidChangeWorkspaceFolders(changed),
    tree.onDidChangeVisibility((e) => {
      if (e.visible && stale) {
        stale = false;
        void view.refresh();
      }
    }),
    commands.registerCommand('prodready.refreshReview', () => view.refresh()),
    commands.registerCommand('prodready.openReview', async () => {
      // A file of the extension's own storage (not the user's workspace); its links are relative to it.
      const dir = Uri.joinPath(context.globalStorageUri, 'review');
      await workspace.fs.createDirectory(dir);
      const result = await view.refresh(dir.fsPath);
      if (!result) {
        void window.showWarningMessage('The prodready server is not running: no review to show.');
        return;
      }
      const markdown = result.folders.map((f) => f.markdown).join('\n---\n\n') || '# Production Readiness Review\n\nNo workspace folder on disk.\n';
      const file = Uri.joinPath(dir, 'Production Readiness Review.md');
      await workspace.fs.writeFile(file, Buffer.from(markdown, 'utf8'));
      await commands.executeCommand('markdown.showPreview', file);
    }),
  );
  return { view, tree };
}
