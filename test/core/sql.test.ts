import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { markWritten, parameterNames, sql } from '../../src/core/sql.js';

function db() {
  const d = new Database(':memory:');
  d.exec('CREATE TABLE k (namespace TEXT NOT NULL, id TEXT NOT NULL, name TEXT NOT NULL, size INTEGER NOT NULL, PRIMARY KEY (namespace, id))');
  return d;
}

describe('core/sql: typed statements with named parameters', () => {
  it('binds by name, so the order of the properties does not matter', () => {
    const q = sql(db());
    const insert = q.statement<{ namespace: string; id: string; name: string; size: number }>('INSERT INTO k (namespace, id, name, size) VALUES (@namespace, @id, @name, @size)');
    const byId = q.statement<{ id: string; namespace: string }, { name: string; size: number }>('SELECT name, size FROM k WHERE namespace = @namespace AND id = @id');
    expect(insert.run({ size: 3, name: 'alpha', id: 'a', namespace: 'default' }).changes).toBe(1);
    expect(byId.get({ id: 'a', namespace: 'default' })).toEqual({ name: 'alpha', size: 3 });
    expect(byId.get({ id: 'a', namespace: 'other' })).toBeUndefined();
  });

  it('maps raw rows to the store objects, for get and all', () => {
    const d = db();
    d.exec("INSERT INTO k VALUES ('default', 'a', 'alpha', 1), ('default', 'b', 'beta', 2), ('other', 'c', 'gamma', 3)");
    const q = sql(d);
    const list = q.mapped<{ namespace: string }, [string, number], { id: string; size: number }>('SELECT id, size FROM k WHERE namespace = @namespace ORDER BY id', ([id, size]) => ({ id, size }));
    expect(list.all({ namespace: 'default' })).toEqual([{ id: 'a', size: 1 }, { id: 'b', size: 2 }]);
    expect(list.get({ namespace: 'other' })).toEqual({ id: 'c', size: 3 });
    expect(list.get({ namespace: 'none' })).toBeUndefined();
    expect(() => list.run({ namespace: 'default' })).toThrow(/reads rows/);
    const count = q.mapped('SELECT count(*) FROM k', ([n]: [number]) => n);
    expect(count.get({})).toBe(3);
  });

  it('refuses a call that leaves out a named parameter', () => {
    const q = sql(db());
    const byId = q.statement<{ namespace: string; id: string }, unknown>('SELECT name FROM k WHERE namespace = @namespace AND id = @id');
    expect(() => byId.get({ namespace: 'default' } as { namespace: string; id: string })).toThrow(/id/);
  });

  it('writes all of a transaction or none of it', () => {
    const d = db();
    const q = sql(d);
    const insert = q.statement<{ namespace: string; id: string; name: string; size: number }>('INSERT INTO k (namespace, id, name, size) VALUES (@namespace, @id, @name, @size)');
    expect(() => q.transaction(() => {
      insert.run({ namespace: 'default', id: 'a', name: 'alpha', size: 1 });
      insert.run({ namespace: 'default', id: 'a', name: 'again', size: 2 }); // primary key: refused
    })).toThrow(/UNIQUE/);
    expect(d.prepare('SELECT count(*) AS n FROM k').get()).toEqual({ n: 0 });
    expect(q.transaction(() => insert.run({ namespace: 'default', id: 'b', name: 'beta', size: 2 }).changes)).toBe(1);
  });

  it('finds the named parameters outside quoted text', () => {
    expect(parameterNames("SELECT * FROM k WHERE namespace = @namespace AND name <> '@literal' AND id IN (@id, @id)")).toEqual(['namespace', 'id']);
    expect(parameterNames('SELECT 1')).toEqual([]);
  });
});

describe('core/sql: remembered reads', () => {
  type Row = { id: string; name: string };
  function setup() {
    const d = db();
    d.exec("INSERT INTO k VALUES ('default', 'a', 'alpha', 1)");
    const q = sql(d);
    // The statement's own reads, counted through its mapper (it runs once per row SQLite returns).
    let reads = 0;
    const byId = q.remembered<{ namespace: string; id: string }, [string, string], Row>('SELECT id, name FROM k WHERE namespace = @namespace AND id = @id', ([id, name]) => {
      reads++;
      return { id, name };
    });
    const rename = q.statement<{ namespace: string; id: string; name: string }>('UPDATE k SET name = @name WHERE namespace = @namespace AND id = @id');
    return { d, q, byId, rename, reads: () => reads };
  }

  it('answers the same call from memory until a write, then reads again', () => {
    const { byId, rename, reads } = setup();
    expect(byId.get({ namespace: 'default', id: 'a' })).toEqual({ id: 'a', name: 'alpha' });
    expect(byId.get({ namespace: 'default', id: 'a' })).toEqual({ id: 'a', name: 'alpha' });
    expect(reads()).toBe(1);
    // Other parameters are other answers, a missing row included.
    expect(byId.get({ namespace: 'other', id: 'a' })).toBeUndefined();
    expect(byId.get({ namespace: 'other', id: 'a' })).toBeUndefined();
    rename.run({ namespace: 'default', id: 'a', name: 'renamed' });
    expect(byId.get({ namespace: 'default', id: 'a' })).toEqual({ id: 'a', name: 'renamed' });
    expect(reads()).toBe(2);
    // A write that changes no row still counts (it cannot know what it would have changed).
    rename.run({ namespace: 'default', id: 'none', name: 'x' });
    byId.get({ namespace: 'default', id: 'a' });
    expect(reads()).toBe(3);
  });

  it('forgets what a transaction read once it rolls back', () => {
    const { q, byId, rename } = setup();
    expect(() => q.transaction(() => {
      rename.run({ namespace: 'default', id: 'a', name: 'inside' });
      // Read (and remembered) inside the transaction, then rolled back.
      expect(byId.get({ namespace: 'default', id: 'a' })!.name).toBe('inside');
      throw new Error('abort');
    })).toThrow('abort');
    expect(byId.get({ namespace: 'default', id: 'a' })!.name).toBe('alpha');
  });

  it('forgets after markWritten, for writers outside sql() (resets, copies and loads)', () => {
    const { d, byId, reads } = setup();
    byId.get({ namespace: 'default', id: 'a' });
    d.prepare("UPDATE k SET name = 'behind' WHERE id = 'a'").run();
    // A write behind the helper's back is not seen until it is announced.
    expect(byId.get({ namespace: 'default', id: 'a' })!.name).toBe('alpha');
    markWritten(d);
    expect(byId.get({ namespace: 'default', id: 'a' })!.name).toBe('behind');
    expect(reads()).toBe(2);
  });
});
