// console-log only speaks about service code. Each exclusion RULES.md names, and each option that
// changes it, seen the way a user sees it: a finding on a file, or none.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze, ruleContext } from '../../server/src/engine/analyze';
import { applyEdits } from '../../server/src/engine/edits';
import { EMPTY_CONFIG, type Config } from '../../server/src/engine/config';
import { prepare } from '../../server/src/engine/source';
import { registry } from '../../server/src/rules';

function consoleFindings(relativePath: string, text: string, options?: Record<string, unknown>): number {
  const prepared = prepare({ path: `/ws/${relativePath}`, relativePath, text });
  assert.equal(prepared.status, 'document');
  if (prepared.status !== 'document') return -1;
  const config: Config = options ? { ...EMPTY_CONFIG, rules: { 'console-log': { options } } } : EMPTY_CONFIG;
  const { findings, crashes } = analyze(prepared.doc, { registry, config });
  assert.deepEqual(crashes, []);
  return findings.filter((f) => f.ruleId === 'console-log').length;
}

const LOG = "export function ready(port: number) {\n  console.log(`listening on ${port}`);\n}\n";

test('service code is flagged', () => {
  assert.equal(consoleFindings('src/server.ts', LOG), 1);
  assert.equal(consoleFindings('packages/api/lib/app.js', LOG.replace(': number', '')), 1);
});

test('tests are not service code, unless testPaths says otherwise', () => {
  for (const path of ['src/server.test.ts', 'src/server.spec.ts', 'src/__tests__/server.ts', 'test/server.ts', 'packages/api/tests/x.ts']) {
    assert.equal(consoleFindings(path, LOG), 0, path);
  }
  assert.equal(consoleFindings('test/server.ts', LOG, { testPaths: [] }), 1);
  assert.equal(consoleFindings('src/server.ts', LOG, { testPaths: ['src/**'] }), 0);
});

test('a file that imports a test framework is a test helper', () => {
  const text = "import { run } from 'node:test';\n" + LOG;
  assert.equal(consoleFindings('src/run-suites.ts', text), 0);
  assert.equal(consoleFindings('src/run-suites.ts', text, { ignoreTestFrameworkImports: false }), 1);
});

test('scripts, bin/, cli/, tools/ and build configuration are not service code; examples are', () => {
  for (const path of ['scripts/seed.ts', 'bin/serve.js', 'src/cli/run.ts', 'tools/gen.ts', 'vite.config.ts']) {
    assert.equal(consoleFindings(path, LOG), 0, path);
  }
  assert.equal(consoleFindings('scripts/seed.ts', LOG, { scriptPaths: [] }), 1);
  // An example service is what users copy into production.
  assert.equal(consoleFindings('examples/service/src/server.ts', LOG), 1);
  assert.equal(consoleFindings('examples/service/src/server.ts', LOG, { scriptPaths: ['examples/**'] }), 0);
});

test('command line tools: a shebang, process.argv, a terminal library', () => {
  assert.equal(consoleFindings('src/tool.js', '#!/usr/bin/env node\nconsole.log("hi");\n'), 0);
  assert.equal(consoleFindings('src/tool.js', 'const [, , name] = process.argv;\nconsole.log(name);\n'), 0);
  assert.equal(consoleFindings('src/tool.js', "const chalk = require('chalk');\nconsole.log(chalk.red('x'));\n"), 0);
  assert.equal(consoleFindings('src/tool.ts', "import { Command } from 'commander';\nconsole.log(new Command());\n"), 0);
  assert.equal(consoleFindings('src/shell.mjs', "import readline from 'node:readline';\nconsole.log('> ');\n"), 0);
  assert.equal(consoleFindings('src/tool.js', '#!/usr/bin/env node\nconsole.log("hi");\n', { ignoreCommandLineTools: false }), 1);
});

test('browser code: React/Vue/Svelte components, use client, window and document', () => {
  const component = "import React from 'react';\nexport const A = () => { console.log('render'); return <div />; };\n";
  assert.equal(consoleFindings('web/A.tsx', component), 0);
  assert.equal(consoleFindings('web/A.tsx', component, { ignoreBrowserCode: false }), 1);
  assert.equal(consoleFindings('web/a.ts', "'use client';\nconsole.log('x');\n"), 0);
  assert.equal(consoleFindings('web/a.js', "document.title = 'x';\nconsole.log('x');\n"), 0);
  assert.equal(consoleFindings('web/a.js', "if (typeof window !== 'undefined') console.log('x');\n"), 0);
  // A server-side React render is still service code: only .jsx/.tsx components are browser code.
  assert.equal(consoleFindings('src/render.ts', "import { renderToString } from 'react-dom/server';\nconsole.log(renderToString);\n"), 1);
  // A local named `document` is not the browser's.
  assert.equal(consoleFindings('src/db.js', 'function save(document) { console.log(document.id); }\n'), 1);
});

test("ESLint's no-console disables are respected, other rules' are not", () => {
  assert.equal(consoleFindings('src/a.js', "console.log('x'); // eslint-disable-line no-console\n"), 0);
  assert.equal(consoleFindings('src/a.js', "// eslint-disable-next-line no-console -- boot banner\nconsole.log('x');\n"), 0);
  assert.equal(consoleFindings('src/a.js', "/* eslint-disable */\nconsole.log('x');\n"), 0);
  assert.equal(consoleFindings('src/a.js', "console.log('x'); // eslint-disable-line no-undef\n"), 1);
  assert.equal(consoleFindings('src/a.js', "/* eslint-disable no-undef */\nconsole.log('x');\n"), 1);
  assert.equal(consoleFindings('src/a.js', "console.log('x'); // eslint-disable-line no-console\n", { respectEslintDisable: false }), 1);
});

test('a console of its own is not the global console', () => {
  assert.equal(consoleFindings('src/a.js', "const console = require('./console');\nconsole.log('x');\n"), 0);
  assert.equal(consoleFindings('src/a.js', "function f(console) { console.log('x'); }\nconsole.log('y');\n"), 1);
});

test('half-typed code does not crash and yields what can be understood', () => {
  assert.equal(consoleFindings('src/a.ts', 'console.log(`order ${'), 1);
  assert.equal(consoleFindings('src/a.ts', 'console.'), 0);
  assert.equal(consoleFindings('src/a.ts', 'logger.info(`x ${a}`'), 0);
});

test('every prefix of every logging fixture: no rule or fix throws, and every fix applies', () => {
  const root = path.resolve(__dirname, '..', 'fixtures', 'logging');
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const abs = path.join(dir, e.name);
      if (e.isDirectory()) walk(abs);
      else if (/\.[cm]?[jt]sx?$/.test(e.name) && !e.name.includes('.fixed.')) files.push(abs);
    }
  };
  walk(root);
  const rules = registry.all.filter((r) => r.family === 'logging');
  let cuts = 0;
  for (const file of files) {
    const full = fs.readFileSync(file, 'utf8');
    for (let end = 0; end <= full.length; end += 13) {
      const text = full.slice(0, end);
      const prepared = prepare({ path: file, relativePath: path.relative(root, file), text });
      if (prepared.status !== 'document') continue;
      for (const rule of rules) {
        const ctx = ruleContext(rule, prepared.doc, { registry, config: EMPTY_CONFIG });
        for (const finding of rule.check(ctx)) {
          for (const fix of rule.fixes?.(finding, ctx) ?? []) applyEdits(text, fix.edits);
        }
      }
      cuts++;
    }
  }
  assert.ok(cuts > 500, `only ${cuts} prefixes checked`);
});
