/**
 * ibm tables. Every table has a namespace column and is prefixed with the vendor id.
 * References are deferred foreign keys, so a fixture section may list rows in any order and a
 * dangling reference refuses the whole fixture at commit.
 */
export default `
CREATE TABLE ibm_managers (
  namespace TEXT NOT NULL,
  username TEXT NOT NULL,
  password TEXT NOT NULL,
  key_management INTEGER NOT NULL,
  key_listing INTEGER NOT NULL,
  storage_accounts TEXT NOT NULL,
  rate_limit INTEGER NOT NULL,
  PRIMARY KEY (namespace, username)
) STRICT;

CREATE TABLE ibm_storage_accounts (
  namespace TEXT NOT NULL,
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  owner_user_id TEXT,
  PRIMARY KEY (namespace, id),
  FOREIGN KEY (namespace, owner_user_id) REFERENCES ibm_users (namespace, id) DEFERRABLE INITIALLY DEFERRED
) STRICT;

CREATE TABLE ibm_users (
  namespace TEXT NOT NULL,
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  PRIMARY KEY (namespace, id)
) STRICT;

CREATE TABLE ibm_memberships (
  namespace TEXT NOT NULL,
  project_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  PRIMARY KEY (namespace, project_id, user_id),
  FOREIGN KEY (namespace, project_id) REFERENCES ibm_storage_accounts (namespace, id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  FOREIGN KEY (namespace, user_id) REFERENCES ibm_users (namespace, id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED
) STRICT;

CREATE TABLE ibm_credentials (
  namespace TEXT NOT NULL,
  access TEXT NOT NULL,
  secret TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('Active', 'Inactive')),
  project_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  subject_ibm_id TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (namespace, access),
  FOREIGN KEY (namespace, project_id) REFERENCES ibm_storage_accounts (namespace, id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  FOREIGN KEY (namespace, user_id) REFERENCES ibm_users (namespace, id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED
) STRICT;

CREATE INDEX ibm_credentials_user ON ibm_credentials (namespace, user_id);
`;
