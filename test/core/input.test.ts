import { describe, expect, it } from 'vitest';
import { inspectInput, inspectRawQuery, JsonDepthScanner, MAX_NESTING_DEPTH } from '../../src/core/input.js';

describe('input limits', () => {
  it('the depth scanner counts brackets outside strings only, across chunk boundaries', () => {
    const scanner = new JsonDepthScanner(3);
    expect(scanner.feed(Buffer.from('{"a":"[[[[[[\\"[[[[", "b":[['))).toBe(true); // depth 3: { [ [
    expect(scanner.feed(Buffer.from(']]'))).toBe(true);
    expect(new JsonDepthScanner(3).feed(Buffer.from('[[[['))).toBe(false);
    const split = new JsonDepthScanner(2);
    expect(split.feed(Buffer.from('["\\'))).toBe(true); // an escape cut by a chunk boundary
    expect(split.feed(Buffer.from('"[[[[", ['))).toBe(true);
    expect(split.feed(Buffer.from('['))).toBe(false);
  });

  it('finds depth and lone surrogates in parsed values without recursion, naming where', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(inspectInput(deep)?.message).toMatch(/nests deeper than 100 levels/);
    expect(inspectInput({ a: [{ b: 'ok' }, { c: 'x\ud800' }] })).toEqual({ path: ['a', 1, 'c'], message: expect.stringMatching(/not well-formed Unicode/) });
    expect(inspectInput({ a: { ['\udfff']: 1 } })?.path).toEqual(['a']);
    expect(inspectInput({ emoji: '😀', nested: [[['fine']]] })).toBeUndefined();
    expect(inspectInput(Buffer.from([0xed, 0xa0, 0x80]))).toBeUndefined(); // bytes are not strings
  });

  it('refuses Rack query keys nested past the limit, raw or percent-encoded', () => {
    expect(inspectRawQuery(`properties${'[a]'.repeat(MAX_NESTING_DEPTH)}=1`)).toBeUndefined();
    expect(inspectRawQuery(`properties${'[a]'.repeat(MAX_NESTING_DEPTH + 1)}=1`)).toBeDefined();
    expect(inspectRawQuery(`x=1&p${'%5Ba%5D'.repeat(MAX_NESTING_DEPTH + 1)}=1`)).toBeDefined();
    expect(inspectRawQuery(`v=${'['.repeat(500)}`)).toBeUndefined(); // a value is no key
  });
});
