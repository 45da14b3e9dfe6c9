// The standard extension-test entry point: both runners (@vscode/test-electron and the headless
// code-server route) load this module in the extension host and call run(); a rejected promise or
// thrown error makes VS Code exit with a non-zero status.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as util from 'node:util';
import Mocha from 'mocha';

/**
 * Under the headless runner the extension host's console reaches the runner through the browser,
 * mixed with the workbench's own logging; each report line then carries a marker so the runner can
 * print the report and keep the rest in a log file. Under @vscode/test-electron the report goes to
 * stdout as usual.
 */
function markReportLines(): void {
  const marker = process.env.PRODREADY_E2E_REPORT_MARKER;
  if (!marker) return;
  const base = Mocha.reporters.Base as unknown as { consoleLog: (...args: unknown[]) => void };
  const log = console.log.bind(console);
  base.consoleLog = (...args: unknown[]) => {
    for (const line of util.format(...args).split('\n')) log(`${marker}${line}`);
  };
}

export function run(): Promise<void> {
  markReportLines();
  const mocha = new Mocha({
    ui: 'bdd',
    color: false,
    reporter: 'spec',
    timeout: Number(process.env.PRODREADY_E2E_TIMEOUT_MS || 60_000),
    // Extension-host tests share one window: a failure early on must not hide the others.
    bail: false,
  });
  if (process.env.PRODREADY_E2E_GREP) mocha.grep(process.env.PRODREADY_E2E_GREP);
  const files = fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.suite.ts'))
    .sort();
  for (const f of files) mocha.addFile(path.join(__dirname, f));
  return new Promise((resolve, reject) => {
    try {
      mocha.run((failures) => {
        if (failures > 0) reject(new Error(`${failures} extension test(s) failed`));
        else resolve();
      });
    } catch (err) {
      reject(err);
    }
  });
}
