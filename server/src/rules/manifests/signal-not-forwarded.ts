import type { Instruction } from 'dockerfile-ast';
import type { Fix, Rule, RuleContext, RuleFinding } from '../../engine/types';
import { dockerfileFacts } from '../../engine/model/manifest-roles';

/** Init processes made to run as PID 1: they forward signals to the app and reap zombies. */
const INIT = /^(?:.*\/)?(?:tini|tini-static|dumb-init|catatonit|s6-svscan|init)$/;
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

/** What keeps the signal from the app, for a command that runs it directly (not through an init). */
function problem(c: Command): string | undefined {
  if (!c.exec) {
    if (/^exec\s/.test(c.raw)) return undefined;
    return `the shell form of ${c.keyword} runs it as \`/bin/sh -c "${short(c.raw)}"\`: the shell is PID 1 and does not pass SIGTERM on`;
  }
  const [program, ...rest] = c.words;
  if (!program) return undefined;
  if (SHELLS.test(program) && rest[0] === '-c') {
    const script = rest.slice(1).join(' ').trim();
    if (!script || /^exec\s/.test(script)) return undefined;
    return `\`${short(c.words.join(' '))}\` makes the shell PID 1, and it does not pass SIGTERM on`;
  }
  if (PACKAGE_MANAGERS.test(program) && /^(?:start|run|run-script)$/.test(rest[0] ?? '')) {
    return `\`${short(c.words.join(' '))}\` puts the package manager (and a shell) between the container and the app, and it does not reliably pass SIGTERM on`;
  }
  if (/^(?:.*\/)?pm2-runtime$/.test(program)) return '`pm2-runtime` stops the app with SIGINT and kills it after 1.6 s, so a SIGTERM handler never runs';
  return undefined;
}

function short(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > 50 ? `${one.slice(0, 47)}...` : one;
}

function check(ctx: RuleContext): RuleFinding[] {
  const { entrypoint, cmd } = finalCommands(ctx);
  let culprit: Command | undefined;
  let why: string | undefined;
  if (entrypoint) {
    if (entrypoint.exec && INIT.test(entrypoint.words[0] ?? '')) return [];
    why = problem(entrypoint);
    culprit = entrypoint;
    // An exec-form ENTRYPOINT that is some other program (an entry script) decides what CMD means: unknown here.
    if (!why && entrypoint.exec) return [];
    // A shell-form ENTRYPOINT ignores CMD.
  }
  if (!why && cmd && !entrypoint) {
    why = problem(cmd);
    culprit = cmd;
  }
  if (!why || !culprit) return [];
  const range = culprit.instruction.getRange();
  const handler = ctx.workspace.handlesSigterm(ctx.doc.path) === true ? ' The SIGTERM handler in this package will never run: the container is killed when the stop timeout ends.' : '';
  return [
    {
      start: ctx.doc.lines.offsetAt(range.start),
      end: ctx.doc.lines.offsetAt(range.end),
      message: `The app never receives SIGTERM: ${why}.${handler}`,
      data: { keyword: culprit.keyword },
    },
  ];
}

/** Words a shell would pass on unchanged: no quotes, variables, globs, operators or escapes. */
const PLAIN_WORD = /^[\w@%+=:,./-]+$/;

function fixes(finding: RuleFinding, ctx: RuleContext): Fix[] {
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

export const signalNotForwarded: Rule = {
  id: 'signal-not-forwarded',
  family: 'manifests',
  kinds: ['dockerfile'],
  roles: ['service'],
  defaultSeverity: 'warning',
  fix: 'sometimes-safe',
  summary: "The container's command runs the app under something that does not pass SIGTERM on.",
  docs: {
    whatItDoes:
      'Reads the command the final image runs (its ENTRYPOINT and CMD, inherited through `FROM <earlier stage>`) and flags it when the app runs under something that does not forward SIGTERM: the shell form (`CMD node server.js` runs `/bin/sh -c`), an explicit `sh -c` without `exec`, `npm`/`yarn`/`pnpm` running a script (`npm start`), or `pm2-runtime`. An ENTRYPOINT of tini, dumb-init or catatonit forwards signals and is never flagged; a shell command that starts with `exec` is fine; an exec-form ENTRYPOINT of any other program (an entry script) decides what CMD means and is not judged. When a file of the package handles SIGTERM, the message says that handler will never run. The finding sits on the instruction.',
    whyItMatters:
      'Checklist: "Graceful shutdown: handle SIGTERM". `docker stop` and the kubelet send SIGTERM to PID 1 only. A shell or a package manager as PID 1 does not pass it on, so the app never starts draining; after the stop timeout (10 s in Docker, 30 s in Kubernetes) it is killed with SIGKILL mid-request, and every shutdown handler it has is dead code.',
    example: { path: 'Dockerfile', code: 'FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci --omit=dev\nCMD node server.js\n' },
    useInstead: { path: 'Dockerfile', code: 'FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci --omit=dev\nCMD ["node", "server.js"]\n' },
    fixSafety:
      'Safe for a shell-form command of plain words (no quotes, variables, globs or operators): the exec form runs the same program with the same arguments, now as PID 1. Shell forms that use the shell (`&&`, `$VAR`) and `npm start` get no automatic fix: the command has to be rewritten by someone who knows what the script does.',
    references: [
      'https://docs.docker.com/reference/dockerfile/#shell-and-exec-form',
      'https://github.com/nodejs/docker-node/blob/main/docs/BestPractices.md#handling-kernel-signals',
    ],
  },
  check,
  fixes,
};
