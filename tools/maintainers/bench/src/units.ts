export const MB = 1_000_000;

export function bytesToMB(bytes: number): number {
  return bytes / MB;
}
