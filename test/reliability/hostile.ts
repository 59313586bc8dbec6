import fc from 'fast-check';

/** Hostile values for ids, query strings, headers and bodies. */
export const HOSTILE_STRINGS = [
  '',
  ' ',
  '../../../../etc/passwd',
  '..%2f..%2f..%2fetc%2fpasswd',
  "' OR 1=1 --",
  '"; DROP TABLE namespaces; --',
  '%00',
  '\u0000',
  '__proto__',
  'constructor',
  'prototype',
  '${jndi:ldap://x}',
  '<script>alert(1)</script>',
  '😀'.repeat(50),
  'x'.repeat(10_000),
  '-1',
  '1e309',
  'NaN',
  'null',
  '[]',
  '{}',
  '%',
  '%zz',
];

const deep = (depth: number): unknown => {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { a: value };
  return value;
};

/** Bodies as raw payloads (string or bytes) with the content type they are sent with. */
export const HOSTILE_BODIES: Array<{ payload: string | Buffer; contentType: string }> = [
  { payload: '{"a":', contentType: 'application/json' },
  { payload: '', contentType: 'application/json' },
  { payload: 'null', contentType: 'application/json' },
  { payload: '[1,2,3]', contentType: 'application/json' },
  { payload: '"string"', contentType: 'application/json' },
  { payload: '{"__proto__":{"polluted":true}}', contentType: 'application/json' },
  { payload: '{"constructor":{"prototype":{"polluted":true}}}', contentType: 'application/json' },
  { payload: JSON.stringify(deep(2000)), contentType: 'application/json' },
  { payload: Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xfd, 0x22, 0x7d]), contentType: 'application/json' },
  { payload: Buffer.from([0xff, 0xfe, 0x00, 0x01]), contentType: 'application/octet-stream' },
  { payload: 'a=1&b=2', contentType: 'application/x-www-form-urlencoded' },
  { payload: '<xml/>', contentType: 'text/xml' },
  { payload: JSON.stringify({ name: 'x'.repeat(100_000) }), contentType: 'application/json' },
];

const hostileString = fc.oneof(fc.constantFrom(...HOSTILE_STRINGS), fc.string({ maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 20 }));

/** A random JSON body, biased towards the shapes vendors take (objects with nested objects). */
export const jsonBody = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.dictionary(fc.oneof(fc.constantFrom('name', 'properties', 'id', 'access_key', 'organization', 'blob', 'project_id', 'description', 'role-id', 'key_name', 'region', '__proto__'), fc.string({ maxLength: 8 })), fc.oneof(hostileString, fc.jsonValue({ maxDepth: 3 })), { maxKeys: 5 }),
);

export const queryString = fc
  .array(fc.tuple(fc.oneof(fc.constantFrom('page', 'per_page', 'limit', 'offset', 'filter.accesskeyId', 'organization[id]', 'access_key[id]', 'project_id', '__proto__[x]', 'a[b][c][d]'), fc.string({ maxLength: 10 })), hostileString), { maxLength: 4 })
  .map((pairs) => pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&'));

export const pathValue = hostileString.map((s) => encodeURIComponent(s) || 'x');
