import { describe, expect, it } from 'vitest';
import { sameSecret } from '../../src/core/secrets.js';

describe('sameSecret', () => {
  it('is true only for identical strings, whatever the lengths', () => {
    expect(sameSecret('s3cret', 's3cret')).toBe(true);
    expect(sameSecret('s3cres', 's3cret')).toBe(false);
    expect(sameSecret('s3cre', 's3cret')).toBe(false);
    expect(sameSecret('s3crett', 's3cret')).toBe(false);
    expect(sameSecret('', '')).toBe(true);
    expect(sameSecret('é', 'e')).toBe(false);
  });
});
