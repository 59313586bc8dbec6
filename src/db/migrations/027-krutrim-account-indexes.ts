/**
 * KOS reads by account and by bucket (issue 18): an account's access keys and buckets are listed in
 * creation order (without an index that visited every key or bucket of the namespace), and a bucket's
 * used bytes are summed from an index rather than from the rows, whose size column lies after the
 * object bytes (a large object's overflow pages were read to reach it).
 */
export default `
CREATE INDEX krutrim_access_keys_account ON krutrim_access_keys (namespace, account_id, created_at);
CREATE INDEX krutrim_buckets_account ON krutrim_buckets (namespace, account_id, created_at, name);
CREATE INDEX krutrim_objects_bucket_size ON krutrim_objects (namespace, bucket_id, size_bytes);
`;
