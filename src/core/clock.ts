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

  advance(ms: number): void {
    if (this.frozenAt !== null) this.frozenAt += ms;
    else this.offsetMs += ms;
  }

  set(epochMs: number): void {
    if (this.frozenAt !== null) this.frozenAt = epochMs;
    else this.offsetMs = epochMs - this.source();
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
