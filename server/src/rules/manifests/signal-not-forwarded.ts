import type { Instruction } from 'dockerfile-ast';
import * as path from 'node:path';
import { isScalar, isSeq, type Node, type Pair, type Scalar, type YAMLMap } from 'yaml';
import type { Fix, RelatedLocation, Rule, RuleContext, RuleFinding, TextEdit } from '../../engine/types';
import { dockerfileFacts, composeOneShot } from '../../engine/model/manifest-roles';
import { builtDockerfile } from '../../engine/model/compose-links';
import { entryScriptSources, entrypointOf, lastCommandOf, stageEntrypoints, passesCommandThrough, shellBehaviour, type EntryScript } from '../../engine/model/entry-scripts';
import { containers, describe, findingData } from './k8s';
import { asMap, getMap, getPair, getString, getValue, keyText, resolve, templated, type YamlScope } from './yaml-tools';

/** Init processes made to run as PID 1: they forward signals to the app and reap zombies. */
const INIT = /^(?:.*\/)?(?:tini|tini-static|dumb-init|catatonit|s6-svscan|init|docker-init)$/;
const SHELLS = /^(?:.*\/)?(?:sh|bash|ash|dash|zsh)$/;
const PACKAGE_MANAGERS = /^(?:.*\/)?(?:npm|yarn|pnpm)$/;

interface Command {
  instruction: Instruction;
  keyword: 'CMD' | 'ENTRYPOINT';
  exec: boolean;
  words: string[];
  raw: string;
}

function readCommand(instruction: Instruction): Command | undefined {
  const raw = (instruction.getArgumentsContent() ?? '').trim();
  if (!raw) return undefined;
  const keyword = instruction.getKeyword().toUpperCase() as 'CMD' | 'ENTRYPOINT';
  if (raw.startsWith('[')) {
    try {
      const words: unknown = JSON.parse(raw);
      if (Array.isArray(words) && words.every((w) => typeof w === 'string')) return { instruction, keyword, exec: true, words: words as string[], raw };
    } catch {
      // Docker runs an array it cannot parse as a shell command
    }
  }
  return { instruction, keyword, exec: false, words: raw.split(/\s+/), raw };
}

/** The image the final stage is built on (with its tag), through `FROM <earlier stage>`: the one whose `/bin/sh` runs a shell form. */
function finalBase(ctx: RuleContext): string | undefined {
  return entrypointOf(stageEntrypoints(ctx.doc.text))?.base;
}

/** The final image's ENTRYPOINT and CMD instructions (inherited through `FROM <earlier stage>`). */
function finalCommands(ctx: RuleContext): { entrypoint?: Command; cmd?: Command } {
  const facts = dockerfileFacts(ctx.doc);
  const byStart = new Map(ctx.doc.dockerfile.getInstructions().map((i) => [ctx.doc.lines.offsetAt(i.getRange().start), i]));
  let stage: (typeof facts.stages)[number] | undefined = facts.stages[facts.stages.length - 1];
  const seen = new Set<(typeof facts.stages)[number]>();
  const found: { entrypoint?: Command; cmd?: Command } = {};
  while (stage && !seen.has(stage)) {
    seen.add(stage);
    for (const key of ['ENTRYPOINT', 'CMD'] as const) {
      const prop = key === 'CMD' ? 'cmd' : 'entrypoint';
      if (found[prop]) continue;
      const last = [...stage.instructions].reverse().find((i) => i.keyword === key);
      const instruction = last && byStart.get(last.start);
      if (instruction) found[prop] = readCommand(instruction) ?? undefined;
    }
    const current: (typeof facts.stages)[number] = stage;
    stage = facts.stages.slice(0, facts.stages.indexOf(current)).reverse().find((s) => s.name !== undefined && s.name === current.image);
  }
  return found;
}

/**
 * What keeps the signal from the app, for a command run directly as PID 1 (not through an init).
 * `label` names the command as the file writes it (`CMD`, `command:`); `image` is the image it runs
 * in, whose `/bin/sh` decides what `sh -c` does.
 */
function problemOf(exec: boolean, words: readonly string[], raw: string, label: string, image: string | undefined): string | undefined {
  if (!exec) return shellProblem('/bin/sh', raw, image, `the shell form of ${label} runs it as \`/bin/sh -c "${short(raw)}"\``);
  const [program, ...rest] = words;
  if (!program) return undefined;
  if (SHELLS.test(program) && rest[0] === '-c') return shellProblem(program, rest.slice(1).join(' '), image, `\`${short(words.join(' '))}\``);
  return runnerProblem(words);
}

/** A package manager running a script, or pm2-runtime, as PID 1. */
function runnerProblem(words: readonly string[]): string | undefined {
  const [program, ...rest] = words;
  if (!program) return undefined;
  if (PACKAGE_MANAGERS.test(program) && /^(?:start|run|run-script)$/.test(rest[0] ?? '')) {
    return `\`${short(words.join(' '))}\` puts the package manager (and a shell) between the container and the app, and it does not reliably pass SIGTERM on`;
  }
  if (/^(?:.*\/)?pm2-runtime$/.test(program)) return '`pm2-runtime` stops the app with SIGINT and kills it after 1.6 s, so a SIGTERM handler never runs';
  return undefined;
}

/**
 * `<shell> -c "<script>"`: dash stays PID 1 (the app never gets SIGTERM); bash and BusyBox ash
 * replace themselves with the last command, which is then judged; a shell not known from the
 * image is judged only when either way the app would not get the signal (the last command is npm).
 */
function shellProblem(shell: string, script: string, image: string | undefined, what: string): string | undefined {
  const text = script.trim();
  if (!text || /^exec\s/.test(text)) return undefined;
  const last = lastCommandOf(text);
  if (last?.[0] === 'exec') return undefined;
  const behaviour = shellBehaviour(shell, image);
  if (behaviour === 'keeps') return `${what} makes the shell PID 1 (\`${shell.replace(/^.*\//, '') === 'sh' ? '/bin/sh' : shell}\` is dash here, which runs the app as its child), and it does not pass SIGTERM on`;
  const inner = last && runnerProblem(last);
  if (!inner) return undefined;
  return `${what} ends in ${inner}`;
}

function problem(c: Command, image: string | undefined): string | undefined {
  return problemOf(c.exec, c.words, c.raw, c.keyword, image);
}

function short(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > 50 ? `${one.slice(0, 47)}...` : one;
}

/** The message's last sentence and the related locations: the package's SIGTERM handlers, which will not run. */
function handlerNote(ctx: RuleContext, packagePath: string): { note: string; related: RelatedLocation[] } {
  const handlers = (ctx.workspace.sigtermHandlers?.(packagePath) ?? []).filter((h) => h.line !== undefined).slice(0, 3);
  const related = handlers.map((h) => ({ path: h.path, line: h.line!, message: `This SIGTERM handler (${h.how ?? 'SIGTERM'}) will never run: the signal does not reach the app.` }));
  const known = related.length > 0 || ctx.workspace.handlesSigterm(packagePath) === true;
  return { note: known ? ' The SIGTERM handler in this package will never run: the container is killed when the stop timeout ends.' : '', related };
}

function withRelated(finding: RuleFinding, related: RelatedLocation[]): RuleFinding {
  return related.length > 0 ? { ...finding, related } : finding;
}

/** A program that is an entry script, not the app: the first word, or a shell's script argument (`sh ./start.sh`). */
function scriptProgram(words: readonly string[]): string | undefined {
  const [program, ...rest] = words;
  if (!program || INIT.test(program) || PACKAGE_MANAGERS.test(program)) return undefined;
  if (SHELLS.test(program)) return rest[0] !== undefined && !rest[0].startsWith('-') ? rest[0] : undefined;
  return /\.(?:sh|bash)$|entrypoint|^(?:.*\/)?(?:start|run|boot)$/i.test(program) ? program : undefined;
}

/** The repository file an image's entry script was copied from and what it does, when the workspace has it. */
function followScript(ctx: RuleContext, program: string): { path: string; facts: EntryScript } | undefined {
  if (!ctx.workspace.entryScript) return undefined;
  for (const candidate of entryScriptSources(ctx.doc.path.replace(/\\/g, '/'), ctx.doc.text, program)) {
    const facts = ctx.workspace.entryScript(candidate);
    if (facts) return { path: candidate, facts };
  }
  return undefined;
}

function checkDockerfile(ctx: RuleContext): RuleFinding[] {
  const { entrypoint, cmd } = finalCommands(ctx);
  // Every compose service that builds this image sets its own command: the compose file decides what runs.
  const builders = ctx.workspace.composeServicesBuilding(ctx.doc.path);
  if (builders.length > 0 && builders.every((b) => b.command !== undefined)) return [];
  let culprit: Command | undefined;
  let why: string | undefined;
  let related: RelatedLocation[] = [];
  // The command PID 1 is: the ENTRYPOINT when set, else CMD.
  const first = entrypoint ?? cmd;
  if (!first) return [];
  if (first.exec && INIT.test(first.words[0] ?? '')) return [];
  const base = finalBase(ctx);
  why = problem(first, base);
  culprit = first;
  if (!why && first.exec) {
    const program = scriptProgram(first.words);
    const script = program ? followScript(ctx, program) : undefined;
    // An exec-form program that is not a script of the repository decides what CMD means: unknown here.
    if (!script) return [];
    const name = path.posix.basename(script.path);
    if (script.facts.starts === 'child') {
      why = `the entry script \`${name}\` starts it without \`exec\` (line ${script.facts.line}: \`${script.facts.command}\`), so the script's shell stays PID 1 and does not pass SIGTERM on`;
      related = [{ path: script.path, line: script.facts.line!, message: `Starts the app without \`exec\`: \`exec ${script.facts.command}\` makes it PID 1.` }];
    } else if (script.facts.starts === 'exec' && script.facts.execsArgs && entrypoint && cmd) {
      // `exec "$@"` hands PID 1 to CMD: judge CMD as if it ran alone.
      why = problem(cmd, base);
      culprit = cmd;
      if (why) why = `${why} (\`${name}\` ends in \`exec "$@"\`, so CMD becomes PID 1)`;
    } else return [];
  }
  if (!why || !culprit) return [];
  const range = culprit.instruction.getRange();
  const handler = handlerNote(ctx, ctx.doc.path);
  return [
    withRelated(
      {
        start: ctx.doc.lines.offsetAt(range.start),
        end: ctx.doc.lines.offsetAt(range.end),
        message: `The app never receives SIGTERM: ${why}.${handler.note}`,
        data: { keyword: culprit.keyword },
      },
      [...related, ...handler.related],
    ),
  ];
}

// ---- Compose and Kubernetes: the command the orchestrator runs ---------------------------------

interface YamlCommand {
  words: string[];
  /** The node the words come from (the finding sits on its key). */
  pair: Pair;
  /** The scalar holding a shell's script (`sh -c "<script>"`), for the fix. */
  script?: Scalar;
}

/**
 * A command written in YAML as the orchestrator reads it: a sequence of strings, or (Compose only)
 * a string, which Compose splits into words the way a shell would, without running a shell.
 * Undefined when any part is unknown (a template action, a variable, a non-string item).
 */
function yamlCommand(scope: YamlScope, pair: Pair | undefined, allowString: boolean): YamlCommand | undefined {
  if (!pair) return undefined;
  const node = resolve(pair.value, scope);
  if (!node || !node.range || templated(scope, node.range[0], node.range[1])) return undefined;
  if (isSeq(node)) {
    const items = node.items.map((i) => resolve(i, scope));
    if (items.length === 0 || !items.every((i): i is Scalar => isScalar(i) && typeof i.value === 'string')) return undefined;
    const words = items.map((i) => String(i.value));
    return { words, pair, script: items[items.length - 1] };
  }
  if (allowString && isScalar(node) && typeof node.value === 'string') {
    const words = splitWords(node.value);
    return words && words.length > 0 ? { words, pair } : undefined;
  }
  return undefined;
}

/** Shell-like word splitting with quotes, as Compose splits a string `command:`; undefined on an unclosed quote. */
function splitWords(text: string): string[] | undefined {
  const out: string[] = [];
  let word: string | undefined;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < text.length) word += text[++i];
      else word += c;
    } else if (/\s/.test(c)) {
      if (word !== undefined) out.push(word);
      word = undefined;
    } else if (c === '"' || c === "'") {
      quote = c;
      word ??= '';
    } else if (c === '\\' && i + 1 < text.length) word = (word ?? '') + text[++i];
    else word = (word ?? '') + c;
  }
  if (quote) return undefined;
  if (word !== undefined) out.push(word);
  return out;
}

/** A variable in a command is filled in from elsewhere (Compose interpolation, the environment): unknown. */
function hasVariable(words: readonly string[]): boolean {
  return words.slice(0, 1).some((w) => w.includes('$'));
}

function keySpan(pair: Pair): [number, number] | undefined {
  const key = pair.key as Node | null;
  return key?.range ? [key.range[0], key.range[1]] : undefined;
}

interface ComposeService {
  scope: YamlScope;
  name: string;
  map: YAMLMap;
}

function composeServices(ctx: RuleContext): ComposeService[] {
  const out: ComposeService[] = [];
  for (const document of ctx.doc.yaml.documents) {
    if (document.errors.length > 0) continue;
    const scope: YamlScope = { doc: ctx.doc, document };
    const root = asMap(document.contents, scope);
    const services = root && getMap(root, 'services', scope);
    if (!services) continue;
    for (const pair of services.items) {
      const name = keyText(pair);
      const map = asMap(pair.value, scope);
      const key = pair.key as Node | null;
      if (!name || !map || !key?.range || templated(scope, key.range[0], key.range[1])) continue;
      if (!getPair(map, 'image', scope) && !getPair(map, 'build', scope)) continue;
      out.push({ scope, name, map });
    }
  }
  return out;
}

function checkCompose(ctx: RuleContext): RuleFinding[] {
  const out: RuleFinding[] = [];
  const all = composeServices(ctx);
  for (const service of all) {
    const { scope, map } = service;
    // `init: true` runs Docker's init (tini) as PID 1, which forwards signals.
    const init = resolve(getValue(map, 'init', scope), scope);
    if (isScalar(init) && (init.value === true || init.value === 'true')) continue;
    if (getPair(map, 'extends', scope)) continue;
    const entry = yamlCommand(scope, getPair(map, 'entrypoint', scope), true);
    const command = yamlCommand(scope, getPair(map, 'command', scope), true);
    if (getPair(map, 'entrypoint', scope) && !entry) continue;
    if (getPair(map, 'command', scope) && !command) continue;
    if (!entry && !command) continue;
    if (composeOneShot(service, all, [...(entry?.words ?? []), ...(command?.words ?? [])].join(' '))) continue;
    const build = getValue(map, 'build', scope);
    const built = build !== undefined ? builtDockerfile(path.posix.dirname(ctx.doc.path.replace(/\\/g, '/')), resolve(build, scope) as Node | undefined) : undefined;
    let words: string[];
    let culprit: YamlCommand;
    let how: string;
    const builtEntry = built && ctx.workspace.dockerfileEntrypoint?.(built.dockerfile, built.target);
    const image = built ? builtEntry?.base : getString(map, 'image', scope);
    if (entry) {
      // `entrypoint:` replaces the image's ENTRYPOINT (and drops its CMD): PID 1 is what it names.
      words = [...entry.words, ...(command?.words ?? [])];
      culprit = entry;
      how = 'entrypoint:';
    } else {
      // `command:` replaces CMD only: it is PID 1 when the image's ENTRYPOINT hands it over.
      const passes = built ? builtEntry !== undefined && builtEntry.words.length === 0 && passesCommandThrough(builtEntry.base) : passesCommandThrough(image);
      if (!passes) continue;
      words = command!.words;
      culprit = command!;
      how = 'command:';
    }
    if (hasVariable(words) || INIT.test(words[0] ?? '')) continue;
    const why = problemOf(true, words, words.join(' '), how, image);
    const span = keySpan(culprit.pair);
    if (!why || !span) continue;
    const handler = handlerNote(ctx, built?.dockerfile ?? ctx.doc.path);
    out.push(
      withRelated(
        { start: span[0], end: span[1], message: `The app never receives SIGTERM: in service '${service.name}', ${why}.${handler.note}`, data: { service: service.name } },
        handler.related,
      ),
    );
  }
  return out;
}

function checkKubernetes(ctx: RuleContext): RuleFinding[] {
  const out: RuleFinding[] = [];
  for (const container of containers(ctx.doc)) {
    if (container.unknown || container.workload.batch || container.notService) continue;
    const { scope, map } = container;
    const commandPair = getPair(map, 'command', scope);
    const argsPair = getPair(map, 'args', scope);
    const command = yamlCommand(scope, commandPair, false);
    const args = yamlCommand(scope, argsPair, false);
    if ((commandPair && !command) || (argsPair && !args)) continue;
    let words: string[];
    let culprit: YamlCommand;
    let how: string;
    if (command) {
      // `command:` replaces the image's ENTRYPOINT; `args:` follow it.
      words = [...command.words, ...(args?.words ?? [])];
      culprit = command.words.length === 2 && SHELLS.test(command.words[0]) && command.words[1] === '-c' && args ? { ...command, script: args.script } : command;
      how = 'command:';
    } else if (args && passesCommandThrough(getString(map, 'image', scope))) {
      words = args.words;
      culprit = args;
      how = 'args:';
    } else continue;
    if (hasVariable(words) || INIT.test(words[0] ?? '')) continue;
    const why = problemOf(true, words, words.join(' '), how, getString(map, 'image', scope));
    const span = keySpan(culprit.pair);
    if (!why || !span) continue;
    const handler = handlerNote(ctx, ctx.doc.path);
    out.push(withRelated({ start: span[0], end: span[1], message: `The app never receives SIGTERM: in ${describe(container).replace(/^C/, 'c').replace(/^This/, 'this')}, ${why}.${handler.note}`, data: findingData(container) }, handler.related));
  }
  return out;
}

function check(ctx: RuleContext): RuleFinding[] {
  switch (ctx.doc.kind) {
    case 'dockerfile':
      return checkDockerfile(ctx);
    case 'compose':
      return checkCompose(ctx);
    case 'kubernetes':
      return checkKubernetes(ctx);
    default:
      return [];
  }
}

/** Words a shell would pass on unchanged: no quotes, variables, globs, operators or escapes. */
const PLAIN_WORD = /^[\w@%+=:,./-]+$/;

function fixes(finding: RuleFinding, ctx: RuleContext): Fix[] {
  if (ctx.doc.kind !== 'dockerfile') return yamlFixes(finding, ctx);
  const { entrypoint, cmd } = finalCommands(ctx);
  const c = [entrypoint, cmd].find((x) => x && ctx.doc.lines.offsetAt(x.instruction.getRange().start) === finding.start);
  if (!c || c.exec || !c.words.every((w) => PLAIN_WORD.test(w))) return [];
  const args = c.instruction.getArgumentsRange?.();
  if (!args) return [];
  const start = ctx.doc.lines.offsetAt(args.start);
  const end = ctx.doc.lines.offsetAt(args.end);
  const newText = `[${c.words.map((w) => JSON.stringify(w)).join(', ')}]`;
  return [{ title: `Use the exec form: ${c.keyword} ${newText}`, safe: true, edits: [{ start, end, newText }] }];
}

/**
 * `sh -c "node server.js"` -> `sh -c "exec node server.js"`: the shell replaces itself with the app,
 * which becomes PID 1. Only for a script of one plain command (no lists, pipes, variables or quotes).
 */
function yamlFixes(finding: RuleFinding, ctx: RuleContext): Fix[] {
  const commands = ctx.doc.kind === 'compose' ? composeCommandsAt(ctx, finding.start) : kubernetesCommandsAt(ctx, finding.start);
  const target = commands?.script;
  if (!target || !commands || !target.range) return [];
  const [program, flag, ...rest] = commands.words;
  if (!SHELLS.test(program ?? '') || flag !== '-c' || rest.length !== 1) return [];
  const script = String(target.value);
  const words = script.trim().split(/\s+/);
  if (words.length === 0 || !words.every((w) => PLAIN_WORD.test(w))) return [];
  const type = target.type;
  if (type !== 'PLAIN' && type !== 'QUOTE_DOUBLE' && type !== 'QUOTE_SINGLE') return [];
  const raw = ctx.doc.text.slice(target.range[0], target.range[1]);
  const inner = type === 'PLAIN' ? 0 : 1;
  const lead = /^\s*/.exec(raw.slice(inner))![0].length;
  const at = target.range[0] + inner + lead;
  const edit: TextEdit = { start: at, end: at, newText: 'exec ' };
  return [{ title: `Start the app with exec: sh -c "exec ${short(script.trim())}"`, safe: true, edits: [edit] }];
}

function composeCommandsAt(ctx: RuleContext, start: number): YamlCommand | undefined {
  for (const service of composeServices(ctx)) {
    for (const key of ['entrypoint', 'command']) {
      const pair = getPair(service.map, key, service.scope);
      if (pair && keySpan(pair)?.[0] === start) {
        const entry = yamlCommand(service.scope, getPair(service.map, 'entrypoint', service.scope), true);
        const command = yamlCommand(service.scope, getPair(service.map, 'command', service.scope), true);
        const own = key === 'entrypoint' ? entry : command;
        if (!own) return undefined;
        // A shell entrypoint whose script is the command: `entrypoint: ["sh", "-c"]`, `command: ["node server.js"]`.
        if (key === 'entrypoint' && command && entry && entry.words.length === 2) return { ...entry, words: [...entry.words, ...command.words], script: command.script };
        return own;
      }
    }
  }
  return undefined;
}

const kubernetesCommands = new WeakMap<RuleContext['doc'], Map<number, YamlCommand>>();

/**
 * The container command whose `command:` or `args:` key starts at `start`. Every container's commands
 * are read once per document, not once per finding (a manifest of hundreds of findings re-read every
 * container for each one's fix); the first container in order wins, its `command:` before its `args:`.
 */
function kubernetesCommandsAt(ctx: RuleContext, start: number): YamlCommand | undefined {
  let byStart = kubernetesCommands.get(ctx.doc);
  if (!byStart) {
    byStart = new Map();
    for (const container of containers(ctx.doc)) {
      const command = yamlCommand(container.scope, getPair(container.map, 'command', container.scope), false);
      const args = yamlCommand(container.scope, getPair(container.map, 'args', container.scope), false);
      const commandStart = command && keySpan(command.pair)?.[0];
      if (command && commandStart !== undefined && !byStart.has(commandStart)) {
        byStart.set(commandStart, args ? { ...command, words: [...command.words, ...args.words], script: command.words.length === 2 ? args.script : undefined } : command);
      }
      const argsStart = args && keySpan(args.pair)?.[0];
      if (args && argsStart !== undefined && !byStart.has(argsStart)) byStart.set(argsStart, args);
    }
    kubernetesCommands.set(ctx.doc, byStart);
  }
  return byStart.get(start);
}

export const signalNotForwarded: Rule = {
  id: 'signal-not-forwarded',
  family: 'manifests',
  kinds: ['dockerfile', 'compose', 'kubernetes'],
  roles: ['service'],
  defaultSeverity: 'warning',
  fix: 'sometimes-safe',
  summary: "The container's command runs the app under something that does not pass SIGTERM on.",
  docs: {
    whatItDoes: [
      'Reads the command the orchestrator really runs and flags it when the app runs under something that does not forward SIGTERM: the shell form (`CMD node server.js` runs `/bin/sh -c`) or an explicit `sh -c` without `exec` where the shell stays PID 1, `npm`/`yarn`/`pnpm` running a script (`npm start`), `pm2-runtime`, or an entry script that starts the app without `exec`. An init (tini, dumb-init, catatonit, Docker\'s `init: true`) as PID 1 forwards signals and is never flagged; a shell command whose last command starts with `exec` is fine.',
      'What `sh -c "<script>"` does depends on the shell, so the image decides (measured: dash 0.5.12, bash 5.2, BusyBox 1.35): dash, the `/bin/sh` of Debian and Ubuntu images (`node:20`, `node:20-slim`, `python:3.12`, ...), runs the script\'s last command as its child and stays PID 1: flagged. bash and BusyBox ash (the `/bin/sh` of Alpine images) replace themselves with the last command, even after `&&`, so it is PID 1: flagged only when that command is itself `npm start`, `yarn start` or `pm2-runtime`. A `/bin/sh` the image does not tell (a custom or vendor image) is judged the same way as bash: only a last command of npm, yarn, pnpm or pm2-runtime is flagged, since it keeps the signal from the app either way. A script started from a file is never replaced by any shell.',
      '**Dockerfile**: the final image\'s ENTRYPOINT and CMD (inherited through `FROM <earlier stage>`). An exec-form ENTRYPOINT (or CMD) that names a shell script (`["./docker-entrypoint.sh"]`, `["sh", "start.sh"]`) is followed to the repository file the Dockerfile COPYs it from (the build context taken to be the Dockerfile\'s folder): a script whose last top-level command starts the app (`node`, `npm`, `python`, `gunicorn`, `"$@"`, ...) without `exec` is flagged; one that ends in `exec ...` is fine, and when it ends in `exec "$@"` CMD is PID 1 and is judged itself. A script that is not in the repository, is not a shell script, ends inside a branch or loop, runs the app in the background, or `trap`s TERM is unknown: no finding. When every compose service that builds the Dockerfile sets its own `command:`/`entrypoint:`, the compose file decides what runs and the Dockerfile is not flagged.',
      '**Compose**: a service\'s `entrypoint:` (which replaces the image\'s ENTRYPOINT and its CMD) and `command:` (which replaces CMD: judged when the image hands it to PID 1: a Dockerfile of the workspace with no ENTRYPOINT on a base image that has none or ends in `exec "$@"` such as `node` and `python`, or such a stock image). A string command is split into words by Compose, not run by a shell. **Kubernetes**: a container\'s `command:` (which replaces ENTRYPOINT) followed by its `args:`; `args:` alone only on such a stock image. Commands from template actions or starting with a variable are unknown. Jobs, one-shot compose services and idle containers are not read.',
      'When a file of the package (of the Dockerfile, or of the Dockerfile a compose service builds) handles SIGTERM, the message says that handler will never run, and the finding\'s related information points at it (and at the entry script\'s line). The finding sits on the instruction, or the `command`/`entrypoint`/`args` key.',
    ].join('\n\n'),
    whyItMatters:
      'Checklist: "Graceful shutdown: handle SIGTERM". `docker stop` and the kubelet send SIGTERM to PID 1 only. A shell or a package manager as PID 1 does not pass it on, so the app never starts draining; after the stop timeout (10 s in Docker, 30 s in Kubernetes) it is killed with SIGKILL mid-request, and every shutdown handler it has is dead code.',
    example: { path: 'Dockerfile', code: 'FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci --omit=dev\nCMD node server.js\n' },
    useInstead: { path: 'Dockerfile', code: 'FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci --omit=dev\nCMD ["node", "server.js"]\n' },
    fixSafety:
      'Safe for a shell-form command of plain words (no quotes, variables, globs or operators): the exec form runs the same program with the same arguments, now as PID 1. Safe for `sh -c "<one plain command>"` in Compose or Kubernetes: `exec` is put in front of the command, so the shell replaces itself with the app. Shell forms that use the shell (`&&`, `$VAR`), `npm start` and `pm2-runtime` get no automatic fix: the command has to be rewritten by someone who knows what the script does (`node server.js` instead of `npm start`, `pm2-runtime` replaced by `node`). An entry script\'s missing `exec` is in another file, so it gets no fix here: put `exec` before the line the related information points at.',
    references: [
      'https://docs.docker.com/reference/dockerfile/#shell-and-exec-form',
      'https://github.com/nodejs/docker-node/blob/main/docs/BestPractices.md#handling-kernel-signals',
      'https://docs.docker.com/reference/compose-file/services/#command',
      'https://kubernetes.io/docs/tasks/inject-data-application/define-command-argument-container/',
      'https://pm2.keymetrics.io/docs/usage/signals-clean-restart/',
    ],
  },
  check,
  fixes,
};
