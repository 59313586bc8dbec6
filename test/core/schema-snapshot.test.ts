import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/core/package-info.js';
import { MIGRATIONS } from '../../src/db/migrations/index.js';
import { openDatabase } from '../../src/db/open.js';
import { SCHEMA_COMMAND, SCHEMA_FILE, schemaSnapshot } from '../../src/db/schema.js';

const committed = () => readFileSync(join(PACKAGE_ROOT, SCHEMA_FILE), 'utf8');

describe(`${SCHEMA_FILE}, the schema snapshot`, () => {
  it('is what the migrations add up to', () => {
    expect(committed(), `${SCHEMA_FILE} is stale: the migrations (${MIGRATIONS.length}) changed the schema. Run \`${SCHEMA_COMMAND}\` and commit the file`).toBe(schemaSnapshot());
  });

  it('shows every table, index and trigger of a migrated database, and builds the same schema when run', () => {
    const migrated = openDatabase(':memory:');
    const objects = (db: Database.Database) =>
      db.prepare("SELECT type, name FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY type, name").all() as Array<{ type: string; name: string }>;
    const expected = objects(migrated);
    migrated.close();
    expect(expected.length).toBeGreaterThan(30);
    const text = schemaSnapshot();
    for (const { type, name } of expected) expect(text, `${type} ${name}`).toMatch(new RegExp(`^CREATE (UNIQUE )?${type.toUpperCase()} ${name} `, 'm'));
    // Executing the snapshot gives a database whose snapshot is the snapshot: it is complete and valid SQL.
    const rebuilt = new Database(':memory:');
    rebuilt.exec(text);
    expect(objects(rebuilt)).toEqual(expected);
    expect(schemaSnapshot(rebuilt)).toBe(text);
    rebuilt.close();
  });

  it('does not depend on how a migration is written: columns added by ALTER TABLE read like the others', () => {
    const text = schemaSnapshot();
    expect(text).not.toMatch(/--(?! The schema| Generated)/);
    // krutrim_sessions comes from migrations 006 and 011 (token_digest), yet is one block, one column a line.
    const sessions = /CREATE TABLE krutrim_sessions \(\n([\s\S]*?)\n\) STRICT;/.exec(text)![1]!.split('\n');
    expect(sessions).toContain('  token_digest TEXT,');
    expect(sessions.filter((line) => !line.startsWith('  ') || /,\s*\w+ (TEXT|INTEGER|BLOB)\b/.test(line))).toEqual([]);
  });
});
