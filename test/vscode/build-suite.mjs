// Compiles the extension-host suite (test/vscode/suite/**/*.ts) to CommonJS for the extension host,
// one output file per source file so mocha loads each *.test.js itself. Output is git-ignored.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { repoRoot } from './harness.mjs';

export const suiteOutDir = path.join(repoRoot, '.vscode-test', 'out', 'suite');

function listTs(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listTs(p));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** Returns the absolute path of the compiled suite index (the extensionTestsPath). */
export async function buildSuite() {
  const require = createRequire(path.join(repoRoot, 'package.json'));
  const esbuild = require('esbuild');
  const srcDir = path.join(repoRoot, 'test', 'vscode', 'suite');
  fs.rmSync(suiteOutDir, { recursive: true, force: true });
  await esbuild.build({
    entryPoints: listTs(srcDir),
    outdir: suiteOutDir,
    outbase: srcDir,
    bundle: false,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    sourcemap: 'inline',
    logLevel: 'error',
  });
  return path.join(suiteOutDir, 'index.js');
}
