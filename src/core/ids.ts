import { randomBytes, randomUUID } from 'node:crypto';
import { customRandom } from 'nanoid';

/**
 * The source of every id and secret. Production uses crypto randomness; a seed (config `ID_SEED`)
 * makes every id deterministic, like moto's seeded random, so golden tests can compare verbatim.
 */
export interface IdSource {
  /** `size` characters drawn from `alphabet`. */
  fromAlphabet(alphabet: string, size: number): string;
  /** Lowercase hexadecimal. */
  hex(size: number): string;
  /** [A-Za-z0-9]. */
  alphanumeric(size: number): string;
  uuid(): string;
  bytes(size: number): Buffer;
  /** A float in [0, 1), for probabilities. */
  random(): number;
}

export const ALPHABETS = {
  hex: '0123456789abcdef',
  alphanumeric: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
  upperAlphanumeric: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
  lowerAlphanumeric: 'abcdefghijklmnopqrstuvwxyz0123456789',
  base64url: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_',
} as const;

/** sfc32, seeded through a string hash: small, fast and good enough for ids. */
function seededBytes(seed: string): (size: number) => Buffer {
  let h = 1779033703 ^ seed.length;
  for (let i = 0; i < seed.length; i++) {
    h = Math.imul(h ^ seed.charCodeAt(i), 3432918353);
    h = (h << 13) | (h >>> 19);
  }
  let a = h >>> 0, b = (h ^ 0x9e3779b9) >>> 0, c = (h ^ 0x85ebca6b) >>> 0, d = (h ^ 0xc2b2ae35) >>> 0;
  const next = (): number => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    const t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    const r = (t + d) | 0;
    c = (c + r) | 0;
    return r >>> 0;
  };
  for (let i = 0; i < 12; i++) next();
  return (size) => {
    const out = Buffer.allocUnsafe(size);
    for (let i = 0; i < size; i++) out[i] = next() & 0xff;
    return out;
  };
}

const POOL_SIZE = 16 * 1024;

/**
 * Crypto random bytes handed out from a 16 KiB pool: one randomBytes call per pool instead of one
 * per id. An exhausted pool is replaced, never refilled, so every slice handed out stays as it was.
 */
function pooledRandomBytes(): (size: number) => Buffer {
  let pool = randomBytes(POOL_SIZE);
  let offset = 0;
  return (size) => {
    if (size > POOL_SIZE / 4) return randomBytes(size);
    if (offset + size > POOL_SIZE) {
      pool = randomBytes(POOL_SIZE);
      offset = 0;
    }
    const out = pool.subarray(offset, offset + size);
    offset += size;
    return out;
  };
}

export function createIdSource(seed?: string): IdSource {
  const bytes = seed === undefined ? pooledRandomBytes() : seededBytes(seed);
  const generators = new Map<string, () => string>();
  const fromAlphabet = (alphabet: string, size: number): string => {
    const key = `${size}:${alphabet}`;
    let generate = generators.get(key);
    if (!generate) {
      generate = customRandom(alphabet, size, bytes);
      generators.set(key, generate);
    }
    return generate();
  };
  return {
    fromAlphabet,
    hex: (size) => fromAlphabet(ALPHABETS.hex, size),
    alphanumeric: (size) => fromAlphabet(ALPHABETS.alphanumeric, size),
    uuid: () => {
      if (seed === undefined) return randomUUID();
      const b = bytes(16);
      b[6] = (b[6]! & 0x0f) | 0x40;
      b[8] = (b[8]! & 0x3f) | 0x80;
      const h = b.toString('hex');
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
    },
    bytes,
    random: () => bytes(4).readUInt32BE(0) / 0x1_0000_0000,
  };
}
