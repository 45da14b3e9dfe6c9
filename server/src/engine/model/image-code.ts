// What the code behind a container's image says to the rollout and probe rules (`WorkspaceFacts.imageCode`).
// Two answers, each only from code the workspace holds and the index read; an image from elsewhere
// (most images) gets neither, and the rules judge it from the manifest alone as before.

import type { ImageCode, WorkspaceFacts } from '../workspace-facts';

function codeOf(image: string | undefined | null, workspace: WorkspaceFacts): ImageCode | undefined {
  return image ? workspace.imageCode?.(image) : undefined;
}

/**
 * The image is built here from JS/TS or Python code that starts no server and declares no route, and
 * the image runs that code itself: a worker (a queue consumer, a loop), whatever ports its manifest
 * declares. Nothing routes requests to it: no readiness gate and no endpoint drain to wait for.
 */
export function codeServesNothing(image: string | undefined | null, workspace: WorkspaceFacts): ImageCode | undefined {
  const code = codeOf(image, workspace);
  return code && code.serves === false ? code : undefined;
}

/**
 * The image is built here from a Go module that catches SIGTERM itself (`signal.Notify`): what its
 * shutdown does before it closes (fail readiness, sleep, then drain, as podinfo's does) is in Go code
 * prodready does not read, so whether a preStop wait is missing is unknown. A Go module that catches
 * no SIGTERM exits at once on it: that is known, and not returned here.
 */
export function ownShutdownUnread(image: string | undefined | null, workspace: WorkspaceFacts): { path: string; line: number } | undefined {
  return codeOf(image, workspace)?.goSigterm ?? undefined;
}
