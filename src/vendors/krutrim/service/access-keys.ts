import { catalogue } from '../errors.js';
import type { KrutrimIds } from '../ids.js';
import type { AccessKeyRow, KrutrimStore } from '../store.js';
import { checkOtp, iso, placement, type Caller } from './tenancy.js';

/** S3-style access keys of an account: the secret is shown once, by create. */
export class AccessKeyService {
  constructor(private readonly deps: { store: KrutrimStore; ids: KrutrimIds }) {}

  private view(row: AccessKeyRow) {
    return {
      access_key_id: row.access_key,
      access_key: row.access_key,
      key_name: row.key_name,
      created_at: iso(row.created_at),
      created_date: iso(row.created_at),
      status: row.status,
      region: row.region,
      tier: row.tier,
    };
  }

  list(c: Caller) {
    return this.deps.store.accessKeysByAccount.all({ namespace: c.namespace, account: c.accountId }).map((r) => this.view(r));
  }

  create(c: Caller, body: { key_name?: string | undefined; region?: string | undefined } | null | undefined, now: number) {
    const { store, ids } = this.deps;
    const { region, tier } = placement(store, c, body?.region);
    const accessKey = ids.accessKey();
    const secretKey = ids.secretKey();
    store.accessKeyInsert.run({
      namespace: c.namespace, account: c.accountId, accessKey, secretKey, name: body?.key_name ?? ids.keyName(), region, tier, status: 'Active', now,
    });
    return { access_key: accessKey, secret_key: secretKey, message: 'Access key created successfully' };
  }

  /** Deletes one key; its sessions end with it. */
  delete(c: Caller, accessKey: string, otp: string | undefined, now: number): void {
    checkOtp(otp);
    const { store } = this.deps;
    const key = { namespace: c.namespace, account: c.accountId, accessKey };
    store.transaction(() => {
      if (store.accessKeyDelete.run(key).changes === 0) throw catalogue.error('ACCESS_KEY_NOT_FOUND');
      store.sessionsDeactivateByKey.run({ ...key, now });
    });
  }

  /** Deletes every key of the account (404 when it has none); every session ends. */
  deleteAll(c: Caller, now: number): void {
    const { store } = this.deps;
    const account = { namespace: c.namespace, account: c.accountId };
    store.transaction(() => {
      if (store.accessKeysDeleteByAccount.run(account).changes === 0) throw catalogue.error('ACCESS_KEYS_NOT_FOUND');
      store.sessionsDeactivateByAccount.run({ ...account, now });
    });
  }
}
