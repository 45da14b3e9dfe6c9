// Keeps the engine's workspace index current from what the editor tells the server (folders, open
// documents, watched-file and rename notifications), and says which documents to analyse again
// when a fact changes. Paths in, callbacks out: the server converts URIs and owns the connection.

import { classify } from '../engine/classify';
import { isEntryScriptPath } from '../engine/model/entry-scripts';
import type { ParsedDocument } from '../engine/document';
import { WorkspaceIndex } from '../engine/workspace-index';
import type { WorkspaceFacts } from '../engine/workspace-facts';

export interface IndexSyncHost {
  /** Analyse an open document again (and publish its diagnostics). */
  reanalyse(uri: string): void;
  /** A file on disk that nobody opened, whose findings may have changed (scope "workspace"). */
  recheckOnDisk(file: string): Promise<void>;
  /** Whether a path lies inside one of the workspace folders. */
  inFolder(file: string): boolean;
  log(message: string): void;
  logError(message: string, error: unknown): void;
}

export interface WatchedChange {
  /** Absolute, forward slashes. */
  path: string;
  deleted: boolean;
}

/** How long typing must pause before the index takes what the analyses of open documents left waiting. */
export const IDLE_FLUSH_MS = 150;

export class WorkspaceIndexSync {
  readonly index = new WorkspaceIndex();
  /** Open JS documents and manifests (path -> uri): the ones whose answers can change. */
  private readonly openJs = new Map<string, string>();
  /** Files opened outside every folder whose package was looked for already. */
  private readonly loosePackagesTried = new Set<string>();

  /**
   * Analysed versions whose index update waits (`documentAnalysedSoon`), the newest per document, in
   * the order they came; applied before anything else reads or changes the index (`flush`).
   */
  private readonly waiting = new Map<string, { path: string; text: string; doc: ParsedDocument | undefined }>();

  /** The timer of `flushSoon`. */
  private idle: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly host: IndexSyncHost) {}

  /**
   * The index's facts, with what waits applied first; except, when `analysing` is given, that
   * document's own waiting update: the analysis about to run makes a newer one, which replaces it
   * (typing, each keystroke's update is superseded by the next and none is read in the meantime:
   * in a 6,850-line file it was a third of every keystroke). It is applied when typing pauses
   * (`flushSoon`), or first by whatever else reads or changes the index.
   */
  facts(analysing?: string): WorkspaceFacts {
    this.flush(analysing);
    return this.index.facts();
  }

  /**
   * Same as `documentAnalysed`, once the caller calls `flush`: the document's diagnostics go out first
   * (the index update is a third of a keystroke's work in a big file, and it only decides which *other*
   * documents to analyse again). Applied sooner when the index is read or changed: every analysis
   * reads it (`facts`), and so does every other notification here. Only a document's newest version
   * counts: an older one still waiting is dropped, which leaves the index and the documents to
   * re-publish as applying both would (each update replaces the file's facts; re-publishing compares
   * with what was there before the first).
   */
  documentAnalysedSoon(uri: string, path: string, text: string, doc: ParsedDocument | undefined): void {
    this.waiting.delete(uri);
    this.waiting.set(uri, { path, text, doc });
  }

  /** Applies the index updates that wait (`documentAnalysedSoon`), oldest first; `keep`'s stays waiting. */
  flush(keep?: string): void {
    if (this.waiting.size === 0 || (this.waiting.size === 1 && keep !== undefined && this.waiting.has(keep))) return;
    const kept = keep === undefined ? undefined : this.waiting.get(keep);
    const updates = [...this.waiting].filter(([uri]) => uri !== keep);
    this.waiting.clear();
    if (kept) this.waiting.set(keep!, kept);
    for (const [uri, { path, text, doc }] of updates) this.documentAnalysed(uri, path, text, doc);
  }

  /**
   * Applies what waits once nothing newer came for IDLE_FLUSH_MS (a pause in typing). A document whose
   * update this applies is analysed again too when the update changes its own answers: its last
   * analysis may have read its facts of an older version (`facts(analysing)` left them waiting).
   */
  flushSoon(): void {
    if (this.idle !== undefined) clearTimeout(this.idle);
    if (this.waiting.size === 0) return;
    this.idle = setTimeout(() => {
      this.idle = undefined;
      const updates = [...this.waiting];
      this.waiting.clear();
      for (const [uri, { path, text, doc }] of updates) this.documentAnalysed(uri, path, text, doc, true);
    }, IDLE_FLUSH_MS);
    this.idle.unref?.();
  }

  /** Stops the timer of `flushSoon` (the server shuts down; `flush` applies what waits). */
  stopFlushing(): void {
    if (this.idle !== undefined) clearTimeout(this.idle);
    this.idle = undefined;
  }

  /** Indexes the workspace folders in the background; what was analysed before gets its answers after. */
  async build(folders: readonly string[]): Promise<void> {
    this.flush();
    try {
      const stats = await this.index.build(folders);
      this.host.log(
        `workspace index: ${stats.files} files read, ${stats.parsed} parsed, ${this.index.handlerFiles().length} handle SIGTERM (${stats.durationMs} ms)`,
      );
      this.refreshAll();
    } catch (error) {
      this.host.logError('cannot index the workspace', error);
    }
  }

  async foldersChanged(added: readonly string[], removed: readonly string[]): Promise<void> {
    this.flush();
    try {
      this.update(() => {
        for (const folder of removed) this.index.removeFolder(folder);
      });
      for (const folder of added) await this.index.addFolder(folder);
      if (added.length > 0) this.refreshAll();
    } catch (error) {
      this.host.logError('cannot index the new workspace folders', error);
    }
  }

  /**
   * A document was analysed: its text is what counts for it from now on. `doc` is its parse (reused
   * for the facts); undefined when the file was not analysed (excluded, too large).
   */
  documentAnalysed(uri: string, path: string, text: string, doc: ParsedDocument | undefined, reanalyseItself = false): void {
    const except = reanalyseItself ? undefined : uri;
    this.waiting.delete(uri); // this version is newer than one still waiting
    const kind = doc ? doc.kind : classify(path, '');
    // Open manifests are kept too: their answers (the code a probe checks, other manifests' links) change
    // with other files, and they are re-published when those do.
    if (kind === 'kubernetes' || kind === 'compose' || kind === 'dockerfile') {
      this.openJs.set(path, uri);
      if (doc && !this.index.wouldChangeFacts(doc)) this.index.updateDocument(doc);
      else if (doc) this.update(() => this.index.updateDocument(doc), except);
      return;
    }
    if (!doc && kind === undefined && isEntryScriptPath(path)) {
      // A shell entry script: the Dockerfiles that run it follow what it does (signal-not-forwarded).
      this.update(() => this.index.updateText(path, text), uri);
      return;
    }
    if (kind !== 'js' && kind !== 'python') return;
    this.openJs.set(path, uri);
    // The usual keystroke changes no answer: no need to look for documents to re-publish.
    if (doc && !this.index.wouldChangeFacts(doc)) this.index.updateDocument(doc);
    else this.update(() => (doc ? this.index.updateDocument(doc) : this.index.updateText(path, text)), except);
    if (uri.startsWith('file:') && kind === 'js') this.indexLooseFile(path, uri);
  }

  /** A document was closed: what is on disk counts again. */
  documentClosed(path: string): void {
    this.flush();
    this.openJs.delete(path);
    this.update(() => this.index.closeDocument(path));
  }

  /** `workspace/didChangeWatchedFiles`: created, changed, deleted. */
  filesChanged(changes: readonly WatchedChange[]): void {
    this.flush();
    this.update(() => {
      for (const change of changes) {
        if (change.deleted) this.index.fileDeleted(change.path);
        else this.index.fileChanged(change.path);
      }
    });
  }

  /** `workspace/didRenameFiles`. */
  filesRenamed(files: ReadonlyArray<{ from: string; to: string }>): void {
    this.flush();
    this.update(() => {
      for (const file of files) this.index.rename(file.from, file.to);
    });
  }

  /**
   * Applies a change to the index, then analyses again the documents whose answers it changed:
   * open ones (except `except`, being analysed already) and files on disk that may start a server.
   */
  private update(change: () => void, except?: string): void {
    const before = this.index.snapshot(new Set([...this.openJs.keys(), ...this.index.serverCandidates()]));
    try {
      change();
    } catch (error) {
      this.host.logError('cannot update the workspace index', error);
    }
    for (const changed of this.index.changedSince(before)) {
      const uri = this.openJs.get(changed);
      if (uri === undefined) void this.host.recheckOnDisk(changed);
      else if (uri !== except) this.host.reanalyse(uri);
    }
  }

  private refreshAll(): void {
    // What was analysed meanwhile is applied first: a document first analysed while the index was
    // built is an open one from its update on.
    this.flush();
    for (const uri of this.openJs.values()) this.host.reanalyse(uri);
    for (const file of this.index.serverCandidates()) if (!this.openJs.has(file)) void this.host.recheckOnDisk(file);
  }

  /** A JS file opened outside every workspace folder: index its package, then analyse it again. */
  private indexLooseFile(path: string, uri: string): void {
    if (this.loosePackagesTried.has(path) || this.host.inFolder(path) || this.index.handlesSigterm(path) !== undefined) return;
    this.loosePackagesTried.add(path);
    void this.index.addPackageOf(path).then(
      (added) => added && this.host.reanalyse(uri),
      (error) => this.host.logError(`cannot index the package of ${path}`, error),
    );
  }
}
