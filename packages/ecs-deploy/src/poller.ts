import { AwsError } from "./errors.ts";

/** Polls that may fail in a row (each after the SDK's own retries) before the step gives up. */
export const MAX_FAILED_POLLS = 5;
/** The longest wait between two polls after failures. */
export const MAX_BACKOFF_MS = 5 * 60_000;

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** The deadline came while polling. */
export const DEADLINE = Symbol("deadline");

/**
 * Paces the read calls of one run against one deadline. A read that fails with a retryable AWS error (throttling, a
 * 5xx, a network fault the SDK's retries did not overcome) is asked again after a doubling back-off, up to
 * MAX_FAILED_POLLS times in a row; any other failure, or one more, ends the run with what was last seen.
 */
export class Poller {
  constructor(
    private readonly settings: { intervalMs: number; deadline: number; clock: Clock; log: (line: string) => void },
  ) {}

  get expired(): boolean {
    return this.settings.clock.now() >= this.settings.deadline;
  }

  get remainingMs(): number {
    return Math.max(0, this.settings.deadline - this.settings.clock.now());
  }

  /** Waits one poll interval, never past the deadline; false once the deadline has come. */
  async pause(): Promise<boolean> {
    if (this.expired) return false;
    await this.settings.clock.sleep(Math.min(this.settings.intervalMs, this.remainingMs));
    return true;
  }

  async ask<T>(read: () => Promise<T>, lastSeen: () => string): Promise<T | typeof DEADLINE> {
    for (let failures = 0; ; failures++) {
      try {
        return await read();
      } catch (error) {
        if (!(error instanceof AwsError)) throw error;
        if (!error.retryable) throw error;
        if (failures >= MAX_FAILED_POLLS) {
          throw new AwsError(`${error.message}; gave up after ${failures + 1} polls in a row failed; ${lastSeen()}`, {
            cause: error,
          });
        }
        const backoffMs = Math.min(this.settings.intervalMs * 2 ** (failures + 1), MAX_BACKOFF_MS);
        if (backoffMs >= this.remainingMs) return DEADLINE;
        this.settings.log(
          `${error.message}; asking again in ${formatDuration(backoffMs)} (${failures + 1} of ${MAX_FAILED_POLLS})`,
        );
        await this.settings.clock.sleep(backoffMs);
      }
    }
  }
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${Math.round(ms / 100) / 10} s`;
  return `${Math.round(ms / 6000) / 10} min`;
}
