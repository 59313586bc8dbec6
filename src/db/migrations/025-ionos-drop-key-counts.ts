/**
 * IONOS: the per-user key counter of migration 008 goes. Its trigger made every key INSERT about a
 * quarter dearer; the store now counts a user's keys once (on the (namespace, user_id, seq) index)
 * and keeps the count in memory, moved by its own writes and dropped on resets and fixture loads.
 */
export default `
DROP TRIGGER ionos_key_counts_insert;
DROP TRIGGER ionos_key_counts_delete;
DROP TRIGGER ionos_key_counts_move;
DROP TABLE ionos_key_counts;
`;
