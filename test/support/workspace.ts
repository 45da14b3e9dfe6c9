import type { WorkspaceFacts } from '../../server/src/engine/workspace-facts';
import type { FixtureWorkspace } from './fixtures';

/** Workspace facts for a fixture workspace (the workspace rules read them). */
export function workspaceFactsForFixture(_ws: FixtureWorkspace): WorkspaceFacts | undefined {
  return undefined;
}
