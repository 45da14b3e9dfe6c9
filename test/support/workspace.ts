import { WorkspaceIndex } from '../../server/src/engine/workspace-index';
import type { WorkspaceFacts } from '../../server/src/engine/workspace-facts';
import { isGolden, type FixtureWorkspace } from './fixtures';

/**
 * Workspace facts for a fixture workspace (the workspace rules read them): the same index the CLI
 * builds, over the fixture's files. Golden `*.fixed.*` files are what a fix should produce, not part
 * of the workspace, so they are left out (their SIGTERM handlers would hide every finding).
 */
export function workspaceFactsForFixture(ws: FixtureWorkspace): WorkspaceFacts | undefined {
  // Built on first use, inside a test: the index parses Python modules (gRPC stubs, service facts), and the Python
  // parser loads in a `before` hook that runs after the suites are declared.
  let facts: WorkspaceFacts | undefined;
  const build = (): WorkspaceFacts => {
    if (!facts) {
      const index = new WorkspaceIndex();
      index.indexFiles(
        ws.files.filter((file) => !isGolden(file)),
        [ws.root],
      );
      facts = index.facts();
    }
    return facts;
  };
  return new Proxy({} as WorkspaceFacts, {
    get: (_target, key) => (build() as unknown as Record<string | symbol, unknown>)[key],
    has: (_target, key) => key in build(),
  });
}
