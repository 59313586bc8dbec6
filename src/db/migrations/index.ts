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

/** The only place the order is defined. Append new migrations; never reorder. */
export const MIGRATIONS: readonly string[] = [core, katapult, ionos, exoscale, ibm, krutrim, ionosSeqIndex, ionosKeyCounts, krutrimSessionsKeyIndex, exoscaleAssumedKeys, tokenDigests, krutrimPolicyPrincipals];
