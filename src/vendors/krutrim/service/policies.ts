import { isIP } from 'node:net';
import { catalogue } from '../errors.js';
import { krn, parseKrn, type KrutrimIds } from '../ids.js';
import type { BucketPolicyRow, BucketRow, KrutrimStore, PolicyConditions, PolicyRow, PolicyStatements } from '../store.js';
import { bucketKrn, type BucketService } from './buckets.js';
import { iso, type Caller } from './tenancy.js';

const policyKrn = (p: PolicyRow): string => krn(p.region, p.account_id, p.customer_id, 'policy', p.policy_id);

/** Access policies of an account, attached to customers (kcid). */
export class PolicyService {
  constructor(private readonly deps: { store: KrutrimStore; ids: KrutrimIds }) {}

  private view(p: PolicyRow) {
    return {
      _id: p.policy_id, accountId: p.account_id, name: p.name, description: p.description, statements: p.statements, conditions: p.conditions,
      policyKRN: policyKrn(p), CreationDate: iso(p.created_at), UpdateDate: iso(p.updated_at), attachedTo: p.attached_to,
    };
  }

  /** A policy of the caller's account by KRN or id; 404 otherwise. */
  private find(c: Caller, ref: string): PolicyRow {
    const parsed = ref.startsWith('krn:') ? parseKrn(ref, 'policy') : undefined;
    const id = ref.startsWith('krn:') ? (parsed && parsed.account === c.accountId ? parsed.id : undefined) : ref;
    const p = id === undefined ? undefined : this.reread(c, id);
    if (!p || (parsed && (parsed.region !== p.region || parsed.customer !== p.customer_id))) throw catalogue.error('POLICY_NOT_FOUND');
    return p;
  }

  private reread(c: Caller, id: string): PolicyRow | undefined {
    return this.deps.store.policyById.get({ namespace: c.namespace, account: c.accountId, id });
  }

  private nameTaken(c: Caller, name: string, except?: string): boolean {
    const other = this.deps.store.policyIdByName.get({ namespace: c.namespace, account: c.accountId, name });
    return other !== undefined && other.policy_id !== except;
  }

  list(c: Caller) {
    return this.deps.store.policiesByAccount.all({ namespace: c.namespace, account: c.accountId }).map((p) => this.view(p));
  }

  get(c: Caller, ref: string) {
    return this.view(this.find(c, ref));
  }

  create(c: Caller, body: { name: string; description?: string | undefined; statements: PolicyStatements; conditions?: PolicyConditions | undefined }, now: number) {
    const { store, ids } = this.deps;
    return store.transaction(() => {
      if (this.nameTaken(c, body.name)) throw catalogue.error('POLICY_ALREADY_EXISTS');
      const id = ids.policyId();
      store.policyInsert.run({
        namespace: c.namespace, id, account: c.accountId, customer: c.customerId, region: c.region, name: body.name, description: body.description ?? '',
        statements: JSON.stringify(body.statements), conditions: JSON.stringify(body.conditions ?? {}), now,
      });
      return this.view(this.reread(c, id)!);
    });
  }

  update(c: Caller, ref: string, body: { name?: string | undefined; description?: string | undefined; statements?: PolicyStatements | undefined; conditions?: PolicyConditions | undefined }, now: number) {
    const { store } = this.deps;
    return store.transaction(() => {
      const p = this.find(c, ref);
      const name = body.name ?? p.name;
      if (this.nameTaken(c, name, p.policy_id)) throw catalogue.error('POLICY_ALREADY_EXISTS');
      store.policyUpdate.run({
        namespace: c.namespace, id: p.policy_id, name, description: body.description ?? p.description,
        statements: JSON.stringify(body.statements ?? p.statements), conditions: JSON.stringify(body.conditions ?? p.conditions), now,
      });
      return this.view(this.reread(c, p.policy_id)!);
    });
  }

  /** Deletes a policy, detaching it everywhere. */
  delete(c: Caller, ref: string): void {
    const { store } = this.deps;
    store.transaction(() => {
      const p = this.find(c, ref);
      store.policyRemove({ namespace: c.namespace, policy: p.policy_id });
    });
  }

  /**
   * Attaches (or detaches) the named policies to a customer (`kcid`), all or none: an unknown policy → 404,
   * detaching one that is not attached → 422, and nothing changes. Attaching twice is a no-op.
   */
  attach(c: Caller, policyKrns: string[], kcid: string, attach: boolean, now: number) {
    const { store } = this.deps;
    return store.transaction(() => {
      const policies = policyKrns.map((ref) => this.find(c, ref));
      for (const p of policies) {
        const link = { namespace: c.namespace, policy: p.policy_id, kcid };
        if (attach) store.principalAttach.run({ ...link, now });
        else if (store.principalDetach.run(link).changes === 0) {
          throw catalogue.error('VALIDATION_ERROR', { message: `Unprocessable entity, validation error: policy ${policyKrn(p)} is not attached to ${JSON.stringify(kcid)}` });
        }
      }
      const views = policies.map((p) => this.view(this.reread(c, p.policy_id)!));
      return views.length === 1 ? views[0]! : views;
    });
  }
}

/** An IPv4/IPv6 address or a CIDR block (`10.0.0.0/8`, `2001:db8::/32`). */
function isIpOrCidr(value: string): boolean {
  const [addr, bits, extra] = value.split('/');
  if (extra !== undefined || addr === undefined) return false;
  const version = isIP(addr);
  if (version === 0) return false;
  if (bits === undefined) return true;
  if (!/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (version === 4 ? 32 : 128);
}

function checkIps(field: string, values: string[] | undefined): void {
  for (const v of values ?? []) {
    if (!isIpOrCidr(v)) throw catalogue.error('VALIDATION_ERROR', { message: `Unprocessable entity, validation error: ${field}: ${JSON.stringify(v)} is not an IP address or CIDR block` });
  }
}

type IpLists = { s3_read_write_ips?: string[] | undefined; s3_read_only_ips?: string[] | undefined };

/** A bucket's IP policy (which addresses may read and write it over S3). */
export class BucketPolicyService {
  constructor(private readonly deps: { store: KrutrimStore; ids: KrutrimIds; buckets: BucketService }) {}

  private view(b: BucketRow, p: BucketPolicyRow) {
    return {
      bucketPolicyKrn: krn(b.region, b.account_id, b.customer_id, 'bucketpolicy', p.policy_id), bucketKrn: bucketKrn(b),
      s3_read_write_ips: p.s3_read_write_ips, s3_read_only_ips: p.s3_read_only_ips, created_at: iso(p.created_at), updated_at: iso(p.updated_at),
    };
  }

  private find(namespace: string, b: BucketRow): BucketPolicyRow {
    const p = this.deps.store.bucketPolicyByBucket.get({ namespace, bucket: b.bucket_id });
    if (!p) throw catalogue.error('BUCKET_POLICY_NOT_FOUND');
    return p;
  }

  get(c: Caller, ref: string) {
    const b = this.deps.buckets.find(c, ref);
    return this.view(b, this.find(c.namespace, b));
  }

  create(c: Caller, ref: string, body: IpLists, now: number) {
    const { store, ids, buckets } = this.deps;
    return store.transaction(() => {
      const b = buckets.find(c, ref);
      checkIps('s3_read_write_ips', body.s3_read_write_ips);
      checkIps('s3_read_only_ips', body.s3_read_only_ips);
      if (store.bucketPolicyByBucket.get({ namespace: c.namespace, bucket: b.bucket_id })) throw catalogue.error('BUCKET_POLICY_ALREADY_EXISTS');
      const row: BucketPolicyRow = { policy_id: ids.policyId(), s3_read_write_ips: body.s3_read_write_ips ?? [], s3_read_only_ips: body.s3_read_only_ips ?? [], created_at: now, updated_at: now };
      store.bucketPolicyInsert.run({ namespace: c.namespace, bucket: b.bucket_id, id: row.policy_id, readWrite: JSON.stringify(row.s3_read_write_ips), readOnly: JSON.stringify(row.s3_read_only_ips), now });
      return this.view(b, row);
    });
  }

  update(c: Caller, ref: string, body: IpLists, now: number): void {
    const { store, buckets } = this.deps;
    store.transaction(() => {
      const b = buckets.find(c, ref);
      const p = this.find(c.namespace, b);
      checkIps('s3_read_write_ips', body.s3_read_write_ips);
      checkIps('s3_read_only_ips', body.s3_read_only_ips);
      store.bucketPolicyUpdate.run({
        namespace: c.namespace, bucket: b.bucket_id, readWrite: JSON.stringify(body.s3_read_write_ips ?? p.s3_read_write_ips), readOnly: JSON.stringify(body.s3_read_only_ips ?? p.s3_read_only_ips), now,
      });
    });
  }

  delete(c: Caller, ref: string): void {
    const b = this.deps.buckets.find(c, ref);
    if (this.deps.store.bucketPolicyDelete.run({ namespace: c.namespace, bucket: b.bucket_id }).changes === 0) throw catalogue.error('BUCKET_POLICY_NOT_FOUND');
  }
}
