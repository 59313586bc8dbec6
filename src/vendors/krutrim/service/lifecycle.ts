import { catalogue } from '../errors.js';
import type { KrutrimIds } from '../ids.js';
import type { RuleInput } from '../schemas.js';
import type { BucketRow, KrutrimStore, RuleRow, RuleValues } from '../store.js';
import { bucketKrn, type BucketService } from './buckets.js';
import { iso, type Caller } from './tenancy.js';

type RuleNumber = 'expiration_days' | 'noncurrent_days' | 'newer_noncurrent_versions' | 'delete_incomplete_mpu';

/** Merges input over a rule and validates the numbers (422 when invalid). */
function ruleValues(input: RuleInput, base?: RuleRow): RuleValues {
  const invalid = (why: string) => catalogue.error('VALIDATION_ERROR', { message: `Unprocessable entity, validation error: ${why}` });
  const num = (field: RuleNumber, max: number): number | null => {
    const value = input[field] !== undefined ? input[field] : (base?.[field] ?? null);
    if (value === null) return null;
    if (!Number.isInteger(value) || value < 1 || value > max) throw invalid(`${field} must be a whole number from 1 to ${max}`);
    return value;
  };
  const values: RuleValues = {
    name: input.name ?? base!.name,
    prefix: input.prefix ?? base?.prefix ?? '',
    attribute: input.attribute !== undefined ? input.attribute : (base?.attribute ?? null),
    expiration_days: num('expiration_days', 36500),
    noncurrent_days: num('noncurrent_days', 36500),
    newer_noncurrent_versions: num('newer_noncurrent_versions', 100),
    delete_incomplete_mpu: num('delete_incomplete_mpu', 36500),
    expired_obj_delete_marker: input.expired_obj_delete_marker ?? base?.expired_obj_delete_marker ?? false,
    enabled: input.enabled ?? (input.status !== undefined ? input.status === 'Enabled' : (base?.enabled ?? true)),
  };
  if (input.enabled !== undefined && input.status !== undefined && input.enabled !== (input.status === 'Enabled')) throw invalid('enabled and status disagree');
  if (values.expiration_days === null && values.noncurrent_days === null && values.delete_incomplete_mpu === null && !values.expired_obj_delete_marker) {
    throw invalid('a rule needs at least one action: expiration_days, noncurrent_days, delete_incomplete_mpu or expired_obj_delete_marker');
  }
  return values;
}

/** A bucket's lifecycle rules (their expiry runs when the bucket's objects are read: BucketService.expireObjects). */
export class LifecycleService {
  constructor(private readonly deps: { store: KrutrimStore; ids: KrutrimIds; buckets: BucketService }) {}

  private view(b: BucketRow, r: RuleRow) {
    return {
      id: r.rule_id, name: r.name, bucketKrn: bucketKrn(b), prefix: r.prefix, attribute: r.attribute,
      expiration_days: r.expiration_days, noncurrent_days: r.noncurrent_days, newer_noncurrent_versions: r.newer_noncurrent_versions,
      delete_incomplete_mpu: r.delete_incomplete_mpu, expired_obj_delete_marker: r.expired_obj_delete_marker,
      enabled: r.enabled, status: (r.enabled ? 'Enabled' : 'Disabled') as 'Enabled' | 'Disabled',
      createdAt: iso(r.created_at), updatedAt: iso(r.updated_at),
    };
  }

  private find(namespace: string, b: BucketRow, id: string): RuleRow {
    const r = this.deps.store.ruleById.get({ namespace, bucket: b.bucket_id, id });
    if (!r) throw catalogue.error('LIFECYCLE_RULE_NOT_FOUND');
    return r;
  }

  list(c: Caller, ref: string) {
    const b = this.deps.buckets.find(c, ref);
    return this.deps.store.rulesByBucket.all({ namespace: c.namespace, bucket: b.bucket_id }).map((r) => this.view(b, r));
  }

  get(c: Caller, ref: string, id: string) {
    const b = this.deps.buckets.find(c, ref);
    return this.view(b, this.find(c.namespace, b, id));
  }

  create(c: Caller, ref: string, input: RuleInput & { name: string }, now: number) {
    const { store, ids, buckets } = this.deps;
    return store.transaction(() => {
      const b = buckets.find(c, ref);
      const v = ruleValues(input);
      const target = { namespace: c.namespace, bucket: b.bucket_id };
      if (store.ruleByName.get({ ...target, name: v.name })) throw catalogue.error('LIFECYCLE_RULE_ALREADY_EXISTS');
      const id = ids.ruleId();
      store.ruleInsert.run({ ...target, id, now, ...v, expired_obj_delete_marker: v.expired_obj_delete_marker ? 1 : 0, enabled: v.enabled ? 1 : 0 });
      return this.view(b, { ...v, rule_id: id, bucket_id: b.bucket_id, created_at: now, updated_at: now });
    });
  }

  update(c: Caller, ref: string, id: string, input: RuleInput, now: number) {
    const { store, buckets } = this.deps;
    return store.transaction(() => {
      const b = buckets.find(c, ref);
      const r = this.find(c.namespace, b, id);
      const v = ruleValues(input, r);
      const target = { namespace: c.namespace, bucket: b.bucket_id };
      const clash = store.ruleByName.get({ ...target, name: v.name });
      if (clash && clash.rule_id !== id) throw catalogue.error('LIFECYCLE_RULE_ALREADY_EXISTS');
      store.ruleUpdate.run({ ...target, id, now, ...v, expired_obj_delete_marker: v.expired_obj_delete_marker ? 1 : 0, enabled: v.enabled ? 1 : 0 });
      return this.view(b, { ...r, ...v, updated_at: now });
    });
  }

  delete(c: Caller, ref: string, id: string): void {
    const b = this.deps.buckets.find(c, ref);
    if (this.deps.store.ruleDelete.run({ namespace: c.namespace, bucket: b.bucket_id, id }).changes === 0) throw catalogue.error('LIFECYCLE_RULE_NOT_FOUND');
  }
}
