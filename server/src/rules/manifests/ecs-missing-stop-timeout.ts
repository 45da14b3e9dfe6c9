import type { Fix, Rule, RuleFinding } from '../../engine/types';
import { addMember, describeEcs, ecsContainerAt, ecsFinding, essentialContainers, member } from './ecs';

export const ecsMissingStopTimeout: Rule = {
  id: 'ecs-missing-stop-timeout',
  family: 'manifests',
  kinds: ['ecs'],
  roles: ['service'],
  defaultSeverity: 'information',
  fix: 'safe',
  summary: 'An essential container of an ECS task definition does not set stopTimeout.',
  docs: {
    whatItDoes:
      'Flags each essential container (`essential` is true unless it says `false`) of an ECS task definition with no `stopTimeout`: bare, wrapped in `taskDefinition`, or CloudFormation `Properties` (`StopTimeout`), in JSON or in YAML (a `.yaml`/`.yml` template that declares an `AWS::ECS::TaskDefinition`, with its `!Ref`/`!Sub`/`!GetAtt` short forms; read as `ecs-missing-health-check` describes). A `StopTimeout` written as a function (`!Ref StopTimeout`) counts as set. The finding sits on the container\'s `"name"` member (`Name:` in YAML).',
    whyItMatters:
      'Checklist: "Graceful shutdown: handles SIGTERM, drains connections" and its ECS task definition pattern (`"stopTimeout": 30`). When ECS stops a task it sends SIGTERM and, after the stop timeout, SIGKILL. Without `stopTimeout` that window is whatever the platform says: 30 seconds on Fargate, the agent\'s `ECS_CONTAINER_STOP_TIMEOUT` on EC2 (30 seconds unless someone changed it on the instances). Written in the task definition, the drain time the service was built for travels with it and is reviewed with it. Default severity information: a missing `stopTimeout` is a note, not a defect. The default it leaves in place is the checklist\'s own 30 seconds (and the same as Kubernetes\' default grace period, whose absence prodready does not flag); what it costs is that the window is not written where it is reviewed, and on EC2 it is whatever the instances\' agent says. Where the app\'s own drain is known not to fit in the window, `drain-exceeds-grace-period` is the finding that says so.',
    example: {
      path: 'ecs/task-definition.json',
      code: '{\n  "taskDefinition": {\n    "family": "api",\n    "containerDefinitions": [\n      {\n        "name": "api",\n        "image": "registry.example.com/api:1.4.2",\n        "healthCheck": { "command": ["CMD-SHELL", "curl -f http://localhost:3000/health || exit 1"] }\n      }\n    ]\n  }\n}\n',
    },
    useInstead: {
      path: 'ecs/task-definition.json',
      code: '{\n  "taskDefinition": {\n    "family": "api",\n    "containerDefinitions": [\n      {\n        "name": "api",\n        "image": "registry.example.com/api:1.4.2",\n        "healthCheck": { "command": ["CMD-SHELL", "curl -f http://localhost:3000/health || exit 1"] },\n        "stopTimeout": 30\n      }\n    ]\n  }\n}\n',
    },
    fixSafety:
      'Safe: the fix adds `"stopTimeout": 30` (`"StopTimeout": 30` in CloudFormation, `StopTimeout: 30` in a YAML template) after the container\'s last member, indented like the file. 30 seconds is what Fargate and the default EC2 agent already use, so the fix writes down the behaviour the task has today; only on EC2 instances whose agent was configured with a different `ECS_CONTAINER_STOP_TIMEOUT` does the window change, to the checklist\'s 30 seconds. Raise it (up to 120) for services that need longer to drain.',
    references: [
      'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html',
      'https://aws.amazon.com/blogs/containers/graceful-shutdowns-with-ecs/',
    ],
  },

  check(ctx): RuleFinding[] {
    return essentialContainers(ctx.doc)
      .filter((c) => !member(c.object, c.keys.stopTimeout))
      .map((c) =>
        ecsFinding(
          c,
          `${describeEcs(c)} has no stopTimeout: the time it gets to drain between SIGTERM and SIGKILL is left to the platform's default instead of the task definition.`,
        ),
      );
  },

  fixes(finding, ctx): Fix[] {
    const container = ecsContainerAt(ctx.doc, finding.start);
    if (!container || member(container.object, container.keys.stopTimeout)) return [];
    const edit = addMember(ctx.doc, container, container.keys.stopTimeout, '30');
    if (!edit) return [];
    return [{ title: 'Set stopTimeout to 30 seconds', safe: true, edits: [{ ...edit, snippet: edit.newText.replace(/30$/, '${1:30}') }] }];
  },
};
