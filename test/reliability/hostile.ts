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

/**
 * A string as a header value arrives over HTTP/1.1: Node decodes header bytes as latin1, so UTF-8
 * text (and invalid UTF-8) reaches the emulator as one character per byte.
 */
export const onTheWire = (s: string) => Buffer.from(s, 'utf8').toString('latin1');

/**
 * What HTTP allows in a field value (VCHAR, SP, HTAB, obs-text 0x80–0xFF): Node's parser refuses
 * any other control character before the emulator sees the request.
 */
export const isHeaderSafe = (s: string) => /^[\t\x20-\x7e\x80-\xff]*$/.test(s);

/**
 * Hostile header values: huge, tabs, invalid UTF-8 and latin1 bytes, prototype keys, SQL
 * metacharacters, path traversal, numbers where strings are expected and strings where numbers are.
 */
export const HOSTILE_HEADER_VALUES: string[] = [
  ...new Set([
    ...HOSTILE_STRINGS.map(onTheWire).filter(isHeaderSafe).filter((s) => s.length <= 8000),
    'x'.repeat(8000), // Node's default maxHeaderSize is 16 KiB for the whole header block
    '\t',
    'a\tb',
    '\xff\xfe\xfd', // bytes that are no UTF-8
    '\xc3\x28', // a truncated UTF-8 sequence
    onTheWire('é'),
    'é', // latin1 é as one byte (0xe9)
    'toString',
    'hasOwnProperty',
    'valueOf',
    '__defineGetter__',
    "default'; --",
    '1; SELECT * FROM namespaces',
    '/ns/other',
    'default/../other',
    '..',
    '0',
    '1.5',
    'Infinity',
    '-Infinity',
    '9007199254740993',
    '1e21',
    '0x10',
    'true',
    '{"a":1}',
    'a, b',
  ]),
];

/** Near-misses of valid values, per header (each also gets HOSTILE_HEADER_VALUES). */
export const HEADER_NEAR_MISSES: Record<string, string[]> = {
  'x-emulator-namespace': ['default', 'DEFAULT', 'default ', 'a'.repeat(64), 'a'.repeat(65), '-x', '.x', 'x.y-z_1', 'ns%2Fother', 'ns/other'],
  'x-emulator-fault': ['503', ' 503', '503.0', '5e2', '0503', '200', '204', '302', '399', '600', '999', '0', '-1', '400 ', 'SERVICE_UNAVAILABLE', 'service_unavailable', 'not_found', 'NOT_FOUND', 'toString', 'constructor'],
  // Values whose number is over a few ms are not fuzzed (they would sleep: fuzz.test.ts checks them apart).
  'x-emulator-delay': ['0', '1', '-1', '-1e12', '1e-9', '2.5', '0x5', '0b11', '0o7', '5ms', '1s', ' 3 ', '+4', '1_000', '١٠'],
  'content-type': ['application/json; charset=latin1', 'application/json; charset=\xff', 'application/json; charset=utf-16', 'APPLICATION/JSON', 'application/jsonx', 'application/json;;;', 'application/json; a="b', `application/json; x=${'y'.repeat(4000)}`, 'multipart/form-data; boundary=x', 'text/plain', 'application/x-www-form-urlencoded', 'application/octet-stream', '*/*', '/', ';', 'json', 'application/', 'application/json\t'],
  accept: ['application/xml', 'text/html', '*/*', 'application/json;q=0', 'text/event-stream', '*/*;q=abc', ',,,'],
  'x-emulator-token': ['token', 'Bearer x', 'x'.repeat(2000)],
  'x-region-id': ['In-Bangalore-1', 'in-bangalore-1', 'In-Bangalore-1 ', 'In-Bangalore-2', 'In-Bangalore-1\t', 'In-Bangalore-1, In-Bangalore-1'],
  'x-tier': ['standard', 'Standard', 'premium', 'archive', '0', '-1'],
  'x-account-id': ['1000000001', '1000000002', '01000000001', '1000000001.0', '1e9', '+1000000001', '1000000001 '],
  'x-session-token': ['Bearer x', 'x'.repeat(2000)],
};
