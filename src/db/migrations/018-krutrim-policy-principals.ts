/**
 * KOS policies are attached to customers, by the documented `POST /internal/kos/v1/policy/attach`
 * `{policyKRNs}` and `POST /internal/kos/v1/policy/detach` `{kcid, policyKRNs}` (issue 16): one row per
 * policy and customer id (kcid). The older per-bucket table (006) is no longer written.
 */
export default `
CREATE TABLE krutrim_policy_principals (
  namespace TEXT NOT NULL,
  policy_id TEXT NOT NULL,
  kcid TEXT NOT NULL,
  attached_at INTEGER NOT NULL,
  PRIMARY KEY (namespace, policy_id, kcid)
) STRICT;
`;
