// The CLI as CI runs it: the bundled `dist/cli.js`, its stdout, stderr and exit code.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { registry } from '../server/src/rules';
import { writeTree as write } from './support/files';

const CLI = path.resolve(__dirname, '..', 'dist', 'cli.js');

function run(args: string[], cwd: string) {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}


interface SarifLog {
  version: string;
  runs: Array<{
    tool: { driver: { rules: Array<{ id: string }> } };
    results: Array<{
      ruleId: string;
      level: string;
      suppressions?: unknown;
      locations: Array<{ physicalLocation: { region: unknown; artifactLocation: { uri: string } } }>;
    }>;
  }>;
}

const UNHEALTHY = 'FROM node:20-slim\nEXPOSE 3000\nCMD ["node", "server.js"]\n';
const HEALTHY = 'FROM node:20-slim\nHEALTHCHECK NONE\nCMD ["node", "worker.js"]\n';

describe('prodready check', () => {
  let dir: string;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prodready-cli-'));
    write(dir, {
      'api/Dockerfile': UNHEALTHY,
      'worker/Dockerfile': HEALTHY,
      'node_modules/some-lib/Dockerfile': UNHEALTHY,
      'generated/Dockerfile': UNHEALTHY,
      '.gitignore': 'generated/\n',
      'README.md': '# not analysed\n',
    });
  });

  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('text: file:line:col, severity, message and rule id; .gitignore and node_modules honoured', () => {
    const { code, stdout, stderr } = run(['check', '.'], dir);
    assert.equal(stderr, '');
    assert.equal(code, 0, 'an information finding does not fail the run by default');
    assert.equal(
      stdout,
      'api/Dockerfile:1:1: information The final stage has no HEALTHCHECK: Docker and Compose cannot tell a hung container from a healthy one. Add one, or `HEALTHCHECK NONE` to make the choice explicit. [dockerfile-missing-healthcheck]\n' +
        '\n1 problem (1 info) in 2 files\n',
    );
  });

  test('json: the contract in DESIGN.md', () => {
    const { code, stdout } = run(['check', 'api', 'worker', '--format', 'json'], dir);
    assert.equal(code, 0);
    const report = JSON.parse(stdout);
    assert.deepEqual(Object.keys(report), ['version', 'findings', 'summary']);
    assert.equal(report.version, 1);
    assert.deepEqual(report.findings, [
      {
        ruleId: 'dockerfile-missing-healthcheck',
        severity: 'information',
        file: 'api/Dockerfile',
        line: 1,
        column: 1,
        endLine: 1,
        endColumn: 18,
        message:
          'The final stage has no HEALTHCHECK: Docker and Compose cannot tell a hung container from a healthy one. Add one, or `HEALTHCHECK NONE` to make the choice explicit.',
        fixes: [{ title: 'Add HEALTHCHECK: HTTP answers on port 3000 with node', safe: false }],
      },
    ]);
    assert.deepEqual(Object.keys(report.summary), ['files', 'findings', 'durationMs']);
    assert.equal(report.summary.files, 2);
    assert.equal(report.summary.findings, 1);
    assert.equal(typeof report.summary.durationMs, 'number');
  });

  test('sarif: valid SARIF 2.1.0, with results and with none', () => {
    const schemaPath = require.resolve('@microsoft/sarif-multitool-linux/sarif-2.1.0.json');
    const schema = JSON.parse(fs.readFileSync(schemaPath, 'utf8'));
    const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
    const validate = ajv.compile(schema);
    for (const target of ['.', 'worker']) {
      const { code, stdout } = run(['check', target, '--format', 'sarif'], dir);
      assert.equal(code, 0);
      const log = JSON.parse(stdout) as SarifLog;
      assert.ok(validate(structuredClone(log)), JSON.stringify(validate.errors, null, 2));
      assert.equal(log.version, '2.1.0');
      const results = log.runs[0].results;
      assert.equal(results.length, target === '.' ? 1 : 0);
      assert.deepEqual(
        log.runs[0].tool.driver.rules.map((r) => r.id).slice(0, registry.all.length),
        registry.all.map((r) => r.id),
      );
      if (results.length) {
        assert.equal(results[0].level, 'note');
        assert.deepEqual(results[0].locations[0].physicalLocation.region, { startLine: 1, startColumn: 1, endLine: 1, endColumn: 18 });
        assert.equal(results[0].locations[0].physicalLocation.artifactLocation.uri, 'api/Dockerfile');
      }
    }
  });

  test('sarif records suppressed findings as suppressions; --ignore-suppressions reports them', () => {
    const parity = path.resolve(__dirname, 'workspaces', 'parity');
    const log = JSON.parse(run(['check', 'deploy', '--format', 'sarif'], parity).stdout) as SarifLog;
    const suppressed = log.runs[0].results.filter((r) => r.suppressions).map((r) => [r.ruleId, r.suppressions]);
    assert.deepEqual(suppressed, [
      ['missing-readiness-probe', [{ kind: 'inSource', justification: 'consumes a queue; nothing routes to it' }]],
      ['missing-resource-limits', [{ kind: 'external', justification: '.prodready.yaml ignore: Deployment/third-party/vendor-chart' }]],
    ]);
    const json = JSON.parse(run(['check', 'deploy', '--format', 'json'], parity).stdout);
    assert.ok(!json.findings.some((f: { ruleId: string }) => f.ruleId === 'missing-readiness-probe'), 'json holds only active findings');
    const all = JSON.parse(run(['check', 'deploy', '--format', 'json', '--ignore-suppressions'], parity).stdout);
    assert.deepEqual(
      all.findings.map((f: { ruleId: string; line: number }) => `${f.line} ${f.ruleId}`),
      ['17 missing-liveness-probe', '17 missing-prestop-hook', '17 missing-readiness-probe', '17 missing-resource-limits', '35 missing-resource-limits'],
    );
  });

  test('exit codes: 1 at or above --fail-on, 0 below it, 0 when clean', () => {
    assert.equal(run(['check', '.', '--fail-on', 'information'], dir).code, 1);
    assert.equal(run(['check', '.', '--fail-on', 'warning'], dir).code, 0);
    assert.equal(run(['check', 'worker', '--fail-on', 'hint'], dir).code, 0);
    assert.equal(run(['check', '.', '--fail-on', 'none'], dir).code, 0);
    const warnings = fs.mkdtempSync(path.join(os.tmpdir(), 'prodready-cli-warnings-'));
    write(warnings, { '.prodready.yaml': 'rules:\n  dockerfile-missing-healthcheck: warning\n', 'a/Dockerfile': UNHEALTHY, 'b/Dockerfile': UNHEALTHY });
    assert.equal(run(['check', '.', '--fail-on', 'error', '--max-warnings', '2'], warnings).code, 0);
    assert.equal(run(['check', '.', '--fail-on', 'error', '--max-warnings', '1'], warnings).code, 1);
    fs.rmSync(warnings, { recursive: true, force: true });
  });

  test('exit 2 with one line on stderr: a missing path, a bad option, a bad config', () => {
    const missing = run(['check', 'does-not-exist'], dir);
    assert.equal(missing.code, 2);
    assert.equal(missing.stdout, '');
    assert.equal(missing.stderr, 'prodready: does-not-exist: no such file or directory\n');

    const badFormat = run(['check', '.', '--format', 'xml'], dir);
    assert.equal(badFormat.code, 2);
    assert.equal(badFormat.stderr, "prodready: --format must be text, json or sarif, not 'xml'\n");

    const unknown = run(['check', '--frobnicate'], dir);
    assert.equal(unknown.code, 2);
    assert.equal(unknown.stderr.split('\n').length, 2);

    const configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'prodready-cli-config-'));
    write(configDir, { 'Dockerfile': UNHEALTHY, '.prodready.yaml': 'rules:\n  dockerfile-missing-healthcheck: loud\n' });
    const badConfig = run(['check', '.'], configDir);
    assert.equal(badConfig.code, 2);
    assert.equal(badConfig.stdout, '');
    assert.equal(
      badConfig.stderr,
      'prodready: .prodready.yaml: Bad severity "loud": use one of error, warning, information, hint, off.\n',
    );
    fs.rmSync(configDir, { recursive: true, force: true });
  });

  test('.prodready.yaml: the nearest file applies', () => {
    const configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'prodready-cli-nested-'));
    write(configDir, {
      '.prodready.yaml': 'rules:\n  dockerfile-missing-healthcheck: error\n',
      'a/Dockerfile': UNHEALTHY,
      'b/Dockerfile': UNHEALTHY,
      'b/.prodready.yaml': 'rules:\n  dockerfile-missing-healthcheck: off\n',
    });
    const { code, stdout } = run(['check', '.', '--format', 'json'], configDir);
    assert.equal(code, 1);
    const findings = JSON.parse(stdout).findings;
    assert.deepEqual(findings.map((f: { file: string; severity: string }) => [f.file, f.severity]), [['a/Dockerfile', 'error']]);
    fs.rmSync(configDir, { recursive: true, force: true });
  });
});

describe('prodready check --fix', () => {
  const WORKSPACE = path.resolve(__dirname, 'workspaces', 'fix');

  function tree(root: string): Record<string, string> {
    const out: Record<string, string> = {};
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const abs = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(abs);
        else out[path.relative(root, abs)] = fs.readFileSync(abs, 'utf8');
      }
    };
    walk(root);
    return out;
  }

  test('applies safe fixes only, equals the golden tree, and a second run changes nothing', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prodready-fix-'));
    fs.cpSync(path.join(WORKSPACE, 'input'), dir, { recursive: true });
    const first = run(['check', '.', '--fix'], dir);
    assert.equal(first.stderr, '');
    assert.match(first.stdout, /^fixed 2 problems in src\/client\.ts$/m);
    assert.equal(first.code, 1, 'what --fix may not fix (unsafe fixes) still fails the run');
    assert.deepEqual(tree(dir), tree(path.join(WORKSPACE, 'expected')));

    const second = run(['check', '.', '--fix'], dir);
    assert.doesNotMatch(second.stdout, /^fixed /m);
    assert.deepEqual(tree(dir), tree(path.join(WORKSPACE, 'expected')));
    assert.deepEqual(
      fs.readdirSync(path.join(dir, 'src')).filter((f) => f.includes('.tmp')),
      [],
      'no temporary files left behind',
    );
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('prodready rules', () => {
  test('lists every rule with its family and default severity', () => {
    const { code, stdout } = run(['rules', '--format', 'json'], os.tmpdir());
    assert.equal(code, 0);
    assert.deepEqual(
      JSON.parse(stdout).map((r: { id: string; family: string; defaultSeverity: string }) => [r.id, r.family, r.defaultSeverity]),
      registry.all.map((r) => [r.id, r.family, r.defaultSeverity]),
    );
    const text = run(['rules'], os.tmpdir());
    assert.equal(text.stdout.trim().split('\n').length, registry.all.length);
    assert.match(text.stdout, /^dockerfile-missing-healthcheck\s+manifests\s+information\s+/m);
  });
});

// The drain bound is an upper bound: the message says what the deadline cuts (requests still running),
// and a preStop sleep that takes the whole grace period leaves the app only the kubelet's 2 s extension
// (the shapes of bank-of-anthos' frontend manifests: gunicorn's default 30 s under a 5 s grace period,
// and a 60 s preStop sleep under a 60 s one).
describe('prodready check: drain-exceeds-grace-period says what the kill deadline cuts', () => {
  const deployment = (grace: number, preStop: number | undefined) =>
    [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: front',
      'spec:',
      '  template:',
      '    spec:',
      `      terminationGracePeriodSeconds: ${grace}`,
      '      containers:',
      '        - name: front',
      '          image: ghcr.io/acme/front:1.0.0',
      ...(preStop === undefined ? [] : ['          lifecycle:', '            preStop:', '              exec:', `                command: ["sleep", "${preStop}"]`]),
      '          env:',
      '            - name: PORT',
      '              value: "8080"',
      '',
    ].join('\n');

  test('gunicorn default under a short grace period, and a preStop sleep that takes all of it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prodready-cli-drain-'));
    write(dir, {
      'front/requirements.txt': 'flask==3.0.0\ngunicorn==22.0.0\n',
      'front/app.py': 'from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.route("/ready")\ndef ready():\n    return "ok"\n',
      'front/Dockerfile': 'FROM python:3.12-slim\nCOPY . .\nCMD ["gunicorn", "-b", ":8080", "app:app"]\n',
      'front/k8s/short.yaml': deployment(5, undefined),
      'front/k8s/prestop.yaml': deployment(60, 60),
    });
    const { stdout } = run(['check', '.', '--format', 'json', '--fail-on', 'none'], dir);
    const drains = (JSON.parse(stdout).findings as Array<{ ruleId: string; file: string; line: number; message: string }>).filter(
      (f) => f.ruleId === 'drain-exceeds-grace-period',
    );
    assert.deepEqual(drains.map((f) => [f.file, f.line]).sort(), [['front/k8s/prestop.yaml', 8], ['front/k8s/short.yaml', 8]]);
    const messageFor = (name: string) => drains.find((f) => f.file === `front/k8s/${name}`)?.message;
    assert.match(String(messageFor('short.yaml')), /drains for up to 30 s \(gunicorn's default.*SIGKILL lands mid-drain whenever requests are still running 5 s after SIGTERM\.$/);
    assert.match(String(messageFor('prestop.yaml')), /after a 60 s preStop sleep.*the preStop sleep takes the whole grace period, so the app gets SIGTERM only in the kubelet's 2 s extension/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
