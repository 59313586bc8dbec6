/**
 * Exoscale: the API keys of a role, by index. Deleting a role first checks that no API key uses it;
 * without this index that check reads every API key of the namespace.
 */
export default `
CREATE INDEX exoscale_api_keys_role ON exoscale_api_keys (namespace, role_id);
`;
