// Bundles the extension client, the language server and the CLI into dist/.
// `--production` minifies and drops source maps (what the .vsix ships).
import * as esbuild from 'esbuild';
import { chmodSync, copyFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

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

/**
 * The engine uses nothing of ts-morph but TypeScript's namespace (`server/src/engine/ts.ts`, a unit
 * test keeps it so), which ts-morph re-exports from its own copy in `@ts-morph/common`. Loading
 * ts-morph loads `@ts-morph/common`'s main module too, which builds TypeScript's lib .d.ts files
 * as strings at start-up: 15 MB of heap (TypeScript alone is 17) that the engine never reads. In
 * the bundle, `ts-morph` is that same TypeScript object and nothing else.
 */
const tsMorphTypeScriptOnly = {
  name: 'ts-morph-typescript-only',
  setup(build) {
    build.onResolve({ filter: /^ts-morph$/ }, () => ({ path: 'ts-morph', namespace: 'ts-morph-typescript-only' }));
    build.onLoad({ filter: /.*/, namespace: 'ts-morph-typescript-only' }, () => ({
      contents: "module.exports = { ts: require('@ts-morph/common/dist/typescript') };",
      loader: 'js',
      resolveDir: process.cwd(),
    }));
  },
};

rmSync('dist', { recursive: true, force: true });
await Promise.all([
  esbuild.build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] }),
  esbuild.build({
    ...common,
    entryPoints: ['server/src/server.ts'],
    outfile: 'dist/engine.js',
    plugins: [tsMorphTypeScriptOnly],
    // Only looked up when running from source; the bundle finds the copies below next to itself.
    external: ['web-tree-sitter/tree-sitter.wasm', 'tree-sitter-python/tree-sitter-python.wasm'],
  }),
  // The entry point (`node dist/server.js`, the client, the CLI, --jobs workers): loads dist/engine.js
  // through a V8 code cache (server/src/start.ts).
  esbuild.build({ ...common, entryPoints: ['server/src/start.ts'], outfile: 'dist/server.js', sourcemap: false }),
]);
// The Python parser's WebAssembly (web-tree-sitter's runtime and the tree-sitter-python grammar)
// sits next to the bundle, where server/src/engine/python.ts looks for it.
const require = createRequire(import.meta.url);
copyFileSync(require.resolve('web-tree-sitter/tree-sitter.wasm'), 'dist/tree-sitter.wasm');
copyFileSync(require.resolve('tree-sitter-python/tree-sitter-python.wasm'), 'dist/tree-sitter-python.wasm');
// The CLI is the server bundle's `runCli`: one engine for the editor and CI.
writeFileSync(
  'dist/cli.js',
  "#!/usr/bin/env node\n'use strict';\nrequire('./server.js').runCli(process.argv.slice(2)).then((code) => { process.exitCode = code; });\n",
);
chmodSync('dist/cli.js', 0o755);
