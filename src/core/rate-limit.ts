/**
 * Fixed one-minute windows per vendor, per credential, per namespace, on the injected clock.
 * A credential's limit comes from its fixture unless `RATE_LIMITS` overrides it for the vendor.
 */
export type RateLimitSetting = 'off' | Record<string, number>;

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Epoch ms at which the window resets. */
  resetAt: number;
  /** Whole seconds until the window resets (at least 1). */
  retryAfterSeconds: number;
  /** False when limiting is off: vendors then still send their headers, with the nominal limit. */
  enforced: boolean;
}

const WINDOW_MS = 60_000;

export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(private readonly setting: RateLimitSetting = {}) {}

  /** The limit that applies to a vendor's credential whose own limit is `own` (RATE_LIMITS overrides it). */
  limitFor(vendor: string, own: number): number {
    return (this.setting === 'off' ? undefined : this.setting[vendor]) ?? own;
  }

  consume(input: { namespace: string; vendor: string; credential: string; limit: number; now: number }): RateDecision {
    const limit = this.limitFor(input.vendor, input.limit);
    const start = Math.floor(input.now / WINDOW_MS) * WINDOW_MS;
    const resetAt = start + WINDOW_MS;
    const retryAfterSeconds = Math.max(1, Math.ceil((resetAt - input.now) / 1000));
    if (this.setting === 'off') {
      return { allowed: true, limit, remaining: limit, resetAt, retryAfterSeconds, enforced: false };
    }
    const key = `${input.namespace}\u0000${input.vendor}\u0000${input.credential}`;
    let window = this.windows.get(key);
    if (!window || window.start !== start) {
      window = { start, count: 0 };
      this.windows.set(key, window);
    }
    if (window.count >= limit) {
      return { allowed: false, limit, remaining: 0, resetAt, retryAfterSeconds, enforced: true };
    }
    window.count++;
    return { allowed: true, limit, remaining: limit - window.count, resetAt, retryAfterSeconds, enforced: true };
  }

  forget(namespace?: string, vendor?: string): void {
    if (namespace === undefined && vendor === undefined) return this.windows.clear();
    for (const key of this.windows.keys()) {
      const [ns, v] = key.split('\u0000');
      if ((namespace === undefined || ns === namespace) && (vendor === undefined || v === vendor)) this.windows.delete(key);
    }
  }
}

/** Parses `RATE_LIMITS`: `off`, or `vendor:limit` pairs. */
export function parseRateLimits(text: string, vendors: readonly string[]): RateLimitSetting {
  if (text.trim() === 'off') return 'off';
  const out: Record<string, number> = {};
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [vendor, limit] = part.split(':');
    if (!vendor || !vendors.includes(vendor) || !limit || !/^\d+$/.test(limit) || Number(limit) < 1) {
      throw new Error(`"${part}" is not <vendor>:<requests per minute> with vendor one of ${vendors.join(', ')}`);
    }
    out[vendor] = Number(limit);
  }
  return out;
}
