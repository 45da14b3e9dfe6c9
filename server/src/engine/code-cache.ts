// What the engine knows of its loader (server/src/start.ts, dist/server.js): the module a `--jobs`
// worker should load, and the hook that writes the V8 code cache once the first analysis compiled
// what an analysis runs. Running from the sources (tests, tsx) there is no loader: both are absent.

const SAVE = Symbol.for('prodready.saveCodeCache');
const ENTRY = Symbol.for('prodready.entry');

type Global = typeof globalThis & { [SAVE]?: () => void; [ENTRY]?: string };

/** Writes the loader's code cache when it has none yet (once per process; a no-op otherwise). */
export function saveCodeCache(): void {
  const save = (globalThis as Global)[SAVE];
  if (typeof save === 'function') save();
}

/** The loader's path (dist/server.js) when the engine was loaded through it. */
export function loaderEntry(): string | undefined {
  return (globalThis as Global)[ENTRY];
}
