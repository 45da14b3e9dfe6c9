// The language server: LSP wiring only. Documents come in, findings go out as diagnostics, code
// actions are recomputed from what a diagnostic carries. Settings are pulled per resource.

import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  type CodeAction,
  CodeActionKind,
  type CodeActionParams,
  type Connection,
  DiagnosticSeverity,
  FileChangeType,
  createConnection,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  type Diagnostic,
  type InitializeParams,
  type InitializeResult,
  ProposedFeatures,
  StreamMessageReader,
  StreamMessageWriter,
  TextDocuments,
  TextDocumentSyncKind,
  type WorkspaceFolder,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { registry } from './rules';
import { ConfigLoader } from './engine/config-file';
import { checkText, type CheckEnvironment, type CheckInput, type CheckResult } from './engine/check';
import type { FixAllResult } from './engine/fix-all';
import { fixSource, type FixSource } from './engine/analyze';
import type { ParsedDocument } from './engine/document';
import { LineIndex } from './engine/lines';
import { readFactFile } from './engine/safe-read';
import { baseName, CONFIG_FILE_NAME } from './engine/classify';
import { mergeConfig } from './engine/config';
import type { ConfigFile } from './engine/config-file';
import { SOURCE, toDiagnostic, toRange } from './lsp/convert';
import { docsUri } from './engine/docs-link';
import { codeActions, FIX_ALL_KIND } from './lsp/code-actions';
import { readSettings, type Settings } from './lsp/settings';
import { WorkspaceScanner } from './lsp/workspace-scan';
import { WorkspaceIndexSync } from './lsp/workspace-index-sync';
import { explain, explanationText } from './engine/model/explain';
import { initPython, pythonInitFailure } from './engine/python';
import { saveCodeCache } from './engine/code-cache';
import { computeReview, REVIEW_REQUEST, type ReviewParams } from './lsp/review';

/** Commands the server executes (`workspace/executeCommand`). */
export const COMMANDS = {
  scanWorkspace: 'prodready.scanWorkspace',
  effectiveConfiguration: 'prodready.effectiveConfiguration',
  explain: 'prodready.explain',
} as const;

/** Files the server watches: config files, and what scope "workspace" shows the findings of. */
const WATCHED = [`**/${CONFIG_FILE_NAME}`, '**/*.{js,jsx,mjs,cjs,ts,tsx,mts,cts,py,yaml,yml,json}', '**/{Dockerfile,Containerfile}*', '**/*.{sh,bash}', '**/{Makefile,GNUmakefile,makefile,*.mk}', '**/{README,readme,Readme}*.md', '**/{entrypoint,docker-entrypoint,*-entrypoint,start,run,boot}', '**/*.{dockerfile,containerfile}', '**/.gitignore', '**/yarn.lock', '**/{pyproject.toml,setup.cfg,setup.py,requirements*.txt,Procfile,Procfile.*,ruff.toml,.ruff.toml}'];

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
  let clientCommands = false;
  let shuttingDown = false;
  /** The workspace index's first build: the review waits for it (its answers need every file). */
  let indexBuilt: Promise<void> = Promise.resolve();
  /**
   * The latest analysis of each open document and the fix-alls computed from it: code actions for the
   * version that was just published reuse them instead of analysing (and fixing) the file again.
   * One entry per open document, replaced by each analysis, dropped on close.
   */
  const analyses = new Map<string, { version: number; result: CheckResult; fixAllDone: Map<string, FixAllResult>; fixes?: FixSource }>();
  /** Config files whose problems are shown while they are not open, with what was shown. */
  const configProblemsShown = new Map<string, string>();

  const log = (message: string) => connection.console.log(`[prodready] ${message}`);
  const logError = (message: string, error: unknown) =>
    connection.console.error(`[prodready] ${message}: ${(error as Error)?.stack ?? String(error)}`);
  // The Python parser loads asynchronously; every analysis waits for it (a few milliseconds, once).
  const pythonReady = initPython().then((ok) => {
    if (!ok) connection.console.error(`[prodready] Python files are not analysed: ${pythonInitFailure()}`);
  });

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const caps = params.capabilities;
    canPullConfiguration = caps.workspace?.configuration === true;
    canRegisterWatchers = caps.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    snippetEdits = caps.workspace?.workspaceEdit?.snippetEditSupport === true;
    // VS Code (and code-server) run our client, which registers the show-documentation command.
    clientCommands = params.initializationOptions?.clientCommands === true;
    folders = params.workspaceFolders ?? (params.rootUri ? [{ uri: params.rootUri, name: 'root' }] : []);
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND], resolveProvider: false },
        executeCommandProvider: { commands: Object.values(COMMANDS) },
        workspace: {
          workspaceFolders: { supported: true, changeNotifications: true },
          fileOperations: { didRename: { filters: [{ scheme: 'file', pattern: { glob: '**/*' } }] } },
        },
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
        .register(DidChangeWatchedFilesNotification.type, { watchers: WATCHED.map((globPattern) => ({ globPattern })) })
        .then(() => configs.changesAreReported())
        .catch((error) => logError('cannot watch files', error));
    }
    connection.workspace.onDidChangeWorkspaceFolders((event) => {
      folders = folders.filter((f) => !event.removed.some((r) => r.uri === f.uri)).concat(event.added);
      settingsCache.clear();
      for (const removed of event.removed) if (removed.uri.startsWith('file:')) scanner.clear(filePath(removed.uri));
      revalidateAll();
      void applyScope();
      const onDisk = (list: WorkspaceFolder[]) => list.filter((f) => f.uri.startsWith('file:')).map((f) => filePath(f.uri));
      void indexSync.foldersChanged(onDisk(event.added), onDisk(event.removed));
    });
    connection.workspace.onDidRenameFiles((event) => {
      // A renamed folder may hold config files no watcher event names: read them all again.
      configs.forget();
      indexSync.filesRenamed(event.files.map((f) => ({ from: filePath(f.oldUri), to: filePath(f.newUri) })));
    });
    void applyScope();
    // The index parses the Python modules that make gRPC stubs: it starts once the parser is loaded.
    indexBuilt = pythonReady.then(() => indexSync.build(folderPaths()));
  });

  /** Facts about files nobody opened (who handles SIGTERM), for the workspace rules. */
  const indexSync = new WorkspaceIndexSync({
    reanalyse: (uri) => schedule(uri, 0),
    recheckOnDisk: async (file) => {
      const folder = folderOf(file);
      if (!folder || documents.get(pathToFileURL(file).href)) return;
      if ((await settingsFor(pathToFileURL(folder).href)).scope === 'workspace') await scanner.checkFile(folder, file);
    },
    inFolder: (file) => folderOf(file) !== undefined,
    log,
    logError,
  });

  /** The workspace folders on disk, as absolute posix paths. */
  function folderPaths(): string[] {
    return folders.filter((f) => f.uri.startsWith('file:')).map((f) => filePath(f.uri).replace(/\/$/, ''));
  }

  const scanner = new WorkspaceScanner({
    diagnose: async (folder, file, text) => {
      // One settings request per folder, not one per file of a large workspace.
      const settings = await settingsFor(pathToFileURL(folder).href);
      if (!settings.enable) return [];
      await pythonReady;
      const rootDir = rootFor(file);
      const result = checkText(
        { path: file, relativePath: path.posix.relative(rootDir, file), rootDir, text },
        environment(settings),
      );
      const lines = result.doc?.lines ?? new LineIndex(text);
      const diagnostics = result.findings.map((f) => toDiagnostic(lines, f));
      result.doc?.dispose();
      return diagnostics;
    },
    publish: (uri, diagnostics) => void connection.sendDiagnostics({ uri, diagnostics }),
    isOpen: (uri) => documents.get(uri) !== undefined,
  });

  /** Scans the folders whose scope is "workspace"; clears the scans of those that went back to open files. */
  const scopes = new Map<string, Settings['scope']>();
  async function applyScope(): Promise<void> {
    for (const folder of folderPaths()) {
      const settings = await settingsFor(pathToFileURL(folder).href);
      const previous = scopes.get(folder);
      scopes.set(folder, settings.scope);
      if (settings.scope === 'workspace') {
        const { files, withFindings } = await scanner.scanFolder(folder);
        log(`scanned ${folder}: ${files} files, ${withFindings} with findings`);
      } else if (previous === 'workspace') {
        // Only a folder that was in scope "workspace" has a scan to clear (and a "Scan workspace"
        // command running at start-up must not be cancelled by this).
        scanner.clear(folder);
      }
    }
  }

  function folderOf(file: string): string | undefined {
    return folderPaths()
      .filter((dir) => file.startsWith(`${dir}/`))
      .sort((a, b) => b.length - a.length)[0];
  }

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
      live: true,
    };
  }

  /** `analysing`: the open document the environment is for (its own waiting index update stays waiting: `facts`). */
  function environment(settings: Settings, analysing?: string): CheckEnvironment {
    return { registry, configs, baseConfig: settings.config, maxBytes: settings.maxFileSizeKb * 1024, workspace: indexSync.facts(analysing) };
  }

  /** Analyses the current version of a document (reusing its parse when it is already current). */
  function check(document: TextDocument, settings: Settings) {
    const input = inputFor(document);
    const previous = parsed.get(document.uri);
    const env = environment(settings, document.uri);
    const result = checkText(input, env, previous);
    showConfigProblems(result.configFiles);
    if (previous && previous !== result.doc) previous.dispose();
    if (result.doc) parsed.set(document.uri, result.doc);
    else parsed.delete(document.uri);
    // Applied when typing pauses (validate: flushSoon) or by whatever else reads the index first; the
    // next analysis of this document leaves it waiting, and its own update replaces it.
    indexSync.documentAnalysedSoon(document.uri, input.path, input.text, result.doc);
    const fixes = result.doc && fixSource(result.doc, { registry, config: result.config, workspace: env.workspace });
    analyses.set(document.uri, { version: document.version, result, fixAllDone: new Map(), fixes });
    for (const crash of result.crashes) logError(`rule ${crash.ruleId} failed on ${input.relativePath}`, crash.error);
    return result;
  }

  async function validate(uri: string): Promise<void> {
    const document = documents.get(uri);
    if (!document || shuttingDown) return;
    try {
      const settings = await settingsFor(uri);
      await pythonReady;
      const current = documents.get(uri);
      if (!current || current.version !== document.version) return; // a newer version is on its way
      let diagnostics: Diagnostic[] = [];
      let analysed = false;
      if (baseName(filePath(uri)) === CONFIG_FILE_NAME) {
        const file = filePath(uri);
        diagnostics = configDiagnostics(configs.parse(current.getText(), file, rootFor(file)), new LineIndex(current.getText()));
      } else if (settings.enable) {
        const result = check(current, settings);
        const lines = result.doc?.lines ?? new LineIndex(current.getText());
        diagnostics = result.findings.map((f) => toDiagnostic(lines, f));
        analysed = true;
      }
      try {
        await connection.sendDiagnostics({ uri, version: current.version, diagnostics });
      } finally {
        // Not now: the next keystroke's analysis would wait for it, and its own update supersedes this one.
        indexSync.flushSoon();
      }
      // The first analysis compiled what analyses run: the next server starts from that (start.ts).
      if (analysed) setImmediate(saveCodeCache);
    } catch (error) {
      logError(`cannot analyse ${uri}`, error);
    }
  }

  function configDiagnostics(file: ConfigFile, lines: LineIndex): Diagnostic[] {
    return file.problems.map((problem) => ({
      range: toRange(lines, problem.start, problem.end),
      severity: DiagnosticSeverity.Error,
      source: SOURCE,
      code: 'invalid-config',
      ...(docsUri('invalid-config') ? { codeDescription: { href: docsUri('invalid-config')! } } : {}),
      message: file.unusable ? `${problem.message} The last valid configuration stays in effect.` : problem.message,
    }));
  }

  /** Shows the problems of the config files that apply to a document, where those files are not open. */
  function showConfigProblems(files: ConfigFile[]): void {
    for (const file of files) {
      const uri = pathToFileURL(file.path).href;
      if (documents.get(uri)) continue;
      const key = JSON.stringify(file.problems);
      if (configProblemsShown.get(file.path) === key) continue;
      configProblemsShown.set(file.path, key);
      // Gone (or not a regular file): its problems go with it.
      const text = readFactFile(file.path) ?? '';
      void connection.sendDiagnostics({ uri, diagnostics: text ? configDiagnostics(file, new LineIndex(text)) : [] });
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
    indexSync.flush(); // its last analysis counts in the index until it is closed, with its parse not yet disposed
    clearTimeout(timers.get(event.document.uri));
    timers.delete(event.document.uri);
    justOpened.delete(event.document.uri);
    parsed.get(event.document.uri)?.dispose();
    parsed.delete(event.document.uri);
    analyses.delete(event.document.uri);
    settingsCache.delete(event.document.uri);
    void connection.sendDiagnostics({ uri: event.document.uri, diagnostics: [] });
    indexSync.documentClosed(filePath(event.document.uri));
    if (baseName(filePath(event.document.uri)) === CONFIG_FILE_NAME) {
      // Its problems as saved on disk show again, the next time a file it applies to is analysed.
      configProblemsShown.delete(filePath(event.document.uri));
      revalidateAll();
    }
    // In scope "workspace" the file stays in the Problems panel, as it is on disk.
    const file = filePath(event.document.uri);
    const folder = folderOf(file);
    if (folder) {
      void settingsFor(pathToFileURL(folder).href).then((s) => (s.scope === 'workspace' ? scanner.checkFile(folder, file) : undefined));
    }
  });

  connection.onDidChangeConfiguration(() => {
    settingsCache.clear();
    revalidateAll();
    void applyScope();
  });

  connection.onDidChangeWatchedFiles((params) => {
    let configChanged = false;
    for (const change of params.changes) {
      if (change.uri.endsWith(`/${CONFIG_FILE_NAME}`)) {
        configs.forget(filePath(change.uri));
        configProblemsShown.delete(filePath(change.uri));
        configChanged = true;
      }
    }
    indexSync.filesChanged(
      params.changes.filter((c) => c.uri.startsWith('file:')).map((c) => ({ path: filePath(c.uri), deleted: c.type === FileChangeType.Deleted })),
    );
    if (configChanged) {
      revalidateAll();
      void applyScope();
    } else void rescanChanged(params.changes);
  });

  /** Scope "workspace": files created, changed or deleted on disk update their diagnostics. */
  async function rescanChanged(changes: Array<{ uri: string; type: FileChangeType }>): Promise<void> {
    for (const change of changes) {
      if (!change.uri.startsWith('file:')) continue;
      const file = filePath(change.uri);
      const folder = folderOf(file);
      if (!folder || (await settingsFor(pathToFileURL(folder).href)).scope !== 'workspace') continue;
      if (change.type === FileChangeType.Deleted) scanner.fileDeleted(folder, file);
      else await scanner.checkFile(folder, file);
    }
  }

  connection.onExecuteCommand(async (params) => {
    try {
      if (params.command === COMMANDS.scanWorkspace) {
        let files = 0;
        let withFindings = 0;
        for (const folder of folderPaths()) {
          const scanned = await scanner.scanFolder(folder);
          files += scanned.files;
          withFindings += scanned.withFindings;
        }
        return { files, withFindings };
      }
      if (params.command === COMMANDS.explain) {
        // What the project model believes about a file, open or not: `{ text, explanation }`.
        const uri = String(params.arguments?.[0] ?? '');
        const file = filePath(uri);
        const rootDir = rootFor(file);
        const settings = await settingsFor(uri);
        const open = documents.get(uri);
        // A file on disk is read like any other the server reads: regular files only, within the size cap.
        const text = open ? open.getText() : readFactFile(file, settings.maxFileSizeKb * 1024);
        if (text === undefined) return { text: `${path.posix.relative(rootDir, file)}: cannot be read`, explanation: null };
        const env = environment(settings);
        const result = checkText({ path: file, relativePath: path.posix.relative(rootDir, file), rootDir, text, languageId: open?.languageId }, env);
        if (!result.doc) {
          return { text: `${path.posix.relative(rootDir, file)}: not analysed (${result.excluded ? 'excluded by the configuration' : 'not a kind of file prodready analyses'})\n`, explanation: null };
        }
        const explanation = explain(result.doc, { registry, config: result.config, workspace: env.workspace! });
        return { text: explanationText(explanation), explanation };
      }
      if (params.command === COMMANDS.effectiveConfiguration) {
        const uri = String(params.arguments?.[0] ?? '');
        const file = filePath(uri);
        const rootDir = rootFor(file);
        const settings = await settingsFor(uri);
        const files = configs.configFilesFor(file, rootDir);
        let config = settings.config;
        for (const f of files) config = mergeConfig(config, f.config);
        const rules = Object.fromEntries(
          registry.all.map((rule) => {
            const own = config.rules[rule.id];
            const options = { ...Object.fromEntries(Object.entries(rule.options ?? {}).map(([k, o]) => [k, o.default])), ...own?.options };
            return [rule.id, { severity: own?.severity ?? rule.defaultSeverity, ...(Object.keys(options).length ? { options } : {}) }];
          }),
        );
        return {
          file,
          workspaceFolder: rootDir,
          configFiles: files.map((f) => ({ path: f.path, problems: f.problems.map((p) => p.message) })),
          settings: { enable: settings.enable, run: settings.run, debounceMs: settings.debounceMs, scope: settings.scope, maxFileSizeKb: settings.maxFileSizeKb },
          rules,
          exclude: config.exclude,
          ignore: config.ignore,
          requireReason: config.requireReason,
        };
      }
    } catch (error) {
      logError(`command ${params.command} failed`, error);
    }
    return null;
  });

  connection.onCodeAction(async (params: CodeActionParams): Promise<CodeAction[]> => {
    const document = documents.get(params.textDocument.uri);
    if (!document) return [];
    try {
      const settings = await settingsFor(document.uri);
      if (!settings.enable) return [];
      const latest = analyses.get(document.uri);
      const current = latest?.version === document.version ? latest : undefined;
      const result = current?.result ?? check(document, settings);
      indexSync.flush();
      const doc = result.doc;
      if (!doc) return [];
      return codeActions(params, {
        fixAllDone: (current ?? analyses.get(document.uri))?.fixAllDone,
        fixes: (current ?? analyses.get(document.uri))?.fixes,
        document,
        doc,
        result,
        input: inputFor(document),
        env: environment(settings),
        snippetEdits,
        clientCommands,
      });
    } catch (error) {
      logError('code actions failed', error);
      return [];
    }
  });

  // The Production Readiness Review of the workspace folders (lsp/review.ts), for the client's view.
  connection.onRequest(REVIEW_REQUEST, async (params?: ReviewParams) => {
    await pythonReady;
    await indexBuilt;
    return computeReview({
      folders: folderPaths(),
      params: params ?? undefined,
      environment: async (folder) => environment(await settingsFor(pathToFileURL(folder).href)),
      maxBytes: async (folder) => (await settingsFor(pathToFileURL(folder).href)).maxFileSizeKb * 1024,
      openText: (file) => documents.get(pathToFileURL(file).href)?.getText(),
      warn: log,
    });
  });

  connection.onShutdown(() => {
    shuttingDown = true;
    for (const timer of timers.values()) clearTimeout(timer);
    timers.clear();
    indexSync.stopFlushing();
    indexSync.flush();
    for (const doc of parsed.values()) doc.dispose();
    parsed.clear();
    analyses.clear();
  });

  documents.listen(connection);
  connection.listen();
}

// The CLI ships inside this bundle (dist/cli.js is a two-line shim), so the package carries one
// copy of the engine and of TypeScript's parser, not two.
export { runCli } from './cli';
// What the CLI's worker threads (`check --jobs`) load: the same bundle.
export { runCheckWorker } from './cli/jobs';

/**
 * Over stdio the server reads the framing itself, to notice when it breaks: after a header without a
 * Content-Length (or with one that is not a number) the reader never finds the next message again,
 * and a server that stays up then is deaf and alive. It says why on stderr and exits, so that the
 * client starts a new one (VS Code does; a body that is not JSON is only logged: framing survives it).
 */
function stdioConnection(): Connection {
  const reader = new StreamMessageReader(process.stdin);
  const writer = new StreamMessageWriter(process.stdout);
  reader.onError((error) => {
    if (!/header|content-length/i.test(error.message)) return;
    process.stderr.write(`prodready: the client's message framing is broken (${error.message.split('\n')[0]}); exiting so that the client can start a new server\n`);
    process.exit(1);
  });
  // What createConnection does for a stdin it is given as a stream: the client went away, so do we.
  process.stdin.on('end', () => process.exit(1));
  process.stdin.on('close', () => process.exit(1));
  // Stdout carries only the protocol.
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    console[method] = (...args: unknown[]) => process.stderr.write(`${args.map(String).join(' ')}\n`);
  }
  return createConnection(ProposedFeatures.all, reader, writer);
}

/** Starts the server on the connection its command line names (`--stdio`, else VS Code's IPC): what `node dist/server.js` does. */
export function startFromCommandLine(): void {
  const connection = process.argv.includes('--stdio') ? stdioConnection() : createConnection(ProposedFeatures.all);
  // A bug in one rule must never take the editor's diagnostics down with it.
  process.on('uncaughtException', (error) => connection.console.error(`[prodready] uncaught: ${error?.stack ?? error}`));
  process.on('unhandledRejection', (error) => connection.console.error(`[prodready] unhandled: ${(error as Error)?.stack ?? error}`));
  startServer(connection);
}

// From the sources (`tsx server/src/server.ts --stdio`); the bundle is started by its loader (start.ts).
if (require.main === module) startFromCommandLine();
