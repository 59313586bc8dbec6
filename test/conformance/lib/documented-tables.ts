/**
 * The vendors without a machine-readable specification (IBM COS Credentials API, Krutrim KOS): their
 * documented operations, written down in our own words from the research notes
 * (`vendor-notes/vendors-ionos-ibm-kos.md` §2.2 for IBM, §3.3 for Krutrim), which cite IBM Docs
 * (COSS 3.20.1 "Container Mode Credentials Management API") and Krutrim's GitBook API page and SDKs.
 *
 * Each row: method, path (after the vendor's mount), the statuses the vendor documents for it, and the
 * request-body properties documented as required (dotted paths). `2XX` means the vendor documents a
 * success without saying which code.
 */
export interface DocumentedOperation {
  /** A descriptive name of ours (the vendor publishes no operation ids). */
  name: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  statuses: string[];
  requiredBody?: string[];
  requiredQuery?: string[];
  /** Where in the notes the row comes from. (No `requiredBody` = the vendor does not say; not compared.) */
  source: string;
  /**
   * Status → JSON schema of the documented response body, where the notes document one (written here from
   * the notes' field lists; only the fields they name, no `additionalProperties: false`).
   */
  responses?: Record<string, object>;
}

const str = { type: 'string' };

/** IBM credential object (notes §2.2: user_id, blob {access, secret, status}, project_id, type, optional subject_ibm_id, id = access key). */
const IBM_CREDENTIAL = {
  type: 'object',
  required: ['id', 'user_id', 'blob', 'project_id', 'type'],
  properties: {
    id: str,
    user_id: str,
    project_id: str,
    type: { const: 'ec2' },
    subject_ibm_id: str,
    blob: { type: 'object', required: ['access', 'secret', 'status'], properties: { access: str, secret: str, status: { enum: ['Active', 'Inactive'] } } },
  },
};
const IBM_ONE = { type: 'object', required: ['credential'], properties: { credential: IBM_CREDENTIAL } };

const IBM_ERRORS = ['400', '401', '403', '404', '405', '503'];

/** IBM COS on-prem Credentials Management API (mount `/ibm`, stands in for `http://<accesser>:8337`). */
export const IBM_OPERATIONS: DocumentedOperation[] = [
  {
    name: 'createCredential',
    method: 'POST',
    path: '/credentials',
    statuses: ['201', ...IBM_ERRORS, '409'],
    requiredBody: ['credential', 'credential.project_id', 'credential.type'],
    source: 'notes §2.2 (IBM Docs "Create credential"); 409 = the per-user key limit',
    responses: { '201': IBM_ONE },
  },
  {
    name: 'listCredentials',
    method: 'GET',
    path: '/credentials',
    statuses: ['200', ...IBM_ERRORS],
    source: 'notes §2.2 (IBM Docs "List credentials")',
    responses: { '200': { type: 'object', required: ['credentials'], properties: { credentials: { type: 'array', items: IBM_CREDENTIAL } } } },
  },
  { name: 'showCredential', method: 'GET', path: '/credentials/{id}', statuses: ['200', ...IBM_ERRORS], source: 'notes §2.2 (IBM Docs "Show credential details")', responses: { '200': IBM_ONE } },
  {
    name: 'updateCredential',
    method: 'PATCH',
    path: '/credentials/{id}',
    statuses: ['200', ...IBM_ERRORS],
    requiredBody: ['credential', 'credential.blob', 'credential.project_id', 'credential.type'],
    source: 'notes §2.2 (IBM Docs "Update credential")',
    responses: { '200': IBM_ONE },
  },
  { name: 'deleteCredential', method: 'DELETE', path: '/credentials/{id}', statuses: ['204', ...IBM_ERRORS], source: 'notes §2.2 (IBM Docs "Delete credential")' },
];

/** A time as the KOS docs page writes it: `2000-01-23T04:56:07.000+00:00`. */
const KOS_TIME = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}\\+00:00$' };

/** KOS bucket (notes §3.3 "Bucket schema"). */
const KOS_BUCKET = {
  type: 'object',
  required: ['name', 'krnid', 'createdAt', 'region'],
  properties: { name: str, krnid: str, owner: str, account_id: str, createdAt: KOS_TIME, usedCapacity: { type: 'number' }, allocatedCapacity: { type: 'integer' }, region: str, url: str, status: str, tags: { type: 'object' }, versioning: { type: 'boolean' }, anonymous_access: { type: 'boolean' }, tier: str },
};

const KOS_ERRORS = ['400', '401', '404', '500', '503'];

/** KOS policy as the docs page draws it (issue 16: `_id`, `accountId`, `policyKRN`, `name`, `statements`, `conditions`). */
const KOS_POLICY = {
  type: 'object',
  required: ['_id', 'accountId', 'policyKRN', 'name', 'statements', 'conditions'],
  properties: { _id: str, accountId: str, policyKRN: str, name: str, statements: { type: 'array', items: { type: 'object' } }, conditions: {} },
};

/**
 * Krutrim KOS (mount `/krutrim`, stands in for `https://cloud.olakrutrim.com`). Lifecycle-rule paths are
 * not published (notes §3.3: "exact lifecycle-rule paths … not found"), so they have no row here.
 */
export const KRUTRIM_OPERATIONS: DocumentedOperation[] = [
  {
    name: 'listBuckets',
    method: 'GET',
    path: '/kos/v1/buckets',
    statuses: ['200', '400', '401', '500'],
    source: 'notes §3.3 (docs page; the live API wraps the list in items)',
    responses: { '200': { type: 'object', required: ['totalItems', 'totalPages', 'currentPage', 'items'], properties: { totalItems: { type: 'integer' }, totalPages: { type: 'integer' }, currentPage: { type: 'integer' }, items: { type: 'array', items: KOS_BUCKET } } } },
  },
  {
    name: 'createBucket',
    method: 'POST',
    path: '/kos/v1/buckets',
    statuses: ['201', '400', '401', '409', '422', '500', '503'],
    requiredBody: ['name'],
    source: 'notes §3.3 (docs page)',
    responses: { '201': { type: 'object', required: ['createdAt', 'krn', 'bucketName'], properties: { createdAt: KOS_TIME, krn: str, bucketName: str } } },
  },
  { name: 'getBucket', method: 'GET', path: '/kos/v1/buckets/{bucketId}', statuses: ['200', ...KOS_ERRORS], source: 'notes §3.3 (docs page)', responses: { '200': KOS_BUCKET } },
  { name: 'updateBucket', method: 'PUT', path: '/kos/v1/buckets/{bucketId}', statuses: ['200', ...KOS_ERRORS], source: 'notes §3.3 (docs page)', responses: { '200': KOS_BUCKET } },
  { name: 'deleteBucket', method: 'DELETE', path: '/kos/v1/buckets/{bucketId}', statuses: ['204', ...KOS_ERRORS], source: 'notes §3.3 (docs page)' },
  { name: 'deleteAllAccessKeys', method: 'DELETE', path: '/internal/kos/v1/access_keys_all', statuses: ['204', ...KOS_ERRORS], source: 'notes §3.3 (docs page)' },
  {
    name: 'listAccessKeys',
    method: 'GET',
    path: '/kos/v1/access_keys',
    statuses: ['200', ...KOS_ERRORS],
    source: 'notes §3.3 (docs page; `created_date` from the page, issue 16)',
    responses: { '200': { type: 'array', items: { type: 'object', required: ['key_name', 'status', 'created_date'], anyOf: [{ required: ['access_key_id'] }, { required: ['access_key'] }], properties: { access_key_id: str, access_key: str, key_name: str, created_at: {}, created_date: KOS_TIME, status: str, region: str, tier: str } } } },
  },
  {
    name: 'createAccessKey',
    method: 'POST',
    path: '/kos/v1/access_keys',
    statuses: ['2XX'],
    source: 'notes §3.3 (SDKs; no status documented)',
    responses: { '2XX': { type: 'object', required: ['access_key', 'secret_key'], properties: { access_key: str, secret_key: str, message: str } } },
  },
  { name: 'deleteAccessKey', method: 'DELETE', path: '/kos/v1/access_keys/{accessKey}', statuses: ['204', ...KOS_ERRORS], source: 'notes §3.3 (docs page)' },
  {
    name: 'activateSession',
    method: 'POST',
    path: '/kos/v1/sessions/activate',
    statuses: ['2XX'],
    source: 'notes §3.3 (SDKs: a map of strings; the seed: lastActiveAt, sessionToken, expiresAt, refreshToken)',
    responses: { '2XX': { type: 'object', required: ['sessionToken'], properties: { sessionToken: str, refreshToken: str, expiresAt: str, lastActiveAt: str } } },
  },
  { name: 'listObjects', method: 'GET', path: '/kos/v1/buckets/{bucketKrn}/objects', statuses: ['2XX'], source: 'notes §3.3 (SDKs)' },
  { name: 'uploadObject', method: 'PUT', path: '/kos/v1/buckets/{bucketKrn}/objects', statuses: ['201'], requiredBody: ['prefix'], source: 'notes §3.3 (SDKs); 201 and `{prefix}` from the docs page (issue 16)' },
  { name: 'downloadObject', method: 'POST', path: '/kos/v1/buckets/{bucketKrn}/objects/download', statuses: ['2XX'], source: 'notes §3.3 (SDKs)' },
  { name: 'presignObjectUrl', method: 'POST', path: '/kos/v1/buckets/{bucketKrn}/objects/url', statuses: ['2XX'], source: 'notes §3.3 (SDKs)' },
  { name: 'renameObject', method: 'POST', path: '/kos/v1/buckets/{bucketKrn}/objects/rename', statuses: ['2XX'], source: 'notes §3.3 (SDKs)' },
  { name: 'moveObject', method: 'POST', path: '/kos/v1/buckets/{bucketKrn}/objects/move', statuses: ['2XX'], source: 'notes §3.3 (SDKs)' },
  { name: 'deleteObject', method: 'POST', path: '/kos/v1/buckets/{bucketKrn}/objects/delete', statuses: ['2XX'], source: 'notes §3.3 (SDKs)' },
  { name: 'deactivateSession', method: 'DELETE', path: '/kos/v1/sessions/deactivate/{sessionToken}', statuses: ['204'], source: 'the docs page: 204, no body (issue 16)' },
  { name: 'modifyBucketPolicy', method: 'PUT', path: '/kos/v1/buckets/policy/{bucketKrn}', statuses: ['200'], source: 'the docs page: "No content" (issue 16)' },
  {
    name: 'attachPolicy',
    method: 'POST',
    path: '/internal/kos/v1/policy/attach',
    statuses: ['200', ...KOS_ERRORS],
    requiredBody: ['policyKRNs'],
    source: 'the docs page: POST /internal/kos/v1/policy/attach {policyKRNs}, 200 with the policy (issue 16)',
    responses: { '200': KOS_POLICY },
  },
  {
    name: 'detachPolicy',
    method: 'POST',
    path: '/internal/kos/v1/policy/detach',
    statuses: ['200', ...KOS_ERRORS],
    requiredBody: ['kcid', 'policyKRNs'],
    source: 'the docs page: POST /internal/kos/v1/policy/detach {kcid, policyKRNs}, 200 with the policy (issue 16)',
    responses: { '200': KOS_POLICY },
  },
];
