import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { parameterNames, sql } from '../../src/core/sql.js';

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
