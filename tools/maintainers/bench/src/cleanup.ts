/** One registered action: run it now (and forget it), or just forget it once it is no longer needed. */
export interface CleanupHandle {
  run(): Promise<void>;
  forget(): void;
}

/**
 * What must be undone however the run ends (success, failure, Ctrl-C): processes this bench started, temporary
 * folders, temporary edits. Actions run newest first, each at most once.
 */
export class Cleanup {
  readonly #actions = new Map<number, { label: string; action: () => unknown }>();
  #next = 0;

  add(label: string, action: () => unknown): CleanupHandle {
    const id = this.#next++;
    this.#actions.set(id, { label, action });
    return {
      run: async () => {
        const entry = this.#actions.get(id);
        if (!entry) return;
        this.#actions.delete(id);
        await entry.action();
      },
      forget: () => {
        this.#actions.delete(id);
      },
    };
  }

  get size(): number {
    return this.#actions.size;
  }

  /** Runs every pending action, newest first; returns the failures instead of stopping at the first. */
  async runAll(): Promise<string[]> {
    const failures: string[] = [];
    const ids = [...this.#actions.keys()].sort((a, b) => b - a);
    for (const id of ids) {
      const entry = this.#actions.get(id);
      this.#actions.delete(id);
      if (!entry) continue;
      try {
        await entry.action();
      } catch (error) {
        failures.push(`${entry.label}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return failures;
  }
}
