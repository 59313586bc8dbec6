/** KOS over S3: objects keep their `x-amz-meta-*` metadata (JSON). */
export default `
ALTER TABLE krutrim_objects ADD COLUMN metadata TEXT NOT NULL DEFAULT '{}';
`;
