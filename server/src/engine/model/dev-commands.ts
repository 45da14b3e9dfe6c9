// Commands of a development loop, shared by the compose-file role and the compose -> Dockerfile links.

/** Commands of a development loop: a file watcher, a dev server, a reloader. */
export const DEV_COMMAND = /(?:^|\s)--reload\b|\b(?:(?:npm|pnpm|yarn|bun)\s+(?:run\s+)?(?:dev|develop|watch|start:dev)|nodemon|ts-node-dev|tsx\s+watch|node\s+--watch|next\s+dev|nuxt\s+dev|vite(?:\s|$)|manage\.py\s+runserver|flask\s+run\s+.*--debug|air(?:\s|$)|webpack\s+serve|ng\s+serve)/;

/** An idle container, kept running only so that someone can `exec` into it (`tail -f /dev/null`, `sleep infinity`). */
export const IDLE_COMMAND = /^(?:(?:\/bin\/)?(?:ba)?sh\s+-c\s+)?['"]?(?:tail\s+-f\s+\/dev\/null|sleep\s+(?:infinity|inf)|while\s+(?:true|:)\s*;\s*do\s+sleep\s+\d+\s*;\s*done)['"]?$/;
