import { describe, expect, it } from 'vitest';
import { EmulatorClock } from '../../src/core/clock.js';
import { parseDuration } from '../../src/core/duration.js';
import { FaultRules, faultRuleInput } from '../../src/core/faults.js';
import { createIdSource } from '../../src/core/ids.js';
import { Journal } from '../../src/core/journal.js';
import { RateLimiter } from '../../src/core/rate-limit.js';
import { parsePolicy, parsePolicyAssignments, Transitions } from '../../src/core/transitions.js';

describe('durations', () => {
  it.each([[250, 250], ['250ms', 250], ['90s', 90_000], ['10m', 600_000], ['3h', 10_800_000], ['8d', 691_200_000], ['1.5s', 1500]])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });
  it.each(['', 'soon', '-1s', '5w', 'ms'])('%s is not a duration', (text) => expect(parseDuration(text)).toBeUndefined());
});

describe('clock', () => {
  it('offsets, freezes, sets and unfreezes without losing time', () => {
    let real = 1_000_000;
    const clock = new EmulatorClock(() => real);
    clock.advance(500);
    expect(clock.now()).toBe(1_000_500);
    clock.freeze();
    real += 10_000;
    expect(clock.now()).toBe(1_000_500);
    clock.advance(1000);
    expect(clock.now()).toBe(1_001_500);
    clock.unfreeze();
    real += 1;
    expect(clock.now()).toBe(1_001_501);
    clock.set(5_000_000);
    expect(clock.now()).toBe(5_000_000);
    expect(clock.wallNow()).toBe(real);
    clock.reset();
    expect(clock.now()).toBe(real);
  });
});

describe('ids', () => {
  it('is deterministic with a seed and random without', () => {
    const a = createIdSource('s');
    const b = createIdSource('s');
    expect([a.hex(32), a.alphanumeric(16), a.uuid()]).toEqual([b.hex(32), b.alphanumeric(16), b.uuid()]);
    expect(createIdSource().hex(32)).not.toBe(createIdSource().hex(32));
    expect(a.hex(32)).toMatch(/^[0-9a-f]{32}$/);
    expect(a.uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('transitions', () => {
  const specs = [
    { name: 'a.key.provisioning', description: '', default: { kind: 'delay', ms: 1000 } as const },
    { name: 'a.key.update', description: '', default: { kind: 'immediate' } as const },
    { name: 'b.op.run', description: '', default: { kind: 'reads', count: 2 } as const },
  ];

  it('parses policies and assignments', () => {
    expect(parsePolicy('delay:90s')).toEqual({ kind: 'delay', ms: 90_000 });
    expect(parsePolicy('reads:3')).toEqual({ kind: 'reads', count: 3 });
    expect(parsePolicy('later')).toBeUndefined();
    expect(parsePolicyAssignments('immediate,a.*=reads:1')).toEqual([['*', { kind: 'immediate' }], ['a.*', { kind: 'reads', count: 1 }]]);
    expect(() => parsePolicyAssignments('a=delay:x')).toThrow(/is not <name>=<policy>/);
  });

  it('decides on read: delay by the clock, reads by counting, immediate at once', () => {
    const t = new Transitions(specs);
    expect(t.reached('ns', 'a.key.provisioning', 'k1', 0, 999)).toBe(false);
    expect(t.reached('ns', 'a.key.provisioning', 'k1', 0, 1000)).toBe(true);
    expect(t.reached('ns', 'a.key.update', 'k1', 0, 0)).toBe(true);
    expect(t.reached('ns', 'b.op.run', 'op1', 0, 0)).toBe(false);
    expect(t.reached('other', 'b.op.run', 'op1', 0, 0)).toBe(false);
    expect(t.reached('ns', 'b.op.run', 'op1', 0, 0)).toBe(true);
    t.restart('ns', 'b.op.run', 'op1');
    expect(t.reached('ns', 'b.op.run', 'op1', 0, 0)).toBe(false);
  });

  it('applies configured overrides over defaults, by prefix, and restores them', () => {
    const t = new Transitions(specs, [['a.*', { kind: 'immediate' }]]);
    expect(t.policy('a.key.provisioning')).toEqual({ kind: 'immediate' });
    expect(t.assign('*', { kind: 'reads', count: 5 })).toBe(3);
    t.restoreDefaults();
    expect(t.list().map((x) => x.policy)).toEqual(['immediate', 'immediate', 'reads:2']);
  });
});

describe('rate limiter', () => {
  it('counts a fixed one-minute window per namespace, vendor and credential', () => {
    const r = new RateLimiter();
    const hit = (now: number, credential = 'c', namespace = 'n') => r.consume({ namespace, vendor: 'v', credential, limit: 2, now });
    expect(hit(60_000)).toMatchObject({ allowed: true, remaining: 1, limit: 2 });
    expect(hit(60_001)).toMatchObject({ allowed: true, remaining: 0 });
    expect(hit(90_000)).toMatchObject({ allowed: false, remaining: 0, retryAfterSeconds: 30 });
    expect(hit(90_000, 'other')).toMatchObject({ allowed: true });
    expect(hit(90_000, 'c', 'n2')).toMatchObject({ allowed: true });
    expect(hit(120_000)).toMatchObject({ allowed: true, remaining: 1 });
  });

  it('takes RATE_LIMITS overrides and can be off', () => {
    expect(new RateLimiter({ v: 10 }).consume({ namespace: 'n', vendor: 'v', credential: 'c', limit: 2, now: 0 }).limit).toBe(10);
    const off = new RateLimiter('off');
    for (let i = 0; i < 5; i++) expect(off.consume({ namespace: 'n', vendor: 'v', credential: 'c', limit: 1, now: 0 }).allowed).toBe(true);
  });
});

describe('fault rules', () => {
  const req = { vendor: 'v', namespace: 'n', method: 'GET', path: '/keys/abc', operation: 'getKey' };

  it('skips `after` matches, then fires `times` times', () => {
    const rules = new FaultRules(() => 0.5);
    rules.add(faultRuleInput.parse({ vendor: 'v', path: '/keys/*', error: 503, after: 1, times: 2 }));
    expect([1, 2, 3, 4].map(() => rules.apply(req)?.error)).toEqual([undefined, '503', '503', undefined]);
    expect(rules.list()[0]).toMatchObject({ matched: 4, fired: 2 });
  });

  it('matches on method, operation and namespace, with a probability', () => {
    const rules = new FaultRules(() => 0.7);
    rules.add(faultRuleInput.parse({ method: 'post', error: 'x' }));
    rules.add(faultRuleInput.parse({ operation: 'getKey', outcome: 'FAILED', probability: 0.5 }));
    rules.add(faultRuleInput.parse({ namespace: 'n', delayMs: 10 }));
    expect(rules.apply(req)).toEqual({ ruleIds: ['fault_3'], delayMs: 10 });
    expect(rules.apply({ ...req, method: 'POST', namespace: 'm' })).toEqual({ ruleIds: ['fault_1'], error: 'x' });
  });

  it('refuses a rule that does nothing', () => {
    expect(faultRuleInput.safeParse({ vendor: 'v' }).success).toBe(false);
    expect(faultRuleInput.safeParse({ error: 'x', bogus: 1 }).success).toBe(false);
  });
});

describe('journal', () => {
  it('is a bounded ring buffer, oldest first, filterable', () => {
    const j = new Journal(3);
    for (let i = 0; i < 5; i++) j.record({ timeMs: Date.UTC(2026, 0, 1) + i, namespace: i % 2 ? 'a' : 'b', vendor: 'v', method: 'GET', path: `/${i}`, operation: null, status: 200, durationMs: 0 });
    expect(j.list().map((e) => e.path)).toEqual(['/2', '/3', '/4']);
    expect(j.list()[0]).toMatchObject({ seq: 3, time: '2026-01-01T00:00:00.002Z' });
    expect(j.list({ namespace: 'a' }).map((e) => e.path)).toEqual(['/3']);
    expect(j.clear({ namespace: 'b' })).toBe(2);
    expect(j.list().map((e) => e.path)).toEqual(['/3']);
  });
});
