import { isMap, isScalar, isSeq, type Node, type YAMLMap } from 'yaml';
import type { Fix, Rule, RuleContext, RuleFinding } from '../../engine/types';
import { httpCheck, portCheck, portFromEnv, serviceCheckFor, type HealthFacts } from './health-checks';
import { addToMap, asMap, getMap, getPair, getString, getValue, indentStep, keyText, resolve, templated, type YamlEntries, type YamlScope } from './yaml-tools';

export interface Service {
  scope: YamlScope;
  name: string;
  map: YAMLMap;
  key: [number, number];
}

function services(ctx: RuleContext): Service[] {
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

export const composeMissingHealthcheck: Rule = {
  id: 'compose-missing-healthcheck',
  family: 'manifests',
  kinds: ['compose'],
  defaultSeverity: 'warning',
  fix: 'unsafe',
  summary: 'A docker-compose service has no healthcheck.',
  docs: {
    whatItDoes:
      'Flags each service of a Compose file (`compose.yaml`, `docker-compose*.yml`, or YAML with a top-level `services` map of image/build entries) that has no `healthcheck`. `healthcheck: { disable: true }` (or `test: ["NONE"]`) is an explicit choice and is not flagged, nor is a service that `extends` another definition (its healthcheck may come from there), nor an entry with neither `image` nor `build` (a fragment of an override file such as `docker-compose.override.yml`). `<<` merge keys are followed. The finding sits on the service\'s key. A HEALTHCHECK built into the image is invisible here: if the image has one, say so with a `healthcheck` that sets the intervals you want, or ignore the finding for that service.',
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
    return services(ctx)
      .filter(lacksHealthcheck)
      .map((s) => ({
        start: s.key[0],
        end: s.key[1],
        message: `Service '${s.name}' has no healthcheck: Compose and Swarm cannot tell a container that is up but not serving from a working one, and \`depends_on: condition: service_healthy\` cannot wait for it.`,
        data: { service: s.name },
      }));
  },

  fixes(finding, ctx): Fix[] {
    const service = services(ctx).find((s) => s.key[0] === finding.start);
    if (!service || !lacksHealthcheck(service)) return [];
    const check = healthTest(service);
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
