// Facts about files of the workspace other than the one being analysed, for workspace rules.
// Rules read them; the server and the CLI keep them current.

import type { ComposeBuild, ComposeImageRun, DockerStageHealth } from './model/compose-links';
import type { ContainerSummary, K8sObject, Labels } from './model/k8s-objects';
import type { DockerEntrypoint, EntryScript } from './model/entry-scripts';
import type { OneOffRun } from './model/run-scripts';

export interface WorkspaceFacts {
  /**
   * True when some file other than `path`, in the same package as `path` (nearest package.json),
   * handles SIGTERM (a `process.on('SIGTERM')`, a graceful-shutdown library, NestJS shutdown
   * hooks). The file itself is left out: a rule reads its own document, whose text may be newer.
   * Undefined when the workspace has not been indexed yet (or `path` is outside it): a rule must
   * not flag on an undefined answer.
   */
  handlesSigterm(path: string): boolean | undefined;

  /**
   * What the package of `path` (nearest package.json) is: `library` when it is published for others
   * to import or run (not private, no `start` script, and a `main`, `exports`, `module`, `types`,
   * `bin` or `files` entry), `application` when it is private or has a `start` script, undefined when the
   * package.json says neither or cannot be read (or there is none).
   */
  packageKind(path: string): 'library' | 'application' | undefined;

  /**
   * How the npm scripts in the package.json of `path`'s package run `path` directly with Node or a
   * TypeScript runner: `service` when a script that starts the service (`start`, `dev`, `serve`,
   * `server`, `prod`, `worker`, `watch`, and names beginning with them) runs it as its long-running
   * program (one not followed by `&&` or `;`), `one-off` when only other scripts run it
   * (`"release": "node extra/update-version.js"`), `command` when no script runs it and a `bin` entry
   * installs it (or its build output: `./dist/src/index.js` is built from `src/index.ts`). Undefined
   * when no script runs it or there is no readable package.json.
   */
  scriptRole(path: string): 'service' | 'one-off' | 'command' | undefined;

  /**
   * The package of `path` when it is a command line program as a whole: its package.json has a `bin`,
   * no file the `bin` installs starts a server, no npm script starts another file of it as the
   * service, and its folder holds no Dockerfile. The servers started inside such a package are local
   * servers of the tool (a dev server, a tunnel). Undefined otherwise, and before the first build.
   */
  commandLinePackage?(path: string): { dir: string; packageJson: string; bin: string } | undefined;

  /**
   * The files of the workspace that import `path` (relative imports and requires, found by a text
   * scan), sorted, each with what its text says it is (a command line tool, a program that starts a
   * server, front-end code). Undefined before the workspace is indexed.
   */
  importersOf(path: string): readonly Importer[] | undefined;

  /**
   * The kind of structured logger (pino, winston, bunyan) that the module `specifier`, imported by
   * `importer` with a relative path, exports as `name`: `default`, a named export, or
   * `module.exports` (what `require(specifier)` returns). Undefined when the module is not indexed
   * or does not make it plain (`export const logger = pino()`, `module.exports = winston.createLogger()`).
   */
  loggerExport(importer: string, specifier: string, name: string): 'pino' | 'winston' | 'bunyan' | undefined;

  /** The package `path` belongs to (nearest package.json), undefined when there is none or it cannot be read. */
  packageOf(path: string): PackageFacts | undefined;

  /** The static folder of a server in the workspace that `path` lies in, if any. */
  servedStatically(path: string): StaticFolder | undefined;

  /** `path` relative to the workspace root it lies in (as `ParsedDocument.relativePath` spells it). */
  relativePath(path: string): string;

  /** The compose services of the workspace that build the Dockerfile at `path` (empty when none, or not known). */
  composeServicesBuilding(path: string): readonly ComposeBuild[];

  /**
   * The stage of the Dockerfile at `path` that an image is built from (`target`, else the final
   * stage), when the workspace holds that file: its base image, its HEALTHCHECK line (1-based; none for
   * `HEALTHCHECK NONE`) and its ENTRYPOINT and CMD words.
   */
  dockerfileStage(path: string, target?: string): DockerStageHealth | undefined;

  /**
   * The Dockerfile stages the workspace's build commands (`docker build -t`, a workflow's build-push-action, with
   * their `--target`) tag as `image`, by its full name, narrowed by tag when builds with its tag exist. Undefined when
   * nothing here builds it or a build's Dockerfile is not in the workspace. Optional: unknown without it.
   */
  stagesBuiltAs?(image: string): readonly DockerStageHealth[] | undefined;

  /**
   * The folder (relative to the workspace root) above `path` and below its package that holds a LICENSE
   * file of its own without being a package: third-party code copied in. Undefined when there is none.
   */
  vendoredIn(path: string): string | undefined;

  /**
   * The project's own logger for `path`: a module of the same package that exports a structured
   * logger (as `loggerExport` reads it) and that other files import, the most imported first.
   * `module` is its path without extension (`/ws/src/config/logger`). Undefined when there is none
   * or the workspace is not indexed.
   */
  projectLogger(path: string): ProjectLogger | undefined;

  /**
   * Whether the package of `path` (nearest package.json) needs `name` at run time (`dependencies`,
   * `peerDependencies`, `optionalDependencies`). Undefined when there is no readable package.json (or the nearest one is above the workspace folder).
   */
  dependsOn(path: string, name: string): boolean | undefined;

  // Kubernetes links (model/k8s-objects.ts). Each answer is the objects themselves, with the file and
  // line they come from; undefined before the workspace is indexed. A rule reading its own document
  // leaves out the answers from that document's path (its text may be newer) and reads its own.

  /** The Services whose selector (known, not empty) picks pods with `podLabels` in that namespace. */
  servicesSelecting(podLabels: Labels, namespace: string | undefined | null): readonly K8sObject[] | undefined;

  /** The HorizontalPodAutoscalers and KEDA ScaledObjects that target (or, their target being templated, may target) the workload. */
  autoscalersFor(kind: string, name: string, namespace: string | undefined | null): readonly K8sObject[] | undefined;

  /**
   * The Kubernetes workloads (Jobs and CronJobs included) with a container that runs the image the
   * Dockerfile at `path` builds, linked by name: the image's repository name is one the Dockerfile is built
   * as (its folder's name, `7rocky/auth-ms:1.0` and `auth-ms/Dockerfile`; a build command's tag in a script,
   * Makefile, README or CI workflow; its folder's package.json name), or a manifest inside the Dockerfile's
   * folder runs one image of the project's. Each use says how it was linked. Empty when none; undefined before indexing.
   */
  kubernetesRunning(path: string): readonly ImageUse[] | undefined;

  /**
   * The compose services that run the image the Dockerfile at `path` builds by name (`image:` with no
   * `build:`), linked the way `kubernetesRunning` links images. Optional: undefined is unknown.
   */
  composeRunning?(path: string): readonly (ComposeImageRun & { link: string })[] | undefined;

  /**
   * The reverse link: the one Dockerfile of the workspace whose folder is named like the image's
   * repository (`7rocky/mysql-iot` and `mysql-iot/Dockerfile`), with its final stage. Undefined when
   * there is none, or more than one, or the image is a stock one.
   */
  dockerfileBuilding(image: string): { path: string; stage: DockerStageHealth } | undefined;

  /** The PodDisruptionBudgets that select (or, their selector being templated, may select) pods with `podLabels`. */
  disruptionBudgetsFor(podLabels: Labels, namespace: string | undefined | null): readonly K8sObject[] | undefined;

  // Python projects (model/pyproject.ts, model/python-project.ts). `packageOf` answers a Python file
  // with its Python project (nearest pyproject.toml, setup.cfg, setup.py or requirements*.txt) when
  // that is nearer than a package.json.

  /**
   * The console script of the Python project around `path` (`[project.scripts]`, Poetry scripts,
   * setup.cfg `console_scripts`) whose module is `path`: a command line tool. Undefined when none.
   */
  pythonScriptOf(path: string): PythonLaunch | undefined;

  /**
   * The app server launch (uvicorn, gunicorn, hypercorn in a Dockerfile CMD/ENTRYPOINT, a Procfile,
   * a compose `command:`, in a folder above `path`) whose target module is `path`. Undefined when none.
   */
  appServerOf(path: string): PythonLaunch | undefined;

  /**
   * The Ruff configuration that applies to `path` (nearest `.ruff.toml`, `ruff.toml` or pyproject.toml
   * with `[tool.ruff]`), when it selects the Ruff rule `code`: the file and the line of its selector.
   * Undefined when it does not, or that is not known (see model/ruff-config.ts).
   */
  ruffSelects(path: string, code: string): { path: string; line: number } | undefined;

  // What a container's command does with the signal (model/entry-scripts.ts). Optional: a facts
  // object without them knows nothing, and nothing is flagged.

  /** What the shell script at `path` does with the app it starts; undefined when the workspace has no such script. */
  entryScript?(path: string): EntryScript | undefined;

  /**
   * The build or boot step that runs the Python file at `path` once (model/run-scripts.ts): a Dockerfile
   * `RUN python x.py`, or the image's entry script running `python x.py` before the command it ends
   * with. Undefined when none does, or the image also keeps running it.
   */
  oneOffRunOf?(path: string): OneOffRun | undefined;

  /**
   * The ENTRYPOINT of the image the Dockerfile at `path` builds (`target`, else the final stage,
   * through `FROM <earlier stage>`): its words, whether it is the exec form, and the stage's base
   * image; no words when no stage of the chain sets one (the base image's applies); undefined when
   * the file is not known.
   */
  dockerfileEntrypoint?(path: string, target?: string): DockerEntrypoint | undefined;

  /** The files of `path`'s package (nearest package.json) that handle SIGTERM, with the line and how; undefined when not indexed. */
  sigtermHandlers?(path: string): readonly SigtermHandler[] | undefined;

  // ---- service facts (model/service-facts.ts, model/service-links.ts) -------------------------
  // What the code a container runs serves, listens on and drains in; undefined means unknown.

  /**
   * What the JS/TS package whose package.json is in `dir` (a build context) serves: its routes with
   * their mounts and prefixes, its listen calls and ports, its SIGTERM drain timers. A `dir` with no
   * package.json is read as a Python service (its `.py` files, model/python-service-facts.ts; the answer
   * then carries `python`: Django settings, dependencies, a gunicorn configuration file). Undefined before
   * the workspace is indexed, or when no file of it starts an HTTP server, declares a route or holds
   * Django settings.
   */
  serviceOf(dir: string): PackageService | undefined;

  /**
   * The Dockerfiles of the workspace that build `image`: a compose service that names it and builds
   * it, else the one Dockerfile whose folder has the image's repository name. Empty when none (an
   * image built elsewhere), undefined before the workspace is indexed.
   */
  imageBuilds(image: string): readonly ImageBuild[] | undefined;

  /** The final stage's ENV and command of the Dockerfile at `path`, when the workspace holds it. */
  dockerImage(path: string): DockerImageFacts | undefined;

  /**
   * How the package in `dir` is deployed: the Dockerfiles in that folder (not dev or test ones) and
   * the health checks of what runs their images (Kubernetes probes of containers whose image they
   * build, compose healthchecks of services that build them, their own HEALTHCHECK). Undefined
   * before the workspace is indexed. Optional: a facts object without it knows no deployment.
   */
  deploymentOf?(dir: string): PackageDeployment | undefined;

  /**
   * What the workspace knows of the code an image runs (see `ImageCode`): the one Dockerfile that
   * builds it (`imageBuilds`, else, for Go, the Dockerfile beside the one go.mod whose module path names
   * the image: `github.com/acme/orders` and `ghcr.io/acme/orders`) and the language of its build
   * context. Undefined when the image is not built here, the code is in no language the index reads
   * (JS/TS, Python, Go), or before indexing. Optional: a facts object without it knows no code.
   */
  imageCode?(image: string): ImageCode | undefined;

  // ---- clients other modules make (rules/calls) ----------------------------------------------

  /**
   * The gRPC stub that the Python module `module` (as `importer` imports it: `app.clients`, or
   * `.clients` relative to it) makes at module level and binds to `name`. Undefined when the module
   * is not in the workspace, or does not make a stub there plainly (see rules/calls/python-grpc.ts).
   * Optional: a facts object without it knows nothing, and nothing is flagged.
   */
  pythonGrpcStubExport?(importer: string, module: string, name: string): PythonGrpcStub | undefined;

  /**
   * The gRPC client that the JS/TS module `specifier`, imported by `importer` with a relative path,
   * exports as `name` (`default`, a named export, or `module.exports`): one it makes plainly (see
   * rules/calls/grpc.ts). Undefined when the module is not indexed or does not make it plain.
   */
  grpcClientExport?(importer: string, specifier: string, name: string): GrpcClientFacts | undefined;

  /** Whether the module `specifier` (relative to `importer`) exports any gRPC client: a cheap look before a walk. */
  exportsGrpcClients?(importer: string, specifier: string): boolean;

  /**
   * The versions of `packageName` the lockfile of `file`'s package lists (engine/lockfile.ts): the
   * lockfile in the package's folder, else the one of the workspace root above it (a folder whose
   * package.json has `workspaces`, or with a pnpm-workspace.yaml). Every version it holds: a package
   * can be installed at several. Undefined when there is no such lockfile, it cannot be read, or it
   * does not list the package. Optional: a facts object without it knows no versions.
   */
  installedVersions?(file: string, packageName: string): InstalledVersions | undefined;
}

/** What a lockfile says is installed of one package. */
export interface InstalledVersions {
  versions: string[];
  /** The lockfile read, as `relativePath` gives it (`package-lock.json`, `services/api/yarn.lock`). */
  lockfile: string;
}

/** A gRPC client a JS/TS module makes and exports. */
export interface GrpcClientFacts {
  /** The library's row (`GRPC_LIBRARIES`). */
  library: string;
  /** Its options bound every call (interceptors, a service config) or cannot be read. */
  bounded: boolean;
}

/** A gRPC stub a Python module makes at module level. */
export interface PythonGrpcStub {
  /** The library's row (`PY_GRPC_LIBRARIES`). */
  library: string;
  /** The channel it is made on bounds its calls (interceptors, a service config). */
  bounded: boolean;
  /** The stub class as written (`users_pb2_grpc.UsersStub`). */
  made: string;
}

/** The code behind an image built in the workspace (`WorkspaceFacts.imageCode`). */
export interface ImageCode {
  dockerfile: string;
  /** The build context folder (absolute, forward slashes). */
  context: string;
  language: 'js' | 'python' | 'go';
  /**
   * JS/TS and Python: true when the code starts an HTTP server or declares a route (`serviceOf`);
   * false when the index read its sources, the image's command runs them with `node` or `python`
   * itself, none starts a server or declares a route (a queue consumer, a loop), none belongs to a
   * package or Python project nested in the context, and no file's text names a way to serve that the
   * facts do not read (gRPC, WebSocket, another framework); undefined otherwise.
   * Go: undefined (prodready does not read what a Go program serves).
   */
  serves: boolean | undefined;
  /**
   * Go: the `signal.Notify` call that catches SIGTERM (the program's own shutdown, which prodready
   * does not read), or null when no file of the module catches it (the program exits at once). Other
   * languages: undefined (their own facts say it).
   */
  goSigterm?: { path: string; line: number } | null;
}

export interface PackageDeployment {
  dockerfiles: string[];
  checks: DeployedHealthCheck[];
}

/** A health check of a deployed container, as its manifest writes it. */
export interface DeployedHealthCheck {
  /** `livenessProbe`, `readinessProbe`, `startupProbe` (Kubernetes) or `healthcheck` (compose, Dockerfile). */
  key: 'livenessProbe' | 'readinessProbe' | 'startupProbe' | 'healthcheck';
  /** Kubernetes `httpGet`: the path it requests (null when not known); `tcpSocket`: no request; other: a command, or a probe not read. */
  action: 'httpGet' | 'tcpSocket' | 'command' | 'other';
  path: string | null;
  /** A compose `test` / HEALTHCHECK line, for the rule to read its URL. */
  command?: string;
  file: string;
  line: number;
}

/** Where a Python module is launched from: the command or server, and the file and 1-based line saying so. */
export interface PythonLaunch {
  /** The console script's name, or the app server (`uvicorn`). */
  name: string;
  path: string;
  line: number;
}

export interface SigtermHandler {
  path: string;
  /** 1-based; undefined when the handler was found without a position. */
  line: number | undefined;
  how: string | undefined;
}

import type { PackageService } from './model/service-facts';
import type { DockerImageFacts, ImageBuild } from './model/service-links';
export type { PackageService } from './model/service-facts';

export type { ComposeBuild } from './model/compose-links';

/** A Kubernetes workload's container that runs an image. */
export interface ImageUse {
  object: K8sObject;
  container: ContainerSummary;
  /** How the image was linked to the Dockerfile (for `prodready explain`). */
  link?: string;
}

/** What the project model knows about a package (a folder with a package.json). */
export interface PackageFacts {
  /** Absolute folder, forward slashes. */
  dir: string;
  kind: 'library' | 'application' | undefined;
  /**
   * Why the package is a front-end app (its dependencies are a UI framework or a bundler and no
   * server framework), undefined when it is not one.
   */
  frontEnd: string | undefined;
  /**
   * For a full-stack front-end framework (Next.js, Nuxt, SvelteKit, Remix, Astro): whether a
   * package-relative path is one of its server-side files (API routes, route handlers, middleware).
   */
  serverPaths(packageRelative: string): boolean;
}

/** A folder a server of the workspace serves to browsers as static files. */
export interface StaticFolder {
  /** The folder, relative to the workspace root. */
  folder: string;
  /** The file and 1-based line of the call that serves it (`app.use(express.static('public'))`). */
  path: string;
  line: number;
}

export interface ProjectLogger {
  module: string;
  /** The export: `default`, `module.exports` or a named export. */
  name: string;
  kind: 'pino' | 'winston' | 'bunyan';
}

export interface Importer {
  path: string;
  /** It reads `process.argv` or imports a terminal library (commander, chalk, ...). */
  commandLineTool: boolean;
  /** It starts a server itself (`.listen(`, `createServer(`, `serve({`). */
  startsServer: boolean;
  /** Front-end code: `'use client'`, or an import of a UI library (React, Vue, ...) and none of server-side rendering. */
  frontEnd: boolean;
}

/** Nothing is known yet: workspace rules stay silent. */
export const NO_WORKSPACE_FACTS: WorkspaceFacts = {
  handlesSigterm: () => undefined,
  packageKind: () => undefined,
  scriptRole: () => undefined,
  importersOf: () => undefined,
  loggerExport: () => undefined,
  packageOf: () => undefined,
  servedStatically: () => undefined,
  relativePath: (p) => p,
  composeServicesBuilding: () => [],
  dockerfileStage: () => undefined,
  vendoredIn: () => undefined,
  projectLogger: () => undefined,
  dependsOn: () => undefined,
  servicesSelecting: () => undefined,
  kubernetesRunning: () => undefined,
  dockerfileBuilding: () => undefined,
  autoscalersFor: () => undefined,
  disruptionBudgetsFor: () => undefined,
  pythonScriptOf: () => undefined,
  appServerOf: () => undefined,
  ruffSelects: () => undefined,
  serviceOf: () => undefined,
  imageBuilds: () => undefined,
  dockerImage: () => undefined,
};

/** An indexed workspace with nothing else in it (a lone file: docs examples, one-off checks). */
export const EMPTY_WORKSPACE_FACTS: WorkspaceFacts = {
  ...NO_WORKSPACE_FACTS,
  handlesSigterm: () => false,
  servicesSelecting: () => [],
  kubernetesRunning: () => [],
  autoscalersFor: () => [],
  disruptionBudgetsFor: () => [],
};
