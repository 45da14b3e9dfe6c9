import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { classify } from '../../server/src/engine/classify';
import { LineIndex } from '../../server/src/engine/lines';
import { readRules, type ConfigProblem } from '../../server/src/engine/config';
import { ConfigLoader } from '../../server/src/engine/config-file';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { applyEdits, minimalEdit } from '../../server/src/engine/edits';
import { ParsedDocument } from '../../server/src/engine/document';
import { maskTemplateActions } from '../../server/src/engine/helm';
import { registry } from '../../server/src/rules';
import { goldenPathFor, readExpectations } from '../support/fixtures';
import { mulberry32 } from '../support/random';
import { ts } from 'ts-morph';

describe('classify', () => {
  const cases: Array<[string, string, string | undefined]> = [
    ['src/server.ts', '', 'js'],
    ['src/App.tsx', '', 'js'],
    ['lib/index.cjs', '', 'js'],
    ['types/index.d.ts', '', undefined],
    ['public/vendor.min.js', '', undefined],
    ['Dockerfile', '', 'dockerfile'],
    ['docker/api.Dockerfile', '', 'dockerfile'],
    ['Dockerfile.prod', '', 'dockerfile'],
    ['compose.yaml', 'services: {}', 'compose'],
    ['docker-compose.override.yml', '', 'compose'],
    ['deploy/api.yaml', 'apiVersion: apps/v1\nkind: Deployment\n', 'kubernetes'],
    ['stack.yml', 'services:\n  web:\n    image: nginx\n', 'compose'],
    ['.github/workflows/ci.yml', 'on: push\njobs: {}\n', undefined],
    ['.prodready.yaml', 'apiVersion: x\nkind: y\n', undefined],
    ['task.json', '{ "family": "x", "containerDefinitions": [] }', 'ecs'],
    ['infra/service.yaml', "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  T: {Type: AWS::ECS::TaskDefinition}\n", 'ecs'],
    ['infra/task.yml', 'Resources:\n  Task:\n    Type: "AWS::ECS::TaskDefinition"\n', 'ecs'],
    ['infra/network.yaml', "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Vpc:\n    Type: AWS::EC2::VPC\n", undefined],
    ['docs/notes.yaml', 'text: see AWS::ECS::TaskDefinition in the CloudFormation docs\n', undefined],
    ['package.json', '{ "name": "x" }', undefined],
  ];
  for (const [file, text, kind] of cases) {
    test(`${file} -> ${kind ?? 'not analysed'}`, () => assert.equal(classify(file, text), kind));
  }
  test('the editor language id wins for untitled documents', () => {
    assert.equal(classify('Untitled-1', 'FROM x', 'dockerfile'), 'dockerfile');
    assert.equal(classify('Untitled-2', 'const x = 1', 'typescript'), 'js');
  });
});

describe('LineIndex', () => {
  test('LF and CRLF line starts, positions and offsets round-trip', () => {
    for (const eol of ['\n', '\r\n']) {
      const text = ['first', '', 'third line'].join(eol);
      const lines = new LineIndex(text);
      assert.equal(lines.lineCount, 3);
      assert.equal(lines.eol, eol);
      const third = text.indexOf('third');
      assert.deepEqual(lines.positionAt(third + 2), { line: 2, character: 2 });
      assert.equal(lines.offsetAt({ line: 2, character: 2 }), third + 2);
      assert.equal(lines.lineText(0), 'first');
      assert.equal(lines.offsetAt({ line: 0, character: 99 }), 5, 'clamped to the end of the line');
    }
  });
});

describe('config', () => {
  test('reads levels and options, and reports what it cannot use', () => {
    const problems: ConfigProblem[] = [];
    const rules = readRules(
      { 'dockerfile-missing-healthcheck': 'off', 'no-such-rule': 'error', 'dockerfile-missing-healthcheck-x': { severity: 'loud' } },
      registry,
      problems,
    );
    assert.deepEqual(rules, { 'dockerfile-missing-healthcheck': { severity: 'off' } });
    assert.deepEqual(
      problems.map((p) => p.path.join('.')),
      ['rules.no-such-rule', 'rules.dockerfile-missing-healthcheck-x'],
    );
    assert.match(problems[1].message, /Did you mean 'dockerfile-missing-healthcheck'/);
  });

  test('a config file caught half-written (empty) while the client reports changes does not become the last good one', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prodready-config-race-'));
    try {
      const file = path.join(dir, '.prodready.yaml');
      const source = path.join(dir, 'api', 'Dockerfile');
      const excluded = (configs: ConfigLoader) => configs.configFor(source, dir).exclude.includes('api/**');
      const writeLater = (text: string) => {
        fs.writeFileSync(file, text);
        const later = new Date(Date.now() + 5000); // another modification time, as a later write has
        fs.utimesSync(file, later, later);
      };
      for (const reported of [false, true]) {
        fs.writeFileSync(file, 'exclude: ["api/**"]\n');
        const configs = new ConfigLoader(registry);
        if (reported) configs.changesAreReported();
        assert.equal(excluded(configs), true);
        writeLater(''); // another program truncated it and has not written it yet; a lookup comes in between
        assert.equal(excluded(configs), reported, reported ? 'kept until the change is reported' : 'read again by its modification time');
        writeLater('rules:\n  dockerfile-missing-healthcheck: [error\n'); // what it wrote: broken
        configs.forget(file); // the change reported
        const [read] = configs.configFilesFor(source, dir);
        assert.equal(read.unusable, true);
        assert.equal(excluded(configs), reported, reported ? 'the last good file stays in effect' : 'the empty file was the last good one');
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('edits', () => {
  test('applies non-overlapping edits and refuses overlapping ones', () => {
    assert.equal(applyEdits('abcdef', [{ start: 4, end: 5, newText: 'X' }, { start: 0, end: 1, newText: 'Y' }]), 'YbcdXf');
    assert.throws(() => applyEdits('abcdef', [{ start: 0, end: 3, newText: '' }, { start: 2, end: 4, newText: '' }]), /overlapping/);
  });
  test('minimalEdit keeps the common prefix and suffix', () => {
    assert.deepEqual(minimalEdit('const a = 1;', 'const ab = 1;'), { start: 7, end: 7, newText: 'b' });
  });
});

describe('incremental TypeScript parse', () => {
  test('a new version reuses the previous tree and parses the same as a fresh parse', () => {
    const v1 = new ParsedDocument({ path: '/w/a.ts', relativePath: 'a.ts', text: 'const a = 1;\nfetch(url);\n', kind: 'js', version: 1 });
    assert.equal(v1.sourceFile.statements.length, 2);
    const v2 = new ParsedDocument({ path: '/w/a.ts', relativePath: 'a.ts', text: 'const a = 1;\nfetch(url, {});\nfoo();\n', kind: 'js', version: 2 }, v1);
    const fresh = new ParsedDocument({ path: '/w/a.ts', relativePath: 'a.ts', text: v2.text, kind: 'js' });
    const shape = (doc: ParsedDocument) => doc.sourceFile.statements.map((s) => [s.kind, s.pos, s.end]);
    assert.deepEqual(shape(v2), shape(fresh));
    assert.equal(v2.sourceFile.text, v2.text);
  });
});

describe('Helm masking', () => {
  test('blanks template actions with offsets and line breaks unchanged', () => {
    const text = 'image: {{ .Values.image }}\n{{- include "x" . | nindent 8 }}\nname: a\n';
    const { text: masked, actions } = maskTemplateActions(text);
    assert.equal(masked.length, text.length);
    assert.equal(masked.split('\n').length, text.split('\n').length);
    assert.equal(actions.length, 2);
    assert.match(masked.split('\n')[0], /^image:[^{}]*$/);
    assert.equal(masked.split('\n')[2], 'name: a');
  });
});

describe('fixture harness', () => {
  test('reads trailing and whole-line expectations, with message fragments', () => {
    const text = [
      'fetch(url); // expect: http-call-without-timeout',
      '# expect: missing-liveness-probe, missing-readiness-probe "readiness"',
      '',
      '- name: api',
      'x # no expectation here',
    ].join('\n');
    assert.deepEqual(readExpectations(text), [
      { ruleId: 'http-call-without-timeout', line: 0 },
      { ruleId: 'missing-liveness-probe', line: 3 },
      { ruleId: 'missing-readiness-probe', messageIncludes: 'readiness', line: 3 },
    ]);
  });
  test('golden file names', () => {
    assert.equal(goldenPathFor('/a/Dockerfile'), '/a/Dockerfile.fixed');
    assert.equal(goldenPathFor('/a/deploy.yaml'), '/a/deploy.fixed.yaml');
    assert.equal(goldenPathFor('/a/app.test.ts'), '/a/app.fixed.test.ts');
  });
});

describe('line starts shared with TypeScript', () => {
  const typescriptLineStarts = (text: string): readonly number[] => ts.createSourceFile('t.ts', text, ts.ScriptTarget.Latest).getLineStarts();
  test('the engine breaks lines where TypeScript does, for text without U+2028/U+2029', () => {
    const random = mulberry32(2212);
    for (let i = 0; i < 5000; i++) {
      let text = '';
      const length = Math.floor(random() * 14);
      for (let j = 0; j < length; j++) text += ['a', '\r', '\n', ' ', 'b'][Math.floor(random() * 5)];
      assert.deepEqual(new LineIndex(text).startOffsets(), typescriptLineStarts(text), JSON.stringify(text));
    }
  });

  test('a tree answers positions from the document\'s line map; with U+2028 in the text it keeps its own', () => {
    const plain = new ParsedDocument({ path: '/w/a.ts', relativePath: 'a.ts', text: 'const a = 1;\r\nconst b = 2;\nfoo();\n', kind: 'js' });
    const call = plain.sourceFile.statements[2];
    assert.deepEqual(plain.sourceFile.getLineAndCharacterOfPosition(call.getStart(plain.sourceFile)), { line: 2, character: 0 });
    assert.equal(plain.sourceFile.getLineStarts(), plain.lines.startOffsets(), 'one array for both');
    const separated = new ParsedDocument({ path: '/w/b.ts', relativePath: 'b.ts', text: "const s = 'a\u2028b';\nfoo();\n", kind: 'js' });
    assert.deepEqual(separated.sourceFile.getLineStarts(), typescriptLineStarts(separated.text));
    assert.notEqual(separated.sourceFile.getLineStarts(), separated.lines.startOffsets());
  });
});

describe('TypeScript namespace', () => {
  // Through `import { ts } from 'ts-morph'` a bundle reads every member through three getters
  // (engine/ts.ts); one module imports it and every other reads it from there. The engine bundle
  // gives `ts-morph` as TypeScript's namespace alone (esbuild.mjs: ts-morph's wrapper and its lib
  // files are not loaded), so nothing else may be imported from it at run time.
  test('only engine/ts.ts imports from ts-morph at run time, and only ts (type imports aside)', () => {
    const fs = require('node:fs') as typeof import('node:fs');
    const path = require('node:path') as typeof import('node:path');
    const root = path.resolve(__dirname, '..', '..', 'server', 'src');
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (entry.name.endsWith('.ts')) {
          const text = fs.readFileSync(full, 'utf8');
          const imports = [...text.matchAll(/^import\s+(?!type\b)([^;]*?)\s+from\s+'ts-morph'/gm)].map((m) => m[1]);
          const allowed = full === path.join(root, 'engine', 'ts.ts') && imports.every((names) => /^\{\s*ts(?:\s+as\s+\w+)?\s*\}$/.test(names));
          if ((imports.length > 0 && !allowed) || /require\(\s*'ts-morph'\s*\)/.test(text)) offenders.push(path.relative(root, full));
        }
      }
    };
    walk(root);
    assert.deepEqual(offenders, []);
  });
});
