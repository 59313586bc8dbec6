import { DURATION_HELP, formatDuration, parseDuration } from './duration.js';

/**
 * Asynchronous vendor states (pending→configured, PROVISIONING→AVAILABLE, operation pending→success)
 * are computed on read from a stored start time and a policy, never by background timers.
 */
export type TransitionPolicy =
  | { kind: 'immediate' }
  | { kind: 'delay'; ms: number }
  | { kind: 'reads'; count: number };

/** A transition a vendor declares: `<vendor>.<subject>.<phase>`, e.g. `katapult.access_key.provisioning`. */
export interface TransitionSpec {
  name: string;
  description: string;
  default: TransitionPolicy;
}

export const POLICY_HELP = `immediate | delay:<duration> | reads:<n> (duration: ${DURATION_HELP})`;

export function parsePolicy(text: string): TransitionPolicy | undefined {
  const value = text.trim();
  if (value === 'immediate') return { kind: 'immediate' };
  const [kind, arg] = [value.slice(0, value.indexOf(':')), value.slice(value.indexOf(':') + 1)];
  if (kind === 'delay') {
    const ms = parseDuration(arg);
    return ms === undefined ? undefined : { kind: 'delay', ms };
  }
  if (kind === 'reads' && /^\d+$/.test(arg)) return { kind: 'reads', count: Number(arg) };
  return undefined;
}

export function formatPolicy(policy: TransitionPolicy): string {
  if (policy.kind === 'immediate') return 'immediate';
  if (policy.kind === 'delay') return `delay:${formatDuration(policy.ms)}`;
  return `reads:${policy.count}`;
}

/**
 * Parses `TRANSITIONS`: comma-separated `name=policy` pairs; a name may end in `*` to match a
 * prefix, and a bare policy applies to every transition. Returns [pattern, policy] pairs in order.
 */
export function parsePolicyAssignments(text: string): Array<[string, TransitionPolicy]> {
  const out: Array<[string, TransitionPolicy]> = [];
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    const pattern = eq === -1 ? '*' : part.slice(0, eq).trim();
    const policyText = eq === -1 ? part : part.slice(eq + 1);
    const policy = parsePolicy(policyText);
    if (!policy || !/^[\w.*-]+$/.test(pattern)) throw new Error(`"${part}" is not <name>=<policy> with policy ${POLICY_HELP}`);
    out.push([pattern, policy]);
  }
  return out;
}

function matches(pattern: string, name: string): boolean {
  return pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : pattern === name;
}

export class Transitions {
  private readonly specs = new Map<string, TransitionSpec>();
  private readonly policies = new Map<string, TransitionPolicy>();
  /** `reads:<n>` counters, keyed by namespace, transition and subject. */
  private readonly reads = new Map<string, number>();

  constructor(specs: TransitionSpec[], private readonly configured: Array<[string, TransitionPolicy]> = []) {
    for (const spec of specs) this.specs.set(spec.name, spec);
    this.restoreDefaults();
  }

  /** Back to each transition's default, with the configured (`TRANSITIONS`) overrides on top. */
  restoreDefaults(): void {
    for (const spec of this.specs.values()) this.policies.set(spec.name, spec.default);
    for (const [pattern, policy] of this.configured) this.assign(pattern, policy);
  }

  /** Sets the policy of every transition the pattern matches; returns how many it matched. */
  assign(pattern: string, policy: TransitionPolicy): number {
    let matched = 0;
    for (const name of this.specs.keys()) {
      if (matches(pattern, name)) {
        this.policies.set(name, policy);
        matched++;
      }
    }
    return matched;
  }

  policy(name: string): TransitionPolicy {
    const policy = this.policies.get(name);
    if (!policy) throw new Error(`unknown transition ${name}`);
    return policy;
  }

  list(): Array<{ name: string; description: string; policy: string; default: string }> {
    return [...this.specs.values()].map((spec) => ({
      name: spec.name,
      description: spec.description,
      policy: formatPolicy(this.policy(spec.name)),
      default: formatPolicy(spec.default),
    }));
  }

  /**
   * Has the transition `name` of `subject` (started at `sinceMs`) completed by `nowMs`?
   * Under `reads:<n>` every call counts as one read of the subject, and the n-th read sees it done.
   */
  reached(namespace: string, name: string, subject: string, sinceMs: number, nowMs: number): boolean {
    const policy = this.policy(name);
    if (policy.kind === 'immediate') return true;
    if (policy.kind === 'delay') return nowMs - sinceMs >= policy.ms;
    const key = `${namespace}\u0000${name}\u0000${subject}`;
    const seen = (this.reads.get(key) ?? 0) + 1;
    this.reads.set(key, seen);
    return seen >= policy.count;
  }

  /**
   * Where the transition of `subject` stands, without counting a read (for the dashboard's timeline):
   * done, when it completes under a delay (`dueAt`), or how many more reads complete it (`readsLeft`).
   */
  peek(namespace: string, name: string, subject: string, sinceMs: number, nowMs: number): { done: boolean; dueAt?: number; readsLeft?: number } {
    const policy = this.policy(name);
    if (policy.kind === 'immediate') return { done: true, dueAt: sinceMs };
    if (policy.kind === 'delay') return { done: nowMs - sinceMs >= policy.ms, dueAt: sinceMs + policy.ms };
    const readsLeft = Math.max(0, policy.count - (this.reads.get(`${namespace}\u0000${name}\u0000${subject}`) ?? 0));
    return { done: readsLeft === 0, readsLeft };
  }

  /** When under a delay policy the transition completes (undefined for the other policies). */
  dueAt(name: string, sinceMs: number): number | undefined {
    const policy = this.policy(name);
    return policy.kind === 'delay' ? sinceMs + policy.ms : policy.kind === 'immediate' ? sinceMs : undefined;
  }

  /** A subject starts the transition again (e.g. a key re-enters `pending`): its read count restarts. */
  restart(namespace: string, name: string, subject: string): void {
    this.reads.delete(`${namespace}\u0000${name}\u0000${subject}`);
  }

  forgetNamespace(namespace?: string): void {
    if (namespace === undefined) return this.reads.clear();
    for (const key of this.reads.keys()) if (key.startsWith(`${namespace}\u0000`)) this.reads.delete(key);
  }
}
