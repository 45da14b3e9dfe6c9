// Links between manifests, read by the workspace index from files nobody has open: which compose
// service builds which Dockerfile (and with what command), and which Dockerfiles declare a
// HEALTHCHECK in which stage. A Dockerfile that compose health-checks, or a compose service whose
// image carries its own HEALTHCHECK, is checked where the check is declared.

import * as path from 'node:path';
import { isMap, isScalar, isSeq, parseAllDocuments, type Document, type Node, type YAMLMap } from 'yaml';
import { DEV_COMMAND, IDLE_COMMAND } from './dev-commands';
import { roleByPath } from './roles';

export interface ComposeBuild {
  /** The compose file (absolute) and the 1-based line of the service's key. */
  path: string;
  line: number;
  service: string;
  /** The Dockerfile it builds (absolute, forward slashes). */
  dockerfile: string;
  target: string | undefined;
  /** The service's `command`/`entrypoint`, when it sets one. */
  command: string | undefined;
  healthcheck: boolean;
  /** Its `healthcheck.test` as one command line (list form joined), when it is a literal. */
  healthcheckTest?: string;
  /**
   * The service runs a development loop (`npm run dev`, `--reload`) or only idles (`tail -f /dev/null`: a container to
   * `exec` into), or its file is a test or dev compose file.
   */
  devOnly: boolean;
}

/** The Dockerfile a compose `build:` value builds, resolved from the compose file's folder. */
export function builtDockerfile(composeDir: string, build: Node | null | undefined): { dockerfile: string; target: string | undefined } | undefined {
  let context = '.';
  let dockerfile = 'Dockerfile';
  let target: string | undefined;
  if (isScalar(build) && typeof build.value === 'string') context = build.value;
  else if (isMap(build)) {
    const c = build.get('context', true) as Node | undefined;
    const d = build.get('dockerfile', true) as Node | undefined;
    const t = build.get('target', true) as Node | undefined;
    if (c !== undefined) {
      if (!isScalar(c) || typeof c.value !== 'string') return undefined;
      context = c.value;
    }
    if (d !== undefined) {
      if (!isScalar(d) || typeof d.value !== 'string') return undefined;
      dockerfile = d.value;
    }
    if (isScalar(t) && typeof t.value === 'string') target = t.value;
  } else return undefined;
  // A remote context (git URL) or an interpolated one (`${CONTEXT}`) is not a file we have.
  if (/^[a-z]+:\/\/|^git@|\$/.test(context) || dockerfile.includes('$')) return undefined;
  const base = path.posix.normalize(context.startsWith('/') ? context : `${composeDir}/${context}`);
  return { dockerfile: path.posix.normalize(dockerfile.startsWith('/') ? dockerfile : `${base}/${dockerfile}`), target };
}

/**
 * The services of a compose file's text that build a Dockerfile. Text that does not parse yields none.
 * `relativePath` is the file's path in its workspace, for the test and dev path conventions.
 */
export function composeBuilds(file: string, text: string, relativePath = file): ComposeBuild[] {
  const pathRole = roleByPath(relativePath)?.role;
  const devFile = pathRole === 'test' || pathRole === 'dev';
  return buildingServices(file, text).map(({ service, spec, built, line }) => {
    const test = healthcheckTest(spec.get('healthcheck', true) as Node | undefined);
    const command = commandOf(spec.get('command', true) as Node | undefined) ?? commandOf(spec.get('entrypoint', true) as Node | undefined);
    return {
      path: file,
      line,
      service,
      ...built,
      command,
      healthcheck: spec.get('healthcheck') !== undefined,
      ...(test !== undefined ? { healthcheckTest: test } : {}),
      devOnly: devFile || (command !== undefined && (DEV_COMMAND.test(command) || IDLE_COMMAND.test(command.trim()))),
    };
  });
}

/** `healthcheck: { test: [...] }` as one command line (`CMD`/`CMD-SHELL` dropped); undefined when absent or not literal. */
function healthcheckTest(healthcheck: Node | undefined): string | undefined {
  if (!isMap(healthcheck)) return undefined;
  const test = healthcheck.get('test', true) as Node | undefined;
  if (isScalar(test) && typeof test.value === 'string') return test.value;
  if (isSeq(test) && test.items.every((i) => isScalar(i) && typeof i.value === 'string')) {
    return test.items.map((i) => String((i as { value: string }).value)).filter((w, n) => !(n === 0 && /^(?:CMD|CMD-SHELL)$/.test(w))).join(' ');
  }
  return undefined;
}

/** A compose service that builds a Dockerfile: its name, its mapping, its `build:` value and what that builds. */
export interface BuildingService {
  service: string;
  spec: YAMLMap;
  build: Node | undefined;
  built: { dockerfile: string; target: string | undefined };
  /** 1-based line of the service's key. */
  line: number;
}

/** Every YAML document of `text`, or none when the parser gives up (it throws on some inputs, and returns a lone error document for others). */
export function yamlDocuments(text: string): Document.Parsed[] {
  try {
    const documents = parseAllDocuments(text, { prettyErrors: false, uniqueKeys: false });
    return Array.isArray(documents) ? documents : [];
  } catch {
    return [];
  }
}

/** The services of a compose file's text that build a Dockerfile (the one reader of compose `build:`); none when the text does not parse. */
export function buildingServices(file: string, text: string): BuildingService[] {
  if (!/^\s*build\s*:/m.test(text)) return [];
  const documents = yamlDocuments(text);
  const dir = path.posix.dirname(file);
  const out: BuildingService[] = [];
  for (const document of documents) {
    const root = document.contents;
    if (!isMap(root)) continue;
    const services = root.get('services', true) as Node | undefined;
    if (!isMap(services)) continue;
    for (const pair of services.items) {
      if (!isScalar(pair.key) || !isMap(pair.value)) continue;
      const build = pair.value.get('build', true) as Node | undefined;
      const built = builtDockerfile(dir, build);
      if (!built) continue;
      const offset = pair.key.range?.[0] ?? 0;
      out.push({ service: String(pair.key.value), spec: pair.value, build, built, line: text.slice(0, offset).split('\n').length });
    }
  }
  return out;
}

function commandOf(node: Node | undefined): string | undefined {
  if (isScalar(node) && node.value != null && String(node.value).trim() !== '') return String(node.value);
  if (isSeq(node) && node.items.length > 0) return node.items.map((i) => (isScalar(i) ? String(i.value) : '')).join(' ');
  return undefined;
}

export interface DockerStageHealth {
  /** The stage's name (`FROM x AS name`), lower case. */
  name: string | undefined;
  /** 1-based line of its HEALTHCHECK (not `HEALTHCHECK NONE`), if it declares one. */
  healthcheckLine: number | undefined;
  /** The text of that HEALTHCHECK instruction's line (its first line only). */
  healthcheckCommand?: string;
  /** Its last ENTRYPOINT and CMD, as written, when it sets them. */
  command: string | undefined;
  /** The image it is built FROM, lower case with its tag. */
  base: string | undefined;
  /** The ports its EXPOSE instructions name (numbers as written; `${PORT:-3000}` gives 3000). */
  exposed: string[];
}

/** A Dockerfile's stages and their HEALTHCHECKs, from its text (instruction lines only; no parse). */
export function dockerfileStages(text: string): DockerStageHealth[] {
  const stages: DockerStageHealth[] = [];
  const parts = new Map<DockerStageHealth, { ENTRYPOINT?: string; CMD?: string }>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const from = /^\s*FROM\s+(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?/i.exec(lines[i]);
    if (from) {
      stages.push({ name: from[2]?.toLowerCase(), healthcheckLine: undefined, command: undefined, base: from[1].toLowerCase(), exposed: [] });
      continue;
    }
    const stage = stages[stages.length - 1];
    const expose = /^\s*EXPOSE\s+(.*)$/i.exec(lines[i]);
    if (stage && expose) {
      for (const word of expose[1].trim().split(/\s+/)) {
        const port = /^(\d+)(?:\/tcp)?$/.exec(word)?.[1] ?? /^\$\{\w+:-(\d+)\}$/.exec(word)?.[1];
        if (port) stage.exposed.push(port);
      }
    }
    const command = /^\s*(CMD|ENTRYPOINT)\s+(.*)$/i.exec(lines[i]);
    if (stage && command) {
      const words = execWords(command[2]);
      parts.set(stage, { ...parts.get(stage), [command[1].toUpperCase()]: words });
      const { ENTRYPOINT, CMD } = parts.get(stage)!;
      stage.command = [ENTRYPOINT, CMD].filter(Boolean).join(' ');
    }
    if (stage && /^\s*HEALTHCHECK\s+/i.test(lines[i])) {
      const none = /^\s*HEALTHCHECK\s+NONE\b/i.test(lines[i]);
      stage.healthcheckLine = none ? undefined : i + 1;
      if (none) delete stage.healthcheckCommand;
      else stage.healthcheckCommand = lines[i].trim();
    }
  }
  return stages;
}

/** An instruction's words: the exec form's JSON array joined with spaces, the shell form as written. */
export function execWords(text: string): string {
  const trimmed = text.trim();
  if (!trimmed.startsWith('[')) return trimmed;
  try {
    const words: unknown = JSON.parse(trimmed);
    return Array.isArray(words) && words.every((w) => typeof w === 'string') ? words.join(' ') : trimmed;
  } catch {
    return trimmed;
  }
}

/** The stage an image is built from (`target`, else the final stage). */
export function stageOf(stages: readonly DockerStageHealth[], target?: string): DockerStageHealth | undefined {
  return target ? stages.find((s) => s.name === target.toLowerCase()) : stages[stages.length - 1];
}

/** A compose service that runs an image by name (`image:` and no `build:`). */
export interface ComposeImageRun {
  /** The compose file (absolute) and the 1-based line of the service's key. */
  path: string;
  line: number;
  service: string;
  image: string;
  /** It declares a `healthcheck` (its own test, or `disable: true`: an explicit choice). */
  healthcheck: boolean;
  /** Its file is a test or dev compose file, or it runs a development loop or only idles. */
  devOnly: boolean;
}

/** The services of a compose file's text that run an image they do not build; none when the text does not parse. */
export function composeImageRuns(file: string, text: string, relativePath = file): ComposeImageRun[] {
  if (!/^\s*image\s*:/m.test(text)) return [];
  const documents = yamlDocuments(text);
  const pathRole = roleByPath(relativePath)?.role;
  const devFile = pathRole === 'test' || pathRole === 'dev';
  const out: ComposeImageRun[] = [];
  for (const document of documents) {
    const root = document.contents;
    if (!isMap(root)) continue;
    const services = root.get('services', true) as Node | undefined;
    if (!isMap(services)) continue;
    for (const pair of services.items) {
      if (!isScalar(pair.key) || !isMap(pair.value)) continue;
      const spec = pair.value;
      const image = spec.get('image', true) as Node | undefined;
      if (spec.get('build') !== undefined || !isScalar(image) || typeof image.value !== 'string') continue;
      const command = commandOf(spec.get('command', true) as Node | undefined) ?? commandOf(spec.get('entrypoint', true) as Node | undefined);
      const offset = pair.key.range?.[0] ?? 0;
      out.push({
        path: file,
        line: text.slice(0, offset).split('\n').length,
        service: String(pair.key.value),
        image: image.value,
        healthcheck: spec.get('healthcheck') !== undefined,
        devOnly: devFile || (command !== undefined && (DEV_COMMAND.test(command) || IDLE_COMMAND.test(command.trim()))),
      });
    }
  }
  return out;
}
