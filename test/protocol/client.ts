// A real LSP client for protocol tests: starts the bundled server (`dist/server.js --stdio`) as a
// child process and talks JSON-RPC to it with vscode-jsonrpc. Waits are on notifications, with a
// deadline so that a missing notification fails the test instead of hanging it.

import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import type {
  CodeAction,
  Diagnostic,
  InitializeResult,
  PublishDiagnosticsParams,
  TextDocumentEdit,
  TextEdit,
  WorkspaceEdit,
} from 'vscode-languageserver-protocol';
import { serverOutputReader } from '../support/lsp-reader';

export const SERVER = path.resolve(__dirname, '..', '..', 'dist', 'server.js');

export interface ClientOptions {
  /** Workspace folders (absolute paths). */
  folders?: string[];
  /** The `prodready` settings the client answers `workspace/configuration` with, per scope URI. */
  settings?: (scopeUri: string | undefined) => unknown;
  snippetEdits?: boolean;
  /** Node options for the server process (`--trace-gc`, `--max-old-space-size=...`). */
  nodeArgs?: string[];
}

export class TestClient {
  readonly connection: MessageConnection;
  private readonly child: ChildProcess;
  /** Every publishDiagnostics received, per URI, latest last. */
  readonly published = new Map<string, PublishDiagnosticsParams[]>();
  private waiters: Array<{ check: () => boolean }> = [];
  settings: (scopeUri: string | undefined) => unknown;
  stderr = '';
  exitCode: Promise<number | null>;
  readonly logs: string[] = [];

  constructor(private readonly options: ClientOptions = {}) {
    this.settings = options.settings ?? (() => ({}));
    this.child = spawn(process.execPath, [...(options.nodeArgs ?? []), SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr!.on('data', (chunk) => (this.stderr += String(chunk)));
    this.exitCode = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
    this.connection = createMessageConnection(serverOutputReader(this.child.stdout!), new StreamMessageWriter(this.child.stdin!));
    this.connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
      const list = this.published.get(params.uri) ?? [];
      list.push(params);
      this.published.set(params.uri, list);
      this.poke();
    });
    this.connection.onNotification('window/logMessage', (params: { message: string }) => {
      this.logs.push(params.message);
    });
    this.connection.onRequest('workspace/configuration', (params: { items: Array<{ scopeUri?: string; section?: string }> }) =>
      params.items.map((item) => (item.section === 'prodready' ? this.settings(item.scopeUri) : null)),
    );
    this.connection.onRequest('client/registerCapability', () => null);
    this.connection.onRequest('client/unregisterCapability', () => null);
    this.connection.onRequest('workspace/workspaceFolders', () =>
      (this.options.folders ?? []).map((f) => ({ uri: pathToFileURL(f).href, name: path.basename(f) })),
    );
    this.connection.listen();
  }

  async initialize(): Promise<InitializeResult> {
    const folders = (this.options.folders ?? []).map((f) => ({ uri: pathToFileURL(f).href, name: path.basename(f) }));
    const result = (await this.deadline('initialize', this.connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: folders[0]?.uri ?? null,
      workspaceFolders: folders,
      capabilities: {
        workspace: {
          configuration: true,
          didChangeConfiguration: { dynamicRegistration: true },
          didChangeWatchedFiles: { dynamicRegistration: true },
          workspaceFolders: true,
          workspaceEdit: { documentChanges: true, snippetEditSupport: this.options.snippetEdits === true },
        },
        textDocument: {
          publishDiagnostics: { versionSupport: true, codeDescriptionSupport: true, dataSupport: true },
          codeAction: { dataSupport: true, codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source', 'source.fixAll'] } } },
          synchronization: { didSave: true },
        },
      },
    }))) as InitializeResult;
    await this.connection.sendNotification('initialized', {});
    return result;
  }

  /** `promise`, or a rejection naming `what` and the server's stderr after `ms`: a server that never answers fails the test. */
  private deadline<T>(what: string, promise: Promise<T>, ms = 30_000): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the server did not answer ${what} within ${ms} ms\n${this.stderr}`)), ms);
    });
    return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
  }

  private poke(): void {
    this.waiters = this.waiters.filter((w) => !w.check());
  }

  /** Resolves with the first publication for `uri` (counting from publication number `after`) that satisfies `predicate`. */
  waitFor(
    uri: string,
    predicate: (diagnostics: Diagnostic[], params: PublishDiagnosticsParams) => boolean,
    { after = 0, timeoutMs = 15000 }: { after?: number; timeoutMs?: number } = {},
  ): Promise<Diagnostic[]> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const last = this.published.get(uri)?.at(-1);
        reject(new Error(`no matching diagnostics for ${uri} within ${timeoutMs} ms; last: ${JSON.stringify(last?.diagnostics ?? null)}\n${this.stderr}`));
      }, timeoutMs);
      const check = (): boolean => {
        const list = this.published.get(uri) ?? [];
        for (let i = after; i < list.length; i++) {
          if (predicate(list[i].diagnostics, list[i])) {
            clearTimeout(timer);
            resolve(list[i].diagnostics);
            return true;
          }
        }
        return false;
      };
      if (!check()) this.waiters.push({ check });
    });
  }

  /** How many publications `uri` has had so far: pass it as `after` to wait for a newer one. */
  count(uri: string): number {
    return this.published.get(uri)?.length ?? 0;
  }

  open(uri: string, languageId: string, text: string, version = 1): Promise<void> {
    return this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version, text } });
  }

  change(uri: string, version: number, changes: Array<{ range?: TextEdit['range']; text: string }>): Promise<void> {
    return this.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: changes.map((c) => (c.range ? { range: c.range, text: c.text } : { text: c.text })),
    });
  }

  close(uri: string): Promise<void> {
    return this.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  codeActions(uri: string, diagnostics: Diagnostic[], only?: string[]): Promise<CodeAction[]> {
    const range = diagnostics[0]?.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    return this.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range,
      context: { diagnostics, ...(only ? { only } : {}) },
    }) as Promise<CodeAction[]>;
  }

  changeConfiguration(): Promise<void> {
    return this.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
  }

  async shutdown(): Promise<number | null> {
    try {
      await this.deadline('shutdown', this.connection.sendRequest('shutdown'));
      await this.connection.sendNotification('exit');
      return await this.deadline('exit (the process did not end)', this.exitCode);
    } finally {
      this.connection.dispose();
    }
  }

  kill(): void {
    this.child.kill('SIGKILL');
    this.connection.dispose();
  }

  /** The server's process id (for memory figures). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Bytes straight onto the server's stdin, bypassing the JSON-RPC framing (to break it). */
  writeRaw(bytes: string): void {
    this.child.stdin!.write(bytes);
  }
}

/** Applies the edits a workspace edit makes to one document's text. */
export function applyWorkspaceEdit(text: string, uri: string, edit: WorkspaceEdit): string {
  const edits: TextEdit[] = [];
  for (const change of edit.documentChanges ?? []) {
    const docEdit = change as TextDocumentEdit;
    if (docEdit.textDocument?.uri === uri) {
      for (const e of docEdit.edits) {
        edits.push('newText' in e ? e : { range: e.range, newText: (e as { snippet: { value: string } }).snippet.value });
      }
    }
  }
  edits.push(...(edit.changes?.[uri] ?? []));
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  const offset = (p: { line: number; character: number }) => (lineStarts[p.line] ?? text.length) + p.character;
  const sorted = edits.map((e) => ({ start: offset(e.range.start), end: offset(e.range.end), text: e.newText })).sort((a, b) => b.start - a.start);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

/** A diagnostic's message as plain text (LSP 3.18 also allows markup). */
export function messageOf(d: Diagnostic): string {
  return typeof d.message === 'string' ? d.message : d.message.value;
}

export function fileUri(p: string): string {
  return pathToFileURL(p).href;
}
