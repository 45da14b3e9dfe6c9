#!/usr/bin/env node
// Neovim test: Debian's neovim (0.7.2) runs `dist/server.js --stdio` with its built-in LSP client
// (test/nvim/init.lua), opens a manifest and a TS file from the e2e workspace, and reports the
// diagnostics it received; this script checks them (rule, line, severity, source) and that an edit in
// a buffer (didChange) clears the Dockerfile finding. Exits non-zero on any mismatch, or with a
// message when nvim or the bundle is missing.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { ensureEditorTools } from '../../scripts/setup-editor-tools.mjs';
import { NVIM_CASES, NVIM_EDIT } from './cases.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const LSP_SEVERITY = { error: 1, warning: 2, information: 3, hint: 4 };

/** Stops nvim and the server it started (its own process group); never anything else. */
function killGroup(pid) {
  if (!Number.isInteger(pid) || pid <= 1) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

function runNvim({ nvim, workspace, files, edit, out, expect }) {
  return new Promise((resolve, reject) => {
    const child = spawn(nvim, ['--headless', '-n', '-i', 'NONE', '-u', path.join(repoRoot, 'test', 'nvim', 'init.lua')], {
      cwd: workspace,
      detached: true, // own process group: nvim and the server it starts are stopped together
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        PRODREADY_NVIM_SERVER: path.join(repoRoot, 'dist', 'server.js'),
        PRODREADY_NVIM_NODE: process.execPath,
        PRODREADY_NVIM_ROOT: workspace,
        PRODREADY_NVIM_FILES: files.join(','),
        PRODREADY_NVIM_EDIT: edit,
        PRODREADY_NVIM_OUT: out,
        PRODREADY_NVIM_EXPECT: JSON.stringify(expect),
        XDG_CONFIG_HOME: path.join(path.dirname(out), 'config'),
        XDG_DATA_HOME: path.join(path.dirname(out), 'data'),
        XDG_STATE_HOME: path.join(path.dirname(out), 'state'),
        XDG_CACHE_HOME: path.join(path.dirname(out), 'cache'),
      },
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => {
      killGroup(child.pid);
      reject(new Error(`nvim did not finish within 90 s. Output:\n${output}`));
    }, 90_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      killGroup(child.pid);
      resolve({ code, output });
    });
  });
}

let tools;
try {
  tools = ensureEditorTools({ need: ['nvim'] });
  if (!fs.existsSync(path.join(repoRoot, 'dist', 'server.js'))) throw new Error('dist/server.js is missing: run `npm run build` first');
} catch (err) {
  process.stderr.write(`Neovim test cannot run: ${err.message}\n`);
  process.exit(1);
}

describe(`Neovim ${tools.nvim.version} as an LSP client of dist/server.js --stdio`, () => {
  let tmp;
  let workspace;
  let result;

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'prodready-nvim-'));
    workspace = path.join(tmp, 'workspace');
    fs.cpSync(path.join(repoRoot, 'test', 'workspaces', 'e2e'), workspace, { recursive: true });
    const out = path.join(tmp, 'result.json');
    const files = NVIM_CASES.map((c) => path.join(workspace, c.file));
    const expect = Object.fromEntries(NVIM_CASES.map((c) => [path.join(workspace, c.file), [...new Set(c.expect.map((e) => e.rule))]]));
    const { code, output } = await runNvim({ nvim: tools.nvim.bin, workspace, files, edit: path.join(workspace, NVIM_EDIT.file), out, expect });
    assert.ok(fs.existsSync(out), `nvim wrote no result (exit ${code}). Output:\n${output}`);
    result = JSON.parse(fs.readFileSync(out, 'utf8'));
    // Kept for a look after the run: what Neovim received and showed.
    fs.mkdirSync(path.join(repoRoot, 'test-artifacts', 'nvim'), { recursive: true });
    fs.writeFileSync(path.join(repoRoot, 'test-artifacts', 'nvim', 'result.json'), JSON.stringify(result, null, 2));
    result.exitCode = code;
    result.output = output;
  });

  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('starts the server, opens every file and gets diagnostics published for each', () => {
    assert.deepEqual(result.errors, [], `errors inside nvim:\n${result.output}`);
    assert.equal(result.exitCode, 0, `nvim exit status. Output:\n${result.output}`);
    assert.deepEqual(result.files.map((f) => path.relative(workspace, f.path)), NVIM_CASES.map((c) => c.file));
    for (const f of result.files) assert.ok(Array.isArray(f.lsp), `publishDiagnostics arrived for ${f.path}`);
  });

  for (const c of NVIM_CASES) {
    it(`${c.file}: ${c.expect.map((e) => `${e.rule}@${e.line}`).join(', ')}`, () => {
      const file = result.files.find((f) => f.path === path.join(workspace, c.file));
      assert.ok(file && Array.isArray(file.lsp), `${c.file} was opened and analysed`);
      // What the server published, as {rule, line (1-based), severity}.
      const got = file.lsp
        .filter((d) => d.source === 'prodready' && c.rules.includes(d.code))
        .map((d) => ({ rule: d.code, line: d.range.start.line + 1, severity: d.severity }))
        .sort((a, b) => a.line - b.line || a.rule.localeCompare(b.rule));
      const want = c.expect
        .map((e) => ({ rule: e.rule, line: e.line, severity: LSP_SEVERITY[e.severity] }))
        .sort((a, b) => a.line - b.line || a.rule.localeCompare(b.rule));
      assert.deepEqual(got, want, `diagnostics published for ${c.file}`);
      // And what Neovim shows in the buffer: the same rules on the same (0-based) lines.
      const shown = file.shown
        .filter((d) => d.source === 'prodready' && c.rules.includes(d.code))
        .map((d) => ({ rule: d.code, line: d.lnum + 1, severity: d.severity }))
        .sort((a, b) => a.line - b.line || a.rule.localeCompare(b.rule));
      assert.deepEqual(shown, want, `diagnostics shown by vim.diagnostic for ${c.file}`);
    });
  }

  it(`an edit in the buffer (didChange) that adds a HEALTHCHECK clears ${NVIM_EDIT.rule}`, () => {
    assert.ok(result.edit && result.edit.updated, 'diagnostics were republished after the buffer edit');
    const before = result.files.find((f) => f.path === path.join(workspace, NVIM_EDIT.file));
    assert.ok(before.lsp.some((d) => d.code === NVIM_EDIT.rule), `${NVIM_EDIT.rule} was there before the edit`);
    assert.deepEqual(result.edit.lsp.filter((d) => d.code === NVIM_EDIT.rule), [], `${NVIM_EDIT.rule} is gone after the edit`);
  });
});
