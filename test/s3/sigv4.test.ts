import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readBody } from '../../src/s3/body.js';
import { canonicalQuery, parseSignature, signingKey, uriEncode, verifySignature, type RequestParts } from '../../src/s3/sigv4.js';

/**
 * Signature V4 streaming (STREAMING-AWS4-HMAC-SHA256-PAYLOAD), checked against the worked example
 * in Amazon's documentation ("Signature Calculations for the Authorization Header: Transferring
 * Payload in Multiple Chunks"): 66,560 bytes of "a" in a 65,536-byte and a 1,024-byte chunk. The AWS
 * SDK for JavaScript sends unsigned chunks with a trailer (covered with the real SDK elsewhere);
 * signed chunks come from other clients, so the published numbers are the reference here.
 */
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const SEED = '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9';
const CHUNKS = [
  { size: 65536, signature: 'ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648' },
  { size: 1024, signature: '0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497' },
  { size: 0, signature: 'b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9' },
];

const request: RequestParts = {
  method: 'PUT',
  rawPath: '/examplebucket/chunkObject.txt',
  rawQuery: '',
  headers: {
    host: 's3.amazonaws.com',
    'x-amz-date': '20130524T000000Z',
    'x-amz-storage-class': 'REDUCED_REDUNDANCY',
    authorization: `AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class,Signature=${SEED}`,
    'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
    'content-encoding': 'aws-chunked',
    'x-amz-decoded-content-length': '66560',
    'content-length': '66824',
  },
};

function encoded(chunks: Array<{ size: number; signature: string }>): Buffer {
  return Buffer.concat(chunks.map((c) => Buffer.concat([Buffer.from(`${c.size.toString(16)};chunk-signature=${c.signature}\r\n`), Buffer.alloc(c.size, 'a'), Buffer.from('\r\n')])));
}

describe('SigV4 streaming, Amazon\'s worked example', () => {
  const signed = parseSignature(request, new URLSearchParams())!;

  it('the seed signature verifies with the secret, not without it', () => {
    expect(encoded(CHUNKS).length).toBe(66824);
    expect(verifySignature(request, signed, SECRET)).toBeInstanceOf(Buffer);
    expect(verifySignature(request, signed, 'another secret')).toBeUndefined();
  });

  it('every chunk signature verifies and the body decodes', async () => {
    const key = verifySignature(request, signed, SECRET)!;
    const body = encoded(CHUNKS);
    // Delivered in odd-sized pieces, as a socket would.
    const pieces = [body.subarray(0, 7), body.subarray(7, 70_000), body.subarray(70_000)];
    const read = await readBody(Readable.from(pieces), { length: 66560, encoding: { kind: 'chunked', signing: { key, signed }, trailer: false }, checksums: [], contentMd5: undefined });
    expect(read.body.equals(Buffer.alloc(66560, 'a'))).toBe(true);
  });

  it('a changed byte or a changed chunk signature is SignatureDoesNotMatch', async () => {
    const key = verifySignature(request, signed, SECRET)!;
    const body = encoded(CHUNKS);
    body[100] = 'b'.charCodeAt(0);
    const plan = { length: 66560, encoding: { kind: 'chunked' as const, signing: { key, signed }, trailer: false }, checksums: [], contentMd5: undefined };
    await expect(readBody(Readable.from([body]), plan)).rejects.toMatchObject({ code: 'SignatureDoesNotMatch', status: 403 });
    const wrongFinal = encoded([CHUNKS[0]!, CHUNKS[1]!, { size: 0, signature: '0'.repeat(64) }]);
    await expect(readBody(Readable.from([wrongFinal]), plan)).rejects.toMatchObject({ code: 'SignatureDoesNotMatch' });
  });

  it('an unsigned aws-chunked body with a wrong trailing checksum is BadDigest; a short body is IncompleteBody', async () => {
    const body = Buffer.from('5\r\nhello\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n');
    const plan = { length: 5, encoding: { kind: 'chunked' as const, signing: undefined, trailer: true }, checksums: [{ algorithm: 'crc32' as const, expected: undefined }], contentMd5: undefined };
    await expect(readBody(Readable.from([body]), plan)).rejects.toMatchObject({ code: 'BadDigest', status: 400 });
    const good = Buffer.from('5\r\nhello\r\n0\r\nx-amz-checksum-crc32:NhCmhg==\r\n\r\n');
    expect((await readBody(Readable.from([good]), plan)).checksums).toEqual({ crc32: 'NhCmhg==' });
    await expect(readBody(Readable.from([Buffer.from('hel')]), { length: 5, encoding: { kind: 'plain', payloadHash: undefined }, checksums: [], contentMd5: undefined })).rejects.toMatchObject({ code: 'IncompleteBody' });
  });
});

describe('SigV4 encoding', () => {
  // RFC 3986 as SigV4 defines it, byte by byte: the reference the fast path must equal.
  const reference = (text: string, keepSlash: boolean) => [...Buffer.from(text, 'utf8')]
    .map((b) => (/[A-Za-z0-9\-_.~]/.test(String.fromCharCode(b)) || (keepSlash && b === 0x2f) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');

  it('uriEncode equals the byte-wise definition, sub-delimiters, slashes, non-ASCII and lone surrogates included', () => {
    for (const text of ['', 'plain-Key_1.txt~', "a!b'c(d)e*f", 'a b+c=d&e', 'dir/sub/file', 'ünïcødé/日本語', '\u{1F600}', 'lone\uD800surrogate', '%41', 'x?y#z']) {
      for (const keepSlash of [false, true]) expect(uriEncode(text, keepSlash)).toBe(reference(text, keepSlash));
    }
  });

  it('the canonical query sorts by encoded name and value, treats + as a space and leaves out the signature', () => {
    expect(canonicalQuery('b=2&a=%7E&a=1&X-Amz-Signature=abc&c=x+y&d', true)).toBe('a=1&a=~&b=2&c=x%20y&d='); // %7E is ~, unreserved: decoded, not re-encoded
    expect(canonicalQuery('X-Amz-Signature=abc', false)).toBe('X-Amz-Signature=abc');
  });

  it('the signing key is the same derived key whether cached or not', () => {
    const credential = { accessKeyId: 'AKIDEXAMPLE', date: '20150830', region: 'us-east-1', service: 'iam' };
    // Amazon's documented example of the derived signing key.
    const expected = 'c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9';
    expect(signingKey('wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', credential).toString('hex')).toBe(expected);
    expect(signingKey('wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', credential).toString('hex')).toBe(expected);
    expect(signingKey('another secret', credential).toString('hex')).not.toBe(expected);
  });
});
