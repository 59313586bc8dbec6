/**
 * Katapult over S3: objects get their bytes and S3 metadata (fixture objects keep NULL bytes and
 * read as `size` zero bytes), and an access key keeps its latest S3 secret, which SigV4 needs to
 * verify a signature (a hash cannot). The secret is hidden from the state dump like the hash.
 * The bytes come last (a column after a BLOB makes every listing walk its overflow pages).
 */
export default `
ALTER TABLE katapult_objects ADD COLUMN etag TEXT;
ALTER TABLE katapult_objects ADD COLUMN content_type TEXT;
ALTER TABLE katapult_objects ADD COLUMN last_modified INTEGER;
ALTER TABLE katapult_objects ADD COLUMN metadata TEXT;
ALTER TABLE katapult_objects ADD COLUMN body BLOB;
ALTER TABLE katapult_access_keys ADD COLUMN s3_secret TEXT;
CREATE INDEX katapult_access_keys_s3_id ON katapult_access_keys (namespace, s3_access_key_id);
`;
