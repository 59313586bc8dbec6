import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { registerSecretDigest, sameSecret, secretDigest } from '../../src/core/secrets.js';

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

describe('secretDigest', () => {
  it('is the SHA-256 of the UTF-8 bytes as 64 lower-case hex digits, deterministic', () => {
    expect(secretDigest('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(secretDigest('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(secretDigest('katapult-test-token')).toBe(secretDigest('katapult-test-token'));
    expect(secretDigest('é')).toBe(createHash('sha256').update(Buffer.from('é', 'utf8')).digest('hex'));
    expect(secretDigest('token-a')).not.toBe(secretDigest('token-b'));
    expect(secretDigest('x'.repeat(10_000))).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is also secret_digest() in SQL once registered, with NULL for NULL', () => {
    const db = new Database(':memory:');
    registerSecretDigest(db);
    expect(db.prepare("SELECT secret_digest('abc') AS d, secret_digest(NULL) AS n, secret_digest('é') AS e").get()).toEqual({
      d: secretDigest('abc'), n: null, e: secretDigest('é'),
    });
    db.close();
  });
});
