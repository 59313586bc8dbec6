/** Namespaces: every row of vendor state belongs to one (DESIGN.md §1). */
export default `
CREATE TABLE namespaces (
  name TEXT PRIMARY KEY,
  created_at INTEGER NOT NULL
) STRICT;
`;
