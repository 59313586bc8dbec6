import type { NamespaceStore } from './namespace-store.js';

/** A unit of work in steps: each `yield` reports how many rows the step touched. */
export type Steps = Generator<number, void, undefined>;

/** Rows touched between two returns to the event loop in an asynchronous run (a few ms of work). */
export const ROWS_PER_SLICE = 500;

export class BusyError extends Error {
  constructor() {
    super('A control operation (reset or fixture load) is still running; wait for it (await the HTTP call) before calling this');
  }
}

/**
 * Runs world-changing work (reset, seeding, fixture loads) one job at a time, each inside one
 * transaction, so it is all-or-nothing. Synchronously for start-up and in-process callers, or in
 * slices that give the event loop back between them, so health checks and logging go on while a
 * big world is reset or loaded. While a job runs its transaction is open on the shared
 * connection: everything else that touches the database waits for `idle()` first.
 */
export class ExclusiveWork {
  private tail: Promise<void> = Promise.resolve();
  private queued = 0;

  constructor(private readonly stmts: NamespaceStore, private readonly onRollback: () => void, private readonly onEnd: () => void = () => {}) {}

  get busy(): boolean {
    return this.queued > 0;
  }

  /** Resolves once no job is queued or running. */
  async idle(): Promise<void> {
    while (this.queued > 0) await this.tail;
  }

  /** Runs the steps to the end now, in one transaction; refused while a sliced job runs. */
  runNow(steps: Steps): number {
    if (this.busy) throw new BusyError();
    let rows = 0;
    this.stmts.begin.run();
    try {
      for (const n of steps) rows += n;
      this.stmts.commit.run();
    } catch (err) {
      this.abort();
      throw err;
    } finally {
      this.onEnd();
    }
    return rows;
  }

  /** Queues the steps; runs them in slices of about ROWS_PER_SLICE rows; resolves to the rows touched. */
  run(steps: () => Steps, onProgress?: (rows: number) => void): Promise<number> {
    this.queued++;
    const job = this.tail.then(async () => {
      let rows = 0;
      let slice = 0;
      this.stmts.begin.run();
      try {
        for (const n of steps()) {
          rows += n;
          slice += n;
          if (slice >= ROWS_PER_SLICE) {
            slice = 0;
            onProgress?.(rows);
            await new Promise((resolve) => setImmediate(resolve));
          }
        }
        this.stmts.commit.run();
      } catch (err) {
        this.abort();
        throw err;
      } finally {
        this.onEnd();
      }
      return rows;
    });
    this.tail = job.then(
      () => void this.queued--,
      () => void this.queued--,
    );
    return job;
  }

  private abort(): void {
    try {
      this.stmts.rollback.run();
    } catch {
      // SQLite already rolled the transaction back (e.g. after a constraint failure in COMMIT).
    }
    this.onRollback();
  }
}
