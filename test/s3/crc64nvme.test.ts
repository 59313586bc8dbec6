import { describe, expect, it } from 'vitest';
import { Crc64Nvme, crc64nvme } from '../../src/s3/crc64nvme.js';

/**
 * CRC-64/NVME against published vectors: the CRC catalogue's check value ("123456789"), AWS's
 * aws-c-checksums (32 zero bytes) and aws-c-s3 ("aaaaaaaaaa", its NIST-style test case 1), and the
 * NVM Command Set Specification's 4 KiB buffers of zeros and of 0xFF (as SPDK's tests quote them).
 */
const VECTORS: Array<[string, Buffer, string]> = [
  ['catalogue check "123456789"', Buffer.from('123456789'), 'ae8b14860a799888'],
  ['aws-c-checksums: 32 zero bytes', Buffer.alloc(32), 'cf3473434d4ecf3b'],
  ['aws-c-s3: "aaaaaaaaaa"', Buffer.from('aaaaaaaaaa'), '0c1a80036d65c555'],
  ['NVMe spec: 4096 zero bytes', Buffer.alloc(4096), '6482d367eb22b64e'],
  ['NVMe spec: 4096 bytes of 0xFF', Buffer.alloc(4096, 0xff), 'c0ddba7302eca3ac'],
  ['empty input', Buffer.alloc(0), '0000000000000000'],
];

describe('CRC-64/NVME', () => {
  it.each(VECTORS)('%s', (_name, data, hex) => {
    expect(crc64nvme(data).toString('hex')).toBe(hex);
  });

  it('is the same fed in pieces as in one go, and S3 sends it base64', () => {
    const data = Buffer.from('hello world!');
    const pieces = new Crc64Nvme().update(data.subarray(0, 6)).update(data.subarray(6)).digest();
    expect(pieces.toString('hex')).toBe('d9160d1fa8e418e3');
    expect(crc64nvme(data).equals(pieces)).toBe(true);
    expect(crc64nvme(Buffer.from('123456789')).toString('base64')).toBe('rosUhgp5mIg=');
  });
});
