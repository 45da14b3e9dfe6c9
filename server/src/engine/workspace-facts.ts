// Facts about files of the workspace other than the one being analysed, for workspace rules.
// Rules read them; the server and the CLI keep them current.

export interface WorkspaceFacts {
  /**
   * True when some file in the same package as `path` (nearest package.json) handles SIGTERM
   * (a `process.on('SIGTERM')`, a graceful-shutdown library, NestJS shutdown hooks).
   * Undefined when the workspace has not been indexed yet.
   */
  handlesSigterm(path: string): boolean | undefined;
}

export const NO_WORKSPACE_FACTS: WorkspaceFacts = {
  handlesSigterm: () => undefined,
};
