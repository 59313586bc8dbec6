/**
 * KOS: activating a session ends the previous sessions of the same access key
 * (UPDATE … WHERE namespace, account_id, access_key); without this index that scanned every
 * session of the namespace, and sessions pile up with each activation. With deactivated_at last,
 * only the still-open sessions are visited, not every ended one of the key.
 */
export default `
CREATE INDEX krutrim_sessions_key ON krutrim_sessions (namespace, account_id, access_key, deactivated_at);
`;
