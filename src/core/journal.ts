/**
 * The request journal: what was called, never with bodies, headers or secrets. A ring buffer of
 * bounded size (`JOURNAL_SIZE`), so a long test run cannot grow memory without bound.
 */
export interface JournalEntry {
  seq: number;
  time: string;
  namespace: string;
  vendor: string;
  method: string;
  path: string;
  operation: string | null;
  status: number;
  durationMs: number;
}

export interface JournalFilter {
  vendor?: string;
  namespace?: string;
  operation?: string;
  method?: string;
  status?: number;
}

/** What a request leaves: the time as epoch ms, formatted only when the journal is read. */
export interface JournalRecord extends Omit<JournalEntry, 'seq' | 'time'> {
  timeMs: number;
}

type Stored = JournalRecord & { seq: number };

export class Journal {
  private entries: Stored[] = [];
  private start = 0;
  private seq = 0;
  private readonly listeners = new Set<(entry: JournalEntry) => void>();

  constructor(private readonly capacity: number) {}

  /** Calls `listener` with every entry recorded from now on (the dashboard's live feed); returns the unsubscribe. */
  subscribe(listener: (entry: JournalEntry) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  record(entry: JournalRecord): void {
    if (this.capacity === 0) return;
    // One fixed shape for every entry, built field by field (no spread, no date formatting here).
    const full: Stored = {
      seq: ++this.seq, timeMs: entry.timeMs, namespace: entry.namespace, vendor: entry.vendor, method: entry.method,
      path: entry.path, operation: entry.operation, status: entry.status, durationMs: entry.durationMs,
    };
    if (this.entries.length < this.capacity) this.entries.push(full);
    else {
      this.entries[this.start] = full;
      this.start = (this.start + 1) % this.capacity;
    }
    if (this.listeners.size === 0) return;
    const formatted = format(full);
    for (const listener of this.listeners) listener(formatted);
  }

  /** Oldest first. */
  list(filter: JournalFilter = {}): JournalEntry[] {
    return this.matching(filter).map(format);
  }

  clear(filter: JournalFilter = {}): number {
    const drop = new Set(this.matching(filter).map((e) => e.seq));
    const keep = this.matching({}).filter((e) => !drop.has(e.seq));
    const removed = this.entries.length - keep.length;
    this.entries = keep;
    this.start = 0;
    return removed;
  }

  private matching(filter: JournalFilter): Stored[] {
    const ordered = [...this.entries.slice(this.start), ...this.entries.slice(0, this.start)];
    return ordered.filter(
      (e) =>
        (filter.vendor === undefined || e.vendor === filter.vendor) &&
        (filter.namespace === undefined || e.namespace === filter.namespace) &&
        (filter.operation === undefined || e.operation === filter.operation) &&
        (filter.method === undefined || e.method === filter.method) &&
        (filter.status === undefined || e.status === filter.status),
    );
  }
}

const format = (e: Stored): JournalEntry => ({
  seq: e.seq, time: new Date(e.timeMs).toISOString(), namespace: e.namespace, vendor: e.vendor, method: e.method,
  path: e.path, operation: e.operation, status: e.status, durationMs: e.durationMs,
});
