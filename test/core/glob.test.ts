import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileGlob } from '../../src/core/glob.js';

/** The regular expression fault-rule globs used to become: the meaning to keep, not the matcher (it backtracks). */
const reference = (glob: string) =>
  new RegExp(`^${glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*\*/g, '\u0000').replace(/\*/g, '[^/]*').replace(/\u0000/g, '.*')}$`);

describe('fault-rule path globs', () => {
  it.each([
    ['/**', '/', true], ['/**', '/a/b/c', true], ['/*', '/a', true], ['/*', '/a/b', false], ['/a/*/c', '/a/b/c', true], ['/a/*/c', '/a/b/x/c', false],
    ['/a/**/c', '/a/b/x/c', true], ['/a/**/c', '/a/c', false], ['/key*', '/keys', true], ['/key*', '/key', true], ['/k.y', '/kxy', false], ['/(a)', '/(a)', true], ['', '', true],
  ])('%s against %s is %s', (glob, path, expected) => {
    expect(compileGlob(glob).test(path)).toBe(expected);
    expect(reference(glob).test(path)).toBe(expected);
  });

  it('means what the old regular expression meant, on random globs and paths', () => {
    const alphabet = fc.constantFrom('a', 'b', '/', '*', '.', '(');
    fc.assert(
      fc.property(fc.string({ unit: alphabet, maxLength: 10 }), fc.string({ unit: fc.constantFrom('a', 'b', '/', '.', '('), maxLength: 12 }), (glob, path) => {
        expect(compileGlob(glob).test(path)).toBe(reference(glob).test(path));
      }),
      { seed: 15, numRuns: 2000 },
    );
  });

  it('matches hostile globs (many stars, then a miss) against long paths in one pass', () => {
    // As a regular expression, 20 stars then Z backtracks for minutes on a 30-character path.
    for (const glob of ['*'.repeat(20) + 'Z', '/*a'.repeat(80) + 'Z', '**a'.repeat(80) + 'Z', '*/'.repeat(120) + 'Z']) {
      for (const path of ['a'.repeat(30), 'a'.repeat(16_000), '/a'.repeat(8_000)]) expect(compileGlob(glob).test(path)).toBe(false);
    }
    expect(compileGlob('*'.repeat(20) + 'Z').test('a'.repeat(16_000) + 'Z')).toBe(true);
  });
});
