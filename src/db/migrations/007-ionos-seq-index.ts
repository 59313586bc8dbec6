/**
 * IONOS: the next key's `seq` is `max(seq) + 1` within a namespace; without this index that was a
 * scan of every key of the namespace on each create.
 */
export default `
CREATE INDEX ionos_accesskeys_seq ON ionos_accesskeys (namespace, seq);
`;
