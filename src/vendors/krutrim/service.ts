import type { KrutrimIds } from './ids.js';
import { AccessKeyService } from './service/access-keys.js';
import { BucketService } from './service/buckets.js';
import { LifecycleService } from './service/lifecycle.js';
import { ObjectService } from './service/objects.js';
import { BucketPolicyService, PolicyService } from './service/policies.js';
import { Presigner } from './service/presign.js';
import { SessionService } from './service/sessions.js';
import type { KrutrimStore } from './store.js';

interface KrutrimDeps {
  store: KrutrimStore;
  ids: KrutrimIds;
  /** KRUTRIM_SESSION_TIMEOUT. */
  sessionTimeoutMs: number;
  /** KRUTRIM_MAX_OBJECT_BYTES. */
  maxObjectBytes: number;
  /** PUBLIC_URL (read per URL): presigned URLs then point at the S3 plane. */
  config: { readonly publicUrl: string | undefined };
  /** The HMAC key of presigned URLs (`presignKey(db)`). */
  presignKey: Buffer;
}

/**
 * The KOS API, one service per resource (service/*.ts), built from explicit dependencies. Methods on
 * the request path take the request's `now`; none reads the clock.
 */
export class KrutrimService {
  readonly accessKeys: AccessKeyService;
  readonly sessions: SessionService;
  readonly buckets: BucketService;
  readonly presigner: Presigner;
  readonly objects: ObjectService;
  readonly lifecycle: LifecycleService;
  readonly policies: PolicyService;
  readonly bucketPolicies: BucketPolicyService;

  constructor(deps: KrutrimDeps) {
    const { store, ids } = deps;
    this.accessKeys = new AccessKeyService({ store, ids });
    this.sessions = new SessionService({ store, ids, timeoutMs: deps.sessionTimeoutMs });
    this.buckets = new BucketService({ store, ids });
    this.presigner = new Presigner({ store, key: deps.presignKey, config: deps.config });
    this.objects = new ObjectService({ store, buckets: this.buckets, presigner: this.presigner, maxObjectBytes: deps.maxObjectBytes });
    this.lifecycle = new LifecycleService({ store, ids, buckets: this.buckets });
    this.policies = new PolicyService({ store, ids });
    this.bucketPolicies = new BucketPolicyService({ store, ids, buckets: this.buckets });
  }
}
