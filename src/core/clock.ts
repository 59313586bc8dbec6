/**
 * The emulator's clock. Everything the emulator dates itself reads `now()`; nothing else in src/
 * may read the wall clock. `wallNow()` is the real time, for what clients date from their own
 * clocks (e.g. Exoscale's signed `expires`), so moving the emulator's clock never breaks signatures.
 */
export interface Clock {
  now(): number;
  wallNow(): number;
}

export interface ClockState {
  now: string;
  nowMs: number;
  frozen: boolean;
  offsetMs: number;
}

export const systemTime = (): number => Date.now();

/**
 * The range the emulator's clock may be moved in: from the Unix epoch to the end of 9998, so every
 * time a vendor stores or formats (an RFC 3339 four-digit year, Unix seconds), expiries a year ahead
 * included, is valid. Outside it `toISOString` writes six-digit years or throws.
 */
export const CLOCK_MIN_MS = 0;
export const CLOCK_MAX_MS = Date.UTC(9998, 11, 31, 23, 59, 59, 999);

export const inClockRange = (ms: number): boolean => Number.isFinite(ms) && ms >= CLOCK_MIN_MS && ms <= CLOCK_MAX_MS;

export class ClockRangeError extends RangeError {
  constructor(ms: number) {
    super(`The clock must stay between ${new Date(CLOCK_MIN_MS).toISOString()} and ${new Date(CLOCK_MAX_MS).toISOString()} (this would move it to ${Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : `${ms} ms after 1970`}); it was not moved`);
    this.name = 'ClockRangeError';
  }
}

const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?([Zz]|([+-])(\d{2}):?(\d{2}))?)?$/;

/**
 * An ISO-8601 / RFC 3339 instant (`2026-01-01`, `2026-01-01T10:00Z`, `2026-01-01T10:00:00.123+02:00`)
 * in epoch ms, or undefined when it is not one or names no real calendar time (`2026-02-30`, `24:00`).
 * Without an offset the time is UTC (never the machine's time zone).
 */
export function parseIsoInstant(text: string): number | undefined {
  const m = ISO_INSTANT.exec(text.trim());
  if (!m) return undefined;
  const [year, month, day, hour = 0, minute = 0, second = 0] = [m[1], m[2], m[3], m[4], m[5], m[6]].map((v) => (v === undefined ? undefined : Number(v))) as number[];
  const ms = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  const offsetMinutes = m[9] === undefined ? 0 : (m[9] === '-' ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11]));
  const leap = year! % 4 === 0 && (year! % 100 !== 0 || year! % 400 === 0);
  const daysInMonth = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month! - 1] ?? 0;
  if (day! < 1 || day! > daysInMonth || hour! > 23 || minute! > 59 || second! > 59 || Math.abs(offsetMinutes) >= 24 * 60 || Number(m[11] ?? 0) > 59) return undefined;
  // Date.UTC maps years 0–99 to 1900–1999: shift by 400 years (exactly 146,097 days) around it.
  return Date.UTC(year! + 400, month! - 1, day!, hour!, minute!, second!, ms) - 146_097 * 86_400_000 - offsetMinutes * 60_000;
}

/** One change to the clock, applied whole or not at all: reset, then set, then advance; freeze or run. */
export interface ClockChange {
  reset?: boolean;
  setMs?: number;
  advanceMs?: number;
  freeze?: boolean;
}

export class EmulatorClock implements Clock {
  private offsetMs = 0;
  private frozenAt: number | null = null;

  constructor(private readonly source: () => number = systemTime) {}

  now(): number {
    return this.frozenAt ?? this.source() + this.offsetMs;
  }

  wallNow(): number {
    return this.source();
  }

  /**
   * Applies a change atomically, reading the real time once (so `{set:T, freeze:true}` freezes at exactly
   * T); a change that would leave the clock's range throws ClockRangeError and changes nothing.
   */
  adjust(change: ClockChange): void {
    const real = this.source();
    let at = change.reset ? real : (this.frozenAt ?? real + this.offsetMs);
    if (change.setMs !== undefined) at = change.setMs;
    if (change.advanceMs !== undefined) at += change.advanceMs;
    if (!inClockRange(at)) throw new ClockRangeError(at);
    const frozen = change.freeze ?? (change.reset ? false : this.frozenAt !== null);
    this.frozenAt = frozen ? at : null;
    this.offsetMs = at - real;
  }

  advance(ms: number): void {
    this.adjust({ advanceMs: ms });
  }

  set(epochMs: number): void {
    this.adjust({ setMs: epochMs });
  }

  freeze(): void {
    this.frozenAt ??= this.now();
  }

  unfreeze(): void {
    if (this.frozenAt === null) return;
    this.offsetMs = this.frozenAt - this.source();
    this.frozenAt = null;
  }

  /** Back to real time, running. */
  reset(): void {
    this.offsetMs = 0;
    this.frozenAt = null;
  }

  state(): ClockState {
    const nowMs = this.now();
    return { now: new Date(nowMs).toISOString(), nowMs, frozen: this.frozenAt !== null, offsetMs: nowMs - this.source() };
  }
}
