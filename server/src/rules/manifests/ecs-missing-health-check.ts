import type { Fix, Rule, RuleContext, RuleFinding } from '../../engine/types';
import { httpCheck, portCheck, serviceCheckFor, type HealthFacts } from './health-checks';
import { addMember, describeEcs, ecsContainerAt, ecsFinding, ecsPort, essentialContainers, member } from './ecs';

export const ecsMissingHealthCheck: Rule = {
  id: 'ecs-missing-health-check',
  family: 'manifests',
  kinds: ['ecs'],
  roles: ['service'],
  defaultSeverity: 'warning',
  fix: 'unsafe',
  summary: 'An essential container of an ECS task definition has no healthCheck.',
  docs: {
    whatItDoes:
      'Flags each essential container (`essential` is true unless it says `false`) of an ECS task definition that has no `healthCheck`. Task definitions are read bare (the `register-task-definition` input), wrapped in `taskDefinition` (the `describe-task-definition` output), or as CloudFormation (`Properties.ContainerDefinitions` of an `AWS::ECS::TaskDefinition`, alone or under `Resources`, with CloudFormation\'s capitalised keys), in JSON or in YAML. A YAML file is read as a CloudFormation template when its name ends in `.yaml`/`.yml` and it declares an `AWS::ECS::TaskDefinition` (a `Type:` line, or anywhere in a template with `AWSTemplateFormatVersion`); the short-form functions (`!Ref`, `!Sub`, `!GetAtt`, `!If`, `!Join`, ...) parse without warnings and, like their long forms (`{"Ref": ...}`), are values only known at deploy time. A container whose `essential` comes from a CloudFormation function is unknown and not flagged, and so is a `ContainerDefinitions` list chosen by one (`!If [...]`); a `HealthCheck` written as a function counts as present. A container that an `AWS::ECS::Service` of the same template registers with a load balancer (a `LoadBalancers` entry with its `ContainerName` and a `TargetGroupArn` or `LoadBalancerName`) is not flagged: the target group health-checks it (Elastic Load Balancing always checks instance and IP targets, on `/` unless `HealthCheckPath` says otherwise), and the ECS service stops and replaces a task the load balancer reports unhealthy, which is what a container health check would buy. A bare task definition (JSON) cannot show its service, so it is flagged even when a load balancer declared elsewhere checks it. The finding sits on the container\'s `"name"` member (`Name:` in YAML).',
    whyItMatters:
      'Checklist: "Health checks configured in orchestrator" and its ECS task definition pattern. Without a container health check, ECS only knows whether the process runs: a hung container stays RUNNING, the service never replaces it, and only a load balancer\'s own target check (when there is one) takes it out of rotation. With one, ECS marks the task unhealthy and the service scheduler replaces it.',
    example: {
      path: 'ecs/task-definition.json',
      code: '{\n  "family": "api",\n  "containerDefinitions": [\n    {\n      "name": "api",\n      "image": "registry.example.com/api:1.4.2",\n      "essential": true,\n      "portMappings": [{ "containerPort": 3000 }],\n      "stopTimeout": 30\n    }\n  ]\n}\n',
    },
    useInstead: {
      path: 'ecs/task-definition.json',
      code: '{\n  "family": "api",\n  "containerDefinitions": [\n    {\n      "name": "api",\n      "image": "registry.example.com/api:1.4.2",\n      "essential": true,\n      "portMappings": [{ "containerPort": 3000 }],\n      "stopTimeout": 30,\n      "healthCheck": {\n        "command": ["CMD-SHELL", "curl -f http://localhost:3000/health || exit 1"],\n        "interval": 30,\n        "timeout": 5,\n        "retries": 3,\n        "startPeriod": 60\n      }\n    }\n  ]\n}\n',
    },
    fixSafety:
      'Unsafe. The fix inserts the checklist\'s health check with interval 30, timeout 5, retries 3, startPeriod 60, indented like the file (keys capitalised in CloudFormation). For an image known as a database, broker or cache (the table in `health-checks.ts`) the command is its own client (`pg_isready`, `redis-cli ping`, ...); otherwise a check on the first `containerPort` of `portMappings` (8080 when none) with what the image has; with no health route known (the project model can pass one; then it is a GET of that route with the same tools, `wget -q --spider` on Alpine), the check asks only that the app answers on its port: `curl -so /dev/null http://localhost:<port>/` (any HTTP answer, even a 404, counts) by default, BusyBox `nc -z` on Alpine, `node -e` / `python -c` on slim and Alpine node and python images, and no fix for scratch and distroless images. The command runs inside the container: an image whose tools are not what its name says, or an app that answers on another port, makes every check fail, and ECS then stops and replaces the task over and over. Review it against the image before applying; fix-all never applies it.',
    references: [
      'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_HealthCheck.html',
      'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-ecs-taskdefinition-healthcheck.html',
      'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html',
    ],
  },

  check(ctx): RuleFinding[] {
    return essentialContainers(ctx.doc)
      // A container the template's own ECS service puts behind a load balancer is health-checked by its target group.
      .filter((c) => !member(c.object, c.keys.healthCheck) && !c.loadBalanced)
      .map((c) =>
        ecsFinding(
          c,
          `${describeEcs(c)} has no healthCheck: ECS only knows whether its process runs, so a hung container stays RUNNING and is never replaced.`,
        ),
      );
  },

  fixes: (finding, ctx) => ecsHealthCheckFixes(finding, ctx),
};

/**
 * The healthCheck fix, from what is known (`facts`: today the task definition itself; the project
 * model can pass the app's port, its health route and the image behind it).
 */
export function ecsHealthCheckFixes(finding: RuleFinding, ctx: RuleContext, facts: HealthFacts = {}): Fix[] {
  const container = ecsContainerAt(ctx.doc, finding.start);
  if (!container || member(container.object, container.keys.healthCheck)) return [];
  const k = container.keys;
  const imageNode = member(container.object, k.name === 'Name' ? 'Image' : 'image');
  const image = facts.image ?? (imageNode?.type === 'string' ? String(imageNode.value) : undefined);
  const known = serviceCheckFor(image);
  let argv: string[];
  let what: string;
  if (known) {
    if (known.shell) argv = ['CMD-SHELL', known.shell.replace(/\$\$/g, '$')];
    else if (known.exec) argv = ['CMD', ...known.exec];
    else return [];
    what = `${(known.exec ?? known.shell?.split(' ') ?? [])[0]} (${known.what})`;
  } else {
    const mapped = member(container.object, k.portMappings);
    // A check on a guessed port fails as surely as none: no fix until the port is known.
    if (facts.port === undefined && !(mapped?.type === 'array' && mapped.children?.length)) return [];
    const port = String(facts.port ?? ecsPort(container));
    const path = facts.healthPath;
    const check = path === undefined ? portCheck(port, image) : httpCheck(port, path, image);
    if (!check) return [];
    argv = check.tool === 'curl' || check.tool === 'wget' ? ['CMD-SHELL', check.shell] : ['CMD', ...check.argv];
    what = check.what;
  }
  const command = `[${argv.map((a) => JSON.stringify(a)).join(', ')}]`;
  const edit = addMember(ctx.doc, container, k.healthCheck, [
    [k.command, command],
    [k.interval, '30'],
    [k.timeout, '5'],
    [k.retries, '3'],
    [k.startPeriod, '60'],
  ]);
  if (!edit) return [];
  return [{ title: `Add healthCheck: ${what}`, safe: false, edits: [edit] }];
}
