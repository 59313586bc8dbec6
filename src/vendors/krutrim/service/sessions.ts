import { sameSecret, secretDigest } from '../../../core/secrets.js';
import { catalogue } from '../errors.js';
import type { KrutrimIds } from '../ids.js';
import type { KrutrimStore, SessionRow } from '../store.js';
import { iso, type Caller } from './tenancy.js';

const isActive = (row: SessionRow, now: number): boolean => row.deactivated_at === null && now < row.expires_at;

/** Sessions started with an access key and its secret; they expire after KRUTRIM_SESSION_TIMEOUT unless refreshed. */
export class SessionService {
  constructor(private readonly deps: { store: KrutrimStore; ids: KrutrimIds; timeoutMs: number }) {}

  activate(c: Caller, body: { accessKey: string; secretKey: string }, now: number) {
    const { store, ids, timeoutMs } = this.deps;
    return store.transaction(() => {
      const key = store.accessKeyById.get({ namespace: c.namespace, account: c.accountId, accessKey: body.accessKey });
      if (!key || !sameSecret(body.secretKey, key.secret_key)) throw catalogue.error('INVALID_CREDENTIALS');
      if (key.status !== 'Active') throw catalogue.error('ACCESS_KEY_INACTIVE');
      // One active session per credentials: a new activation ends the previous one.
      store.sessionsDeactivateByKey.run({ namespace: c.namespace, account: c.accountId, accessKey: key.access_key, now });
      const sessionToken = ids.sessionToken();
      const refreshToken = ids.refreshToken();
      const expiresAt = now + timeoutMs;
      store.sessionInsert.run({
        namespace: c.namespace, account: c.accountId, id: ids.sessionId(), tokenDigest: secretDigest(sessionToken), refreshDigest: secretDigest(refreshToken),
        accessKey: key.access_key, region: c.region, tier: c.tier, now, expiresAt,
      });
      return { lastActiveAt: iso(now), sessionToken, expiresAt: iso(expiresAt), refreshToken };
    });
  }

  /** A session of the caller's account, whatever its state, found by the token's digest; 404 otherwise. */
  private find(c: Caller, token: string): SessionRow {
    const row = this.deps.store.sessionByToken.get({ namespace: c.namespace, tokenDigest: secretDigest(token) });
    if (!row || row.account_id !== c.accountId) throw catalogue.error('SESSION_NOT_FOUND');
    return row;
  }

  refresh(c: Caller, token: string, refreshToken: string, now: number) {
    const { store, ids, timeoutMs } = this.deps;
    return store.transaction(() => {
      const row = this.find(c, token);
      if (!isActive(row, now)) throw catalogue.error('SESSION_EXPIRED');
      if (!sameSecret(secretDigest(refreshToken), row.refresh_digest)) throw catalogue.error('INVALID_REFRESH_TOKEN');
      const next = ids.refreshToken();
      const expiresAt = now + timeoutMs;
      store.sessionRefresh.run({ namespace: c.namespace, id: row.session_id, refreshDigest: secretDigest(next), now, expiresAt });
      return { lastActiveAt: iso(now), sessionToken: token, expiresAt: iso(expiresAt), refreshToken: next };
    });
  }

  status(c: Caller, token: string, now: number) {
    const row = this.find(c, token);
    // A deactivated session reports the time it ended as its expiry.
    const expiresAt = row.deactivated_at !== null ? Math.min(row.deactivated_at, row.expires_at) : row.expires_at;
    return { isActive: isActive(row, now), accessKey: row.access_key, createdAt: iso(row.created_at), lastActiveAt: iso(row.last_active_at), expiresAt: iso(expiresAt) };
  }

  deactivate(c: Caller, token: string, now: number): void {
    const row = this.find(c, token);
    this.deps.store.sessionDeactivate.run({ namespace: c.namespace, id: row.session_id, now });
  }

  /**
   * For object operations: the Bearer API key is enough (the Go SDK sends upload URL, download URL, move and
   * delete with nothing else); an `x-session-token`, when sent, must name an active session of the caller's
   * account, and counts as activity (a write, in the one statement that checks it).
   */
  checkObjectSession(c: Caller, token: string | undefined, now: number): void {
    if (token === undefined || token === '') return;
    const { store } = this.deps;
    const tokenDigest = secretDigest(token);
    if (store.sessionTouch.get({ namespace: c.namespace, account: c.accountId, tokenDigest, now })) return;
    // Refused: why (unknown or another account's, else ended).
    const row = store.sessionByToken.get({ namespace: c.namespace, tokenDigest });
    throw catalogue.error(!row || row.account_id !== c.accountId ? 'INVALID_SESSION' : 'SESSION_EXPIRED');
  }
}
