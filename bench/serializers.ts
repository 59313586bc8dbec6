import Fastify from 'fastify';
import { serializerCompiler as zodSerializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { vendorPlugin } from '../src/http/vendor-plugin.js';
import { compiledFor } from '../src/http/serializer.js';
import { buildTestApp } from '../test/helpers/build-app.js';
import { median } from './lib.js';

/**
 * `npx tsx bench/serializers.ts`: the response serialisers alone, in one process, interleaved (so a
 * busy machine weighs on both alike): fastify-type-provider-zod's (zod encode, then JSON.stringify)
 * against the one compiled from the same schema (src/http/serializer.ts), on the bodies the
 * emulator answers for the bench's read scenarios. Prints µs per response and the ratio.
 */
const CASES = [
  { name: 'Katapult get key', method: 'GET', route: '/katapult/core/v1/object_storage/access_keys/access_key', url: '/katapult/core/v1/object_storage/access_keys/access_key?access_key[id]=objkey_EMULATOR00000001', headers: { authorization: 'Bearer katapult-test-token' } },
  { name: 'IONOS list of 100 keys', method: 'GET', route: '/ionos/accesskeys', url: '/ionos/accesskeys', headers: { authorization: 'Bearer ionos-test-token' }, ionosKeys: 98 },
  { name: 'IONOS get key', method: 'GET', route: '/ionos/accesskeys/:accesskeyId', url: '/ionos/accesskeys/0b6a5a7e-8f3c-4d2a-9e1b-1c2d3e4f5a6b', headers: { authorization: 'Bearer ionos-test-token' } },
] as const;

const t = await buildTestApp({ env: { IONOS_KEY_LIMIT: '1000' } });
for (let i = 0; i < 98; i++) await t.app.inject({ method: 'POST', url: '/ionos/accesskeys', headers: { authorization: 'Bearer ionos-test-token', 'content-type': 'application/json' }, payload: { properties: { description: `bench key ${i}` } } });
// Every route's 200 schema, as Fastify hands it to the serializer compiler.
const schemas = new Map<string, unknown>();
const probe = Fastify({ logger: false });
probe.setValidatorCompiler(validatorCompiler);
probe.setSerializerCompiler(({ schema, method, url, httpStatus }: { schema: unknown; method: string; url: string; httpStatus?: string }) => {
  if (httpStatus === '200') schemas.set(`${method} ${url}`, schema);
  return JSON.stringify;
});
for (const v of t.runtime.vendors) await probe.register(vendorPlugin(v, t.runtime, v.mount), { prefix: v.mount });
await probe.ready();

for (const c of CASES) {
  const res = await t.app.inject({ method: c.method, url: c.url, headers: c.headers });
  if (res.statusCode !== 200) throw new Error(`${c.name}: ${res.statusCode} ${res.body.slice(0, 200)}`);
  const data = JSON.parse(res.body) as unknown;
  const schema = schemas.get(`${c.method} ${c.route}`);
  const zod = zodSerializerCompiler({ schema, method: c.method, url: c.route } as never) as (d: unknown) => string;
  const compiled = compiledFor(schema);
  if (!compiled) throw new Error(`${c.name}: no compiled serialiser`);
  if (zod(data) !== compiled(data)) throw new Error(`${c.name}: the two serialisers differ`);
  const n = Math.max(200, Math.round(2e6 / res.body.length));
  const time = (f: (d: unknown) => string) => {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) f(data);
    return Number(process.hrtime.bigint() - t0) / 1e3 / n;
  };
  const z: number[] = [];
  const f: number[] = [];
  for (let round = 0; round < 7; round++) {
    z.push(time(zod));
    f.push(time(compiled));
  }
  console.log(`${c.name} (${res.body.length} B): zod ${median(z).toFixed(1)} µs, compiled ${median(f).toFixed(1)} µs, ${(median(z) / median(f)).toFixed(1)}× faster`);
}
await probe.close();
await t.close();
