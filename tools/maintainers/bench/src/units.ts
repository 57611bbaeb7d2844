import { round } from "./stats.ts";

export const MB = 1_000_000;

export function bytesToMB(bytes: number): number {
  return bytes / MB;
}

/** Decimal megabytes, rounded to `digits` decimals (a figure's value). */
export function megabytes(bytes: number, digits: number): number {
  return round(bytesToMB(bytes), digits);
}
