import type { Transitions } from '../../core/transitions.js';
import { catalogue } from './errors.js';
import { nameUuid, type ionosIds } from './ids.js';
import type { AccessKeyCreate, AccessKeyEnsure, AccessKeyRead, AccessKeyReadList, AccessKeyStatus, Links, RegionRead, RegionReadList } from './schemas.js';
import type { AccessKey, Caller, IonosStore, NewAccessKey, Region, User } from './store.js';

/** IONOS access keys and regions: behaviour, no HTTP. Every method on the request path takes the request's `now`. */

export const TRANSITION_PROVISIONING = 'ionos.accesskey.provisioning';
export const TRANSITION_DESTROYING = 'ionos.accesskey.destroying';

/** Fault-rule outcomes this vendor understands (on accesskeysPost, accesskeysPut, accesskeysRenew, accesskeysDelete). */
const OUTCOME_FAILED = 'FAILED';
const DEFAULT_FAILED_MESSAGE = {
  provisioning: 'The access key could not be provisioned',
  destroying: 'The access key could not be deleted',
} as const;

/** URN formats as the API docs' examples show them (`createdBy`, `lastModifiedBy`; the Ansible docs show `ionos:iam:cloud::users/…`). */
const userUrn = (userId: string) => `ionos:identity:::users/${userId}`;
const accessKeyUrn = (contract: string, id: string) => `ionos:s3::${contract}:accesskeys/${id}`;

const DEFAULT_OFFSET = 0;
const DEFAULT_LIMIT = 100;
/** Fresh ids drawn for a create before giving up: a taken one only comes from ids repeating (ID_SEED and a file database). */
const ID_ATTEMPTS = 5;

interface IonosServiceDeps {
  store: IonosStore;
  ids: ReturnType<typeof ionosIds>;
  transitions: Transitions;
  /** Keys per user (IONOS_KEY_LIMIT). */
  keyLimit: number;
}

interface Page {
  offset?: number | undefined;
  limit?: number | undefined;
}

/** The last time formatted: a key's created and modified times are mostly the same instant. */
let lastIso: { ms: number; text: string } = { ms: Number.NaN, text: '' };

/** UTC with a trailing Z and whole seconds: the Go SDK appends a Z when there is none. */
function isoTime(ms: number): string {
  if (ms === lastIso.ms) return lastIso.text;
  // toISOString always ends in `.sssZ`: cut the milliseconds without a regular expression.
  const text = `${new Date(ms).toISOString().slice(0, -5)}Z`;
  lastIso = { ms, text };
  return text;
}

/** A key with its status as the API shows it now. */
interface Settled {
  key: AccessKey;
  status: AccessKeyStatus;
  statusMessage: string | null;
}

/** `_links` are absolute, as in the docs' example: `root` is the API root the client called (scheme, host, mount). */
function pageLinks(root: string, path: string, offset: number, limit: number, total: number, extra: Record<string, string> = {}): Links {
  const url = (o: number) => `${root}${path}?${new URLSearchParams({ offset: String(o), limit: String(limit), ...extra }).toString()}`;
  return {
    ...(offset > 0 ? { prev: url(Math.max(0, offset - limit)) } : {}),
    self: url(offset),
    ...(offset + limit < total ? { next: url(offset + limit) } : {}),
  };
}

export class IonosService {
  constructor(private readonly deps: IonosServiceDeps) {}

  // ---- lifecycle, computed on read ----

  /**
   * The keys' status at `now`. A read that writes: a key whose transition has finished is stored in
   * its new phase (AVAILABLE or FAILED) or deleted (its deletion finished), so that what the
   * transition decided (a `reads:<n>` count, a delay) is settled once and every later read agrees.
   * At most two statements, however many keys settle. Keys that are gone are left out.
   */
  private settleDue(namespace: string, keys: readonly AccessKey[], now: number): Settled[] {
    const { store, transitions } = this.deps;
    const settled: Settled[] = [];
    const finished: string[] = [];
    const destroyed: AccessKey[] = [];
    for (const key of keys) {
      if (key.phase === 'provisioning' || key.phase === 'destroying') {
        const name = key.phase === 'provisioning' ? TRANSITION_PROVISIONING : TRANSITION_DESTROYING;
        if (!transitions.reached(namespace, name, key.id, key.phaseSince, now)) {
          settled.push({ key, status: key.phase === 'provisioning' ? 'PROVISIONING' : 'DESTROYING', statusMessage: null });
          continue;
        }
        // A deletion that was told to fail leaves the key FAILED; otherwise the key is gone.
        if (key.phase === 'destroying' && key.failMessage === null) {
          destroyed.push(key);
          continue;
        }
        finished.push(key.id);
        key.phase = key.failMessage === null ? 'available' : 'failed';
        key.phaseSince = now;
      }
      settled.push(key.phase === 'available'
        ? { key, status: 'AVAILABLE', statusMessage: null }
        : { key, status: 'FAILED', statusMessage: key.failMessage ?? DEFAULT_FAILED_MESSAGE.provisioning });
    }
    if (finished.length > 0 || destroyed.length > 0) {
      store.transaction(namespace, () => {
        if (finished.length > 0) store.keysSettle(namespace, finished, now);
        if (destroyed.length > 0) store.keysDelete(namespace, destroyed);
      });
    }
    return settled;
  }

  private ownKey(namespace: string, caller: Caller, id: string, now: number): Settled {
    const key = this.deps.store.keyById(namespace, id);
    const settled = key && key.userId === caller.user.userId ? this.settleDue(namespace, [key], now)[0] : undefined;
    if (!settled) throw catalogue.error('paas-resource-1', { message: `AccessKey with id '${id}' not found` });
    return settled;
  }

  private liveKeys(namespace: string, userId: string, now: number): Settled[] {
    return this.settleDue(namespace, this.deps.store.keysByUser(namespace, userId), now);
  }

  private enforceLimit(namespace: string, caller: Caller, now: number): void {
    const limit = this.deps.keyLimit;
    // Fewer rows than the limit: room for sure. Otherwise settle them and count the live ones.
    if (this.deps.store.keyRowCount(namespace, caller.user.userId) < limit) return;
    if (this.liveKeys(namespace, caller.user.userId, now).length >= limit) {
      throw catalogue.error('paas-quota-1', { message: `The maximum number of access keys per user (${limit}) has been reached` });
    }
  }

  /** `FAILED` or `FAILED:<statusMessage>` from a fault rule; null without one. */
  private failMessage(outcome: string | undefined, phase: keyof typeof DEFAULT_FAILED_MESSAGE): string | null {
    if (outcome === undefined) return null;
    if (outcome === OUTCOME_FAILED) return DEFAULT_FAILED_MESSAGE[phase];
    if (outcome.startsWith(`${OUTCOME_FAILED}:`) && outcome.length > OUTCOME_FAILED.length + 1) return outcome.slice(OUTCOME_FAILED.length + 1);
    throw catalogue.error('paas-validation-1', { message: `Unknown emulator outcome "${outcome}" for ionos: use FAILED or FAILED:<statusMessage>` });
  }

  private restart(namespace: string, id: string): void {
    this.deps.transitions.restart(namespace, TRANSITION_PROVISIONING, id);
    this.deps.transitions.restart(namespace, TRANSITION_DESTROYING, id);
  }

  // ---- views ----

  /** `regions`: the namespace's region ids, read once per request (a list shares them across its items). */
  private view(namespace: string, caller: Caller, s: Settled, secret: string | null = null, regions: string[] = this.deps.store.regionIds(namespace)): AccessKeyRead {
    const { key } = s;
    const { user } = caller;
    return {
      id: key.id,
      type: 'accesskey',
      href: `/accesskeys/${key.id}`,
      metadata: {
        createdDate: isoTime(key.createdAt),
        createdBy: userUrn(key.createdByUserId),
        createdByUserId: key.createdByUserId,
        lastModifiedDate: isoTime(key.modifiedAt),
        lastModifiedBy: userUrn(key.modifiedByUserId),
        lastModifiedByUserId: key.modifiedByUserId,
        resourceURN: accessKeyUrn(user.contractNumber, key.id),
        status: s.status,
        statusMessage: s.statusMessage,
        administrative: user.administrative,
        supportedRegions: regions,
      },
      properties: {
        description: key.description,
        accessKey: key.accessKey,
        secretKey: secret,
        canonicalUserId: user.canonicalUserId,
        contractUserId: `${user.contractNumber}:${user.userId}`,
      },
    };
  }

  private regionView(r: Region): RegionRead {
    return {
      id: r.id,
      type: 'region',
      href: `/regions/${r.id}`,
      metadata: r.metadata,
      properties: {
        version: r.version,
        endpoint: r.endpoint,
        website: r.website,
        capability: r.capability,
        ...(r.storageClasses !== null ? { storageClasses: r.storageClasses } : {}),
        location: r.location,
      },
    };
  }

  // ---- access keys ----

  /** Three statements (caller, keys, regions), plus at most two when keys settle. */
  list(namespace: string, caller: Caller, page: Page, filter: string | undefined, root: string, now: number): AccessKeyReadList {
    const offset = page.offset ?? DEFAULT_OFFSET;
    const limit = page.limit ?? DEFAULT_LIMIT;
    const all = this.liveKeys(namespace, caller.user.userId, now).filter((s) => filter === undefined || s.key.accessKey === filter || s.key.id === filter.toLowerCase());
    const regions = this.deps.store.regionIds(namespace);
    return {
      id: nameUuid(`ionos:accesskeys:${caller.user.contractNumber}:${caller.user.userId}`),
      type: 'collection',
      href: '/accesskeys',
      items: all.slice(offset, offset + limit).map((s) => this.view(namespace, caller, s, null, regions)),
      offset,
      limit,
      _links: pageLinks(root, '/accesskeys', offset, limit, all.length, filter === undefined ? {} : { 'filter.accesskeyId': filter }),
    };
  }

  get(namespace: string, caller: Caller, id: string, now: number): AccessKeyRead {
    return this.view(namespace, caller, this.ownKey(namespace, caller, id.toLowerCase(), now));
  }

  /** Three statements (caller, the INSERT with its seq, regions); the key limit is checked on a count kept in memory. */
  create(namespace: string, caller: Caller, body: AccessKeyCreate, outcome: string | undefined, now: number): AccessKeyRead {
    const failMessage = this.failMessage(outcome, 'provisioning');
    const { store, ids } = this.deps;
    const key = store.transaction(namespace, () => {
      this.enforceLimit(namespace, caller, now);
      for (let attempt = 1; ; attempt++) {
        const fresh = this.newKey(ids.accessKeyId(), caller.user.userId, body.properties.description, failMessage, now);
        if (store.keyInsert(namespace, fresh)) return fresh;
        if (attempt === ID_ATTEMPTS) throw catalogue.error('paas-internal-1');
      }
    });
    this.restart(namespace, key.id);
    return this.view(namespace, caller, { key, status: 'PROVISIONING', statusMessage: null }, key.secretKey);
  }

  /** A new key, provisioning from `now`, with a fresh access key and secret. */
  private newKey(id: string, userId: string, description: string, failMessage: string | null, now: number): NewAccessKey {
    const { ids } = this.deps;
    return {
      id,
      userId,
      description,
      accessKey: ids.accessKey(),
      secretKey: ids.secretKey(),
      phase: 'provisioning',
      phaseSince: now,
      failMessage,
      createdAt: now,
      createdByUserId: userId,
      modifiedAt: now,
      modifiedByUserId: userId,
    };
  }

  /** PUT: create-or-replace. Only `description` is writable; previous values are not kept. */
  ensure(namespace: string, caller: Caller, pathId: string, body: AccessKeyEnsure, outcome: string | undefined, now: number): AccessKeyRead {
    const id = pathId.toLowerCase();
    if (body.id !== undefined && body.id.toLowerCase() !== id) {
      throw catalogue.error('paas-conflict-1', { message: `The id in the request body ('${body.id}') does not match the id in the path ('${pathId}')` });
    }
    const failMessage = this.failMessage(outcome, 'provisioning');
    const { store } = this.deps;
    const userId = caller.user.userId;
    const key = store.transaction(namespace, () => {
      const found = store.keyById(namespace, id);
      const existing = found ? this.settleDue(namespace, [found], now)[0] : undefined;
      if (existing && existing.key.userId !== userId) {
        throw catalogue.error('paas-conflict-1', { message: `An AccessKey with id '${id}' already exists and belongs to another user` });
      }
      if (existing?.status === 'DESTROYING') {
        throw catalogue.error('paas-conflict-1', { message: `AccessKey '${id}' is being deleted (status DESTROYING)` });
      }
      if (existing) {
        store.keyReplace(namespace, id, { description: body.properties.description, since: now, failMessage, modifiedBy: userId });
        return { ...existing.key, description: body.properties.description, phase: 'provisioning' as const, phaseSince: now, failMessage, modifiedAt: now, modifiedByUserId: userId };
      }
      this.enforceLimit(namespace, caller, now);
      const fresh = this.newKey(id, userId, body.properties.description, failMessage, now);
      store.keyInsert(namespace, fresh);
      return fresh;
    });
    this.restart(namespace, id);
    return this.view(namespace, caller, { key, status: 'PROVISIONING', statusMessage: null });
  }

  /** Replaces the secret; the new one is in this response only. */
  renew(namespace: string, caller: Caller, pathId: string, outcome: string | undefined, now: number): AccessKeyRead {
    const id = pathId.toLowerCase();
    const failMessage = this.failMessage(outcome, 'provisioning');
    const { store, ids } = this.deps;
    const { key, secret } = store.transaction(namespace, () => {
      const current = this.ownKey(namespace, caller, id, now);
      if (current.status === 'PROVISIONING' || current.status === 'DESTROYING') {
        throw catalogue.error('paas-conflict-1', { message: `AccessKey '${id}' cannot be renewed while its status is ${current.status}` });
      }
      const renewed = { secret: ids.secretKey(), since: now, failMessage, modifiedBy: caller.user.userId };
      store.keyRenew(namespace, id, renewed);
      return { secret: renewed.secret, key: { ...current.key, phase: 'provisioning' as const, phaseSince: now, failMessage, modifiedAt: now, modifiedByUserId: renewed.modifiedBy } };
    });
    this.restart(namespace, id);
    return this.view(namespace, caller, { key, status: 'PROVISIONING', statusMessage: null }, secret);
  }

  /** Starts the deletion (DESTROYING, then gone); deleting a key already DESTROYING changes nothing. */
  remove(namespace: string, caller: Caller, pathId: string, outcome: string | undefined, now: number): void {
    const id = pathId.toLowerCase();
    const failMessage = this.failMessage(outcome, 'destroying');
    const { store } = this.deps;
    const started = store.transaction(namespace, () => {
      const current = this.ownKey(namespace, caller, id, now);
      if (current.status === 'DESTROYING') return false;
      store.keyPhaseSet(namespace, id, 'destroying', now, failMessage);
      return true;
    });
    if (started) this.restart(namespace, id);
  }

  /** The S3 plane's view of a key (src/vendors/ionos/s3.ts): its status at `now`, its secret, its user. */
  s3Key(namespace: string, accessKey: string, now: number): { status: AccessKeyStatus; secret: string; user: User | undefined } | undefined {
    const { store } = this.deps;
    const key = store.keyWithSecretByAccessKey(namespace, accessKey);
    const settled = key && this.settleDue(namespace, [key], now)[0];
    if (!key || !settled) return undefined;
    return { status: settled.status, secret: key.secretKey, user: store.userById(namespace, key.userId) };
  }

  // ---- regions ----

  regions(namespace: string, page: Page, root: string): RegionReadList {
    const offset = page.offset ?? DEFAULT_OFFSET;
    const limit = page.limit ?? DEFAULT_LIMIT;
    const all = this.deps.store.regionsInOrder(namespace);
    return {
      id: nameUuid('ionos:regions'),
      type: 'collection',
      href: '/regions',
      items: all.slice(offset, offset + limit).map((r) => this.regionView(r)),
      offset,
      limit,
      _links: pageLinks(root, '/regions', offset, limit, all.length),
    };
  }

  region(namespace: string, id: string): RegionRead {
    const row = this.deps.store.regionById(namespace, id);
    if (!row) throw catalogue.error('paas-resource-1', { message: `Region '${id}' not found` });
    return this.regionView(row);
  }
}
