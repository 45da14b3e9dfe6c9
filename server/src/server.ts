// The language server: LSP wiring only. Documents come in, findings go out as diagnostics, code
// actions are recomputed from what a diagnostic carries. Settings are pulled per resource.

import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type CodeAction,
  CodeActionKind,
  type CodeActionParams,
  type Connection,
  createConnection,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  type Diagnostic,
  type InitializeParams,
  type InitializeResult,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  type WorkspaceFolder,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { registry } from './rules';
import { ConfigLoader } from './engine/config-file';
import { checkText, type CheckEnvironment, type CheckInput } from './engine/check';
import { fixesFor } from './engine/analyze';
import { fixAll } from './engine/fix-all';
import { minimalEdit } from './engine/edits';
import type { ParsedDocument } from './engine/document';
import { LineIndex } from './engine/lines';
import { CONFIG_FILE_NAME } from './engine/classify';
import { fixAction, isOurDiagnostic, SOURCE, toDiagnostic, toWorkspaceEdit } from './lsp/convert';
import { readSettings, type Settings } from './lsp/settings';

export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.${SOURCE}`;

export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const configs = new ConfigLoader(registry);
  /** The latest parse of each open document, handed to the next version for incremental parsing. */
  const parsed = new Map<string, ParsedDocument>();
  const settingsCache = new Map<string, Promise<Settings>>();
  const timers = new Map<string, NodeJS.Timeout>();
  let folders: WorkspaceFolder[] = [];
  let canPullConfiguration = false;
  let canRegisterWatchers = false;
  let snippetEdits = false;
  let shuttingDown = false;

  const log = (message: string) => connection.console.log(`[prodready] ${message}`);
  const logError = (message: string, error: unknown) =>
    connection.console.error(`[prodready] ${message}: ${(error as Error)?.stack ?? String(error)}`);

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const caps = params.capabilities;
    canPullConfiguration = caps.workspace?.configuration === true;
    canRegisterWatchers = caps.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    snippetEdits = caps.workspace?.workspaceEdit?.snippetEditSupport === true;
    folders = params.workspaceFolders ?? (params.rootUri ? [{ uri: params.rootUri, name: 'root' }] : []);
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND], resolveProvider: false },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'prodready', version: require('../../package.json').version as string },
    };
  });

  connection.onInitialized(() => {
    if (canPullConfiguration) {
      void connection.client.register(DidChangeConfigurationNotification.type, undefined).catch(() => undefined);
    }
    if (canRegisterWatchers) {
      void connection.client
        .register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: `**/${CONFIG_FILE_NAME}` }] })
        .catch((error) => logError('cannot watch config files', error));
    }
    connection.workspace.onDidChangeWorkspaceFolders((event) => {
      folders = folders.filter((f) => !event.removed.some((r) => r.uri === f.uri)).concat(event.added);
      settingsCache.clear();
      revalidateAll();
    });
  });

  function filePath(uri: string): string {
    if (uri.startsWith('file:')) return fileURLToPath(uri).split(path.sep).join('/');
    return uri.replace(/^[a-z]+:\/*/i, '/');
  }

  function rootFor(filePathPosix: string): string {
    let best = '';
    for (const folder of folders) {
      if (!folder.uri.startsWith('file:')) continue;
      const dir = fileURLToPath(folder.uri).split(path.sep).join('/').replace(/\/$/, '');
      if ((filePathPosix === dir || filePathPosix.startsWith(`${dir}/`)) && dir.length > best.length) best = dir;
    }
    return best || path.posix.dirname(filePathPosix);
  }

  function settingsFor(uri: string): Promise<Settings> {
    let cached = settingsCache.get(uri);
    if (!cached) {
      cached = (canPullConfiguration
        ? connection.workspace.getConfiguration({ scopeUri: uri, section: 'prodready' })
        : Promise.resolve(undefined)
      )
        .catch(() => undefined)
        .then((raw) => {
          const { settings, problems } = readSettings(raw, registry);
          for (const problem of problems) log(`settings: ${problem}`);
          return settings;
        });
      settingsCache.set(uri, cached);
    }
    return cached;
  }

  function inputFor(document: TextDocument): CheckInput {
    const file = filePath(document.uri);
    const rootDir = rootFor(file);
    return {
      path: file,
      relativePath: path.posix.relative(rootDir, file) || path.posix.basename(file),
      rootDir,
      text: document.getText(),
      languageId: document.languageId,
      version: document.version,
    };
  }

  function environment(settings: Settings): CheckEnvironment {
    return { registry, configs, baseConfig: settings.config, maxBytes: settings.maxFileSizeKb * 1024 };
  }

  /** Analyses the current version of a document (reusing its parse when it is already current). */
  function check(document: TextDocument, settings: Settings) {
    const input = inputFor(document);
    const previous = parsed.get(document.uri);
    const result = checkText(input, environment(settings), previous);
    if (result.doc) parsed.set(document.uri, result.doc);
    else parsed.delete(document.uri);
    for (const crash of result.crashes) logError(`rule ${crash.ruleId} failed on ${input.relativePath}`, crash.error);
    return result;
  }

  async function validate(uri: string): Promise<void> {
    const document = documents.get(uri);
    if (!document || shuttingDown) return;
    try {
      const settings = await settingsFor(uri);
      const current = documents.get(uri);
      if (!current || current.version !== document.version) return; // a newer version is on its way
      let diagnostics: Diagnostic[] = [];
      if (settings.enable) {
        const result = check(current, settings);
        const lines = result.doc?.lines ?? new LineIndex(current.getText());
        diagnostics = result.findings.map((f) => toDiagnostic(lines, f));
      }
      await connection.sendDiagnostics({ uri, version: current.version, diagnostics });
    } catch (error) {
      logError(`cannot analyse ${uri}`, error);
    }
  }

  function schedule(uri: string, delayMs: number): void {
    clearTimeout(timers.get(uri));
    if (delayMs <= 0) {
      timers.delete(uri);
      void validate(uri);
      return;
    }
    timers.set(
      uri,
      setTimeout(() => {
        timers.delete(uri);
        void validate(uri);
      }, delayMs),
    );
  }

  function revalidateAll(): void {
    for (const document of documents.all()) schedule(document.uri, 0);
  }

  // An opened document is analysed at once; edits wait for the typing to pause (or for a save).
  const justOpened = new Set<string>();
  documents.onDidOpen((event) => justOpened.add(event.document.uri));
  documents.onDidChangeContent(async (event) => {
    const uri = event.document.uri;
    if (justOpened.delete(uri)) return schedule(uri, 0);
    const settings = await settingsFor(uri);
    if (settings.run === 'onType') schedule(uri, settings.debounceMs);
  });
  documents.onDidSave(async (event) => {
    const settings = await settingsFor(event.document.uri);
    if (settings.run === 'onSave') schedule(event.document.uri, 0);
  });
  documents.onDidClose((event) => {
    clearTimeout(timers.get(event.document.uri));
    timers.delete(event.document.uri);
    justOpened.delete(event.document.uri);
    parsed.delete(event.document.uri);
    settingsCache.delete(event.document.uri);
    void connection.sendDiagnostics({ uri: event.document.uri, diagnostics: [] });
  });

  connection.onDidChangeConfiguration(() => {
    settingsCache.clear();
    revalidateAll();
  });

  connection.onDidChangeWatchedFiles((params) => {
    let configChanged = false;
    for (const change of params.changes) {
      if (change.uri.endsWith(`/${CONFIG_FILE_NAME}`)) {
        configs.forget(filePath(change.uri));
        configChanged = true;
      }
    }
    if (configChanged) revalidateAll();
  });

  connection.onCodeAction(async (params: CodeActionParams): Promise<CodeAction[]> => {
    const document = documents.get(params.textDocument.uri);
    if (!document) return [];
    try {
      const settings = await settingsFor(document.uri);
      if (!settings.enable) return [];
      const result = check(document, settings);
      const doc = result.doc;
      if (!doc) return [];
      const env = environment(settings);
      const only = params.context.only;
      const wants = (kind: string) => !only || only.some((k) => kind === k || kind.startsWith(`${k}.`));
      const actions: CodeAction[] = [];

      if (wants(CodeActionKind.QuickFix)) {
        const fixedRules = new Set<string>();
        for (const diagnostic of params.context.diagnostics.filter(isOurDiagnostic)) {
          const finding = {
            ruleId: diagnostic.data.ruleId,
            start: doc.lines.offsetAt(diagnostic.range.start),
            end: doc.lines.offsetAt(diagnostic.range.end),
            message: typeof diagnostic.message === 'string' ? diagnostic.message : diagnostic.message.value,
            data: diagnostic.data.data,
          };
          const fixes = fixesFor(finding, doc, { registry, config: result.config, workspace: env.workspace });
          const preferred = fixes.findIndex((f) => f.safe);
          fixes.forEach((fix, i) => {
            actions.push(fixAction(fix, document.uri, document.version, doc.lines, [diagnostic], i === preferred, snippetEdits));
          });
          // When the file has more than one fixable finding of this rule, offer to fix them all at once.
          if (fixes.some((f) => f.safe) && !fixedRules.has(finding.ruleId)) {
            fixedRules.add(finding.ruleId);
            const sameRule = result.findings.filter((f) => f.ruleId === finding.ruleId);
            if (sameRule.length > 1) {
              const all = fixAll(inputFor(document), env, (f) => f.ruleId === finding.ruleId);
              if (all.applied > 1) {
                actions.push({
                  title: `Fix all ${finding.ruleId} problems in this file (${all.applied} safe fixes)`,
                  kind: CodeActionKind.QuickFix,
                  diagnostics: [diagnostic],
                  edit: toWorkspaceEdit(document.uri, document.version, doc.lines, [minimalEdit(doc.text, all.text)], false),
                });
              }
            }
          }
        }
      }

      if (only && only.some((k) => FIX_ALL_KIND === k || FIX_ALL_KIND.startsWith(`${k}.`) || k === CodeActionKind.SourceFixAll)) {
        const all = fixAll(inputFor(document), env);
        if (all.applied > 0) {
          actions.push({
            title: `Fix all safe prodready problems (${all.applied})`,
            kind: FIX_ALL_KIND,
            edit: toWorkspaceEdit(document.uri, document.version, doc.lines, [minimalEdit(doc.text, all.text)], false),
          });
        }
      }
      return actions;
    } catch (error) {
      logError('code actions failed', error);
      return [];
    }
  });

  connection.onShutdown(() => {
    shuttingDown = true;
    for (const timer of timers.values()) clearTimeout(timer);
    timers.clear();
    parsed.clear();
  });

  documents.listen(connection);
  connection.listen();
}

// The CLI ships inside this bundle (dist/cli.js is a two-line shim), so the package carries one
// copy of the engine and of TypeScript's parser, not two.
export { main as runCli } from './cli';

if (require.main === module) {
  const connection = createConnection(ProposedFeatures.all);
  // A bug in one rule must never take the editor's diagnostics down with it.
  process.on('uncaughtException', (error) => connection.console.error(`[prodready] uncaught: ${error?.stack ?? error}`));
  process.on('unhandledRejection', (error) => connection.console.error(`[prodready] unhandled: ${(error as Error)?.stack ?? error}`));
  startServer(connection);
}
