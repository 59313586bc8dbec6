/**
 * IBM: an index behind every foreign key's child columns. Without one, deleting or checking a
 * referenced row (a reset deletes every row of a namespace, with deferred foreign keys checked at
 * commit) scans the whole child table once per parent row.
 */
export default `
CREATE INDEX ibm_memberships_user ON ibm_memberships (namespace, user_id);
CREATE INDEX ibm_credentials_project ON ibm_credentials (namespace, project_id);
CREATE INDEX ibm_storage_accounts_owner ON ibm_storage_accounts (namespace, owner_user_id);
`;
