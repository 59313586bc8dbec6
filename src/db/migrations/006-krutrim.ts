/** krutrim tables. Every table has a namespace column and is prefixed with the vendor id. */
export default `
CREATE TABLE krutrim_regions (
  namespace TEXT NOT NULL,
  region_id TEXT NOT NULL,
  tier TEXT NOT NULL,
  PRIMARY KEY (namespace, region_id)
) STRICT;

CREATE TABLE krutrim_accounts (
  namespace TEXT NOT NULL,
  account_id TEXT NOT NULL,
  customer_id TEXT NOT NULL,
  name TEXT NOT NULL,
  PRIMARY KEY (namespace, account_id)
) STRICT;

CREATE TABLE krutrim_api_keys (
  namespace TEXT NOT NULL,
  api_key TEXT NOT NULL,
  name TEXT NOT NULL,
  account_id TEXT NOT NULL,
  rate_limit INTEGER NOT NULL,
  PRIMARY KEY (namespace, api_key)
) STRICT;

CREATE TABLE krutrim_access_keys (
  namespace TEXT NOT NULL,
  access_key TEXT NOT NULL,
  secret_key TEXT NOT NULL,
  account_id TEXT NOT NULL,
  key_name TEXT NOT NULL,
  region TEXT NOT NULL,
  tier TEXT NOT NULL,
  status TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (namespace, access_key)
) STRICT;

CREATE TABLE krutrim_sessions (
  namespace TEXT NOT NULL,
  session_id TEXT NOT NULL,
  session_token TEXT NOT NULL,
  refresh_token TEXT NOT NULL,
  access_key TEXT NOT NULL,
  account_id TEXT NOT NULL,
  region TEXT NOT NULL,
  tier TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_active_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  deactivated_at INTEGER,
  PRIMARY KEY (namespace, session_id)
) STRICT;
CREATE UNIQUE INDEX krutrim_sessions_token ON krutrim_sessions (namespace, session_token);

CREATE TABLE krutrim_buckets (
  namespace TEXT NOT NULL,
  bucket_id TEXT NOT NULL,
  name TEXT NOT NULL,
  account_id TEXT NOT NULL,
  customer_id TEXT NOT NULL,
  region TEXT NOT NULL,
  tier TEXT NOT NULL,
  description TEXT NOT NULL,
  tags TEXT NOT NULL,
  versioning INTEGER NOT NULL,
  anonymous_access INTEGER NOT NULL,
  allocated_capacity INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (namespace, bucket_id)
) STRICT;
CREATE UNIQUE INDEX krutrim_buckets_name ON krutrim_buckets (namespace, name);

CREATE TABLE krutrim_objects (
  namespace TEXT NOT NULL,
  bucket_id TEXT NOT NULL,
  object_key TEXT NOT NULL,
  body BLOB NOT NULL,
  size_bytes INTEGER NOT NULL,
  content_type TEXT NOT NULL,
  etag TEXT NOT NULL,
  storage_class TEXT NOT NULL,
  last_modified INTEGER NOT NULL,
  PRIMARY KEY (namespace, bucket_id, object_key)
) STRICT;

CREATE TABLE krutrim_lifecycle_rules (
  namespace TEXT NOT NULL,
  rule_id TEXT NOT NULL,
  bucket_id TEXT NOT NULL,
  name TEXT NOT NULL,
  prefix TEXT NOT NULL,
  attribute TEXT,
  expiration_days INTEGER,
  noncurrent_days INTEGER,
  newer_noncurrent_versions INTEGER,
  delete_incomplete_mpu INTEGER,
  expired_obj_delete_marker INTEGER NOT NULL,
  enabled INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (namespace, rule_id)
) STRICT;
CREATE UNIQUE INDEX krutrim_lifecycle_rules_name ON krutrim_lifecycle_rules (namespace, bucket_id, name);

CREATE TABLE krutrim_policies (
  namespace TEXT NOT NULL,
  policy_id TEXT NOT NULL,
  account_id TEXT NOT NULL,
  customer_id TEXT NOT NULL,
  region TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  statements TEXT NOT NULL,
  conditions TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (namespace, policy_id)
) STRICT;
CREATE UNIQUE INDEX krutrim_policies_name ON krutrim_policies (namespace, account_id, name);

CREATE TABLE krutrim_policy_attachments (
  namespace TEXT NOT NULL,
  policy_id TEXT NOT NULL,
  bucket_id TEXT NOT NULL,
  attached_at INTEGER NOT NULL,
  PRIMARY KEY (namespace, policy_id, bucket_id)
) STRICT;

CREATE TABLE krutrim_bucket_policies (
  namespace TEXT NOT NULL,
  bucket_id TEXT NOT NULL,
  policy_id TEXT NOT NULL,
  s3_read_write_ips TEXT NOT NULL,
  s3_read_only_ips TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (namespace, bucket_id)
) STRICT;
`;
