import { afterEach, describe, expect, it } from 'vitest';
import { serializerCompiler as zodSerializerCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { checkResponsesAgainstZod, compiledFor, responseSerializerCompiler } from '../../src/http/serializer.js';
import { buildTestApp } from '../helpers/build-app.js';

const zodBytes = (schema: z.ZodType, data: unknown) => (zodSerializerCompiler({ schema, method: 'GET', url: '/t' } as never) as (d: unknown) => string)(data);
const served = (schema: z.ZodType, data: unknown) => responseSerializerCompiler({ schema, method: 'GET', url: '/t' })(data);

describe('compiled response serialisers', () => {
  afterEach(() => checkResponsesAgainstZod(true)); // the suite's setting (test/helpers/response-checks.ts)

  it('write what zod writes: schema field order, nulls, absent optionals, undeclared keys left out, records', () => {
    checkResponsesAgainstZod(false);
    const schema = z.object({
      id: z.string(),
      label: z.string().optional(), // optional between required fields: written in the shape's place
      count: z.number().int(),
      ratio: z.number(),
      active: z.boolean(),
      kind: z.enum(['a', 'b']),
      type: z.literal('collection'),
      description: z.string().nullable(),
      owner: z.object({ name: z.string() }).nullable(),
      note: z.string().optional(),
      tags: z.array(z.object({ key: z.string(), value: z.string().nullable() })),
      metadata: z.record(z.string(), z.unknown()),
    });
    const data = {
      tags: [{ value: null, key: 'k', extra: 1 }],
      metadata: { b: 1, a: { nested: [1, 'x', null] } },
      secret: 'must not appear',
      owner: null,
      note: undefined,
      description: null,
      type: 'collection',
      kind: 'b',
      active: false,
      ratio: 0.25,
      count: 3,
      label: 'x',
      id: 'quote " backslash \\ newline \n unicode \u2028 emoji \u{1F600} lone \ud800',
    };
    expect(compiledFor(schema)).toBeDefined();
    const bytes = served(schema, data);
    expect(bytes).toBe(zodBytes(schema, data));
    expect(Object.keys(JSON.parse(bytes))).toEqual(['id', 'label', 'count', 'ratio', 'active', 'kind', 'type', 'description', 'owner', 'tags', 'metadata']);
    expect(bytes).not.toContain('secret');
  });

  it('keep zod for what fast-json-stringify would write differently: unions, codecs, dates, enum-keyed records', () => {
    checkResponsesAgainstZod(false);
    const cases: Array<[z.ZodType, unknown]> = [
      [z.union([z.object({ a: z.string() }), z.object({ b: z.number() })]), { b: 1, a: 'x' }],
      [z.object({ n: z.codec(z.string(), z.number(), { decode: Number, encode: String }) }), { n: 5 }],
      [z.object({ when: z.date() }), { when: new Date(0) }],
      [z.record(z.enum(['x', 'y']), z.number()), { y: 2, x: 1 }],
      [z.looseObject({ a: z.string() }), { b: 1, a: 'x' }],
    ];
    for (const [schema, data] of cases) {
      expect(compiledFor(schema)).toBeUndefined();
      expect(served(schema, data)).toBe(zodBytes(schema, data));
    }
  });

  it('under the suite, a response off its schema still fails as it did with zod alone', () => {
    const schema = z.object({ id: z.string() });
    expect(() => served(schema, { id: 42 })).toThrow(/doesn't match the schema/);
  });

  it('the app answers the same bytes with and without the checks (IONOS list, Katapult key, an error)', async () => {
    const requests = [
      { method: 'GET' as const, url: '/ionos/accesskeys', headers: { authorization: 'Bearer ionos-test-token' } },
      { method: 'GET' as const, url: '/katapult/core/v1/object_storage/access_keys/access_key?access_key[id]=objkey_EMULATOR00000001', headers: { authorization: 'Bearer katapult-test-token' } },
      { method: 'GET' as const, url: '/katapult/core/v1/object_storage/access_keys/access_key?access_key[id]=objkey_NONE', headers: { authorization: 'Bearer katapult-test-token' } },
    ];
    const answers = async () => {
      const t = await buildTestApp();
      try {
        const out = [];
        for (const r of requests) {
          const res = await t.app.inject(r);
          out.push({ status: res.statusCode, body: res.body });
        }
        return out;
      } finally {
        await t.close();
      }
    };
    const checkedAnswers = await answers();
    checkResponsesAgainstZod(false);
    const compiledAnswers = await answers();
    expect(checkedAnswers.map((a) => a.status)).toEqual([200, 200, 404]);
    expect(compiledAnswers).toEqual(checkedAnswers);
  });
});
