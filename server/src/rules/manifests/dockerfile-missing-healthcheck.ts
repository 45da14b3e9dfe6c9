import type { From, Instruction } from 'dockerfile-ast';
import type { Fix, Rule, RuleContext, RuleFinding } from '../../engine/types';
import { isStockImage } from '../../engine/model/manifest-roles';

/** The instructions of the final stage, and of the earlier stages it is built `FROM` (a health check is inherited). */
interface FinalStage {
  from: Instruction;
  instructions: Instruction[];
  inherited: Instruction[];
  /** The external image the final stage starts from (through `FROM <earlier stage>`), lower case. */
  baseImage: string | undefined;
}

function finalStage(ctx: RuleContext): FinalStage | undefined {
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
  let external = last.from as From;
  const seen = new Set<string>();
  while (parentName && !seen.has(parentName)) {
    seen.add(parentName);
    const parent = stages.slice(0, -1).find((s) => s.name === parentName);
    if (!parent) break;
    inherited.unshift(...parent.instructions);
    parentName = parent.from.getImageName()?.toLowerCase();
    external = parent.from as From;
  }
  const image = external.getImageName()?.toLowerCase();
  const tag = external.getImageTag()?.toLowerCase();
  return { from: last.from, instructions: last.instructions, inherited, baseImage: image && tag ? `${image}:${tag}` : image };
}

/**
 * The check command for the final image. curl is not in every image: slim and Alpine variants of
 * node and python lack it, distroless and scratch images have no shell at all. The runtime the
 * image is built for can make the request itself; where nothing can, no fix is offered.
 */
export function healthCommand(image: string | undefined, port: string, instructions: Instruction[]): { command: string; what: string } | undefined {
  const url = `http://localhost:${port}/health`;
  const curl = { command: `CMD curl -f ${url} || exit 1`, what: `curl ${url}` };
  const installsCurl = instructions.some((ins) => ins.getKeyword() === 'RUN' && /\b(?:apt-get|apt|apk|yum|dnf|microdnf|zypper)\b[^\n]*\bcurl\b/.test(ins.getTextContent()));
  if (!image || installsCurl) return curl;
  const nodeCheck = `require('http').get('${url}', (r) => process.exit(r.statusCode === 200 ? 0 : 1)).on('error', () => process.exit(1))`;
  if (/(^|\/)distroless\/nodejs/.test(image)) {
    return { command: `CMD ["/nodejs/bin/node", "-e", "${nodeCheck}"]`, what: `node GET ${url}` };
  }
  if (image === 'scratch' || image.includes('distroless') || image.startsWith('cgr.dev/chainguard/static')) return undefined;
  const [name, tag = ''] = image.split(':');
  const slim = /slim|alpine/.test(tag);
  if (/(^|\/)node$/.test(name) && slim) return { command: `CMD node -e "${nodeCheck}"`, what: `node GET ${url}` };
  if (/(^|\/)python$/.test(name) && slim) {
    return {
      command: `CMD python -c "import urllib.request; urllib.request.urlopen('${url}', timeout=4)"`,
      what: `python GET ${url}`,
    };
  }
  if (/alpine|busybox/.test(image)) return { command: `CMD wget -qO- ${url} > /dev/null || exit 1`, what: `wget ${url}` };
  return curl;
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

/**
 * The health of the image is declared or owned elsewhere: a compose service that builds it declares a
 * `healthcheck` (Compose's wins over the image's), or it is a stock image (a database, a proxy)
 * rebuilt with a few files and no command of its own, whose health is its publisher's choice.
 */
const WEB_SERVER = /(?:^|\/)(?:nginx|nginxinc\/[\w-]+|httpd|caddy|openresty\/openresty)(?::|@|$)/;

function checkedElsewhere(ctx: RuleContext, stage: FinalStage): boolean {
  const builders = ctx.workspace.composeServicesBuilding(ctx.doc.path);
  if (builders.some((s) => s.healthcheck)) return true;
  // Every compose service builds another stage (`target:`), and each of those declares a HEALTHCHECK:
  // the final stage is not what runs there.
  if (builders.length > 0 && builders.every((s) => s.target !== undefined && ctx.workspace.dockerfileStage(ctx.doc.path, s.target)?.healthcheckLine !== undefined)) return true;
  const setsCommand = stage.instructions.some((ins) => ins.getKeyword() === 'CMD' || ins.getKeyword() === 'ENTRYPOINT');
  // A web server image with the project's files in it (nginx serving a built front end) is the project's service.
  return !setsCommand && stage.inherited.length === 0 && isStockImage(stage.baseImage) && !WEB_SERVER.test(stage.baseImage ?? '');
}

export const dockerfileMissingHealthcheck: Rule = {
  id: 'dockerfile-missing-healthcheck',
  family: 'manifests',
  kinds: ['dockerfile'],
  roles: ['service'],
  defaultSeverity: 'information',
  fix: 'unsafe',
  summary: "A Dockerfile's final stage declares no HEALTHCHECK.",
  docs: {
    whatItDoes:
      'Flags a Dockerfile whose final stage (the image that ships) has no `HEALTHCHECK` instruction, directly or inherited from an earlier stage of the same file it is built `FROM`. `HEALTHCHECK NONE` is an explicit choice and is not flagged. The finding sits on the final stage\'s `FROM`.\n\nOnly images that run a service are read (the project model): not a `FROM scratch` export, an image whose command runs tests or migrations or only idles, nor one that sets no CMD or ENTRYPOINT, EXPOSEs nothing and is built on a bare runtime (node, python, alpine, debian, ...) with no compose service giving it a command: a build image. Dockerfiles for tests and CI (`Dockerfile.test`, `*.test.Dockerfile`, `Dockerfile.cypress`) and local development (`Dockerfile.dev`, `.devcontainer/`) are not read. Where the check is declared elsewhere it is not asked again: a compose service that builds this Dockerfile declares a `healthcheck`, or the file rebuilds a stock image (a database, a broker) with no command of its own.',
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
      'Unsafe: the inserted check requests `/health` on the first `EXPOSE`d port (8080 when none), with the checklist\'s timings (interval 30s, timeout 5s, start period 60s, 3 retries). It uses what the final image has: `curl` by default, `node -e` for slim and Alpine node images and `/nodejs/bin/node` for distroless node images (no curl there), `python -c` for slim and Alpine python images, BusyBox `wget` for other Alpine images; for `scratch` and other distroless images nothing can make the request and no fix is offered. If the service has no `/health` route, the container is marked unhealthy, and Compose or Swarm act on that. The fix is inserted before the final stage\'s `CMD`/`ENTRYPOINT` (or at its end) and is never applied by fix-all.',
    references: [
      'https://docs.docker.com/reference/dockerfile/#healthcheck',
      'https://docs.docker.com/compose/how-tos/startup-order/',
    ],
  },

  check(ctx): RuleFinding[] {
    const stage = finalStage(ctx);
    if (!stage) return [];
    const declared = [...stage.inherited, ...stage.instructions].some((ins) => ins.getKeyword() === 'HEALTHCHECK');
    if (declared || checkedElsewhere(ctx, stage)) return [];
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
    const check = healthCommand(stage.baseImage, port, [...stage.inherited, ...stage.instructions]);
    if (!check) return [];
    const run = stage.instructions.find((ins) => ins.getKeyword() === 'CMD' || ins.getKeyword() === 'ENTRYPOINT');
    const eol = lines.eol;
    const block = `HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \\${eol}  ${check.command}`;
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
    return [{ title: `Add a HEALTHCHECK (${check.what})`, safe: false, edits: [{ start: at, end: at, newText }] }];
  },
};
