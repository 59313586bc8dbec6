import type { Clock } from '../../core/clock.js';
import type { Transitions } from '../../core/transitions.js';
import { catalogue } from './errors.js';
import { nameUuid, type ionosIds } from './ids.js';
import type { AccessKeyCreate, AccessKeyEnsure, AccessKeyRead, AccessKeyReadList, AccessKeyStatus, Links, RegionRead, RegionReadList } from './schemas.js';
import type { AccessKeyRow, CredentialRow, IonosStore, RegionRow, StoredKeyRow, UserRow } from './store.js';

/** IONOS access keys and regions: behaviour, no HTTP. */

export const TRANSITION_PROVISIONING = 'ionos.accesskey.provisioning';
export const TRANSITION_DESTROYING = 'ionos.accesskey.destroying';

/** Fault-rule outcomes this vendor understands (on accesskeysPost, accesskeysPut, accesskeysRenew, accesskeysDelete). */
export const OUTCOME_FAILED = 'FAILED';
const DEFAULT_FAILED_MESSAGE = {
  provisioning: 'The access key could not be provisioned',
  destroying: 'The access key could not be deleted',
} as const;

/** URN formats as the API docs' examples show them (`createdBy`, `lastModifiedBy`; the Ansible docs show `ionos:iam:cloud::users/…`). */
export const userUrn = (userId: string) => `ionos:identity:::users/${userId}`;
export const accessKeyUrn = (contract: string, id: string) => `ionos:s3::${contract}:accesskeys/${id}`;

export const DEFAULT_OFFSET = 0;
export const DEFAULT_LIMIT = 100;

export interface Caller {
  credential: CredentialRow;
  user: UserRow;
}

export interface IonosServiceDeps {
  store: IonosStore;
  clock: Clock;
  ids: ReturnType<typeof ionosIds>;
  transitions: Transitions;
  /** Keys per user (IONOS_KEY_LIMIT). */
  keyLimit: number;
}

export interface Page {
  offset?: number | undefined;
  limit?: number | undefined;
}

/** The last time formatted: a key's created and modified times are mostly the same instant. */
let lastIso: { ms: number; text: string } = { ms: Number.NaN, text: '' };

/** UTC with a trailing Z and whole seconds: the Go SDK appends a Z when there is none. */
export function isoTime(ms: number): string {
  if (ms === lastIso.ms) return lastIso.text;
  // toISOString always ends in `.sssZ`: cut the milliseconds without a regular expression.
  const text = `${new Date(ms).toISOString().slice(0, -5)}Z`;
  lastIso = { ms, text };
  return text;
}

interface Settled {
  row: StoredKeyRow;
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

  /** The key's status now; settles finished transitions (undefined: the key is gone). */
  private settle(ns: string, row: StoredKeyRow): Settled | undefined {
    const { store, clock, transitions } = this.deps;
    const now = clock.now();
    switch (row.phase) {
      case 'available':
        return { row, status: 'AVAILABLE', statusMessage: null };
      case 'failed':
        return { row, status: 'FAILED', statusMessage: row.fail_message ?? DEFAULT_FAILED_MESSAGE.provisioning };
      case 'provisioning': {
        if (!transitions.reached(ns, TRANSITION_PROVISIONING, row.id, row.phase_since, now)) return { row, status: 'PROVISIONING', statusMessage: null };
        const phase = row.fail_message === null ? 'available' : 'failed';
        store.setPhase(ns, row.id, phase, now, row.fail_message);
        return this.settle(ns, { ...row, phase, phase_since: now });
      }
      case 'destroying': {
        if (!transitions.reached(ns, TRANSITION_DESTROYING, row.id, row.phase_since, now)) return { row, status: 'DESTROYING', statusMessage: null };
        if (row.fail_message !== null) {
          store.setPhase(ns, row.id, 'failed', now, row.fail_message);
          return this.settle(ns, { ...row, phase: 'failed', phase_since: now });
        }
        store.deleteKey(ns, row.id);
        return undefined;
      }
    }
  }

  private ownKey(ns: string, caller: Caller, id: string): Settled {
    const row = this.deps.store.key(ns, id);
    const settled = row && row.user_id === caller.user.user_id ? this.settle(ns, row) : undefined;
    if (!settled) throw catalogue.error('paas-resource-1', { message: `AccessKey with id '${id}' not found` });
    return settled;
  }

  private liveKeys(ns: string, userId: string): Settled[] {
    return this.deps.store.keysOfUser(ns, userId).flatMap((row) => this.settle(ns, row) ?? []);
  }

  private enforceLimit(ns: string, caller: Caller): void {
    const limit = this.deps.keyLimit;
    // Fewer rows than the limit: room for sure. Otherwise settle them and count the live ones.
    if (this.deps.store.keyRowCount(ns, caller.user.user_id) < limit) return;
    if (this.liveKeys(ns, caller.user.user_id).length >= limit) {
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

  private restart(ns: string, id: string): void {
    this.deps.transitions.restart(ns, TRANSITION_PROVISIONING, id);
    this.deps.transitions.restart(ns, TRANSITION_DESTROYING, id);
  }

  // ---- views ----

  /** `regions`: the namespace's region ids, read once per request (a list shares them across its items). */
  private view(ns: string, caller: Caller, s: Settled, secret: string | null = null, regions: string[] = this.deps.store.regionIds(ns)): AccessKeyRead {
    const { row } = s;
    const { user } = caller;
    return {
      id: row.id,
      type: 'accesskey',
      href: `/accesskeys/${row.id}`,
      metadata: {
        createdDate: isoTime(row.created_at),
        createdBy: userUrn(row.created_by_user_id),
        createdByUserId: row.created_by_user_id,
        lastModifiedDate: isoTime(row.modified_at),
        lastModifiedBy: userUrn(row.modified_by_user_id),
        lastModifiedByUserId: row.modified_by_user_id,
        resourceURN: accessKeyUrn(user.contract_number, row.id),
        status: s.status,
        statusMessage: s.statusMessage,
        administrative: user.administrative === 1,
        supportedRegions: regions,
      },
      properties: {
        description: row.description,
        accessKey: row.access_key,
        secretKey: secret,
        canonicalUserId: user.canonical_user_id,
        contractUserId: `${user.contract_number}:${user.user_id}`,
      },
    };
  }

  private regionView(r: RegionRow): RegionRead {
    return {
      id: r.id,
      type: 'region',
      href: `/regions/${r.id}`,
      metadata: JSON.parse(r.metadata) as Record<string, unknown>,
      properties: {
        version: r.version,
        endpoint: r.endpoint,
        website: r.website,
        capability: JSON.parse(r.capability) as { iam?: boolean; s3select?: boolean },
        ...(r.storage_classes !== null ? { storageClasses: JSON.parse(r.storage_classes) as string[] } : {}),
        location: r.location,
      },
    };
  }

  // ---- access keys ----

  list(ns: string, caller: Caller, page: Page, filter: string | undefined, root: string): AccessKeyReadList {
    const offset = page.offset ?? DEFAULT_OFFSET;
    const limit = page.limit ?? DEFAULT_LIMIT;
    const all = this.liveKeys(ns, caller.user.user_id).filter((s) => filter === undefined || s.row.access_key === filter || s.row.id === filter.toLowerCase());
    const regions = this.deps.store.regionIds(ns);
    return {
      id: nameUuid(`ionos:accesskeys:${caller.user.contract_number}:${caller.user.user_id}`),
      type: 'collection',
      href: '/accesskeys',
      items: all.slice(offset, offset + limit).map((s) => this.view(ns, caller, s, null, regions)),
      offset,
      limit,
      _links: pageLinks(root, '/accesskeys', offset, limit, all.length, filter === undefined ? {} : { 'filter.accesskeyId': filter }),
    };
  }

  get(ns: string, caller: Caller, id: string): AccessKeyRead {
    return this.view(ns, caller, this.ownKey(ns, caller, id.toLowerCase()));
  }

  create(ns: string, caller: Caller, body: AccessKeyCreate, outcome: string | undefined): AccessKeyRead {
    const failMessage = this.failMessage(outcome, 'provisioning');
    this.enforceLimit(ns, caller);
    const { store, clock, ids } = this.deps;
    const now = clock.now();
    const userId = caller.user.user_id;
    const row = this.newKeyRow(ns, ids.accessKeyId(), userId, body.properties.description, failMessage, now);
    store.insertKey(ns, row);
    this.restart(ns, row.id);
    return this.view(ns, caller, { row, status: 'PROVISIONING', statusMessage: null }, row.secret_key);
  }

  /** A new key, provisioning from `now`, with a fresh access key and secret. */
  private newKeyRow(ns: string, id: string, userId: string, description: string, failMessage: string | null, now: number): AccessKeyRow {
    const { store, ids } = this.deps;
    return {
      id,
      user_id: userId,
      description,
      access_key: ids.accessKey(),
      secret_key: ids.secretKey(),
      phase: 'provisioning',
      phase_since: now,
      fail_message: failMessage,
      created_at: now,
      created_by_user_id: userId,
      modified_at: now,
      modified_by_user_id: userId,
      seq: store.nextSeq(ns),
    };
  }

  /** PUT: create-or-replace. Only `description` is writable; previous values are not kept. */
  ensure(ns: string, caller: Caller, pathId: string, body: AccessKeyEnsure, outcome: string | undefined): { created: boolean; key: AccessKeyRead } {
    const id = pathId.toLowerCase();
    if (body.id !== undefined && body.id.toLowerCase() !== id) {
      throw catalogue.error('paas-conflict-1', { message: `The id in the request body ('${body.id}') does not match the id in the path ('${pathId}')` });
    }
    const failMessage = this.failMessage(outcome, 'provisioning');
    const { store, clock } = this.deps;
    const now = clock.now();
    const userId = caller.user.user_id;
    const existingRow = store.key(ns, id);
    const existing = existingRow ? this.settle(ns, existingRow) : undefined;
    if (existing && existing.row.user_id !== userId) {
      throw catalogue.error('paas-conflict-1', { message: `An AccessKey with id '${id}' already exists and belongs to another user` });
    }
    if (existing?.status === 'DESTROYING') {
      throw catalogue.error('paas-conflict-1', { message: `AccessKey '${id}' is being deleted (status DESTROYING)` });
    }
    if (existing) {
      store.replaceKey(ns, id, { description: body.properties.description, since: now, failMessage, modifiedBy: userId });
    } else {
      this.enforceLimit(ns, caller);
      store.insertKey(ns, this.newKeyRow(ns, id, userId, body.properties.description, failMessage, now));
    }
    this.restart(ns, id);
    const row = store.key(ns, id)!;
    return { created: !existing, key: this.view(ns, caller, { row, status: 'PROVISIONING', statusMessage: null }) };
  }

  /** Replaces the secret; the new one is in this response only. */
  renew(ns: string, caller: Caller, pathId: string, outcome: string | undefined): AccessKeyRead {
    const id = pathId.toLowerCase();
    const failMessage = this.failMessage(outcome, 'provisioning');
    const current = this.ownKey(ns, caller, id);
    if (current.status === 'PROVISIONING' || current.status === 'DESTROYING') {
      throw catalogue.error('paas-conflict-1', { message: `AccessKey '${id}' cannot be renewed while its status is ${current.status}` });
    }
    const { store, clock, ids } = this.deps;
    const now = clock.now();
    const secret = ids.secretKey();
    store.renewKey(ns, id, { secret, since: now, failMessage, modifiedBy: caller.user.user_id });
    this.restart(ns, id);
    return this.view(ns, caller, { row: store.key(ns, id)!, status: 'PROVISIONING', statusMessage: null }, secret);
  }

  /** Starts the deletion (DESTROYING, then gone); deleting a key already DESTROYING changes nothing. */
  remove(ns: string, caller: Caller, pathId: string, outcome: string | undefined): void {
    const id = pathId.toLowerCase();
    const failMessage = this.failMessage(outcome, 'destroying');
    const current = this.ownKey(ns, caller, id);
    if (current.status === 'DESTROYING') return;
    this.deps.store.setPhase(ns, id, 'destroying', this.deps.clock.now(), failMessage);
    this.restart(ns, id);
  }

  /** The S3 plane's view of a key (src/vendors/ionos/s3.ts): its status now, its secret, its user. */
  s3Key(ns: string, accessKey: string): { status: AccessKeyStatus; secret: string | undefined; user: UserRow | undefined } | undefined {
    const row = this.deps.store.keyByAccessKey(ns, accessKey);
    const settled = row && this.settle(ns, row);
    if (!settled) return undefined;
    return { status: settled.status, secret: this.deps.store.secretOf(ns, row.id), user: this.deps.store.user(ns, row.user_id) };
  }

  // ---- regions ----

  regions(ns: string, page: Page, root: string): RegionReadList {
    const offset = page.offset ?? DEFAULT_OFFSET;
    const limit = page.limit ?? DEFAULT_LIMIT;
    const all = this.deps.store.regions(ns);
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

  region(ns: string, id: string): RegionRead {
    const row = this.deps.store.region(ns, id);
    if (!row) throw catalogue.error('paas-resource-1', { message: `Region '${id}' not found` });
    return this.regionView(row);
  }
}
