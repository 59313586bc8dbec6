/** exoscale tables. Every table has a namespace column and is prefixed with the vendor id. */
export default `
CREATE TABLE exoscale_organizations (
  namespace TEXT NOT NULL PRIMARY KEY,
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  requests_per_minute INTEGER NOT NULL
) STRICT;

CREATE TABLE exoscale_known_operations (
  namespace TEXT NOT NULL,
  operation TEXT NOT NULL,
  tags TEXT NOT NULL,
  position INTEGER NOT NULL,
  PRIMARY KEY (namespace, operation)
) STRICT;

CREATE TABLE exoscale_access_keys (
  namespace TEXT NOT NULL,
  key TEXT NOT NULL,
  secret TEXT NOT NULL,
  name TEXT NOT NULL,
  version TEXT NOT NULL,
  tags TEXT,
  operations TEXT,
  resources TEXT,
  created_by TEXT,
  created_at INTEGER NOT NULL,
  revoke_operation_id TEXT,
  revoked_at INTEGER,
  PRIMARY KEY (namespace, key)
) STRICT;

CREATE TABLE exoscale_iam_roles (
  namespace TEXT NOT NULL,
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT,
  permissions TEXT NOT NULL,
  labels TEXT NOT NULL,
  editable INTEGER NOT NULL,
  policy TEXT NOT NULL,
  assume_role_policy TEXT,
  max_session_ttl INTEGER,
  created_at INTEGER NOT NULL,
  delete_operation_id TEXT,
  deleted_at INTEGER,
  PRIMARY KEY (namespace, id)
) STRICT;

CREATE TABLE exoscale_api_keys (
  namespace TEXT NOT NULL,
  key TEXT NOT NULL,
  secret TEXT NOT NULL,
  name TEXT NOT NULL,
  role_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  delete_operation_id TEXT,
  deleted_at INTEGER,
  PRIMARY KEY (namespace, key)
) STRICT;

CREATE TABLE exoscale_operations (
  namespace TEXT NOT NULL,
  id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  completed_at INTEGER,
  outcome TEXT NOT NULL,
  reason TEXT,
  message TEXT,
  reference_id TEXT,
  reference_link TEXT NOT NULL,
  reference_command TEXT NOT NULL,
  PRIMARY KEY (namespace, id)
) STRICT;
`;
