/** katapult tables. Every table has a namespace column and is prefixed with the vendor id. Times are epoch ms. */
export default `
CREATE TABLE katapult_api_tokens (
  namespace TEXT NOT NULL,
  token TEXT NOT NULL,
  name TEXT NOT NULL,
  scopes TEXT NOT NULL,
  allowed_networks TEXT,
  rate_limit INTEGER NOT NULL,
  expires_at INTEGER,
  PRIMARY KEY (namespace, token)
) STRICT;

CREATE TABLE katapult_organizations (
  namespace TEXT NOT NULL,
  id TEXT NOT NULL,
  sub_domain TEXT NOT NULL,
  name TEXT NOT NULL,
  suspended INTEGER NOT NULL DEFAULT 0,
  activated INTEGER NOT NULL DEFAULT 1,
  PRIMARY KEY (namespace, id)
) STRICT;
CREATE UNIQUE INDEX katapult_organizations_sub_domain ON katapult_organizations (namespace, sub_domain);

CREATE TABLE katapult_clusters (
  namespace TEXT NOT NULL,
  region TEXT NOT NULL,
  data_center TEXT NOT NULL,
  PRIMARY KEY (namespace, region)
) STRICT;

CREATE TABLE katapult_accounts (
  namespace TEXT NOT NULL,
  id TEXT NOT NULL,
  organization_id TEXT NOT NULL,
  region TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  provisioning TEXT NOT NULL,
  suspended INTEGER NOT NULL DEFAULT 0,
  size INTEGER NOT NULL DEFAULT 0,
  trash_id TEXT,
  PRIMARY KEY (namespace, id)
) STRICT;
CREATE INDEX katapult_accounts_org ON katapult_accounts (namespace, organization_id, region);

CREATE TABLE katapult_trash_objects (
  namespace TEXT NOT NULL,
  id TEXT NOT NULL,
  object_id TEXT NOT NULL,
  object_type TEXT NOT NULL,
  trashed_at INTEGER NOT NULL,
  keep_until INTEGER NOT NULL,
  purge_task_id TEXT,
  purge_requested_at INTEGER,
  PRIMARY KEY (namespace, id)
) STRICT;

CREATE TABLE katapult_access_keys (
  namespace TEXT NOT NULL,
  id TEXT NOT NULL,
  account_id TEXT NOT NULL,
  name TEXT NOT NULL,
  region TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  all_buckets_read INTEGER NOT NULL,
  all_objects_read INTEGER NOT NULL,
  all_objects_write INTEGER NOT NULL,
  settled INTEGER NOT NULL DEFAULT 0,
  pending_since INTEGER,
  s3_access_key_id TEXT,
  s3_secret_hash TEXT,
  credentials_generated_at INTEGER,
  PRIMARY KEY (namespace, id)
) STRICT;
CREATE INDEX katapult_access_keys_account ON katapult_access_keys (namespace, account_id, created_at);

CREATE TABLE katapult_buckets (
  namespace TEXT NOT NULL,
  name TEXT NOT NULL,
  account_id TEXT NOT NULL,
  region TEXT NOT NULL,
  label TEXT,
  created_at INTEGER NOT NULL,
  pending_since INTEGER NOT NULL,
  serve_static_site INTEGER NOT NULL DEFAULT 0,
  static_site_index TEXT,
  static_site_error TEXT,
  public_read INTEGER NOT NULL DEFAULT 0,
  public_list INTEGER NOT NULL DEFAULT 0,
  all_keys_read INTEGER NOT NULL DEFAULT 0,
  all_keys_write INTEGER NOT NULL DEFAULT 0,
  read_key_ids TEXT NOT NULL DEFAULT '[]',
  write_key_ids TEXT NOT NULL DEFAULT '[]',
  custom_domains TEXT NOT NULL DEFAULT '[]',
  cors_origins TEXT NOT NULL DEFAULT '[]',
  PRIMARY KEY (namespace, name)
) STRICT;
CREATE INDEX katapult_buckets_account ON katapult_buckets (namespace, account_id);

CREATE TABLE katapult_objects (
  namespace TEXT NOT NULL,
  bucket_name TEXT NOT NULL,
  path TEXT NOT NULL,
  size INTEGER,
  PRIMARY KEY (namespace, bucket_name, path)
) STRICT;

CREATE TABLE katapult_presigned_urls (
  namespace TEXT NOT NULL,
  id TEXT NOT NULL,
  bucket_name TEXT NOT NULL,
  path TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  revoked_at INTEGER,
  signature TEXT NOT NULL,
  PRIMARY KEY (namespace, id)
) STRICT;
`;
