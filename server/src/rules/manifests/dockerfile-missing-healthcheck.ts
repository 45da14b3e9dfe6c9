import type { From, Instruction } from 'dockerfile-ast';
import type { Fix, Rule, RuleContext, RuleFinding } from '../../engine/types';
import { dockerfileFacts, dockerStages, fromImage, globalArgs, isStockImage, isWebServerImage, toollessImage } from '../../engine/model/manifest-roles';
import { httpCheck, imageDefaultPort, portCheck, serviceCheckFor, type HealthFacts } from './health-checks';

/** The instructions of the final stage, and of the earlier stages it is built `FROM` (a health check is inherited). */
interface FinalStage {
  from: Instruction;
  instructions: Instruction[];
  inherited: Instruction[];
  /** The external image the final stage starts from (through `FROM <earlier stage>`), lower case. */
  baseImage: string | undefined;
}

function finalStage(ctx: RuleContext): FinalStage | undefined {
  const stages = dockerStages(ctx.doc.dockerfile);
  if (stages.length === 0) return undefined;
  const last = stages[stages.length - 1];
  // Follow `FROM <earlier stage>` back through the file; each parent stage's HEALTHCHECK carries over.
  const parents: Instruction[][] = [];
  let external: From = last.from;
  for (let parent = last.parent; parent !== undefined; parent = stages[parent].parent) {
    parents.push(stages[parent].instructions);
    external = stages[parent].from;
  }
  const inherited = parents.reverse().flat();
  return { from: last.from, instructions: last.instructions, inherited, baseImage: fromImage(external, globalArgs(ctx.doc.dockerfile)) };
}

/**
 * The check command for the final image (see health-checks.ts): a database, broker or cache image's
 * own client; otherwise an HTTP GET with what the image has: curl when the Dockerfile installs it
 * or the image ships it, BusyBox wget on Alpine, the runtime itself on slim node and python images
 * (and `/nodejs/bin/node` on distroless node). Undefined when nothing in the image can make the check.
 */
export function healthCommand(image: string | undefined, facts: { port: string; healthPath?: string }, instructions: Instruction[]): { command: string; what: string } | undefined {
  const known = serviceCheckFor(image);
  if (known) {
    const what = `${(known.exec ?? known.shell?.split(' ') ?? [])[0]} (${known.what})`;
    if (known.exec) return { command: `CMD ${execForm(known.exec)}`, what };
    if (known.shell) return { command: `CMD ${known.shell.replace(/\$\$/g, '$')}`, what };
    return undefined;
  }
  const installsCurl = instructions.some((ins) => ins.getKeyword() === 'RUN' && /\b(?:apt-get|apt|apk|yum|dnf|microdnf|zypper)\b[^\n]*\bcurl\b/.test(ins.getTextContent()));
  // An image the Dockerfile installs curl into has it, whatever it is built on.
  const tooled = installsCurl ? 'buildpack-deps' : image;
  const path = facts.healthPath;
  const check = path === undefined ? portCheck(facts.port, tooled) : httpCheck(facts.port, path, tooled);
  if (!check) return undefined;
  const command = check.tool === 'curl' || check.tool === 'wget' ? `CMD ${check.shell}` : `CMD ${execForm(check.argv)}`;
  return { command, what: check.what };
}

function execForm(argv: readonly string[]): string {
  return `[${argv.map((a) => JSON.stringify(a)).join(', ')}]`;
}

/** The port the image's app listens on: the first `EXPOSE`d port, else `ENV PORT=5000`. */
function imagePort(instructions: Instruction[]): string | undefined {
  for (const ins of instructions) {
    if (ins.getKeyword() !== 'EXPOSE') continue;
    const first = ins.getArguments()[0]?.getValue();
    // `EXPOSE 3000/tcp`, or `EXPOSE ${PORT:-3333}`: the default is what runs unless told otherwise.
    const port = first?.match(/^(\d+)/)?.[1] ?? first?.match(/^\$\{\w+:-(\d+)\}/)?.[1];
    if (port) return port;
  }
  for (const ins of instructions) {
    if (ins.getKeyword() !== 'ENV') continue;
    // `ENV PORT=5000 NODE_ENV=production` or the legacy `ENV PORT 5000`.
    const text = ins.getTextContent().replace(/^\s*ENV\s+/i, '');
    const m = /(?:^|\s)PORT(?:=|\s+)["']?(\d{2,5})["']?(?:\s|$)/.exec(text);
    if (m) return m[1];
  }
  return undefined;
}

/**
 * The health of the image is declared or owned elsewhere: a compose service that builds it declares a
 * `healthcheck` (Compose's wins over the image's), or it is a stock image (a database, a proxy)
 * rebuilt with a few files and no command of its own, whose health is its publisher's choice.
 */

function checkedElsewhere(ctx: RuleContext, stage: FinalStage): boolean {
  const builders = ctx.workspace.composeServicesBuilding(ctx.doc.path);
  if (builders.some((s) => s.healthcheck)) return true;
  const runners = ctx.workspace.composeRunning?.(ctx.doc.path);
  // Kubernetes runs the image and ignores HEALTHCHECK: its probes are where health is declared, and the probe rules check them there.
  // (An image that compose also builds, or runs by name, is run there too, and compose does read HEALTHCHECK.)
  if (builders.length === 0 && !(runners ?? []).some((s) => !s.devOnly) && (ctx.workspace.kubernetesRunning(ctx.doc.path)?.length ?? 0) > 0) return true;
  // A compose service that runs the image by name (no `build:`, linked as Kubernetes images are) health-checks it.
  if ((runners ?? []).some((s) => s.healthcheck && !s.devOnly)) return true;
  // Nothing in the image could run a check (FROM scratch, static distroless): the fix cannot exist.
  const facts = dockerfileFacts(ctx.doc);
  if (toollessImage(facts.baseImage, facts.stages[facts.stages.length - 1]?.instructions ?? [])) return true;
  // Every compose service builds another stage (`target:`), and each of those declares a HEALTHCHECK:
  // the final stage is not what runs there.
  if (builders.length > 0 && builders.every((s) => s.target !== undefined && ctx.workspace.dockerfileStage(ctx.doc.path, s.target)?.healthcheckLine !== undefined)) return true;
  const setsCommand = stage.instructions.some((ins) => ins.getKeyword() === 'CMD' || ins.getKeyword() === 'ENTRYPOINT');
  // A web server image with the project's files in it (nginx serving a built front end) is the project's service.
  return !setsCommand && stage.inherited.length === 0 && isStockImage(stage.baseImage) && !isWebServerImage(stage.baseImage);
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
      'Flags a Dockerfile whose final stage (the image that ships) has no `HEALTHCHECK` instruction, directly or inherited from an earlier stage of the same file it is built `FROM`. `HEALTHCHECK NONE` is an explicit choice and is not flagged. The finding sits on the final stage\'s `FROM`.\n\nOnly images that run a service are read (the project model): not a `FROM scratch` export, an image whose command runs tests or migrations or only idles, nor one that sets no CMD or ENTRYPOINT, EXPOSEs nothing and is built on a bare runtime (node, python, alpine, debian, ...) with no compose service giving it a command: a build image. Nor one that copies in a lockfile (`pnpm-lock.yaml`, `bun.lockb`, ...) that none of the folders its build could start from holds, while one of them holds another package manager\'s (`package-lock.json`): a template for a package manager the repository does not use, which cannot be built here (`example`). With no lockfile at all (a new project, a lockfile CI makes before the build) the file is read as usual. Dockerfiles for tests and CI (`Dockerfile.test`, `test.Dockerfile`, `*.test.Dockerfile`, `Dockerfile.cypress`) and local development (`Dockerfile.dev`, `.devcontainer/`, `.gitpod.Dockerfile`) are not read. An image that only development or test compose services build is not read either, and a compose service that only idles (`command: tail -f /dev/null`, `sleep infinity`: a tool container to `exec` into) counts as one. An image that can run no check is not asked for one: `FROM scratch` or a static distroless image holds no shell or tool, unless the file copies in a probe binary (`grpc_health_probe`, a `healthcheck` binary, a static curl or wget), when the finding stands. Where the check is declared elsewhere it is not asked again: a compose service that builds this Dockerfile declares a `healthcheck`, a compose service that runs its image by name (`image:`, no `build:`) declares one, the file rebuilds a stock image (a database, a broker, also when named through a global `ARG`\'s default: `ARG BASE=postgres:16` then `FROM ${BASE}`) with no command of its own, or (no compose service building it or running it by name, outside development files) a Kubernetes workload of the workspace runs its image: Kubernetes ignores `HEALTHCHECK` and the probe rules speak there. A Helm chart\'s workload counts with its image read from the chart\'s `values.yaml` (`image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"`; `| default "x"` is read, other actions are unknown); a chart inside the Dockerfile\'s own folder whose image is left to install time (`image: {{ .Values.image }}` with `image: ""`) runs that Dockerfile\'s image, as a plain manifest there does. The link is by name: the image\'s repository name (its last path segment; a placeholder registry or namespace, `us.icr.io/<namespace>/watson`, does not hide it) is one the Dockerfile is built as: its folder\'s name (`registry/auth-ms:1.0` runs what `auth-ms/Dockerfile` builds), the package.json name of its folder (`@acme/worker` gives `worker` and `acme-worker`), or the tag of a command that builds it: `docker build -t NAME [-f FILE] DIR` (also `buildx`, `podman`, `ibmcloud cr build`) in a shell script, a Makefile (its simple variables expanded), a CI workflow\'s `run:` step or a README, and a workflow\'s `docker/build-push-action` step (`file:`, `context:`, `target:`, literal `tags:`, or `${{ matrix.* }}` values of the job\'s `strategy.matrix.include` entries). When several Dockerfiles are built as one name, the tag chooses (a lab built as `hello-world:1` and one as `hello-world:2`). A Kubernetes manifest inside the Dockerfile\'s own folder (not the workspace root) that runs one image of the project\'s, with no other Dockerfile there, runs this one (`03/Dockerfile` and `03/kube/app.yaml`). A name built from a variable nobody sets (`$IMAGE`, `${{ github.repository }}`) links nothing. `prodready explain` on the Dockerfile lists the workloads and services it found and how each was linked. An image that only Jobs and CronJobs run is a one-off program (`script`) and is not read at all.',
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
      'Unsafe: the inserted check has the checklist\'s timings (interval 30s, timeout 5s, start period 60s, 3 retries). A final image known as a database, broker or cache (the table in `health-checks.ts`: postgres, mysql, redis, rabbitmq, mongo, ...) is checked with its own client in exec form (`CMD ["pg_isready", "-U", "postgres"]`); one with no client gets no fix. Anything else is checked on the first `EXPOSE`d port (the default of `EXPOSE ${PORT:-3333}`), else the `PORT` an `ENV` sets, else the port a known HTTP base image serves on (nginx and php-apache 80, ASP.NET 80 before .NET 8 and 8080 from it, ...: a table in `health-checks.ts`), else 8080, with what the final image has; with no health route known (the project model can pass one; then it is a GET of that route with the same tools, `wget -q --spider` on Alpine), the check asks only that the app answers on its port: `curl -so /dev/null http://localhost:<port>/` (any HTTP answer, even a 404, counts) by default when the Dockerfile installs curl or the image is a full Debian one, `node -e` with `fetch` for slim and Alpine node images (a socket connect before Node 18) and `/nodejs/bin/node` for distroless node images, a socket connect with `python -c` for slim and Alpine python images, BusyBox `nc -z` for other Alpine images, bash\'s `/dev/tcp` for bare Debian and Ubuntu images (no GET there); for `scratch` and other distroless images nothing can make the check and no fix is offered. The title says which (`Add HEALTHCHECK: HTTP answers on port 5000 with curl`). If the service has no `/health` route, the container is marked unhealthy, and Compose or Swarm act on that. The fix is inserted before the final stage\'s `CMD`/`ENTRYPOINT` (or at its end) and is never applied by fix-all.',
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
    return healthcheckFixes(ctx);
  },
};

/**
 * The HEALTHCHECK fix, from what is known (`facts`: today the Dockerfile itself; the project model
 * can pass the port the app's `listen()` uses and its health route).
 */
export function healthcheckFixes(ctx: RuleContext, facts: HealthFacts = {}): Fix[] {
    const stage = finalStage(ctx);
    if (!stage) return [];
    const { lines } = ctx.doc;
    const all = [...stage.inherited, ...stage.instructions];
    const known = facts.port ?? imagePort(all) ?? imageDefaultPort(facts.image ?? stage.baseImage);
    const service = serviceCheckFor(facts.image ?? stage.baseImage);
    // A check on a guessed port fails as surely as no check at all: none until the port is known.
    if (known === undefined && !service) return [];
    const port = String(known ?? service?.port);
    const check = healthCommand(facts.image ?? stage.baseImage, { port, healthPath: facts.healthPath }, all);
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
    return [{ title: `Add HEALTHCHECK: ${check.what}`, safe: false, edits: [{ start: at, end: at, newText }] }];
}
