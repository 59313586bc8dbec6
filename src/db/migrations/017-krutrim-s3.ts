/**
 * KOS over S3: objects keep their `x-amz-meta-*` metadata (JSON). The index answers the namespace's
 * byte count (S3_MAX_NAMESPACE_BYTES) without reading the rows, whose sizes follow their bytes.
 */
export default `
ALTER TABLE krutrim_objects ADD COLUMN metadata TEXT NOT NULL DEFAULT '{}';
CREATE INDEX krutrim_objects_size ON krutrim_objects (namespace, size_bytes);
`;
