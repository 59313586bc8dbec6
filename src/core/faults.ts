import { z } from 'zod';
import { compileGlob, MAX_GLOB_LENGTH, type PathGlob } from './glob.js';

/**
 * Fault rules: "fail twice, then succeed" without code. A rule matches requests by vendor, method,
 * path pattern, operation id and namespace; it either forces an error (a vendor code or HTTP status,
 * rendered by that vendor), a delay, or an `outcome` the vendor interprets (e.g. IONOS `FAILED`).
 */
export const faultRuleInput = z
  .object({
    vendor: z.string().optional(),
    namespace: z.string().optional(),
    method: z.string().transform((m) => m.toUpperCase()).optional(),
    /** Glob over the path after the vendor mount: `*` matches within a segment, `**` across segments (core/glob.ts). */
    path: z.string().max(MAX_GLOB_LENGTH).optional(),
    operation: z.string().optional(),
    error: z.union([z.string().min(1), z.number().int().min(400).max(599)]).transform(String).optional(),
    outcome: z.string().min(1).optional(),
    delayMs: z.number().int().min(0).max(60_000).optional(),
    /** Skip this many matching requests first. */
    after: z.number().int().min(0).default(0),
    /** Fire at most this many times (unlimited when absent). */
    times: z.number().int().min(1).optional(),
    probability: z.number().min(0).max(1).default(1),
  })
  .strict()
  .refine((r) => r.error !== undefined || r.outcome !== undefined || r.delayMs !== undefined, {
    message: 'a rule needs at least one of error, outcome, delayMs',
  });

export interface FaultRule extends z.output<typeof faultRuleInput> {
  id: string;
  /** Matching requests seen so far. */
  matched: number;
  /** Times the rule has fired. */
  fired: number;
}

export interface FaultRequest {
  vendor: string;
  namespace: string;
  method: string;
  path: string;
  operation: string | undefined;
}

export interface FaultEffect {
  ruleIds: string[];
  error?: string;
  outcome?: string;
  delayMs?: number;
}

export class FaultRules {
  private rules: Array<FaultRule & { pathGlob?: PathGlob }> = [];
  private nextId = 1;

  constructor(private readonly random: () => number) {}

  add(input: z.output<typeof faultRuleInput>): FaultRule {
    const rule = { ...input, id: `fault_${this.nextId++}`, matched: 0, fired: 0 };
    this.rules.push({ ...rule, ...(input.path ? { pathGlob: compileGlob(input.path) } : {}) });
    return rule;
  }

  list(): FaultRule[] {
    return this.rules.map(({ pathGlob: _pathGlob, ...rule }) => rule);
  }

  remove(id?: string): boolean {
    const before = this.rules.length;
    this.rules = id === undefined ? [] : this.rules.filter((r) => r.id !== id);
    return this.rules.length !== before;
  }

  /** No rules: requests can skip matching altogether. */
  isEmpty(): boolean {
    return this.rules.length === 0;
  }

  /** Finds what the rules do to this request, counting matches; the first firing error wins. */
  apply(req: FaultRequest): FaultEffect | undefined {
    let effect: FaultEffect | undefined;
    for (const rule of this.rules) {
      if (rule.vendor !== undefined && rule.vendor !== req.vendor) continue;
      if (rule.namespace !== undefined && rule.namespace !== req.namespace) continue;
      if (rule.method !== undefined && rule.method !== req.method) continue;
      if (rule.operation !== undefined && rule.operation !== req.operation) continue;
      if (rule.pathGlob && !rule.pathGlob.test(req.path)) continue;
      rule.matched++;
      if (rule.matched <= rule.after) continue;
      if (rule.times !== undefined && rule.fired >= rule.times) continue;
      if (rule.probability < 1 && this.random() >= rule.probability) continue;
      rule.fired++;
      effect ??= { ruleIds: [] };
      effect.ruleIds.push(rule.id);
      if (rule.error !== undefined) effect.error ??= rule.error;
      if (rule.outcome !== undefined) effect.outcome ??= rule.outcome;
      if (rule.delayMs !== undefined) effect.delayMs = Math.max(effect.delayMs ?? 0, rule.delayMs);
    }
    return effect;
  }
}
