// Facts about files of the workspace other than the one being analysed, for workspace rules.
// Rules read them; the server and the CLI keep them current.

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
   * scan), sorted, each with whether it is a command line tool: it reads `process.argv` or imports a
   * terminal library such as commander or chalk. Undefined before the workspace is indexed.
   */
  importersOf(path: string): readonly Importer[] | undefined;

  /**
   * The kind of structured logger (pino, winston, bunyan) that the module `specifier`, imported by
   * `importer` with a relative path, exports as `name`: `default`, a named export, or
   * `module.exports` (what `require(specifier)` returns). Undefined when the module is not indexed
   * or does not make it plain (`export const logger = pino()`, `module.exports = winston.createLogger()`).
   */
  loggerExport(importer: string, specifier: string, name: string): 'pino' | 'winston' | 'bunyan' | undefined;

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
}

export interface ProjectLogger {
  module: string;
  /** The export: `default`, `module.exports` or a named export. */
  name: string;
  kind: 'pino' | 'winston' | 'bunyan';
}

export interface Importer {
  path: string;
  commandLineTool: boolean;
}

/** Nothing is known yet: workspace rules stay silent. */
export const NO_WORKSPACE_FACTS: WorkspaceFacts = {
  handlesSigterm: () => undefined,
  packageKind: () => undefined,
  scriptRole: () => undefined,
  importersOf: () => undefined,
  loggerExport: () => undefined,
  projectLogger: () => undefined,
  dependsOn: () => undefined,
};

/** An indexed workspace with nothing else in it (a lone file: docs examples, one-off checks). */
export const EMPTY_WORKSPACE_FACTS: WorkspaceFacts = {
  handlesSigterm: () => false,
  packageKind: () => undefined,
  scriptRole: () => undefined,
  importersOf: () => undefined,
  loggerExport: () => undefined,
  projectLogger: () => undefined,
  dependsOn: () => undefined,
};
