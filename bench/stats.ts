// Summaries of repeated measurements: the median is the figure, min-max the spread.

export interface Summary {
  median: number;
  min: number;
  max: number;
  /** (max - min) / median, in percent: how much the runs disagree. */
  spreadPct: number;
  runs: number;
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** Linear-interpolated percentile of unsorted values (p in 0..100). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
}

export function summarize(values: readonly number[]): Summary {
  const med = median(values);
  const min = Math.min(...values);
  const max = Math.max(...values);
  return { median: round(med), min: round(min), max: round(max), spreadPct: med ? round(((max - min) / med) * 100, 1) : 0, runs: values.length };
}

export function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
