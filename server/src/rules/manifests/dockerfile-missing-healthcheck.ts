import type { Instruction } from 'dockerfile-ast';
import type { Fix, Rule, RuleContext, RuleFinding } from '../../engine/types';

/** The instructions of the final stage, and of the earlier stages it is built `FROM` (a health check is inherited). */
function finalStage(ctx: RuleContext): { from: Instruction; instructions: Instruction[]; inherited: Instruction[] } | undefined {
  const dockerfile = ctx.doc.dockerfile;
  const all = dockerfile.getInstructions();
  const froms = dockerfile.getFROMs();
  if (froms.length === 0) return undefined;
  const stages = froms.map((from, i) => {
    const startLine = from.getRange().start.line;
    const endLine = i + 1 < froms.length ? froms[i + 1].getRange().start.line : Number.MAX_SAFE_INTEGER;
    return {
      from,
      name: from.getBuildStage()?.toLowerCase(),
      instructions: all.filter((ins) => ins.getRange().start.line >= startLine && ins.getRange().start.line < endLine),
    };
  });
  const last = stages[stages.length - 1];
  const inherited: Instruction[] = [];
  // Follow `FROM <earlier stage>` back through the file; each parent stage's HEALTHCHECK carries over.
  let parentName = last.from.getImageName()?.toLowerCase();
  const seen = new Set<string>();
  while (parentName && !seen.has(parentName)) {
    seen.add(parentName);
    const parent = stages.slice(0, -1).find((s) => s.name === parentName);
    if (!parent) break;
    inherited.unshift(...parent.instructions);
    parentName = parent.from.getImageName()?.toLowerCase();
  }
  return { from: last.from, instructions: last.instructions, inherited };
}

function exposedPort(instructions: Instruction[]): string {
  for (const ins of instructions) {
    if (ins.getKeyword() !== 'EXPOSE') continue;
    const first = ins.getArguments()[0]?.getValue();
    const port = first?.match(/^(\d+)/)?.[1];
    if (port) return port;
  }
  return '8080';
}

export const dockerfileMissingHealthcheck: Rule = {
  id: 'dockerfile-missing-healthcheck',
  family: 'manifests',
  kinds: ['dockerfile'],
  defaultSeverity: 'information',
  fix: 'unsafe',
  summary: "A Dockerfile's final stage declares no HEALTHCHECK.",
  docs: {
    whatItDoes:
      'Flags a Dockerfile whose final stage (the image that ships) has no `HEALTHCHECK` instruction, directly or inherited from an earlier stage of the same file it is built `FROM`. `HEALTHCHECK NONE` is an explicit choice and is not flagged. The finding sits on the final stage\'s `FROM`.',
    whyItMatters:
      'Checklist: "Health checks configured in orchestrator". Without a health check, Docker, Docker Compose (`depends_on: condition: service_healthy`) and Swarm only know whether the process is running, not whether it answers: a hung event loop or a dead database connection keeps receiving traffic. Kubernetes ignores `HEALTHCHECK` (it uses probes, see `missing-liveness-probe`), which is why this rule defaults to information.',
    example: {
      path: 'Dockerfile',
      code: 'FROM node:20-slim\nWORKDIR /app\nCOPY . .\nEXPOSE 3000\nCMD ["node", "server.js"]\n',
    },
    useInstead: {
      path: 'Dockerfile',
      code:
        'FROM node:20-slim\nWORKDIR /app\nCOPY . .\nEXPOSE 3000\nHEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \\\n  CMD curl -f http://localhost:3000/health || exit 1\nCMD ["node", "server.js"]\n',
    },
    fixSafety:
      'Unsafe: the inserted check calls `curl` against `/health` on the first `EXPOSE`d port (8080 when none), as the checklist\'s pattern does. If the image has no `curl`, or the service has no `/health` route, the container is marked unhealthy, and Compose or Swarm act on that. The fix is inserted before the final stage\'s `CMD`/`ENTRYPOINT` (or at its end) and is never applied by fix-all.',
    references: [
      'https://docs.docker.com/reference/dockerfile/#healthcheck',
      'https://docs.docker.com/compose/how-tos/startup-order/',
    ],
  },

  check(ctx): RuleFinding[] {
    const stage = finalStage(ctx);
    if (!stage) return [];
    const declared = [...stage.inherited, ...stage.instructions].some((ins) => ins.getKeyword() === 'HEALTHCHECK');
    if (declared) return [];
    const range = stage.from.getRange();
    return [
      {
        start: ctx.doc.lines.offsetAt(range.start),
        end: ctx.doc.lines.offsetAt(range.end),
        message:
          'The final stage has no HEALTHCHECK: Docker and Compose cannot tell a hung container from a healthy one. Add one, or `HEALTHCHECK NONE` to make the choice explicit.',
      },
    ];
  },

  fixes(_finding, ctx): Fix[] {
    const stage = finalStage(ctx);
    if (!stage) return [];
    const { lines } = ctx.doc;
    const port = exposedPort([...stage.inherited, ...stage.instructions]);
    const run = stage.instructions.find((ins) => ins.getKeyword() === 'CMD' || ins.getKeyword() === 'ENTRYPOINT');
    const eol = lines.eol;
    const block = `HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \\${eol}  CMD curl -f http://localhost:${port}/health || exit 1`;
    let at: number;
    let newText: string;
    if (run) {
      at = lines.lineStart(run.getRange().start.line);
      newText = block + eol;
    } else {
      const lastLine = stage.instructions[stage.instructions.length - 1].getRange().end.line;
      at = lines.lineEnd(lastLine);
      newText = eol + block;
    }
    return [{ title: `Add a HEALTHCHECK (curl http://localhost:${port}/health)`, safe: false, edits: [{ start: at, end: at, newText }] }];
  },
};
