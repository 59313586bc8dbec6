import type { Database } from 'better-sqlite3';
import { z } from 'zod';
import { openDatabase } from '../../src/db/open.js';
import { ErrorCatalogue } from '../../src/core/errors.js';
import type { VendorDefinition } from '../../src/core/vendor.js';

/**
 * A tiny vendor for testing the shared mechanics without any real vendor: items with a secret,
 * a `toy.item.ready` transition, a bearer token with a rate limit, errors as {"fault":{code,status}}.
 */
export function toyDatabase(): Database {
  const db = openDatabase(':memory:');
  db.exec(`CREATE TABLE toy_items (namespace TEXT NOT NULL, id TEXT NOT NULL, name TEXT NOT NULL, secret TEXT NOT NULL, created_at INTEGER NOT NULL, PRIMARY KEY (namespace, id)) STRICT`);
  db.exec(`CREATE TABLE toy_tokens (namespace TEXT NOT NULL, token TEXT NOT NULL, rate_limit INTEGER NOT NULL, PRIMARY KEY (namespace, token)) STRICT`);
  return db;
}

const catalogue = new ErrorCatalogue(
  {
    bad_request: { status: 400, message: 'Bad request' },
    unauthorized: { status: 401, message: 'No token' },
    not_found: { status: 404, message: 'Not found' },
    too_large: { status: 413, message: 'Too large' },
    slow_down: { status: 429, message: 'Slow down' },
    broken: { status: 500, message: 'Broken' },
    unavailable: { status: 503, message: 'Unavailable' },
  },
  { 400: 'bad_request', 404: 'not_found', 413: 'too_large', 500: 'broken', 503: 'unavailable' },
);

const fixture = z.object({ tokens: z.array(z.object({ token: z.string(), limit: z.number().int().positive() })).default([]), items: z.array(z.object({ id: z.string(), name: z.string(), secret: z.string() })).default([]) }).strict();

export const toyVendor: VendorDefinition<z.output<typeof fixture>> = {
  id: 'toy',
  mount: '/toy/v1',
  title: 'Toy',
  upstream: 'https://toy.example',
  tables: [{ name: 'toy_items', hiddenColumns: ['secret'] }, { name: 'toy_tokens', hiddenColumns: ['token'] }],
  transitions: [{ name: 'toy.item.ready', description: 'item becomes ready', default: { kind: 'delay', ms: 5000 } }],
  fixture: {
    schema: fixture,
    seed: (ctx, namespace, data) => {
      const insert = ctx.db.prepare('INSERT INTO toy_items (namespace, id, name, secret, created_at) VALUES (?, ?, ?, ?, ?)');
      for (const item of data.items) insert.run(namespace, item.id, item.name, item.secret, ctx.clock.now());
      const insertToken = ctx.db.prepare('INSERT INTO toy_tokens (namespace, token, rate_limit) VALUES (?, ?, ?)');
      for (const t of data.tokens) insertToken.run(namespace, t.token, t.limit);
      return { items: data.items.length };
    },
  },
  errors: {
    fromFault: (v) => catalogue.fromFault(v),
    fromProblem: (p) => (p.kind === 'route_not_found' ? catalogue.error('not_found', { detail: { path: p.path } }) : p.kind === 'body_too_large' ? catalogue.error('too_large') : p.kind === 'internal' ? catalogue.error('broken') : p.kind === 'unavailable' ? catalogue.error('unavailable', { message: p.message }) : catalogue.error('bad_request', { detail: { kind: p.kind, issues: p.issues }, message: p.message })),
    render: (err) => ({ body: { fault: { code: err.code, status: err.status, message: err.message, ...(err.detail ? { detail: err.detail } : {}) } }, headers: { 'x-toy-error': err.code } }),
  },
  routes: (app, ctx) => {
    app.addHook('preHandler', async (request, reply) => {
      const token = request.headers.authorization?.replace(/^Bearer /, '');
      const known = ctx.db.prepare<[string, string], { token: string; limit: number }>('SELECT token, rate_limit AS "limit" FROM toy_tokens WHERE namespace = ? AND token = ?').get(request.emulator.namespace, token ?? '');
      if (!known) throw catalogue.error('unauthorized');
      const decision = ctx.rateLimiter.consume({ namespace: request.emulator.namespace, vendor: 'toy', credential: known.token, limit: known.limit, now: ctx.clock.now() });
      reply.header('x-remaining', String(decision.remaining));
      if (!decision.allowed) throw catalogue.error('slow_down', { headers: { 'retry-after': String(decision.retryAfterSeconds) } });
    });
    app.get('/items/:id', { schema: { operationId: 'getItem', params: z.object({ id: z.string() }) } }, async (request) => {
      const { id } = request.params as { id: string };
      const row = ctx.db.prepare('SELECT * FROM toy_items WHERE namespace = ? AND id = ?').get(request.emulator.namespace, id) as { id: string; name: string; created_at: number } | undefined;
      if (!row) throw catalogue.error('not_found');
      const ready = ctx.transitions.reached(request.emulator.namespace, 'toy.item.ready', row.id, row.created_at, ctx.clock.now());
      return { id: row.id, name: row.name, state: ready ? 'ready' : 'pending', outcome: request.emulator.outcome ?? null };
    });
    app.post('/items', { schema: { operationId: 'createItem', body: z.object({ name: z.string().min(1) }).strict() } }, async (request, reply) => {
      const { name } = request.body as { name: string };
      const id = `item_${ctx.ids.alphanumeric(8)}`;
      const secret = ctx.ids.alphanumeric(20);
      ctx.db.prepare('INSERT INTO toy_items (namespace, id, name, secret, created_at) VALUES (?, ?, ?, ?, ?)').run(request.emulator.namespace, id, name, secret, ctx.clock.now());
      return reply.code(201).send({ id, name, secret });
    });
    app.get('/explode', async () => {
      throw new Error('boom');
    });
  },
};


export const TOY_FIXTURE = { toy: { tokens: [{ token: 'toy-token', limit: 5 }], items: [{ id: 'item_seeded', name: 'seeded', secret: 'seeded-secret-value' }] } };
