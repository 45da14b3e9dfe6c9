// Links from a deployed container to the code it runs: which Dockerfile builds the image a Kubernetes
// container or a compose service names, from which build context (the package), and what the image's
// final stage sets in its environment. Pure: text in, facts out; the workspace index keeps them.
//
// A container's image is linked to a Dockerfile only when the workspace says so: a compose service
// that both names the image and builds it, or exactly one Dockerfile whose build context folder has the
// image's repository name (`ghcr.io/acme/orders:1.2` and `orders/Dockerfile`). An image from another
// repository matches neither: unknown, and no cross-check is made.

import * as path from 'node:path';
import { isMap, isScalar, type Node } from 'yaml';
import { buildingServices, execWords } from './compose-links';
import { imageRepositoryName } from './k8s-objects';

export interface ImageBuild {
  /** The image name as the compose file writes it. */
  image: string;
  dockerfile: string;
  /** The build context folder (absolute, forward slashes). */
  context: string;
  target: string | undefined;
  /** Where the link comes from: the compose file and the service's line. */
  path: string;
  line: number;
}

/** The compose services that name an `image:` and build it (`build:`): the image is this Dockerfile's. */
export function composeImageBuilds(file: string, text: string): ImageBuild[] {
  if (!/^\s*image\s*:/m.test(text)) return [];
  const dir = path.posix.dirname(file);
  const out: ImageBuild[] = [];
  for (const { spec, build, built, line } of buildingServices(file, text)) {
    const image = spec.get('image', true) as Node | undefined;
    if (!isScalar(image) || typeof image.value !== 'string' || image.value.includes('$')) continue;
    out.push({ image: image.value, dockerfile: built.dockerfile, context: contextOf(dir, build), target: built.target, path: file, line });
  }
  return out;
}

/** The build context folder of a compose `build:` value (the Dockerfile's resolution is `builtDockerfile`'s). */
export function contextOf(composeDir: string, build: Node | null | undefined): string {
  let context = '.';
  if (isScalar(build) && typeof build.value === 'string') context = build.value;
  else if (isMap(build)) {
    const c = build.get('context', true) as Node | undefined;
    if (isScalar(c) && typeof c.value === 'string') context = c.value;
  }
  return path.posix.normalize(context.startsWith('/') ? context : `${composeDir}/${context}`).replace(/\/$/, '');
}

/** An image's repository name (`ghcr.io/acme/orders:1.2` -> `orders`): the model's one reader, in k8s-objects. */
export { imageRepositoryName };

/** Whether an image names a repository path (not a bare stock image such as `node` or `nginx`). */
export function imageWithoutTag(image: string): string {
  const withoutDigest = image.split('@')[0];
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  return (colon > slash ? withoutDigest.slice(0, colon) : withoutDigest).toLowerCase();
}

export interface DockerImageFacts {
  /** The final stage's environment: `ENV PORT=8080` (null when the value is built from other variables). */
  env: Record<string, string | null>;
  /** 1-based lines of those ENV instructions, by variable. */
  envLines: Record<string, number>;
  /** The final stage's ENTRYPOINT + CMD words, as `dockerfileStages` reads them. */
  command: string | undefined;
  /** The 1-based line of the final stage's CMD (else ENTRYPOINT), if any. */
  commandLine: number | undefined;
}

/** The final stage's ENV and command (instruction lines only; no parse). Line continuations are joined. */
export function dockerImageFacts(text: string): DockerImageFacts {
  let facts: DockerImageFacts = { env: {}, envLines: {}, command: undefined, commandLine: undefined };
  const parts: { ENTRYPOINT?: string; CMD?: string } = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let line = lines[i];
    while (/\\\s*$/.test(line) && i + 1 < lines.length) line = line.replace(/\\\s*$/, ' ') + lines[++i];
    if (/^\s*FROM\s/i.test(line)) {
      facts = { env: {}, envLines: {}, command: undefined, commandLine: undefined };
      delete parts.ENTRYPOINT;
      delete parts.CMD;
      continue;
    }
    const env = /^\s*ENV\s+(.*)$/i.exec(line);
    if (env) {
      const body = env[1].trim();
      const pairs = /^[A-Za-z_]\w*=/.test(body) ? [...body.matchAll(/([A-Za-z_]\w*)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/g)].map((m) => [m[1], m[2]] as const) : [[body.split(/\s+/)[0], body.split(/\s+/).slice(1).join(' ')] as const];
      for (const [name, raw] of pairs) {
        const value = raw.replace(/^(['"])(.*)\1$/, '$2');
        facts.env[name] = value.includes('$') ? null : value;
        facts.envLines[name] = start + 1;
      }
    }
    const command = /^\s*(CMD|ENTRYPOINT)\s+(.*)$/i.exec(line);
    if (command) {
      parts[command[1].toUpperCase() as 'CMD' | 'ENTRYPOINT'] = execWords(command[2]);
      facts.command = [parts.ENTRYPOINT, parts.CMD].filter(Boolean).join(' ');
      facts.commandLine = start + 1;
    }
  }
  return facts;
}

/**
 * The drain bound an app server's command line sets, in seconds: uvicorn `--timeout-graceful-shutdown N`,
 * gunicorn `--graceful-timeout N`. Only what the command spells out (gunicorn's own default of 30 s is
 * not a choice anyone made).
 */
export function commandDrainSeconds(command: string | undefined): { seconds: number; flag: string } | undefined {
  if (!command) return undefined;
  const uvicorn = /\buvicorn\b[^\n]*?--timeout-graceful-shutdown(?:=|\s+)(\d+(?:\.\d+)?)/.exec(command);
  if (uvicorn) return { seconds: Number(uvicorn[1]), flag: '--timeout-graceful-shutdown' };
  const gunicorn = /\bgunicorn\b[^\n]*?--graceful-timeout(?:=|\s+)(\d+(?:\.\d+)?)/.exec(command);
  if (gunicorn) return { seconds: Number(gunicorn[1]), flag: '--graceful-timeout' };
  return undefined;
}
