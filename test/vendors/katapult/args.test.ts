import { describe, expect, it } from 'vitest';
import { mergeArguments, parseRackQuery } from '../../../src/vendors/katapult/args.js';

describe('Rack-style arguments', () => {
  it('parses nested and array params', () => {
    expect(parseRackQuery('organization[sub_domain]=emulator&ids[]=a&ids[]=b&page=2')).toEqual({ organization: { sub_domain: 'emulator' }, ids: ['a', 'b'], page: '2' });
  });

  it('never reaches Object.prototype through __proto__, constructor or prototype keys (found by fuzzing)', () => {
    const parsed = parseRackQuery('__proto__[polluted]=1&a[__proto__][polluted]=1&constructor[prototype][polluted]=1&__proto__=x&ok=1');
    expect(parsed).toEqual({ ok: '1' });
    expect(mergeArguments('a[b]=1', JSON.parse('{"a":{"c":2}}'))).toEqual({ a: { b: '1', c: 2 } });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
