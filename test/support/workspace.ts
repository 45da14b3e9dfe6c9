import { WorkspaceIndex } from '../../server/src/engine/workspace-index';
import type { WorkspaceFacts } from '../../server/src/engine/workspace-facts';
import { isGolden, type FixtureWorkspace } from './fixtures';

/**
 * Workspace facts for a fixture workspace (the workspace rules read them): the same index the CLI
 * builds, over the fixture's files. Golden `*.fixed.*` files are what a fix should produce, not part
 * of the workspace, so they are left out (their SIGTERM handlers would hide every finding).
 */
export function workspaceFactsForFixture(ws: FixtureWorkspace): WorkspaceFacts | undefined {
  // Built on first use, inside a test: the Python parser (which the index needs for Python service
  // facts) is loaded by the suite's \`before\`, after the fixtures' describe blocks were collected.
  let facts: WorkspaceFacts | undefined;
  const build = (): WorkspaceFacts => {
    const index = new WorkspaceIndex();
    index.indexFiles(
      ws.files.filter((file) => !isGolden(file)),
      [ws.root],
    );
    return index.facts();
  };
  return new Proxy({} as WorkspaceFacts, { get: (_target, key) => (facts ??= build())[key as keyof WorkspaceFacts] });
}
