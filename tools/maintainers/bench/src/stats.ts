// Small statistics for repeated measurements: the median resists the outliers a shared machine produces.

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError("median of no values");
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

export function min(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError("min of no values");
  return Math.min(...values);
}

export function max(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError("max of no values");
  return Math.max(...values);
}

/** value / baseline, or null when the baseline is zero or missing (no meaningful ratio). */
export function ratio(value: number | null, baseline: number | null): number | null {
  if (value === null || baseline === null || baseline === 0 || !Number.isFinite(value / baseline)) return null;
  return value / baseline;
}

export function round(value: number, digits = 0): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
