import type { Clock } from '../../core/clock.js';
import { catalogue } from './errors.js';
import type { IamRoles } from './iam-roles.js';
import type { Operations } from './operations.js';
import { computeSignature, parseAuthorization, queryValues, signatureMessage, signaturesMatch, unsignedQueryParameters } from './signature.js';
import type { CredentialOrganization, ExoscaleStore, StoredAccessKey, StoredApiKey, StoredRole } from './store.js';

/** The organization of a namespace no fixture gave one. */
export const DEFAULT_ORGANIZATION_ID = '00000000-0000-4000-8000-000000000000';
const DEFAULT_REQUESTS_PER_MINUTE = 1200;

/**
 * The signing key, as every check after the signature sees it: a legacy access key, or an API key
 * (also one from assume-iam-role) with its role as it is now (undefined once the role is gone).
 */
export type Principal = { key: string; organizationId: string; requestsPerMinute: number } & (
  | { kind: 'access-key'; row: StoredAccessKey }
  | { kind: 'api-key'; row: StoredApiKey; role: StoredRole | undefined }
);

export interface SignedRequest {
  namespace: string;
  method: string;
  /** The URL path exactly as received (percent-encoded, before any rewriting), without the query. */
  path: string;
  rawQuery: string;
  body: Buffer;
  authorization: string | undefined;
}

const organization = (found: CredentialOrganization | undefined) => ({
  organizationId: found?.id ?? DEFAULT_ORGANIZATION_ID,
  requestsPerMinute: found?.requests_per_minute ?? DEFAULT_REQUESTS_PER_MINUTE,
});

/** Who signs: the EXO2-HMAC-SHA256 check, and the active key behind it (for the API and the S3 plane). */
export class Credentials {
  constructor(private readonly deps: { store: ExoscaleStore; clock: Clock; operations: Operations; roles: IamRoles }) {}

  /** Verifies the EXO2-HMAC-SHA256 signature; returns the signing key. */
  authenticate(request: SignedRequest, now: number): Principal {
    const auth = parseAuthorization(request.authorization);
    if (auth === 'missing') throw catalogue.error('missing_authorization');
    if (auth === 'malformed') throw catalogue.error('malformed_authorization');
    const principal = this.principal(request.namespace, auth.credential, now);
    if (!principal) throw catalogue.error('unknown_credential');
    const query = queryValues(request.rawQuery);
    const message = signatureMessage({ method: request.method, path: request.path, body: request.body, signedQueryArgs: auth.signedQueryArgs, query, expires: auth.expires });
    if (!signaturesMatch(computeSignature(principal.row.secret, message), auth.signature)) throw catalogue.error('invalid_signature');
    if (unsignedQueryParameters(query, auth.signedQueryArgs).length > 0) throw catalogue.error('invalid_signature');
    // The client dates `expires` from its own wall clock: checked against real time, never the emulator's clock.
    if (auth.expires * 1000 < this.deps.clock.wallNow()) throw catalogue.error('expired_signature');
    return principal;
  }

  /** An active (not revoked, not deleted, not expired) legacy access key or API key of this namespace. */
  principal(namespace: string, key: string, now: number): Principal | undefined {
    const { store, operations, roles } = this.deps;
    const accessKey = store.accessKeyCredential(namespace, key);
    if (accessKey && !operations.accessKeyGone(accessKey.key, now)) return { kind: 'access-key', key, row: accessKey.key, ...organization(accessKey.organization) };
    const apiKey = store.apiKeyCredential(namespace, key);
    if (!apiKey || operations.apiKeyGone(apiKey.key, now)) return undefined;
    const role = roles.active(namespace, apiKey.key.role_id, now);
    // A key from assume-iam-role ends with its role.
    if (apiKey.key.expires_at !== null && !role) return undefined;
    return { kind: 'api-key', key, row: apiKey.key, role, ...organization(apiKey.organization) };
  }
}
