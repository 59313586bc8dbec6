/**
 * The request journal: what was called, never with bodies, headers or secrets. Bounded twice, so a
 * long or hostile test run cannot grow memory without bound: by count (`JOURNAL_SIZE`) and by bytes
 * (`JOURNAL_BYTES`, an estimate of what the entries hold); the oldest entries go first. A field longer
 * than {@link MAX_FIELD_CHARS} is cut (and ends in "…"), so one 16 KB path cannot crowd out hundreds of
 * entries. Reads come in pages (`list` with `after`/`before` and `limit`).
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

export interface JournalPage {
  /** Only entries with a larger seq (ascending order) / a smaller one (descending order). */
  after?: number;
  before?: number;
  limit?: number;
  order?: 'asc' | 'desc';
}

/** What a request leaves: the time as epoch ms, formatted only when the journal is read. */
export interface JournalRecord extends Omit<JournalEntry, 'seq' | 'time'> {
  timeMs: number;
}

type Stored = JournalRecord & { seq: number };

/** Length of an ISO time as formatted on read. */
const TIME_CHARS = 24;

/** Longest string field kept in an entry. */
export const MAX_FIELD_CHARS = 1024;
/** Estimated bytes of an entry beyond its strings (numbers, object, array slot). */
const ENTRY_OVERHEAD = 96;

const cut = (value: string): string => (value.length > MAX_FIELD_CHARS ? `${value.slice(0, MAX_FIELD_CHARS - 1)}…` : value);
/** UTF-16 strings: two bytes a character. */
const sizeOf = (e: Stored): number => ENTRY_OVERHEAD + 2 * (TIME_CHARS + e.namespace.length + e.vendor.length + e.method.length + e.path.length + (e.operation?.length ?? 0));

export class Journal {
  /** Oldest first; `entries[head]` is the oldest kept (the array is compacted now and then). */
  private entries: Stored[] = [];
  private head = 0;
  private bytes = 0;
  private seq = 0;
  private readonly listeners = new Set<(entry: JournalEntry) => void>();

  constructor(private readonly capacity: number, private readonly byteBudget = Number.POSITIVE_INFINITY) {}

  /** Calls `listener` with every entry recorded from now on (the dashboard's live feed); returns the unsubscribe. */
  subscribe(listener: (entry: JournalEntry) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  record(entry: JournalRecord): void {
    if (this.capacity === 0) return;
    // One fixed shape for every entry, built field by field (no spread, no date formatting here).
    const full: Stored = {
      seq: ++this.seq,
      timeMs: entry.timeMs,
      namespace: cut(entry.namespace),
      vendor: cut(entry.vendor),
      method: cut(entry.method),
      path: cut(entry.path),
      operation: entry.operation === null ? null : cut(entry.operation),
      status: entry.status,
      durationMs: entry.durationMs,
    };
    this.entries.push(full);
    this.bytes += sizeOf(full);
    while (this.size > this.capacity || (this.bytes > this.byteBudget && this.size > 1)) this.bytes -= sizeOf(this.entries[this.head++]!);
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
    if (this.listeners.size === 0) return;
    const formatted = format(full);
    for (const listener of this.listeners) listener(formatted);
  }

  get size(): number {
    return this.entries.length - this.head;
  }

  /** Estimated bytes held. */
  get byteSize(): number {
    return this.bytes;
  }

  /**
   * Matching entries, oldest first (or newest first with `order: 'desc'`), at most `limit`; `more`
   * tells whether more match beyond the page (continue with `after`/`before` = the last seq).
   * Starts at the cursor by binary search, so a page costs what it scans, not the journal's size.
   */
  page(filter: JournalFilter = {}, page: JournalPage = {}): { entries: JournalEntry[]; more: boolean } {
    const limit = page.limit ?? Number.POSITIVE_INFINITY;
    const desc = page.order === 'desc';
    const out: JournalEntry[] = [];
    const step = desc ? -1 : 1;
    let i = desc ? this.firstIndexAbove(page.before === undefined ? Number.POSITIVE_INFINITY : page.before - 1) - 1 : this.firstIndexAbove(page.after ?? 0);
    for (; i >= this.head && i < this.entries.length; i += step) {
      const e = this.entries[i]!;
      if (desc ? page.after !== undefined && e.seq <= page.after : page.before !== undefined && e.seq >= page.before) break;
      if (!matches(e, filter)) continue;
      if (out.length === limit) return { entries: out, more: true };
      out.push(format(e));
    }
    return { entries: out, more: false };
  }

  /** Every matching entry, oldest first. */
  list(filter: JournalFilter = {}): JournalEntry[] {
    return this.page(filter).entries;
  }

  clear(filter: JournalFilter = {}): number {
    const keep = this.entries.slice(this.head).filter((e) => !matches(e, filter));
    const removed = this.size - keep.length;
    this.entries = keep;
    this.head = 0;
    this.bytes = keep.reduce((n, e) => n + sizeOf(e), 0);
    return removed;
  }

  /** The index of the first kept entry whose seq is above `seq` (entries are in seq order). */
  private firstIndexAbove(seq: number): number {
    let lo = this.head;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.entries[mid]!.seq <= seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

function matches(e: Stored, filter: JournalFilter): boolean {
  return (filter.vendor === undefined || e.vendor === filter.vendor) &&
    (filter.namespace === undefined || e.namespace === filter.namespace) &&
    (filter.operation === undefined || e.operation === filter.operation) &&
    (filter.method === undefined || e.method === filter.method) &&
    (filter.status === undefined || e.status === filter.status);
}

const format = (e: Stored): JournalEntry => ({
  seq: e.seq, time: new Date(e.timeMs).toISOString(), namespace: e.namespace, vendor: e.vendor, method: e.method,
  path: e.path, operation: e.operation, status: e.status, durationMs: e.durationMs,
});
