import { isMap, isScalar, isSeq, type Node, type YAMLMap } from 'yaml';
import * as path from 'node:path';
import type { Fix, Rule, RuleContext, RuleFinding } from '../../engine/types';
import { composeOneShot, isStockImage } from '../../engine/model/manifest-roles';
import { builtDockerfile } from '../../engine/model/compose-links';
import { httpCheck, portCheck, portFromEnv, serviceCheckFor, type HealthFacts } from './health-checks';
import { addToMap, asMap, getMap, getPair, getString, getValue, indentStep, keyText, resolve, templated, type YamlEntries, type YamlScope } from './yaml-tools';

interface Options {
  includeStockImages: boolean;
}

export interface Service {
  scope: YamlScope;
  name: string;
  map: YAMLMap;
  key: [number, number];
}

/** Once per document version: `fixes` asks for every finding. */
function services(ctx: RuleContext<Options>): Service[] {
  let out = servicesOf.get(ctx.doc);
  if (!out) servicesOf.set(ctx.doc, (out = findServices(ctx)));
  return out;
}

const servicesOf = new WeakMap<RuleContext['doc'], Service[]>();

function findServices(ctx: RuleContext<Options>): Service[] {
  const out: Service[] = [];
  for (const document of ctx.doc.yaml.documents) {
    if (document.errors.length > 0) continue;
    const scope: YamlScope = { doc: ctx.doc, document };
    const root = asMap(document.contents, scope);
    const servicesMap = root && getMap(root, 'services', scope);
    if (!servicesMap) continue;
    for (const pair of servicesMap.items) {
      const name = keyText(pair);
      const map = asMap(pair.value, scope);
      const key = pair.key as Node | null;
      if (!name || !map || !key?.range || templated(scope, key.range[0], key.range[1])) continue;
      // Neither image nor build: an override fragment (docker-compose.override.yml) or not a service at all.
      if (!getPair(map, 'image', scope) && !getPair(map, 'build', scope) && !getPair(map, 'extends', scope)) continue;
      out.push({ scope, name, map, key: [key.range[0], key.range[1]] });
    }
  }
  return out;
}

/** No healthcheck and no way one comes from elsewhere (`extends` pulls in another definition). */
function lacksHealthcheck(service: Service): boolean {
  const { map, scope } = service;
  if (getPair(map, 'extends', scope)) return false;
  return getPair(map, 'healthcheck', scope) === undefined;
}

/** The stage of the workspace's Dockerfile that the service builds (the project model's link), when it builds one. */
function builtImage(ctx: RuleContext<Options>, service: Service) {
  const build = getValue(service.map, 'build', service.scope);
  const built = build !== undefined ? builtDockerfile(path.posix.dirname(ctx.doc.path), resolve(build, service.scope) as Node | undefined) : undefined;
  return built && ctx.workspace.dockerfileStage(built.dockerfile, built.target);
}

/**
 * Whether the project model says the service needs a healthcheck of its own: it runs for as long as
 * the stack does, it is the project's (built here, or not a stock dependency or tool), and the image
 * it builds carries no HEALTHCHECK (Compose uses the image's).
 */
function needsHealthcheck(ctx: RuleContext<Options>, service: Service, all: readonly Service[]): boolean {
  const build = getValue(service.map, 'build', service.scope);
  const image = builtImage(ctx, service);
  if (composeOneShot(service, all, image?.command)) return false;
  if (ctx.options.includeStockImages !== true) {
    // A stock image as published, or rebuilt with a few files and no command of its own (an nginx with its config).
    if (build === undefined && isStockImage(getString(service.map, 'image', service.scope))) return false;
    if (image && !image.command && isStockImage(image.base)) return false;
  }
  if (image?.healthcheckLine !== undefined) return false;
  // An image it runs by name that this repository builds, in a stage with a HEALTHCHECK, every build of it: Compose uses it.
  const named = build === undefined ? getString(service.map, 'image', service.scope) : undefined;
  const stages = named ? ctx.workspace.stagesBuiltAs?.(named) : undefined;
  if (stages && stages.length > 0 && stages.every((s) => s.healthcheckLine !== undefined)) return false;
  return true;
}

/** The container port the service shows: from `ports` (short or long syntax), `expose`, or `environment.PORT`. */
function servicePort(service: Service): string | undefined {
  const { map, scope } = service;
  for (const key of ['ports', 'expose']) {
    const seq = resolve(getValue(map, key, scope), scope);
    if (!isSeq(seq)) continue;
    for (const item of seq.items) {
      const node = resolve(item, scope);
      if (isScalar(node)) {
        // "8080:80", "127.0.0.1:8080:80/tcp", "3000", 3000: the container port is the last part.
        const text = String(node.value ?? '');
        const match = /(?:^|:)(\d+)(?:\/tcp)?$/.exec(text);
        if (match && !text.endsWith('/udp')) return match[1];
      } else if (isMap(node)) {
        const target = getString(node, 'target', scope);
        if (target && /^\d+$/.test(target) && getString(node, 'protocol', scope) !== 'udp') return target;
      }
    }
  }
  return environmentPort(service);
}

/** `environment: { PORT: 3000 }` or `environment: [PORT=3000]`. */
function environmentPort(service: Service): string | undefined {
  const { map, scope } = service;
  const env = resolve(getValue(map, 'environment', scope), scope);
  if (isMap(env)) return portFromEnv(getString(env, 'PORT', scope));
  if (isSeq(env)) {
    for (const item of env.items) {
      const node = resolve(item, scope);
      const m = isScalar(node) ? /^PORT=(.*)$/.exec(String(node.value ?? '')) : null;
      if (m) return portFromEnv(m[1]);
    }
  }
  return undefined;
}

const flow = (argv: readonly string[]) => `[${argv.map((a) => JSON.stringify(a)).join(', ')}]`;

/**
 * A check that fits the image (see health-checks.ts): the well-known databases, brokers and caches
 * have their own clients; an HTTP service gets a GET with a program its image has. Undefined when
 * nothing in the image can check it.
 */
export function healthTest(service: Service, facts: HealthFacts = {}): { test: string; what: string } | undefined {
  const image = facts.image ?? getString(service.map, 'image', service.scope);
  const known = serviceCheckFor(image);
  if (known) {
    const what = `${(known.exec ?? known.shell?.split(' ') ?? [])[0]} (${known.what})`;
    if (known.shell) return { test: flow(['CMD-SHELL', known.shell]), what };
    if (known.exec) return { test: flow(['CMD', ...known.exec]), what };
    return undefined;
  }
  const shown = facts.port ?? servicePort(service);
  // A check on a guessed port fails as surely as none: no fix until the port is known.
  if (shown === undefined) return undefined;
  const port = String(shown);
  const path = facts.healthPath;
  const check = path === undefined ? portCheck(port, image) : httpCheck(port, path, image);
  if (!check) return undefined;
  const test = check.tool === 'curl' || check.tool === 'wget' ? flow(['CMD-SHELL', check.shell]) : flow(['CMD', ...check.argv]);
  return { test, what: check.what };
}

export const composeMissingHealthcheck: Rule<Options> = {
  id: 'compose-missing-healthcheck',
  family: 'manifests',
  kinds: ['compose'],
  roles: ['service'],
  defaultSeverity: 'warning',
  fix: 'unsafe',
  summary: 'A docker-compose service has no healthcheck.',
  options: {
    includeStockImages: {
      type: 'boolean',
      default: false,
      description:
        'Also check services that run a stock third-party image as published (postgres, redis, rabbitmq, kafka, elasticsearch, nginx, grafana, adminer, ...): by default only the project\'s own services are checked (built here, or an image that is not a well-known stock one), since a stock database\'s health check mostly orders start-up and its publisher already documents one.',
    },
  },
  docs: {
    whatItDoes:
      'Flags each service of a Compose file (`compose.yaml`, `docker-compose*.yml`, or YAML with a top-level `services` map of image/build entries) that has no `healthcheck`. `healthcheck: { disable: true }` (or `test: ["NONE"]`) is an explicit choice and is not flagged, nor is a service that `extends` another definition (its healthcheck may come from there), nor an entry with neither `image` nor `build` (a fragment of an override file such as `docker-compose.override.yml`). `<<` merge keys are followed. The finding sits on the service\'s key.\n\nOnly the project\'s own long-running services are checked (the project model): a service built here whose Dockerfile (in the workspace, at its `build` context, `dockerfile` and `target`) declares a `HEALTHCHECK` gets it from the image, which Compose uses, and so does a service that runs by name (`image:`, no `build:`) an image the repository\'s build commands build (`docker build -t NAME --target STAGE` in a script, Makefile or workflow, a workflow\'s `docker/build-push-action` with `target:`, `${{ matrix.* }}` values read from the job\'s `strategy.matrix.include`) when every build of that name (narrowed by tag when builds with its tag exist) is a stage with a `HEALTHCHECK`; a stock third-party image run as published (postgres, redis, rabbitmq, kafka, elasticsearch, nginx, grafana, adminer, ...) is its publisher\'s concern (option `includeStockImages`); a service that runs once is not a long-running service: `restart: "no"` or `on-failure`, a `profiles:` helper, one another service waits on with `condition: service_completed_successfully`, one whose command (or the CMD of the image it builds) migrates, seeds, builds or runs tests, idles (`sleep infinity`, `tail -f /dev/null`), is a bare interactive shell (`command: /bin/bash`, `rails console`: a container someone runs to work in the stack) or waits for a port, and a load generator with no ports. Compose files for tests and CI (`*.test.yml`, `*.ci.yaml`, under `test/`, `ci/`, `.github/`, a `regtest/` regression-test network) and for local development (`*.dev.yml`, `*.local.yml`, `docker-compose.override.yml`, `*-infra.yml`, files whose services run a dev loop such as `npm run dev`, `nodemon` or `--reload`, files whose service mounts its build context over the image (`.:/app`) with no deploy overlay such as `docker-compose.prod.yml` beside them, and files of stock dependencies only, with nothing built here), and compose files with a mock server in them (MockServer, WireMock, Mountebank, Prism: a stack that stands in for the services the app calls is a test environment) are not read. `prodready explain <file>` says what the model believes about a compose file.',
    whyItMatters:
      'Checklist: "Health checks configured in orchestrator". Compose starts dependants as soon as a service\'s container starts, unless `depends_on` uses `condition: service_healthy`, which needs a healthcheck; Swarm routes to and replaces tasks by health. Without one, a service that is up but not serving (still migrating, lost its database) looks just as healthy as one that works.',
    example: {
      path: 'compose.yaml',
      code: 'services:\n  api:\n    build: .\n    ports:\n      - "8080:3000"\n    depends_on:\n      - db\n  db:\n    image: postgres:16\n    healthcheck:\n      test: ["CMD-SHELL", "pg_isready -U postgres"]\n',
    },
    useInstead: {
      path: 'compose.yaml',
      code: 'services:\n  api:\n    build: .\n    ports:\n      - "8080:3000"\n    depends_on:\n      db:\n        condition: service_healthy\n    healthcheck:\n      test: ["CMD-SHELL", "curl -f http://localhost:3000/health || exit 1"]\n      interval: 30s\n      timeout: 5s\n      retries: 3\n      start_period: 60s\n  db:\n    image: postgres:16\n    healthcheck:\n      test: ["CMD-SHELL", "pg_isready -U postgres"]\n',
    },
    fixSafety:
      'Unsafe: the fix inserts a `healthcheck` with the checklist\'s timings (interval 30s, timeout 5s, retries 3, start_period 60s). For an image known as a database, broker or cache (the table in `health-checks.ts`) the test is the image\'s own check: `pg_isready` for postgres, `redis-cli ping` for redis, `mysqladmin ping` for mysql, `healthcheck.sh` for mariadb, `rabbitmq-diagnostics -q ping` for rabbitmq, `mongosh` ping for mongo (`mongo` before 6.0), the broker API check for kafka, `zkServer.sh status` for zookeeper; an image with no client to check with (memcached, nats) gets no fix, since Compose has no TCP check. Otherwise the check calls the service\'s container port (from `ports`/`expose`, else `environment.PORT`, else 8080) with what the image has; with no health route known (the project model can pass one; then it is a GET of that route with the same tools, `wget -q --spider` on Alpine), the check asks only that the app answers on its port: `curl -so /dev/null http://localhost:<port>/` (any HTTP answer, even a 404, counts) by default (and for a service that only has `build:`, whose image is not known here), BusyBox `nc -z` on Alpine images, bash\'s `/dev/tcp` on bare Debian and Ubuntu images, `node -e` with `fetch` on slim and Alpine node images, a socket connect with `python -c` on slim and Alpine python images; for scratch and distroless images nothing can make the check and no fix is offered. The title says which (`Add healthcheck: HTTP answers on port 3000 with curl`). An image without the tool its name suggests, or an app that answers on another port, turns unhealthy, and whatever waits on `service_healthy` never starts. Review it before applying; fix-all never applies it.',
    references: [
      'https://docs.docker.com/reference/compose-file/services/#healthcheck',
      'https://docs.docker.com/compose/how-tos/startup-order/',
    ],
  },

  check(ctx): RuleFinding[] {
    const all = services(ctx);
    return all
      .filter((s) => lacksHealthcheck(s) && needsHealthcheck(ctx, s, all))
      .map((s) => ({
        start: s.key[0],
        end: s.key[1],
        message: `Service '${s.name}' has no healthcheck: Compose and Swarm cannot tell a container that is up but not serving from a working one, and \`depends_on: condition: service_healthy\` cannot wait for it.`,
        data: { service: s.name },
      }));
  },

  fixes(finding, ctx): Fix[] {
    const all = services(ctx);
    const service = all.find((s) => s.key[0] === finding.start);
    if (!service || !lacksHealthcheck(service) || !needsHealthcheck(ctx, service, all)) return [];
    // What the file does not show, the image it builds may: its EXPOSEd port and its base image (for the tool it has).
    const image = builtImage(ctx, service);
    const check = healthTest(service, image ? { port: image.exposed[0], image: image.base } : {});
    if (!check) return [];
    const { test, what } = check;
    const entries: YamlEntries = [
      [
        'healthcheck',
        [
          ['test', test],
          ['interval', '30s'],
          ['timeout', '5s'],
          ['retries', '3'],
          ['start_period', '60s'],
        ],
      ],
    ];
    const edits = addToMap(service.scope, service.map, entries, indentStep(service.scope));
    if (!edits) return [];
    return [{ title: `Add healthcheck: ${what}`, safe: false, edits }];
  },
};
