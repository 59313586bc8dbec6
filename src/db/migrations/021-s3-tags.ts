/**
 * S3 object tagging and upload listing (DESIGN.md §6). Tags live beside each vendor's objects in
 * `<vendor>_s3_tags`, with the ETag and Last-Modified of the object they were set on: an object
 * rewritten elsewhere (a vendor API, a fixture) no longer matches, so it shows no stale tags.
 * Multipart uploads keep their `x-amz-tagging` until completed, and are listed by bucket and key.
 */
const all = ['katapult', 'ionos', 'exoscale', 'ibm', 'krutrim'];

export default all.map((v) => `
CREATE TABLE ${v}_s3_tags (
  namespace TEXT NOT NULL,
  bucket TEXT NOT NULL,
  key TEXT NOT NULL,
  etag TEXT NOT NULL,
  last_modified INTEGER NOT NULL,
  tags TEXT NOT NULL,
  PRIMARY KEY (namespace, bucket, key)
) STRICT;
ALTER TABLE ${v}_s3_uploads ADD COLUMN tags TEXT NOT NULL DEFAULT '{}';
CREATE INDEX ${v}_s3_uploads_bucket ON ${v}_s3_uploads (namespace, bucket, key, upload_id);`).join('\n');
