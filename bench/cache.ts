// Where the downloaded corpus and generated files live: outside the repository, never committed.

import * as os from 'node:os';
import * as path from 'node:path';

export function cacheDir(): string {
  return path.resolve(process.env.PRODREADY_BENCH_CACHE || path.join(os.homedir(), '.cache', 'prodready-bench'));
}

export const REPO_ROOT = path.resolve(__dirname, '..');
