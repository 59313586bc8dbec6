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

export class Journal {
  private entries: JournalEntry[] = [];
  private start = 0;
  private seq = 0;
  private readonly listeners = new Set<(entry: JournalEntry) => void>();

  constructor(private readonly capacity: number) {}

  /** Calls `listener` with every entry recorded from now on (the dashboard's live feed); returns the unsubscribe. */
  subscribe(listener: (entry: JournalEntry) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  record(entry: Omit<JournalEntry, 'seq'>): void {
    if (this.capacity === 0) return;
    const full = { ...entry, seq: ++this.seq };
    if (this.entries.length < this.capacity) this.entries.push(full);
    else {
      this.entries[this.start] = full;
      this.start = (this.start + 1) % this.capacity;
    }
    for (const listener of this.listeners) listener(full);
  }

  /** Oldest first. */
  list(filter: JournalFilter = {}): JournalEntry[] {
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

  clear(filter: JournalFilter = {}): number {
    const drop = new Set(this.list(filter).map((e) => e.seq));
    const keep = this.list().filter((e) => !drop.has(e.seq));
    const removed = this.entries.length - keep.length;
    this.entries = keep;
    this.start = 0;
    return removed;
  }
}
