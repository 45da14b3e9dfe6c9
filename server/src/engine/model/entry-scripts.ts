// What a container's entry script does with the app it starts: `exec`s it (the app becomes PID 1
// and gets SIGTERM), starts it as a child of the script's shell (the shell stays PID 1 and does not
// pass SIGTERM on), or something this cannot tell (a branch decides, a trap forwards the signal, it
// runs in the background). And which file of the repository an image's entry script comes from,
// read from the Dockerfile's COPY/ADD instructions. Pure functions of text; the workspace index
// keeps the answers for shell scripts nobody has open.

import * as path from 'node:path';

/** A shell script the index reads: `*.sh`, or an extensionless file named like an entry script. */
export function isEntryScriptPath(p: string): boolean {
  const name = p.slice(p.lastIndexOf('/') + 1);
  return /\.(?:sh|bash)$/.test(name) || /^(?:docker-)?entrypoint$|-entrypoint$|^(?:start|run|boot)$/.test(name);
}

export interface EntryScript {
  /**
   * `exec`: the last command at the top level is `exec ...` (the app replaces the shell);
   * `child`: it starts a program (`node`, `npm`, `"$@"`, ...) without `exec`; `unknown` otherwise
   * (a branch or loop ends the script, a `trap` handles TERM, the app runs in the background, the
   * file is not a shell script).
   */
  starts: 'exec' | 'child' | 'unknown';
  /** For `child`: the 1-based line of that command and the command as written (shortened). */
  line?: number;
  command?: string;
  /** For `exec`: it execs the container's command as given (`exec "$@"`), which then is PID 1. */
  execsArgs?: boolean;
}

/** Programs that, started as the script's last command, are the app (or what runs it). */
const APP_STARTERS = /^(?:.*\/)?(?:node|nodejs|npm|npx|yarn|pnpm|bun|deno|tsx|ts-node|pm2-runtime|python[\d.]*|gunicorn|uvicorn|hypercorn|daphne|celery|flask|java|ruby|bundle|rails|puma|php|php-fpm|dotnet|nginx|httpd|apache2-foreground)$/;
const ALL_ARGS = /^"?\$(?:@|\{@\})"?$/;
const OPENERS = /^(?:if|case|for|while|until|select)\b|^\{$|^function\s+\w+|^\w+\s*\(\s*\)\s*\{?\s*$/;
const CLOSERS = /^(?:fi|esac|done|\})(?:\s*[;&|>].*)?$/;

/** What a shell entry script does with the app, from its text. */
export function entryScriptFacts(text: string): EntryScript {
  const unknown: EntryScript = { starts: 'unknown' };
  const shebang = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(text);
  if (shebang) {
    const interpreter = /\/env$/.test(shebang[1]) ? shebang[2] ?? '' : shebang[1];
    if (!/^(?:.*\/)?(?:sh|bash|ash|dash|zsh)$/.test(interpreter)) return unknown;
  }
  const lines = text.split(/\r?\n/);
  let depth = 0;
  let last: { line: number; text: string } | undefined;
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i].trim();
    const first = i;
    // A continued line is one command.
    while (line.endsWith('\\') && i + 1 < lines.length) line = `${line.slice(0, -1)} ${lines[++i].trim()}`;
    if (line === '' || line.startsWith('#')) continue;
    // A `trap` on TERM means the script handles the signal itself (forwarding it, say): not judged.
    if (/^trap\b.*\b(?:SIG)?TERM\b|^trap\b.*\s15\b/.test(line)) return unknown;
    // Heredocs would hide lines of another language: not judged.
    if (/<<-?\s*['"]?\w+/.test(line)) return unknown;
    const opens = OPENERS.test(line) && !/\b(?:fi|done|esac)\s*;?\s*$|\}\s*;?\s*$/.test(line);
    if (opens) {
      depth++;
      last = undefined;
      continue;
    }
    if (CLOSERS.test(line)) {
      depth = Math.max(0, depth - 1);
      last = depth === 0 ? { line: first, text: line } : undefined;
      continue;
    }
    if (depth === 0) last = { line: first, text: line };
  }
  if (!last) return unknown;
  const command = last.text.replace(/\s+#.*$/, '');
  // The app in the background (`node a.js &`, a `wait` after it), a pipeline or a list: not judged.
  if (/(?:^|\s)&\s*$|^wait\b|\|\||&&|\||;/.test(command)) return unknown;
  const words = command.split(/\s+/);
  if (words[0] === 'exec') return ALL_ARGS.test(words[1] ?? '') && words.length === 2 ? { starts: 'exec', execsArgs: true } : { starts: 'exec' };
  // Leading assignments (`NODE_ENV=production node server.js`) apply to the command after them.
  let k = 0;
  while (k < words.length && /^[A-Za-z_]\w*=/.test(words[k])) k++;
  const program = words[k];
  if (program === undefined) return unknown;
  if (APP_STARTERS.test(program) || ALL_ARGS.test(program)) {
    const one = command.replace(/\s+/g, ' ');
    return { starts: 'child', line: last.line + 1, command: one.length > 50 ? `${one.slice(0, 47)}...` : one };
  }
  return unknown;
}

interface Copy {
  sources: string[];
  dest: string;
  workdir: string;
}

/** A Dockerfile's COPY/ADD instructions from the build context (not `--from=`), with the WORKDIR they run in. */
function copiesOf(dockerfile: string): { copies: Copy[]; workdir: string } {
  const copies: Copy[] = [];
  let workdir = '/';
  for (const raw of dockerfile.replace(/\\\r?\n/g, ' ').split(/\r?\n/)) {
    const from = /^\s*FROM\s/i.test(raw);
    if (from) workdir = '/';
    const wd = /^\s*WORKDIR\s+(\S+)/i.exec(raw);
    if (wd) workdir = path.posix.resolve(workdir, wd[1]);
    const copy = /^\s*(?:COPY|ADD)\s+(.*)$/i.exec(raw);
    if (!copy) continue;
    let args = copy[1].trim();
    const flags: string[] = [];
    while (/^--\S+/.test(args)) {
      const flag = /^--\S+/.exec(args)![0];
      flags.push(flag);
      args = args.slice(flag.length).trim();
    }
    if (flags.some((f) => /^--from=/i.test(f))) continue;
    let words: string[];
    if (args.startsWith('[')) {
      try {
        const parsed: unknown = JSON.parse(args);
        if (!Array.isArray(parsed) || !parsed.every((w) => typeof w === 'string')) continue;
        words = parsed as string[];
      } catch {
        continue;
      }
    } else words = args.split(/\s+/);
    if (words.length < 2 || words.some((w) => /[$*?[]/.test(w) || /^[a-z]+:\/\//.test(w))) continue;
    copies.push({ sources: words.slice(0, -1), dest: words[words.length - 1], workdir });
  }
  return { copies, workdir };
}

/**
 * The files of the repository that the image's program `program` (an entry script, as the
 * ENTRYPOINT or CMD names it) may have been copied from, most likely first. The build context is
 * taken to be the Dockerfile's folder; when nothing matches, the script is not a file we have.
 */
export function entryScriptSources(dockerfilePath: string, dockerfileText: string, program: string): string[] {
  const { copies, workdir } = copiesOf(dockerfileText);
  const context = path.posix.dirname(dockerfilePath);
  const target = path.posix.resolve(workdir, program);
  const base = path.posix.basename(target);
  // A bare name (`docker-entrypoint.sh`) is found on PATH: wherever it was copied to.
  const bare = !program.includes('/');
  const out: string[] = [];
  for (const copy of copies) {
    const destAbs = path.posix.resolve(copy.workdir, copy.dest);
    const destIsDir = copy.dest.endsWith('/') || copy.sources.length > 1;
    for (const source of copy.sources) {
      const src = path.posix.join(context, source);
      // `COPY docker-entrypoint.sh /usr/local/bin/` or `COPY start.sh /start.sh`.
      if (path.posix.basename(source) === base && (bare || (destIsDir ? path.posix.join(destAbs, base) === target : destAbs === target))) out.push(src);
      // `COPY . /app` (or `COPY scripts/ /app/scripts/`): the script's path below the destination.
      else if (!bare && target.startsWith(`${destAbs.replace(/\/$/, '')}/`)) out.push(path.posix.join(src, target.slice(destAbs.replace(/\/$/, '').length + 1)));
    }
  }
  return [...new Set(out)].reverse();
}

export interface StageEntrypoint {
  /** `FROM x AS name`, lower case. */
  name: string | undefined;
  /** The image it is built FROM, lower case with its tag. */
  base: string;
  /** Its last ENTRYPOINT, if it sets one. */
  entrypoint: { words: string[]; exec: boolean } | undefined;
}

/** A Dockerfile's stages with the ENTRYPOINT each sets (instruction lines only; no parse). */
export function stageEntrypoints(text: string): StageEntrypoint[] {
  const stages: StageEntrypoint[] = [];
  for (const line of text.replace(/\\\r?\n/g, ' ').split(/\r?\n/)) {
    const from = /^\s*FROM\s+(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) {
      stages.push({ name: from[2]?.toLowerCase(), base: from[1].toLowerCase(), entrypoint: undefined });
      continue;
    }
    const entry = /^\s*ENTRYPOINT\s+(.*)$/i.exec(line);
    const stage = stages[stages.length - 1];
    if (!entry || !stage) continue;
    stage.entrypoint = commandWords(entry[1]);
  }
  return stages;
}

/** An instruction's or a manifest's command as words: the exec form's array, or the shell form split on blanks. */
export function commandWords(text: string): { words: string[]; exec: boolean } {
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) {
    try {
      const words: unknown = JSON.parse(trimmed);
      if (Array.isArray(words) && words.every((w) => typeof w === 'string')) return { words: words as string[], exec: true };
    } catch {
      // Docker runs an array it cannot parse as a shell command
    }
  }
  return { words: trimmed.split(/\s+/).filter(Boolean), exec: false };
}

/**
 * The ENTRYPOINT the image built from `target` (else the final stage) runs, through `FROM <earlier
 * stage>`, with the chain's base image (its first FROM that is not a stage of the file). No words
 * when no stage of the chain sets one: the base image's applies. Undefined when the target is not a
 * stage of the file.
 */
export function entrypointOf(stages: readonly StageEntrypoint[], target?: string): DockerEntrypoint | undefined {
  let stage = target ? stages.find((s) => s.name === target.toLowerCase()) : stages[stages.length - 1];
  const seen = new Set<StageEntrypoint>();
  let found: { words: string[]; exec: boolean } | undefined;
  while (stage && !seen.has(stage)) {
    seen.add(stage);
    found ??= stage.entrypoint;
    const current = stage;
    const parent = stages.slice(0, stages.indexOf(current)).reverse().find((s) => s.name !== undefined && s.name === current.base);
    if (!parent) return { ...(found ?? { words: [], exec: true }), base: current.base };
    stage = parent;
  }
  return undefined;
}

export interface DockerEntrypoint {
  words: string[];
  exec: boolean;
  base: string | undefined;
}

/**
 * Base images whose own ENTRYPOINT hands the command to `exec` (or that have none): a command given
 * to them (a compose `command:`, a Kubernetes `args:`) runs as PID 1. One row per image family.
 */
export const PASS_THROUGH_IMAGES: ReadonlyArray<{ images: readonly string[]; source: string }> = [
  // docker-entrypoint.sh ends in `exec "$@"`.
  { images: ['node'], source: 'https://github.com/nodejs/docker-node/blob/main/docker-entrypoint.sh' },
  // No ENTRYPOINT: CMD is PID 1.
  { images: ['python', 'ruby', 'golang', 'alpine', 'debian', 'ubuntu', 'busybox'], source: 'https://github.com/docker-library/python/blob/master/Dockerfile-linux.template' },
];

/** The base image (`node:20-alpine`, `docker.io/library/python:3.12`) runs a command it is given as PID 1. */
export function passesCommandThrough(image: string | undefined): boolean {
  if (!image || /[{$]/.test(image)) return false;
  const clean = image.toLowerCase().split('@')[0];
  const slash = clean.lastIndexOf('/');
  const colon = clean.indexOf(':', slash + 1);
  const repo = (colon < 0 ? clean : clean.slice(0, colon)).replace(/^(?:docker\.io\/)?(?:library\/)?/, '');
  return PASS_THROUGH_IMAGES.some((row) => row.images.includes(repo));
}

/**
 * What `/bin/sh -c "<script>"` does with the script's last command, by the shell: dash (the
 * `/bin/sh` of Debian and Ubuntu images) runs it as a child and stays PID 1; bash and BusyBox ash
 * (Alpine's `/bin/sh`) replace themselves with it, so it becomes PID 1 (measured: dash 0.5.12, bash
 * 5.2, BusyBox 1.35). Scripts run from a file are never replaced: every shell stays PID 1 there.
 */
export type ShellBehaviour = 'keeps' | 'execs' | 'unknown';

/** Image families by their `/bin/sh`. Tags with `alpine` are BusyBox; the others of these repositories are Debian or Ubuntu. */
const DEBIAN_FAMILY = new Set(['node', 'python', 'ruby', 'golang', 'debian', 'ubuntu', 'buildpack-deps', 'openjdk', 'eclipse-temurin', 'amazoncorretto', 'php', 'perl', 'rust', 'elixir', 'erlang', 'gcc', 'nginx', 'httpd', 'maven', 'gradle']);

/** The `/bin/sh` of an image reference: `dash` for the Debian family, `busybox` for Alpine, undefined when not known. */
export function imageShell(image: string | undefined): 'dash' | 'busybox' | undefined {
  if (!image) return undefined;
  const clean = image.trim().toLowerCase().split('@')[0];
  const slash = clean.lastIndexOf('/');
  const colon = clean.indexOf(':', slash + 1);
  const repo = (colon < 0 ? clean : clean.slice(0, colon)).replace(/^(?:docker\.io\/|index\.docker\.io\/)?(?:library\/)?/, '');
  const tag = colon < 0 ? '' : clean.slice(colon + 1);
  if (/[{$]/.test(repo)) return undefined;
  if (repo === 'alpine' || repo === 'busybox' || /(?:^|[/-])alpine(?:[-/]|$)/.test(repo) || /(?:^|[-.])alpine/.test(tag)) return 'busybox';
  if (!DEBIAN_FAMILY.has(repo) || /[{$]/.test(tag) || /windows|nanoserver|servercore/.test(tag)) return undefined;
  return 'dash';
}

/** What the shell `program` (`sh`, `/bin/bash`, `ash`) does with the last command of `-c`, in `image`. */
export function shellBehaviour(program: string, image: string | undefined): ShellBehaviour {
  const name = program.slice(program.lastIndexOf('/') + 1);
  if (name === 'bash' || name === 'ash') return 'execs';
  if (name === 'dash') return 'keeps';
  if (name !== 'sh') return 'unknown';
  const shell = imageShell(image);
  return shell === 'dash' ? 'keeps' : shell === 'busybox' ? 'execs' : 'unknown';
}

/**
 * The last command of a `-c` script as words (leading `VAR=value` assignments dropped), when it is
 * a plain one: undefined for a script with quotes, substitutions, groups, loops or a background job.
 */
export function lastCommandOf(script: string): string[] | undefined {
  const s = script.trim();
  if (s === '' || /[`'"(){}\\]|\$\(|(?:^|[^&])&\s*$/.test(s)) return undefined;
  const parts = s.split(/\s*(?:&&|\|\||;|\n)\s*/).filter((p) => p !== '');
  const last = parts[parts.length - 1];
  if (!last || /\|/.test(last) || /^(?:done|fi|esac|while|until|for|if|case|then|do|else)\b/.test(last)) return undefined;
  const words = last.split(/\s+/);
  let k = 0;
  while (k < words.length && /^[A-Za-z_]\w*=/.test(words[k])) k++;
  return k < words.length ? words.slice(k) : undefined;
}
