/**
 * S3 data plane (DESIGN.md §6). IONOS, Exoscale and IBM have no bucket API of their own: their S3
 * buckets and objects live in `<vendor>_s3_buckets` / `<vendor>_s3_objects`. Every vendor keeps its
 * multipart uploads in `<vendor>_s3_uploads` / `<vendor>_s3_parts` (a vendor's reset wipes them).
 * Bytes are the last column: SQLite reads a row's columns in order, so a column after a BLOB would
 * make every listing and size sum walk the BLOB's overflow pages.
 */
const generic = ['ionos', 'exoscale', 'ibm'];
const all = ['katapult', 'ionos', 'exoscale', 'ibm', 'krutrim'];

export default [
  ...generic.map((v) => `
CREATE TABLE ${v}_s3_buckets (
  namespace TEXT NOT NULL,
  name TEXT NOT NULL,
  owner_id TEXT NOT NULL,
  region TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (namespace, name)
) STRICT;
CREATE TABLE ${v}_s3_objects (
  namespace TEXT NOT NULL,
  bucket TEXT NOT NULL,
  key TEXT NOT NULL,
  size INTEGER NOT NULL,
  etag TEXT NOT NULL,
  content_type TEXT NOT NULL,
  last_modified INTEGER NOT NULL,
  metadata TEXT NOT NULL DEFAULT '{}',
  body BLOB NOT NULL,
  PRIMARY KEY (namespace, bucket, key)
) STRICT;`),
  ...all.map((v) => `
CREATE TABLE ${v}_s3_uploads (
  namespace TEXT NOT NULL,
  upload_id TEXT NOT NULL,
  bucket TEXT NOT NULL,
  key TEXT NOT NULL,
  content_type TEXT NOT NULL,
  metadata TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (namespace, upload_id)
) STRICT;
CREATE TABLE ${v}_s3_parts (
  namespace TEXT NOT NULL,
  upload_id TEXT NOT NULL,
  part_number INTEGER NOT NULL,
  size INTEGER NOT NULL,
  etag TEXT NOT NULL,
  last_modified INTEGER NOT NULL,
  body BLOB NOT NULL,
  PRIMARY KEY (namespace, upload_id, part_number)
) STRICT;`),
].join('\n');
