// `prodready check --shard K/N`: the K-th of N deterministic parts of the files, for a CI matrix that
// checks one repository on N machines. A file's part is a stable hash (FNV-1a, 32 bits) of its path
// relative to the root, forward slashes: the same on every machine and every run, whatever the
// checkout's location, and every file is in exactly one part. Only the files checked are split; the
// workspace index still reads every file, so findings that depend on other files are the same as in
// a run without --shard. `prodready merge` (cli/merge.ts) puts the parts' reports back together.

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

/** `K/N` with 1 <= K <= N; undefined when the text is not that. */
export function parseShard(text: string): Shard | undefined {
  const match = /^(\d+)\/(\d+)$/.exec(text);
  if (!match) return undefined;
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(count) || count < 1 || index < 1 || index > count) return undefined;
  return { index, count };
}

/** FNV-1a over the UTF-16 code units of the text, as an unsigned 32-bit number. */
export function stableHash(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** The 1-based part of `relativePath` (root-relative, forward slashes) among `count`. */
export function shardOf(relativePath: string, count: number): number {
  return (stableHash(relativePath) % count) + 1;
}
