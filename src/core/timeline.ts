import type { Clock } from './clock.js';
import type { Transitions } from './transitions.js';

/**
 * A stateful entity's state now and, when one is coming, its next transition: the dashboard's timeline
 * (`GET /_emulator/timeline`). Computed as a pure read: it settles nothing and counts no `reads:<n>` read.
 */
export interface EntityState {
  /** The state-dump table the entity is a row of, and its id there. */
  table: string;
  id: string;
  label?: string;
  state: string;
  next?: NextTransition;
}

export interface NextTransition {
  state: string;
  /** The transition's name (GET /_emulator/transitions), or `expiry` for a fixed end time. */
  transition: string;
  /** When the entity entered its current state, when known. */
  sinceMs?: number;
  /** When it completes on the emulator clock; absent under `reads:<n>` (see readsLeft). */
  dueAtMs?: number;
  /** Under `reads:<n>`: the read that many reads from now sees it done. */
  readsLeft?: number;
}

export const EXPIRY = 'expiry';

/** `GET /_emulator/timeline` reads at most this many rows per table (the newest), unless `?limit=` says fewer or more. */
export const TIMELINE_DEFAULT_LIMIT = 500;
export const TIMELINE_MAX_LIMIT = 10_000;

/** What a vendor's timeline reads: the clock and the transition policies. */
export interface TimelineContext {
  clock: Clock;
  transitions: Transitions;
}

/** The transition `name` of `subject` (started at `sinceMs`) towards `state`; undefined once it has completed. */
export function pendingTransition(ctx: TimelineContext, namespace: string, name: string, subject: string, sinceMs: number, state: string): NextTransition | undefined {
  const peek = ctx.transitions.peek(namespace, name, subject, sinceMs, ctx.clock.now());
  if (peek.done) return undefined;
  return { state, transition: name, sinceMs, ...(peek.dueAt !== undefined ? { dueAtMs: peek.dueAt } : {}), ...(peek.readsLeft !== undefined ? { readsLeft: peek.readsLeft } : {}) };
}

/** A fixed end time (a token's or session's expiry); undefined once it has passed or when there is none. */
export function pendingExpiry(ctx: TimelineContext, atMs: number | null, sinceMs?: number, state = 'expired'): NextTransition | undefined {
  if (atMs === null || ctx.clock.now() >= atMs) return undefined;
  return { state, transition: EXPIRY, ...(sinceMs !== undefined ? { sinceMs } : {}), dueAtMs: atMs };
}

/** Is a fixed end time behind us? */
export function expired(ctx: TimelineContext, atMs: number | null): boolean {
  return atMs !== null && ctx.clock.now() >= atMs;
}
