// What an image or a container is for, from its own definition: a Dockerfile whose final image
// runs a service (or builds, exports or tests something and exits), a compose service that runs
// once (a migration, a wait container, a helper started on demand) rather than for as long as the
// stack runs. Part of the project model: every manifest rule reads these answers.

import { isMap, isScalar, isSeq, type Node, type YAMLMap } from 'yaml';
import type { From, Instruction } from 'dockerfile-ast';
import type { ParsedDocument } from '../document';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { roleByPath, type RoleAnswer } from './roles';
import type { WorkspaceFacts } from '../workspace-facts';
import { DEV_COMMAND, IDLE_COMMAND } from './dev-commands';
import { execWords } from './compose-links';
import { BATCH_KINDS } from './k8s-objects';

// ---- Dockerfiles ----------------------------------------------------------------------------

export interface DockerStage {
  /** Offset range of the `FROM` instruction. */
  from: [number, number];
  image: string | undefined;
  name: string | undefined;
  /** The stage's instructions (keyword upper case, and their argument text). */
  instructions: Array<{ keyword: string; text: string; start: number }>;
}

export interface DockerfileFacts {
  stages: DockerStage[];
  /** The external image the final stage is built on, following `FROM <earlier stage>`, lower case with its tag. */
  baseImage: string | undefined;
  /** The CMD and ENTRYPOINT in force in the final image (inherited from earlier stages), if the file sets them. */
  cmd: string | undefined;
  entrypoint: string | undefined;
}

const dockerfileCache = new WeakMap<ParsedDocument, DockerfileFacts>();

export function dockerfileFacts(doc: ParsedDocument): DockerfileFacts {
  let facts = dockerfileCache.get(doc);
  if (!facts) {
    facts = readDockerfile(doc);
    dockerfileCache.set(doc, facts);
  }
  return facts;
}

/**
 * The stages of a Dockerfile, each with its own instructions and the index of the earlier stage it is
 * built `FROM` (the nearest one of that name), in one pass: a file of a thousand stages is read as
 * fast as a file of one (issue 23's fuzzing found the per-stage filter quadratic).
 */
export function dockerStages(dockerfile: ParsedDocument['dockerfile']): { from: From; name: string | undefined; image: string | undefined; instructions: Instruction[]; parent: number | undefined }[] {
  const froms = dockerfile.getFROMs();
  const stages = froms.map((from) => ({ from, name: from.getBuildStage()?.toLowerCase(), image: from.getImageName()?.toLowerCase(), instructions: [] as Instruction[], parent: undefined as number | undefined }));
  let current = -1;
  for (const ins of dockerfile.getInstructions()) {
    const line = ins.getRange().start.line;
    while (current + 1 < froms.length && froms[current + 1].getRange().start.line <= line) current++;
    if (current >= 0) stages[current].instructions.push(ins);
  }
  const latest = new Map<string, number>();
  stages.forEach((stage, i) => {
    if (stage.image !== undefined) stage.parent = latest.get(stage.image);
    if (stage.name !== undefined) latest.set(stage.name, i);
  });
  return stages;
}

/**
 * The defaults of the ARGs a Dockerfile declares before its first FROM: the only ARGs a FROM line can read
 * (`ARG BASE=orioledb/orioledb:17` then `FROM ${BASE}`). An ARG with no default is left out (unknown).
 */
export function globalArgs(dockerfile: ParsedDocument['dockerfile']): Map<string, string> {
  const args = new Map<string, string>();
  const first = dockerfile.getFROMs()[0]?.getRange().start.line ?? Infinity;
  for (const ins of dockerfile.getInstructions()) {
    if (ins.getRange().start.line >= first) break;
    if (ins.getKeyword().toUpperCase() !== 'ARG') continue;
    const m = /^\s*([A-Za-z_]\w*)=(?:"([^"]*)"|'([^']*)'|(\S+))\s*$/.exec(ins.getArgumentsContent() ?? '');
    if (m) args.set(m[1], m[2] ?? m[3] ?? m[4]);
  }
  return args;
}

/**
 * The image a FROM names, lower case with its tag, its `${ARG}` references replaced by the defaults of the
 * global ARGs; undefined when one has no default (a build argument we cannot know).
 */
export function fromImage(from: From, args: ReadonlyMap<string, string>): string | undefined {
  const raw = from.getImage();
  if (!raw) return undefined;
  let unknown = false;
  const expanded = raw.replace(/\$\{(\w+)(?::-([^}]*))?\}|\$(\w+)/g, (_m, braced: string | undefined, fallback: string | undefined, bare: string | undefined) => {
    const value = args.get(braced ?? bare ?? '') ?? fallback;
    if (value === undefined) unknown = true;
    return value ?? '';
  });
  return unknown ? undefined : expanded.toLowerCase();
}

/**
 * Images in which no program could run a HEALTHCHECK: `FROM scratch` and the static distroless images hold
 * only what the build copies in (one binary, certificates). The check the rule asks for cannot be written
 * unless the image brings its own probe binary (a COPY of `grpc_health_probe`, a `healthcheck` binary, a static
 * curl or wget), or its app takes a health flag, which nothing in the file can show.
 */
const TOOLLESS_BASE = /^(?:scratch|(?:gcr\.io\/distroless|cgr\.dev\/chainguard)\/static(?:-debian\d+)?)(?::|@|$)/;
const PROBE_BINARY = /\b(?:health[\w-]*|grpc_health_probe|curl|wget|busybox)\b/i;

/** Why a final image can run no health check, when it cannot (see TOOLLESS_BASE). */
export function toollessImage(baseImage: string | undefined, instructions: ReadonlyArray<{ keyword: string; text: string }>): string | undefined {
  if (!baseImage || !TOOLLESS_BASE.test(baseImage)) return undefined;
  if (instructions.some((ins) => (ins.keyword === 'COPY' || ins.keyword === 'ADD') && PROBE_BINARY.test(ins.text))) return undefined;
  return `its final image is \`FROM ${baseImage}\`: it holds no shell or tool that could run a check, and copies in no probe binary`;
}

function readDockerfile(doc: ParsedDocument): DockerfileFacts {
  const groups = dockerStages(doc.dockerfile);
  const stages: DockerStage[] = groups.map((group) => {
    const range = group.from.getRange();
    return {
      from: [doc.lines.offsetAt(range.start), doc.lines.offsetAt(range.end)],
      image: group.image,
      name: group.name,
      instructions: group.instructions.map((ins) => ({ keyword: ins.getKeyword().toUpperCase(), text: execWords(ins.getArgumentsContent() ?? ''), start: doc.lines.offsetAt(ins.getRange().start) })),
    };
  });
  // The final stage and the earlier stages it is built FROM, nearest first.
  const chain: DockerStage[] = [];
  const seen = new Set<number>();
  let index: number | undefined = stages.length - 1;
  let externalIndex: number | undefined;
  while (index !== undefined && index >= 0 && !seen.has(index)) {
    seen.add(index);
    chain.push(stages[index]);
    externalIndex = index;
    index = groups[index].parent;
  }
  const last = (keyword: string): string | undefined => {
    for (const s of chain) {
      const found = [...s.instructions].reverse().find((ins) => ins.keyword === keyword);
      if (found) return found.text;
    }
    return undefined;
  };
  const externalFrom = externalIndex !== undefined ? groups[externalIndex].from : undefined;
  return { stages, baseImage: externalFrom && fromImage(externalFrom, globalArgs(doc.dockerfile)), cmd: last('CMD'), entrypoint: last('ENTRYPOINT') };
}

/**
 * Language runtimes and bare operating systems: their own CMD is a shell or a REPL, so an image built
 * on one with no CMD of its own runs whatever its orchestrator says, or nothing (a build image).
 */
const RUNTIME_BASE = /^(?:(?:docker\.io\/)?(?:library\/)?(?:node|python|pypy|golang|rust|ruby|php|openjdk|eclipse-temurin|amazoncorretto|maven|gradle|alpine|debian|ubuntu|busybox|fedora|centos|rockylinux|almalinux|amazonlinux|oraclelinux|archlinux|bash|buildpack-deps|denoland\/deno|oven\/bun)|mcr\.microsoft\.com\/(?:dotnet\/sdk|devcontainers\/[\w-]+)|gcr\.io\/distroless\/[\w.-]+|cgr\.dev\/chainguard\/[\w.-]+)(?::|@|$)/;
const TEST_COMMAND = /\b(?:npm\s+(?:run\s+)?test|yarn\s+(?:run\s+)?test|pnpm\s+(?:run\s+)?test|jest|vitest|mocha|pytest|tox|go\s+test|cypress\s+run|playwright\s+test|newman)\b/;
const ONE_SHOT_COMMAND = /\b(?:migrate|migration|prisma\s+(?:migrate|db\s+push|generate)|alembic\s+upgrade|knex\s+(?:migrate|seed)|sequelize\s+db:|typeorm\s+migration|flyway|liquibase|npm\s+run\s+build|yarn\s+build|seed)\b/;

/** The role of a Dockerfile's final image, when its definition makes it plain that it is not a service. */
export function dockerfileRole(doc: ParsedDocument, workspace: WorkspaceFacts): RoleAnswer | undefined {
  const facts = dockerfileFacts(doc);
  const final = facts.stages[facts.stages.length - 1];
  if (!final) return undefined;
  if (facts.baseImage === 'scratch' && !facts.cmd && !facts.entrypoint) {
    return { role: 'build', reason: 'its final image is `FROM scratch` with no CMD or ENTRYPOINT: it exports files', source: 'content' };
  }
  const command = [facts.entrypoint, facts.cmd].filter(Boolean).join(' ');
  const builders = workspace.composeServicesBuilding(doc.path);
  if (builders.length > 0 && builders.every((b) => b.devOnly)) {
    const b = builders[0];
    return { role: 'dev', reason: `only development or test compose services build it (\`${b.service}\`, ${workspace.relativePath(b.path)}:${b.line})`, source: 'workspace', evidence: { path: b.path, line: b.line } };
  }
  // Only Jobs and CronJobs run its image: a program that runs to completion, not a service.
  const runs = workspace.kubernetesRunning(doc.path) ?? [];
  if (runs.length > 0 && runs.every((u) => BATCH_KINDS.has(u.object.kind)) && builders.length === 0) {
    const u = runs[0];
    return {
      role: 'script',
      reason: `only Kubernetes ${[...new Set(runs.map((r) => r.object.kind))].join(' and ')}s run its image (\`${u.container.image ?? u.container.imageTemplate ?? '?'}\` in ${u.object.kind} \`${u.object.name ?? '?'}\`, ${workspace.relativePath(u.object.path)}:${u.object.line}): it runs to completion`,
      source: 'workspace',
      evidence: { path: u.object.path, line: u.object.line },
    };
  }
  // Before the command's signals: a file that cannot be built here says nothing about what runs.
  const lockfile = builders.length === 0 && runs.length === 0 ? missingLockfile(doc, facts) : undefined;
  if (lockfile) {
    return { role: 'example', reason: `it copies \`${lockfile}\`, which is in none of the folders its build could start from (its own up to the workspace root) while another package manager's lockfile is: a template for a package manager this repository does not use, not an image it builds`, source: 'workspace' };
  }
  if (command && TEST_COMMAND.test(command)) return { role: 'test', reason: `its command runs tests (\`${truncate(command)}\`)`, source: 'content' };
  if (command && IDLE_COMMAND.test(command.trim())) return { role: 'dev', reason: `its command only idles (\`${truncate(command)}\`): a container to exec into, not a service`, source: 'content' };
  if (command && ONE_SHOT_COMMAND.test(lastCommand(command))) {
    return { role: 'build', reason: `its command runs once and exits (\`${truncate(command)}\`)`, source: 'content' };
  }
  if (!command && RUNTIME_BASE.test(facts.baseImage ?? '')) {
    // An image that EXPOSEs a port serves on it, whoever gives the command; so does one a compose service runs with a command.
    const exposes = final.instructions.some((ins) => ins.keyword === 'EXPOSE');
    const runner = builders.find((s) => s.command);
    if (!exposes && !runner) {
      return { role: 'build', reason: `it sets no CMD or ENTRYPOINT and its base image (\`${facts.baseImage}\`) starts no server: a build image, or one whose command is given elsewhere`, source: 'content' };
    }
  }
  if (final.name && /^(?:build|builder|building|compile|deps|dependencies|test|tests|testing|ci|lint)$/.test(final.name) && !command) {
    return { role: 'build', reason: `its final stage is the \`${final.name}\` stage`, source: 'content' };
  }
  return undefined;
}

/**
 * Lockfiles by ecosystem: committed with the project they lock, never produced by the build that copies them in. Only
 * ecosystems with several package managers are read: there a missing lockfile beside another manager's is a choice.
 */
const LOCKFILE_GROUPS: ReadonlyArray<readonly string[]> = [
  ['package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lockb', 'bun.lock'],
  ['poetry.lock', 'Pipfile.lock', 'uv.lock', 'pdm.lock'],
];

/**
 * A lockfile the Dockerfile copies in from its build context that none of the folders its build could start from holds
 * (its own folder and each folder above it, up to the workspace root), while one of them holds another package
 * manager's lockfile of the same ecosystem (`pnpm-lock.yaml` copied, `package-lock.json` there): a template for a
 * package manager the repository does not use, which cannot be built from it as it stands. Undefined otherwise, and when
 * the workspace root is not known: with no lockfile at all (a new project, a lockfile left out of git and made by CI
 * before the build) nothing is known.
 */
export function missingLockfile(doc: ParsedDocument, facts: DockerfileFacts = dockerfileFacts(doc)): string | undefined {
  const rel = doc.relativePath;
  if (!rel || rel === doc.path || !doc.path.endsWith(`/${rel}`)) return undefined;
  const root = doc.path.slice(0, doc.path.length - rel.length - 1);
  const contexts: string[] = [];
  for (let dir = path.posix.dirname(doc.path); dir.length >= root.length; dir = path.posix.dirname(dir)) {
    contexts.push(dir);
    if (dir === root || dir === path.posix.dirname(dir)) break;
  }
  const present = (name: string): boolean => contexts.some((dir) => fs.existsSync(`${dir}/${name}`));
  for (const stage of facts.stages) {
    for (const ins of stage.instructions) {
      if (ins.keyword !== 'COPY' && ins.keyword !== 'ADD') continue;
      const words = ins.text.replace(/^\s*\[|\]\s*$/g, ' ').split(/[\s,]+/).map((w) => w.replace(/^["']|["']$/g, '')).filter(Boolean);
      if (words.some((w) => /^--from\b/.test(w))) continue;
      const sources = words.filter((w) => !w.startsWith('--')).slice(0, -1);
      for (const source of sources) {
        const file = source.replace(/^\.\//, '');
        if (/[*?[\]$]/.test(file) || file.startsWith('/')) continue;
        const name = path.posix.basename(file);
        const group = LOCKFILE_GROUPS.find((g) => g.includes(name));
        if (!group || present(file)) continue;
        if (group.some((other) => other !== name && present(other))) return file;
      }
    }
  }
  return undefined;
}

/** The program a command line ends with (`npm run migrate && npm start` ends with `npm start`): what keeps running. */
function lastCommand(command: string): string {
  const parts = command.split(/&&|\|\||;/).map((p) => p.trim()).filter(Boolean);
  return parts[parts.length - 1] ?? '';
}

function truncate(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > 60 ? `${one.slice(0, 57)}...` : one;
}

// ---- compose services -----------------------------------------------------------------------

/**
 * Third-party images a stack runs as they are published: databases, caches, brokers, observability
 * and developer tools. Their health is their publisher's concern; a compose file of nothing else is a
 * local environment of dependencies. Also the few published rebuilds of them with data baked in that
 * demos deploy as they are (sock-shop's `weaveworksdemos/catalogue-db`, FROM mysql, and `user-db`, FROM mongo).
 */
const STOCK_IMAGE = /^(?:(?:docker\.io|public\.ecr\.aws|quay\.io|ghcr\.io|mcr\.microsoft\.com|gcr\.io|registry\.hub\.docker\.com)\/)?(?:library\/|bitnami\/|bitnamilegacy\/|docker\/)?(?:postgres|postgis\/postgis|timescale\/timescaledb[\w-]*|pgvector\/pgvector|orioledb\/orioledb|mysql|mysql\/mysql-server|mariadb|percona[\w/-]*|mongo|mongodb\/mongodb-community-server|weaveworksdemos\/(?:catalogue-db|user-db)|mongo-express|redis|redis\/redis-stack[\w-]*|valkey\/valkey|eqalpha\/keydb|memcached|rabbitmq|confluentinc\/[\w-]+|apache\/kafka|kafka|wurstmeister\/[\w-]+|zookeeper|provectuslabs\/kafka-ui|redpandadata\/[\w-]+|nats|elasticsearch|elasticsearch\/elasticsearch|opensearchproject\/[\w-]+|kibana|logstash|minio\/minio|minio\/mc|localstack\/localstack|amazon\/dynamodb-local|mailhog\/mailhog|axllent\/mailpit|schickling\/mailcatcher|maildev\/maildev|inbucket\/inbucket|adminer|dpage\/pgadmin4|phpmyadmin(?:\/phpmyadmin)?|rediscommander\/redis-commander|redislabs\/redisinsight|redis\/redisinsight|grafana\/[\w-]+|prom\/[\w-]+|prometheuscommunity\/[\w-]+|[\w.-]+\/[\w.-]*-exporter|jaegertracing\/[\w-]+|openzipkin\/[\w-]+|otel\/[\w-]+|temporalio\/[\w-]+|clickhouse\/clickhouse-server|yandex\/clickhouse-server|cassandra|couchdb|neo4j|influxdb|quay\.io\/coreos\/etcd|coreos\/etcd|consul|hashicorp\/[\w-]+|vault|keycloak\/keycloak|jboss\/keycloak|quay\.io\/keycloak\/keycloak|traefik|nginx|nginxinc\/[\w-]+|caddy|haproxy|envoyproxy\/envoy|swaggerapi\/[\w-]+|getmeili\/meilisearch|typesense\/typesense|qdrant\/qdrant|chromadb\/chroma|semitechnologies\/weaviate|zenika\/alpine-chrome|zenika-hub\/alpine-chrome|teamspeak|browserless\/chrome|selenium\/[\w-]+|wiremock\/wiremock|mockserver\/mockserver|mcr\.microsoft\.com\/azure-storage\/azurite|azure-storage\/azurite|mcr\.microsoft\.com\/mssql\/server|mssql\/server|gvenzl\/oracle-[\w-]+|portainer\/portainer[\w-]*|containrrr\/watchtower|nginx-proxy|jwilder\/nginx-proxy|certbot\/certbot|linuxserver\/[\w-]+|docker)(?::|@|$)/;

export function isStockImage(image: string | undefined): boolean {
  return image !== undefined && STOCK_IMAGE.test(image.trim().toLowerCase());
}

/**
 * The stock image a container really runs: the image itself when it is stock, else the stock base of
 * the workspace's Dockerfile that builds it (`dockerfileBuilding`) when that Dockerfile only adds
 * files (init SQL, config) and sets no command of its own: `acme/mysql-iot` built `FROM mysql/mysql-server`.
 */
export function stockImageBehind(image: string | undefined | null, workspace: WorkspaceFacts): string | undefined {
  if (!image) return undefined;
  if (isStockImage(image)) return image;
  const built = workspace.dockerfileBuilding(image);
  // A web server with the project's files in it (nginx serving a built front end) is the project's own service.
  return built && !built.stage.command && isStockImage(built.stage.base) && !isWebServerImage(built.stage.base) ? built.stage.base : undefined;
}

const WEB_SERVER = /(?:^|\/)(?:nginx|nginxinc\/[\w-]+|httpd|caddy|openresty\/openresty)(?::|@|$)/;

/** Web servers: rebuilt with the project's files, they serve the project (its own service), not a dependency. */
export function isWebServerImage(image: string | undefined): boolean {
  return image !== undefined && WEB_SERVER.test(image.toLowerCase());
}


/** What a whole compose file is for, when its services make it plain (a local environment of dependencies, a dev loop). */
export function composeFileRole(doc: ParsedDocument): RoleAnswer | undefined {
  const services: ComposeServiceShape[] = [];
  for (const document of doc.yaml.documents) {
    const root = document.contents;
    if (!isMap(root)) continue;
    const map = root.get('services', true) as Node | undefined;
    if (!isMap(map)) continue;
    for (const pair of map.items) {
      if (isScalar(pair.key) && isMap(pair.value)) services.push({ name: String(pair.key.value), map: pair.value });
    }
  }
  if (services.length === 0) return undefined;
  const dev = services.find((s) => DEV_COMMAND.test(commandText(s.map) ?? ''));
  if (dev) return { role: 'dev', reason: `service \`${dev.name}\` runs a development loop (\`${truncate(commandText(dev.map) ?? '')}\`)`, source: 'content' };
  // A mock server stands in for the services the app calls: a stack that runs one is for tests, never a deployment.
  const mock = services.find((s) => MOCK_SERVER_IMAGE.test(scalarOf(s.map, 'image') ?? ''));
  if (mock) return { role: 'test', reason: `service \`${mock.name}\` runs a mock server (\`${scalarOf(mock.map, 'image')}\`) in place of the services the app calls: a test environment`, source: 'content' };
  // A service that mounts its whole build context over the image runs the host's checkout, not what the image built.
  const mounted = services.map((s) => ({ s, mount: contextMount(s.map) })).find((x) => x.mount);
  // Unless a deploy overlay beside it extends it (`docker-compose.prod.yml` next to a base file that a dev
  // overlay would also extend): the base of a production setup is the service.
  if (mounted && !/(?:^|[.\-_])prod(?:uction)?(?:$|[.\-_])/i.test(path.posix.basename(doc.relativePath)) && !deployOverlayBeside(doc)) {
    return { role: 'dev', reason: `service \`${mounted.s.name}\` mounts its whole build context over the image (\`${mounted.mount}\`): the container runs the host's checkout, a development setup`, source: 'content' };
  }
  const header = leadingComment(doc.text);
  if (header && DEV_HEADER.test(header)) {
    return { role: 'dev', reason: `its opening comment says what it is for (\`${truncate(DEV_HEADER.exec(header)![0])}\`)`, source: 'content' };
  }
  // Services that extend those of a test or development compose file take their dependencies from a local environment.
  for (const s of services) {
    const ext = s.map.get('extends', true) as Node | undefined;
    const file = isMap(ext) ? scalarOf(ext, 'file') : undefined;
    if (!file || /\$/.test(file)) continue;
    const target = path.posix.normalize(path.posix.join(path.posix.dirname(doc.relativePath), file));
    const byPath = roleByPath(target);
    if (byPath && (byPath.role === 'dev' || byPath.role === 'test')) {
      return { role: 'dev', reason: `service \`${s.name}\` extends a service of ${target}, a ${byPath.role === 'dev' ? 'development' : 'test'} compose file (\`${byPath.glob}\`): this stack is built on a local environment`, source: 'content' };
    }
  }
  // Every service a published image of someone else's, none built here: the project's own app is not in it.
  // (A helper image, busybox or curl, that waits or sets up a volume is nobody's app either.)
  const runsProject = services.some((s) => s.map.get('build') !== undefined || (!isStockImage(scalarOf(s.map, 'image')) && !HELPER_IMAGE.test(scalarOf(s.map, 'image') ?? '')));
  if (!runsProject) {
    return { role: 'dev', reason: 'every service is a stock dependency or tool and none is built here: a local environment for development', source: 'content' };
  }
  return undefined;
}

/** Compose file names that can be overlays of a base file in the same folder (`docker-compose.prod.yml`, `compose.staging.yaml`). */
const COMPOSE_OVERLAY = /^(?:docker-)?compose[.\-_].+\.ya?ml$/i;

/**
 * A compose file beside `doc` (same folder, read from the disk) that may extend it and is not itself a dev or
 * test setup by its name: a deploy overlay. Nothing readable there: none.
 */
function deployOverlayBeside(doc: ParsedDocument): string | undefined {
  let names: string[];
  try {
    names = fs.readdirSync(path.dirname(doc.path));
  } catch {
    return undefined;
  }
  const own = path.basename(doc.path);
  const dir = path.posix.dirname(doc.relativePath);
  return names.find((name) => {
    if (name === own || !COMPOSE_OVERLAY.test(name)) return false;
    const role = roleByPath(dir === '.' ? name : `${dir}/${name}`)?.role;
    return role !== 'dev' && role !== 'test' && role !== 'example';
  });
}

/** A `volumes:` entry (short syntax) that mounts the service's whole `build` context into the container, e.g. `.:/app`. */
function contextMount(map: YAMLMap): string | undefined {
  const build = map.get('build', true) as Node | undefined;
  const context = isScalar(build) ? String(build.value) : isMap(build) ? (scalarOf(build, 'context') ?? '.') : undefined;
  if (context === undefined || /\$/.test(context)) return undefined;
  const norm = (p: string): string => path.posix.normalize(p).replace(/\/$/, '') || '.';
  const volumes = map.get('volumes', true) as Node | undefined;
  if (!isSeq(volumes)) return undefined;
  for (const item of volumes.items) {
    if (!isScalar(item) || typeof item.value !== 'string') continue;
    const [source, target] = item.value.split(':');
    if (target && /^\//.test(target) && /^\.{1,2}(?:\/|$)/.test(source) && norm(source) === norm(context)) return item.value;
  }
  return undefined;
}

/** Mock HTTP servers (MockServer, WireMock, Mountebank, Prism): images that answer for another service in tests. */
const MOCK_SERVER_IMAGE = /^(?:[\w.-]+\/)?(?:jamesdbloom\/mockserver|mockserver\/mockserver|wiremock\/wiremock|rodolpheche\/wiremock|bbyars\/mountebank|stoplight\/prism)(?::|@|$)/;

/** What a compose file's opening comment says when it is for development or tests, not a deployment. */
const DEV_HEADER = /\bfor (?:the )?[*_]*(?:local )?(?:development|dev|testing)[*_]*(?: (?:setup|environment|purposes|only))?\b|\b(?:not (?:meant |intended )?for|do not use (?:it )?in) production\b|\bdevelopment (?:setup|environment) only\b/i;

/**
 * The first paragraph of the comment a file opens with (before its first line of content), joined:
 * what the file says it is for. Later paragraphs (a list of profiles, usage notes) describe parts of
 * it, and "for local development" there is about one profile, not the file.
 */
function leadingComment(text: string): string | undefined {
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const t = line.trim();
    if (t === '' || t === '---' || /^#+$/.test(t)) {
      if (out.length > 0) break;
      continue;
    }
    if (!t.startsWith('#')) break;
    out.push(t.replace(/^#+\s*/, ''));
  }
  return out.length > 0 ? out.join(' ') : undefined;
}

/** A shell with no script to run: interactive (`/bin/bash`, `sh -l`, `rails console`), kept open only while someone uses it. */
const INTERACTIVE_SHELL = /^(?:\/(?:usr\/)?bin\/)?(?:ba|z|a|da|fi)?sh(?:\s+-[il]+)?$|^(?:bundle\s+exec\s+)?rails\s+console$|^(?:flask|(?:python[\d.]*\s+)?manage\.py)\s+shell$/;

/** Images that only wait, copy or call something once in a compose stack. */
const HELPER_IMAGE = /^(?:docker\.io\/)?(?:library\/)?(?:busybox|alpine|curlimages\/curl|appropriate\/curl|bash|jwilder\/dockerize|willwill\/wait-for-it|mcr\.microsoft\.com\/mssql-tools|minio\/mc|amazon\/aws-cli|flyway\/flyway|liquibase\/liquibase|migrate\/migrate|hashicorp\/terraform)(?::|@|$)/;
/** What a helper image does once: wait for something, or set up a volume (`chown -R 1000:1000 /data`). */
const WAIT_COMMAND = /\b(?:sleep|until|wait-for|wait-for-it|dockerize|nc\s+-z|exit\s+0|chown|chmod|mkdir|cp)\b/;
/** Service names of one-off jobs in a compose stack. */
const ONE_SHOT_NAME = /(?:^|[-_.])(?:migrate|migrations?|migrator|seed|seeder|seeding|db-?init|init-?db)(?:$|[-_.])/i;
/** Load generators: they hammer a service and are not one themselves. */
const LOAD_GENERATOR = /(?:^|[/_-])(?:load-?gen(?:erator)?|locust|k6|artillery|vegeta|loadtest|load-test|wrk|hey|jmeter|gatling)(?:[:@/_-]|$)/;

export interface ComposeServiceShape {
  name: string;
  map: YAMLMap;
}

/**
 * Why a compose service runs once or on demand rather than for as long as the stack runs, or
 * undefined when it is long-running as far as the file shows. `all` are the file's services, to see
 * who waits on whom.
 */
export function composeOneShot(service: ComposeServiceShape, all: readonly ComposeServiceShape[], imageCommand?: string): string | undefined {
  const { map, name } = service;
  const restart = scalarOf(map, 'restart');
  if (restart === 'no' || restart === 'false') return '`restart: "no"` says it runs once';
  if (restart === 'on-failure' || restart?.startsWith('on-failure:')) return `\`restart: ${restart}\` says it runs to completion`;
  if (map.get('profiles') !== undefined) return '`profiles:` makes it a helper started on demand, not part of the running stack';
  const waiter = completionWaiters(all).get(name)?.find((other) => other !== service);
  if (waiter) return `\`${waiter.name}\` waits for it to complete (\`condition: service_completed_successfully\`)`;
  const image = scalarOf(map, 'image') ?? '';
  // The service's own command, else the one of the image it builds (the project model's link to its Dockerfile).
  const command = commandText(map) ?? imageCommand;
  if (command && IDLE_COMMAND.test(command.trim())) return `its command only idles (\`${truncate(command)}\`): a container to exec into`;
  // Its own command a bare shell (`command: /bin/bash`, no `-c`): someone runs it to work inside the stack (`docker compose run shell`).
  const own = commandText(map);
  if (own && INTERACTIVE_SHELL.test(own.trim())) return `its command is an interactive shell (\`${truncate(own)}\`): a container to work in, not a service`;
  if (HELPER_IMAGE.test(image) && (!command || WAIT_COMMAND.test(command) || ONE_SHOT_COMMAND.test(command))) return `\`${image}\` runs a one-off helper here`;
  if (command && ONE_SHOT_COMMAND.test(lastCommand(command))) {
    return `its command runs once (\`${truncate(command)}\`)`;
  }
  if (command && TEST_COMMAND.test(command)) return `its command runs tests (\`${truncate(command)}\`)`;
  if (!command && ONE_SHOT_NAME.test(name)) return `its name says it migrates or seeds (\`${name}\`) and no command says otherwise`;
  if (LOAD_GENERATOR.test(name) || LOAD_GENERATOR.test(image)) {
    if (map.get('ports') === undefined && map.get('expose') === undefined) return 'a load generator with no ports: it calls services and serves none';
  }
  return undefined;
}

const waitersOf = new WeakMap<readonly ComposeServiceShape[], Map<string, ComposeServiceShape[]>>();

/**
 * For each service name, the services of `all` (in their order) whose `depends_on` waits for it to
 * complete (`condition: service_completed_successfully`): read once per list, not once per service
 * (each service of a file of thousands asked every other one).
 */
function completionWaiters(all: readonly ComposeServiceShape[]): Map<string, ComposeServiceShape[]> {
  let waiters = waitersOf.get(all);
  if (waiters) return waiters;
  waiters = new Map();
  for (const other of all) {
    const dependsOn = other.map.get('depends_on', true) as Node | undefined;
    if (!isMap(dependsOn)) continue;
    const seen = new Set<string>();
    for (const pair of dependsOn.items) {
      // As `dependsOn.get(name)` reads it: the first pair whose key is that string.
      if (!isScalar(pair.key) || typeof pair.key.value !== 'string' || seen.has(pair.key.value)) continue;
      seen.add(pair.key.value);
      const entry = pair.value as Node | undefined | null;
      if (isMap(entry) && /^service_completed_successfully$/.test(String((entry.get('condition') as unknown) ?? ''))) {
        const list = waiters.get(pair.key.value) ?? [];
        if (list.length === 0) waiters.set(pair.key.value, list);
        // The first two are enough: a service that waits on itself is passed over, then the next one answers.
        if (list.length < 2) list.push(other);
      }
    }
  }
  waitersOf.set(all, waiters);
  return waiters;
}

function scalarOf(map: YAMLMap, key: string): string | undefined {
  const node = map.get(key, true) as Node | undefined;
  return isScalar(node) && node.value !== null && node.value !== undefined ? String(node.value) : undefined;
}

function commandText(map: YAMLMap): string | undefined {
  const parts: string[] = [];
  for (const key of ['entrypoint', 'command']) {
    const node = map.get(key, true) as Node | undefined;
    if (isScalar(node) && node.value != null) parts.push(String(node.value));
    else if (isSeq(node)) parts.push(node.items.map((i) => (isScalar(i) ? String(i.value) : '')).join(' '));
  }
  return parts.length > 0 ? parts.join(' ') : undefined;
}

/** Whether a command (words joined by spaces) only keeps the container alive. */
export function isIdleCommand(command: string): boolean {
  return IDLE_COMMAND.test(command.trim());
}

/** A placeholder that sleeps a fixed time and exits (`sleep 10`): it stands in for work, and does none. */
const SLEEP_ONLY = /^(?:(?:\/bin\/)?(?:ba)?sh\s+-c\s+)?['"]?(?:\/bin\/)?sleep\s+\d+(?:\.\d+)?[smhd]?['"]?$/;

/**
 * Whether a command only sleeps a fixed time and exits: the container uses no CPU or memory worth bounding. (An idle
 * container kept to `exec` into is not one: what people run in it counts against its limits.)
 */
export function isPlaceholderCommand(command: string): boolean {
  return SLEEP_ONLY.test(command.trim());
}

/** Whether a Kubernetes container name or image says it is a load generator (and it declares no ports). */
export function isLoadGenerator(name: string | undefined, image: string | undefined): boolean {
  return LOAD_GENERATOR.test(name ?? '') || LOAD_GENERATOR.test((image ?? '').split('@')[0]);
}
