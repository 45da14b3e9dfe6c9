// mulberry32: a small seeded generator, so that a failing sequence (a test's random edits, the fuzzer's
// inputs, the bench's generated manifests) can be replayed from its seed. Numbers in [0, 1).

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
