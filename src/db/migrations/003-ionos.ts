/** ionos tables. Every table has a namespace column and is prefixed with the vendor id. */
export default `
CREATE TABLE ionos_users (
  namespace TEXT NOT NULL,
  user_id TEXT NOT NULL,
  email TEXT NOT NULL,
  contract_number TEXT NOT NULL,
  canonical_user_id TEXT NOT NULL,
  administrative INTEGER NOT NULL,
  PRIMARY KEY (namespace, user_id)
) STRICT;

CREATE TABLE ionos_credentials (
  namespace TEXT NOT NULL,
  id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('bearer', 'basic')),
  username TEXT,
  secret TEXT NOT NULL,
  user_id TEXT NOT NULL,
  rate_limit INTEGER NOT NULL,
  object_storage_access INTEGER NOT NULL,
  PRIMARY KEY (namespace, id)
) STRICT;
CREATE INDEX ionos_credentials_secret ON ionos_credentials (namespace, kind, secret);

CREATE TABLE ionos_regions (
  namespace TEXT NOT NULL,
  id TEXT NOT NULL,
  position INTEGER NOT NULL,
  version INTEGER NOT NULL,
  endpoint TEXT NOT NULL,
  website TEXT NOT NULL,
  capability TEXT NOT NULL,
  storage_classes TEXT,
  location TEXT NOT NULL,
  metadata TEXT NOT NULL,
  PRIMARY KEY (namespace, id)
) STRICT;

CREATE TABLE ionos_accesskeys (
  namespace TEXT NOT NULL,
  id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  description TEXT NOT NULL,
  access_key TEXT NOT NULL,
  secret_key TEXT NOT NULL,
  phase TEXT NOT NULL CHECK (phase IN ('provisioning', 'available', 'destroying', 'failed')),
  phase_since INTEGER NOT NULL,
  fail_message TEXT,
  created_at INTEGER NOT NULL,
  created_by_user_id TEXT NOT NULL,
  modified_at INTEGER NOT NULL,
  modified_by_user_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY (namespace, id)
) STRICT;
CREATE INDEX ionos_accesskeys_user ON ionos_accesskeys (namespace, user_id, seq);
CREATE INDEX ionos_accesskeys_access_key ON ionos_accesskeys (namespace, access_key);
`;
