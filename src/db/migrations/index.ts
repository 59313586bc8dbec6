import core from './001-core.js';
import katapult from './002-katapult.js';
import ionos from './003-ionos.js';
import exoscale from './004-exoscale.js';
import ibm from './005-ibm.js';
import krutrim from './006-krutrim.js';
import ionosSeqIndex from './007-ionos-seq-index.js';
import ionosKeyCounts from './008-ionos-key-counts.js';
import krutrimSessionsKeyIndex from './009-krutrim-sessions-key-index.js';
import exoscaleAssumedKeys from './010-exoscale-assumed-keys.js';
import tokenDigests from './011-token-digests.js';
import krutrimPolicyPrincipals from './018-krutrim-policy-principals.js';
import secretDigests from './012-secret-digests.js';
import ibmReferenceIndexes from './020-ibm-reference-indexes.js';
import s3 from './015-s3.js';
import katapultS3 from './016-katapult-s3.js';
import krutrimS3 from './017-krutrim-s3.js';
import katapultLookupIndexes from './026-katapult-lookup-indexes.js';
import exoscaleApiKeysRoleIndex from './028-exoscale-api-keys-role-index.js';
import ionosDropKeyCounts from './025-ionos-drop-key-counts.js';
import krutrimAccountIndexes from './027-krutrim-account-indexes.js';

/**
 * The only place the order is defined. Append new migrations; never reorder. The array position is the
 * schema version; the file numbers were reserved per branch, so 018 runs before 012 (it landed first),
 * 015–017 (the S3 plane) after 020, 025 after 026 and 028, and 027 last.
 */
export const MIGRATIONS: readonly string[] = [core, katapult, ionos, exoscale, ibm, krutrim, ionosSeqIndex, ionosKeyCounts, krutrimSessionsKeyIndex, exoscaleAssumedKeys, tokenDigests, krutrimPolicyPrincipals, secretDigests, ibmReferenceIndexes, s3, katapultS3, krutrimS3, katapultLookupIndexes, exoscaleApiKeysRoleIndex, ionosDropKeyCounts, krutrimAccountIndexes];
