// Bundles the extension client, the language server and the CLI into dist/.
// `--production` minifies and drops source maps (what the .vsix ships).
import * as esbuild from 'esbuild';
import { chmodSync, rmSync, writeFileSync } from 'node:fs';

const production = process.argv.includes('--production');
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: production,
  sourcemap: production ? false : 'linked',
  logLevel: 'warning',
  legalComments: production ? 'none' : 'inline',
  // Prefer ES module builds: jsonc-parser's UMD build hides its requires from the bundler.
  mainFields: ['module', 'main'],
};

rmSync('dist', { recursive: true, force: true });
await Promise.all([
  esbuild.build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] }),
  esbuild.build({ ...common, entryPoints: ['server/src/server.ts'], outfile: 'dist/server.js' }),
]);
// The CLI is the server bundle's `runCli`: one engine for the editor and CI.
writeFileSync('dist/cli.js', "#!/usr/bin/env node\n'use strict';\nprocess.exitCode = require('./server.js').runCli(process.argv.slice(2));\n");
chmodSync('dist/cli.js', 0o755);
