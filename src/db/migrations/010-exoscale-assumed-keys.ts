/**
 * Exoscale assume-iam-role: the key/secret it returns is an API key row that expires. `expires_at`
 * (emulator-clock ms) is set only on such keys; `assumed_by` is the key that assumed the role.
 * Numbered 010 because branch perf adds 007–009: when both are merged, this one comes after them.
 */
export default `
ALTER TABLE exoscale_api_keys ADD COLUMN expires_at INTEGER;
ALTER TABLE exoscale_api_keys ADD COLUMN assumed_by TEXT;
`;
