import { WorkspaceIndex } from '../../server/src/engine/workspace-index';
import type { WorkspaceFacts } from '../../server/src/engine/workspace-facts';
import { isGolden, type FixtureWorkspace } from './fixtures';

/**
 * Workspace facts for a fixture workspace (the workspace rules read them): the same index the CLI
 * builds, over the fixture's files. Golden `*.fixed.*` files are what a fix should produce, not part
 * of the workspace, so they are left out (their SIGTERM handlers would hide every finding).
 */
export function workspaceFactsForFixture(ws: FixtureWorkspace): WorkspaceFacts | undefined {
  const index = new WorkspaceIndex();
  index.indexFiles(
    ws.files.filter((file) => !isGolden(file)),
    [ws.root],
  );
  return index.facts();
}
