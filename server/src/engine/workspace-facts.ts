// Facts about files of the workspace other than the one being analysed, for workspace rules.
// Rules read them; the server and the CLI keep them current.

import type { ComposeBuild, DockerStageHealth } from './model/compose-links';
import type { K8sObject, Labels } from './model/k8s-objects';

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
   * (`"release": "node extra/update-version.js"`). Undefined when no script runs it or there is no
   * readable package.json.
   */
  scriptRole(path: string): 'service' | 'one-off' | undefined;

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
   * `peerDependencies`, `optionalDependencies`). Undefined when there is no readable package.json.
   */
  dependsOn(path: string, name: string): boolean | undefined;

  // Kubernetes links (model/k8s-objects.ts). Each answer is the objects themselves, with the file and
  // line they come from; undefined before the workspace is indexed. A rule reading its own document
  // leaves out the answers from that document's path (its text may be newer) and reads its own.

  /** The Services whose selector (known, not empty) picks pods with `podLabels` in that namespace. */
  servicesSelecting(podLabels: Labels, namespace: string | undefined | null): readonly K8sObject[] | undefined;

  /** The HorizontalPodAutoscalers and KEDA ScaledObjects that target (or, their target being templated, may target) the workload. */
  autoscalersFor(kind: string, name: string, namespace: string | undefined | null): readonly K8sObject[] | undefined;

  /** The PodDisruptionBudgets that select (or, their selector being templated, may select) pods with `podLabels`. */
  disruptionBudgetsFor(podLabels: Labels, namespace: string | undefined | null): readonly K8sObject[] | undefined;
}

export type { ComposeBuild } from './model/compose-links';

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
  autoscalersFor: () => undefined,
  disruptionBudgetsFor: () => undefined,
};

/** An indexed workspace with nothing else in it (a lone file: docs examples, one-off checks). */
export const EMPTY_WORKSPACE_FACTS: WorkspaceFacts = {
  ...NO_WORKSPACE_FACTS,
  handlesSigterm: () => false,
  servicesSelecting: () => [],
  autoscalersFor: () => [],
  disruptionBudgetsFor: () => [],
};
