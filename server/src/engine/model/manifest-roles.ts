// What an image or a container is for, from its own definition: a Dockerfile whose final image
// runs a service (or builds, exports or tests something and exits), a compose service that runs
// once (a migration, a wait container, a helper started on demand) rather than for as long as the
// stack runs. Part of the project model: every manifest rule reads these answers.

import { isMap, isScalar, isSeq, type Node, type YAMLMap } from 'yaml';
import type { ParsedDocument } from '../document';
import type { RoleAnswer } from './roles';

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

function readDockerfile(doc: ParsedDocument): DockerfileFacts {
  const dockerfile = doc.dockerfile;
  const froms = dockerfile.getFROMs();
  const all = dockerfile.getInstructions();
  const stages: DockerStage[] = froms.map((from, i) => {
    const startLine = from.getRange().start.line;
    const endLine = i + 1 < froms.length ? froms[i + 1].getRange().start.line : Number.MAX_SAFE_INTEGER;
    const range = from.getRange();
    return {
      from: [doc.lines.offsetAt(range.start), doc.lines.offsetAt(range.end)],
      image: from.getImageName()?.toLowerCase(),
      name: from.getBuildStage()?.toLowerCase(),
      instructions: all
        .filter((ins) => ins.getRange().start.line >= startLine && ins.getRange().start.line < endLine)
        .map((ins) => ({ keyword: ins.getKeyword().toUpperCase(), text: commandWords(ins.getArgumentsContent() ?? ''), start: doc.lines.offsetAt(ins.getRange().start) })),
    };
  });
  // The final stage and the earlier stages it is built FROM, nearest first.
  const chain: DockerStage[] = [];
  let stage = stages[stages.length - 1];
  const seen = new Set<DockerStage>();
  while (stage && !seen.has(stage)) {
    seen.add(stage);
    chain.push(stage);
    const parent = stages.slice(0, stages.indexOf(stage)).reverse().find((s) => s.name !== undefined && s.name === stage.image);
    if (!parent) break;
    stage = parent;
  }
  const last = (keyword: string): string | undefined => {
    for (const s of chain) {
      const found = [...s.instructions].reverse().find((ins) => ins.keyword === keyword);
      if (found) return found.text;
    }
    return undefined;
  };
  const external = chain[chain.length - 1];
  const externalFrom = external ? froms[stages.indexOf(external)] : undefined;
  const image = externalFrom?.getImageName()?.toLowerCase();
  const tag = externalFrom?.getImageTag()?.toLowerCase();
  return { stages, baseImage: image && tag ? `${image}:${tag}` : image, cmd: last('CMD'), entrypoint: last('ENTRYPOINT') };
}

/** An instruction's arguments as words: the exec form's JSON array joined, the shell form as written. */
function commandWords(text: string): string {
  const trimmed = text.trim();
  if (!trimmed.startsWith('[')) return trimmed;
  try {
    const words: unknown = JSON.parse(trimmed);
    return Array.isArray(words) && words.every((w) => typeof w === 'string') ? words.join(' ') : trimmed;
  } catch {
    return trimmed;
  }
}

/** Base images whose own CMD starts a long-running server: an image built on one runs it. */
const SERVER_BASE = /(?:^|\/)(?:nginx|nginxinc\/[\w-]+|httpd|caddy|traefik|haproxy|envoy|envoyproxy\/envoy|tomcat|jetty|wordpress|ghost|grafana\/grafana|prom\/prometheus|redis|postgres|mysql|mariadb|mongo|rabbitmq|memcached|elasticsearch|kibana|keycloak|openresty\/openresty)(?::|$)/;
const TEST_COMMAND = /\b(?:npm\s+(?:run\s+)?test|yarn\s+(?:run\s+)?test|pnpm\s+(?:run\s+)?test|jest|vitest|mocha|pytest|tox|go\s+test|cypress\s+run|playwright\s+test|newman)\b/;
const ONE_SHOT_COMMAND = /\b(?:migrate|migration|prisma\s+(?:migrate|db\s+push|generate)|alembic\s+upgrade|knex\s+(?:migrate|seed)|sequelize\s+db:|typeorm\s+migration|flyway|liquibase|npm\s+run\s+build|yarn\s+build|seed)\b/;

/** The role of a Dockerfile's final image, when its definition makes it plain that it is not a service. */
export function dockerfileRole(doc: ParsedDocument): RoleAnswer | undefined {
  const facts = dockerfileFacts(doc);
  const final = facts.stages[facts.stages.length - 1];
  if (!final) return undefined;
  if (facts.baseImage === 'scratch' && !facts.cmd && !facts.entrypoint) {
    return { role: 'build', reason: 'its final image is `FROM scratch` with no CMD or ENTRYPOINT: it exports files', source: 'content' };
  }
  const command = [facts.entrypoint, facts.cmd].filter(Boolean).join(' ');
  if (command && TEST_COMMAND.test(command)) return { role: 'test', reason: `its command runs tests (\`${truncate(command)}\`)`, source: 'content' };
  if (command && ONE_SHOT_COMMAND.test(command) && !/&&|;/.test(command)) {
    return { role: 'build', reason: `its command runs once and exits (\`${truncate(command)}\`)`, source: 'content' };
  }
  if (!command && !SERVER_BASE.test(facts.baseImage ?? '')) {
    return { role: 'build', reason: 'it sets no CMD or ENTRYPOINT and its base image starts no server: what it runs is decided elsewhere, or it is a build image', source: 'content' };
  }
  if (final.name && /^(?:build|builder|building|compile|deps|dependencies|test|tests|testing|ci|lint)$/.test(final.name) && !command) {
    return { role: 'build', reason: `its final stage is the \`${final.name}\` stage`, source: 'content' };
  }
  return undefined;
}

function truncate(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > 60 ? `${one.slice(0, 57)}...` : one;
}

// ---- compose services -----------------------------------------------------------------------

/** Images that only wait, copy or call something once in a compose stack. */
const HELPER_IMAGE = /^(?:docker\.io\/)?(?:library\/)?(?:busybox|alpine|curlimages\/curl|appropriate\/curl|bash|jwilder\/dockerize|willwill\/wait-for-it|mcr\.microsoft\.com\/mssql-tools|minio\/mc|amazon\/aws-cli|flyway\/flyway|liquibase\/liquibase|migrate\/migrate|hashicorp\/terraform)(?::|@|$)/;
const WAIT_COMMAND = /\b(?:sleep|until|wait-for|wait-for-it|dockerize|nc\s+-z|exit\s+0)\b/;
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
export function composeOneShot(service: ComposeServiceShape, all: readonly ComposeServiceShape[]): string | undefined {
  const { map, name } = service;
  const restart = scalarOf(map, 'restart');
  if (restart === 'no' || restart === 'false') return '`restart: "no"` says it runs once';
  if (restart === 'on-failure' || restart?.startsWith('on-failure:')) return `\`restart: ${restart}\` says it runs to completion`;
  if (map.get('profiles') !== undefined) return '`profiles:` makes it a helper started on demand, not part of the running stack';
  for (const other of all) {
    if (other === service) continue;
    const dependsOn = other.map.get('depends_on', true) as Node | undefined;
    if (isMap(dependsOn)) {
      const entry = dependsOn.get(name, true) as Node | undefined;
      if (isMap(entry) && /^service_completed_successfully$/.test(String((entry.get('condition') as unknown) ?? ''))) {
        return `\`${other.name}\` waits for it to complete (\`condition: service_completed_successfully\`)`;
      }
    }
  }
  const image = scalarOf(map, 'image') ?? '';
  const command = commandText(map);
  if (HELPER_IMAGE.test(image) && (!command || WAIT_COMMAND.test(command) || ONE_SHOT_COMMAND.test(command))) return `\`${image}\` runs a one-off helper here`;
  if (command && ONE_SHOT_COMMAND.test(command) && !/\b(?:&&|;)\s*\w/.test(command.replace(/^.*?(?:migrate|seed)[^&;]*/, ''))) {
    return `its command runs once (\`${truncate(command)}\`)`;
  }
  if (command && TEST_COMMAND.test(command)) return `its command runs tests (\`${truncate(command)}\`)`;
  if (LOAD_GENERATOR.test(name) || LOAD_GENERATOR.test(image)) {
    if (map.get('ports') === undefined && map.get('expose') === undefined) return 'a load generator with no ports: it calls services and serves none';
  }
  return undefined;
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

/** Whether a Kubernetes container name or image says it is a load generator (and it declares no ports). */
export function isLoadGenerator(name: string | undefined, image: string | undefined): boolean {
  return LOAD_GENERATOR.test(name ?? '') || LOAD_GENERATOR.test((image ?? '').split('@')[0]);
}
