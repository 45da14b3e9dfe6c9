// What counts as a health route, read the same way by missing-health-endpoint and the readiness
// review's "Health endpoint" item: a path with a segment that says health in any of its spellings.
// Wider than the rule's `paths` option on purpose (precision: `/status`, `/ready`, `/heartbeat` are
// endpoints a team may probe).

export const HEALTH_SEGMENT = /^(?:_?health(?:z|check|-check|_check)?|livez?|liveness|alive|ping|readyz?|readiness|status|heartbeat|hc)$/i;

/** Whether a route path (`/api/healthz`, `/health/live`) has a health segment. */
export function isHealthRoutePath(routePath: string): boolean {
  return routePath.split('/').some((segment) => HEALTH_SEGMENT.test(segment));
}

/**
 * A route that is a health endpoint for certain, for the review (where a match means `pass`): plain
 * segments only (no `:id`), the last one a health word or a probe kind under one (`/api/healthz`,
 * `/health/live`). `/orders/:id/status` is a business route; the rule, which must not flag a
 * service that may have a health route, reads the wider `isHealthRoutePath`.
 */
export const HEALTH_ROUTE_PATH = new RegExp(`^(?:/[\\w.~-]+)*/${HEALTH_SEGMENT.source.slice(1, -1)}(?:/(?:live|liveness|ready|readiness|startup))?/?$`, 'i');
