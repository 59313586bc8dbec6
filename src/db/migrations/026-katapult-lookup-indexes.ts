/**
 * Katapult: the lookups a request makes find their rows by index instead of walking the namespace's
 * rows. Every read sweeps the trash for what is due (purge requested, or kept past keep_until); a
 * trash object is also found by the object it holds; presigned URLs are found by signature (the S3
 * plane) and removed by bucket (bucket delete, purge).
 */
export default `
CREATE INDEX katapult_trash_objects_keep_until ON katapult_trash_objects (namespace, keep_until);
CREATE INDEX katapult_trash_objects_purging ON katapult_trash_objects (namespace, purge_requested_at) WHERE purge_requested_at IS NOT NULL;
CREATE INDEX katapult_trash_objects_object ON katapult_trash_objects (namespace, object_id);
CREATE INDEX katapult_presigned_urls_signature ON katapult_presigned_urls (namespace, signature);
CREATE INDEX katapult_presigned_urls_bucket ON katapult_presigned_urls (namespace, bucket_name);
`;
