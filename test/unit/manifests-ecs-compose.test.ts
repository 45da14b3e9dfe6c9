// ECS task definitions and compose files: what is and is not a container or a service to check.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, fixesFor } from '../../server/src/engine/analyze';
import { EMPTY_CONFIG } from '../../server/src/engine/config';
import { applyEdits } from '../../server/src/engine/edits';
import { prepare } from '../../server/src/engine/source';
import { registry } from '../../server/src/rules';

function run(path: string, text: string) {
  const prepared = prepare({ path: `/ws/${path}`, relativePath: path, text });
  if (prepared.status !== 'document') throw new Error(`${path} is not analysed`);
  const result = analyze(prepared.doc, { registry, config: EMPTY_CONFIG });
  assert.deepEqual(result.crashes, []);
  return { doc: prepared.doc, findings: result.findings };
}

describe('ECS task definitions', () => {
  test('findings sit on the "name" member of essential containers only', () => {
    const text = JSON.stringify(
      {
        family: 'api',
        containerDefinitions: [
          { name: 'api', image: 'api:1', portMappings: [{ containerPort: 3000 }] },
          { name: 'init', image: 'busybox', essential: false },
        ],
      },
      null,
      2,
    );
    const { findings } = run('ecs/task.json', text);
    assert.deepEqual(
      findings.map((f) => `${f.ruleId} ${text.slice(f.start, f.end)}`),
      ['ecs-missing-health-check "name": "api"', 'ecs-missing-stop-timeout "name": "api"'],
    );
  });

  test('the health check uses the container port, and both fixes together still parse', () => {
    const text = '{"containerDefinitions": [{"name": "web", "image": "python:3.12", "portMappings": [{"containerPort": 8000}]}]}\n';
    const { findings } = run('task.json', text);
    let fixed = text;
    for (const f of findings) {
      const again = run('task.json', fixed);
      const same = again.findings.find((x) => x.ruleId === f.ruleId)!;
      fixed = applyEdits(fixed, fixesFor(same, again.doc, { registry, config: EMPTY_CONFIG })[0].edits);
    }
    const parsed = JSON.parse(fixed);
    assert.deepEqual(parsed.containerDefinitions[0].healthCheck, {
      command: ['CMD-SHELL', 'curl -so /dev/null http://localhost:8000/ || exit 1'],
      interval: 30,
      timeout: 5,
      retries: 3,
      startPeriod: 60,
    });
    assert.equal(parsed.containerDefinitions[0].stopTimeout, 30);
  });

  test('a file that is not JSON gets one diagnostic and no findings', () => {
    const { findings } = run('task.json', '{"containerDefinitions": [{"name": "a",, }]\n');
    assert.deepEqual(findings.map((f) => f.ruleId), ['unparsable-file']);
  });

  test('a CloudFormation template in YAML: short-form functions parse, findings sit on Name, and fixes still parse', () => {
    const text = [
      "AWSTemplateFormatVersion: '2010-09-09'",
      'Resources:',
      '  Task:',
      '    Type: AWS::ECS::TaskDefinition',
      '    Properties:',
      "      Family: !Sub '${AWS::StackName}-api'",
      '      ContainerDefinitions:',
      '        - Name: api',
      "          Image: '{{resolve:ssm:/api/image}}'",
      '          PortMappings: [{ ContainerPort: 8000 }]',
      '          Secrets:',
      '            - Name: DB_PASSWORD',
      '              ValueFrom: !GetAtt [DbSecret, Arn]',
      '',
    ].join('\n');
    const { doc, findings } = run('infra/api.yaml', text);
    assert.deepEqual(doc.yaml.documents.flatMap((d) => [...d.errors, ...d.warnings]), []);
    assert.deepEqual(findings.map((f) => `${f.ruleId} ${text.slice(f.start, f.end)}`), ['ecs-missing-health-check Name: api', 'ecs-missing-stop-timeout Name: api']);
    // The image comes from SSM at deploy time: what its health check should run is unknown, so no fix.
    const health = findings.find((f) => f.ruleId === 'ecs-missing-health-check')!;
    assert.deepEqual(fixesFor(health, doc, { registry, config: EMPTY_CONFIG }), []);
    const stop = findings.find((f) => f.ruleId === 'ecs-missing-stop-timeout')!;
    const fixed = applyEdits(text, fixesFor(stop, doc, { registry, config: EMPTY_CONFIG })[0].edits);
    const after = run('infra/api.yaml', fixed);
    assert.deepEqual(after.findings.map((f) => f.ruleId), ['ecs-missing-health-check']);
    assert.deepEqual(after.doc.yaml.documents.flatMap((d) => [...d.errors, ...d.warnings]), []);
    const container = after.doc.yaml.documents[0].toJS().Resources.Task.Properties.ContainerDefinitions[0];
    assert.equal(container.StopTimeout, 30);
  });

  test('a YAML template that does not parse gets one diagnostic and no findings', () => {
    const text = 'AWSTemplateFormatVersion: 2010-09-09\nResources:\n  Task:\n    Type: AWS::ECS::TaskDefinition\n    Properties: [\n';
    const { findings } = run('stack.yaml', text);
    assert.deepEqual(findings.map((f) => f.ruleId), ['unparsable-file']);
  });
});

describe('compose', () => {
  test('an override fragment (no image, no build) and a templated service key are not services to check', () => {
    const text = 'services:\n  api:\n    ports: ["9229:9229"]\n  "{{ name }}":\n    image: x\n  web:\n    image: registry.example.com/shop/web:1.2.0\n';
    const { findings } = run('compose.yaml', text);
    assert.deepEqual(findings.map((f) => `${f.ruleId} ${text.slice(f.start, f.end)}`), ['compose-missing-healthcheck web']);
    // docker-compose.override.yml is, by convention, the local development layer: the project model says `dev`.
    assert.deepEqual(run('docker-compose.override.yml', text).findings, []);
  });
});
