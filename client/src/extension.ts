// The VS Code client: starts the bundled language server over IPC, and little else.

import * as fs from 'node:fs';
import { commands, window, workspace, Uri, type ExtensionContext } from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { registerReadiness, type ReadinessApi } from './readiness';

// VS Code gives compose files their own language id, `dockercompose`.
const LANGUAGES = ['typescript', 'typescriptreact', 'javascript', 'javascriptreact', 'yaml', 'dockercompose', 'json', 'jsonc', 'dockerfile', 'python'];

let client: LanguageClient | undefined;

export async function activate(context: ExtensionContext): Promise<{ readiness: ReadinessApi }> {
  const module = context.asAbsolutePath('dist/server.js');
  // The server starts from a V8 code cache of its engine (server/src/start.ts), kept in the extension's storage.
  const env = { ...process.env, PRODREADY_CODE_CACHE: Uri.joinPath(context.globalStorageUri, 'code-cache').fsPath };
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc, options: { env } },
    debug: { module, transport: TransportKind.ipc, options: { env, execArgv: ['--nolazy', '--inspect=6011'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: LANGUAGES.flatMap((language) => [
      { scheme: 'file', language },
      { scheme: 'untitled', language },
    ]),
    diagnosticCollectionName: 'prodready',
    // Tells the server this client has the commands below, so it can offer them in code actions.
    initializationOptions: { clientCommands: true },
  };
  client = new LanguageClient('prodready', 'Production Readiness', serverOptions, clientOptions);

  context.subscriptions.push(
    commands.registerCommand('prodready.restartServer', async () => {
      await client?.restart();
    }),
    commands.registerCommand('prodready.showDocumentation', async (ruleId?: string) => {
      const id = ruleId ?? (await window.showInputBox({ prompt: 'Rule id', placeHolder: 'missing-readiness-probe' }));
      if (!id) return;
      const file = context.asAbsolutePath(`docs/rules/${id}.md`);
      if (!fs.existsSync(file)) {
        void window.showWarningMessage(`prodready has no rule '${id}'.`);
        return;
      }
      await commands.executeCommand('markdown.showPreview', Uri.file(file));
    }),
    commands.registerCommand('prodready.showEffectiveConfiguration', async () => {
      const uri = window.activeTextEditor?.document.uri;
      if (!uri) {
        void window.showInformationMessage('Open a file to see the prodready configuration that applies to it.');
        return;
      }
      const effective = await commands.executeCommand('prodready.effectiveConfiguration', uri.toString());
      const doc = await workspace.openTextDocument({ language: 'json', content: `${JSON.stringify(effective, null, 2)}\n` });
      await window.showTextDocument(doc, { preview: true });
    }),
    commands.registerCommand('prodready.explainFile', async () => {
      const uri = window.activeTextEditor?.document.uri;
      if (!uri) {
        void window.showInformationMessage('Open a file to see what prodready believes it is for.');
        return;
      }
      const answer = (await commands.executeCommand('prodready.explain', uri.toString())) as { text: string } | undefined;
      const doc = await workspace.openTextDocument({ language: 'markdown', content: `\`\`\`text\n${answer?.text ?? 'No answer from the prodready server.'}\`\`\`\n` });
      await window.showTextDocument(doc, { preview: true });
    }),
    workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('prodready.trace.server')) void client?.restart();
    }),
  );
  const started = client.start();
  // The Production Readiness view (readiness.ts) asks the server once it runs.
  const readiness = registerReadiness(context, async () => {
    await started.catch(() => undefined);
    return client;
  });
  await started;
  return { readiness };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
