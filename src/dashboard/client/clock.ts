import type { ClockState } from '../../core/clock.js';

/**
 * The page's one clock. The emulator's clock lives in the server (src/core/clock.ts); the page reads it
 * with every timeline read and, between reads, moves a running one on by the time elapsed here. That
 * elapsed time is the browser's monotonic clock, read in this file only, so a change of the computer's
 * wall clock cannot move the emulator's time on the page.
 */
export type ClockReading = ClockState & { readAt: number };

/** A clock state from the server, stamped with when the page received it. */
export function clockReading(state: ClockState): ClockReading {
  return { ...state, readAt: performance.now() };
}

/** The emulator's time now: a frozen clock stays where it was read, a running one has moved on since. */
export function emulatorNow(clock: ClockReading): number {
  return clock.frozen ? clock.nowMs : clock.nowMs + (performance.now() - clock.readAt);
}
