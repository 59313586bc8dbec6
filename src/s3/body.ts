import { createHash, type Hash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import { Crc64Nvme } from './crc64nvme.js';
import { s3Error } from './errors.js';
import { chunkSignature, EMPTY_SHA256, sha256Hex, trailerSignature, type SignedRequest } from './sigv4.js';

/**
 * Reads an upload into one buffer of the declared size (so the bytes are held once), decoding
 * `aws-chunked` on the way and checking what the client vouched for: the payload SHA-256, each
 * chunk's signature, the trailer's signature, `Content-MD5` and `x-amz-checksum-*`. Sizes are
 * checked by the caller before the first byte is read.
 */

export const CHECKSUM_ALGORITHMS = ['crc32', 'crc32c', 'crc64nvme', 'sha1', 'sha256'] as const;
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];

const CRC32C_TABLE = (() => {
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
})();

function crc32c(data: Uint8Array, previous = 0): number {
  let c = ~previous;
  for (let i = 0; i < data.length; i++) c = CRC32C_TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/** An incremental checksum, rendered as S3 does: base64 of the big-endian digest. */
class Checksum {
  private crc = 0;
  private readonly hash: Hash | undefined;
  private readonly crc64: Crc64Nvme | undefined;

  constructor(readonly algorithm: ChecksumAlgorithm) {
    if (algorithm === 'sha1' || algorithm === 'sha256') this.hash = createHash(algorithm);
    else if (algorithm === 'crc64nvme') this.crc64 = new Crc64Nvme();
  }

  update(data: Uint8Array): void {
    if (this.hash) this.hash.update(data);
    else if (this.crc64) this.crc64.update(data);
    else this.crc = this.algorithm === 'crc32' ? crc32(data, this.crc) : crc32c(data, this.crc);
  }

  digest(): string {
    if (this.hash) return this.hash.digest('base64');
    if (this.crc64) return this.crc64.digest().toString('base64');
    const out = Buffer.alloc(4);
    out.writeUInt32BE(this.crc >>> 0);
    return out.toString('base64');
  }
}

export type BodyEncoding =
  | { kind: 'plain'; payloadHash: string | undefined }
  | { kind: 'chunked'; signing: { key: Buffer; signed: SignedRequest } | undefined; trailer: boolean };

export interface BodyPlan {
  /** The decoded length (Content-Length, or x-amz-decoded-content-length for aws-chunked). */
  length: number;
  encoding: BodyEncoding;
  /** Checksums named in headers (value given) or in `x-amz-trailer` (value in the trailer). */
  checksums: Array<{ algorithm: ChecksumAlgorithm; expected: string | undefined }>;
  contentMd5: string | undefined;
}

export interface ReadBody {
  body: Buffer;
  md5: string;
  checksums: Partial<Record<ChecksumAlgorithm, string>>;
}

const MAX_LINE = 4096;

/** Parses the aws-chunked framing, writing the decoded bytes to `sink`. */
class ChunkDecoder {
  private state: 'size' | 'data' | 'data-end' | 'trailer' | 'done' = 'size';
  private line = '';
  private remaining = 0;
  private chunkHash: Hash | undefined;
  private chunkSignature = '';
  private previous: string;
  readonly trailers = new Map<string, string>();
  private trailerSignature: string | undefined;
  private trailerText = '';

  constructor(
    private readonly signing: { key: Buffer; signed: SignedRequest } | undefined,
    private readonly expectTrailer: boolean,
    private readonly sink: (data: Buffer) => void,
  ) {
    this.previous = signing?.signed.signature ?? '';
  }

  get finished(): boolean {
    return this.state === 'done';
  }

  write(data: Buffer): void {
    let i = 0;
    while (i < data.length) {
      if (this.state === 'done') throw s3Error('InvalidRequest', 'Unexpected data after the final aws-chunked chunk');
      if (this.state === 'data') {
        const take = Math.min(this.remaining, data.length - i);
        const piece = data.subarray(i, i + take);
        this.chunkHash?.update(piece);
        this.sink(piece);
        this.remaining -= take;
        i += take;
        if (this.remaining === 0) this.state = 'data-end';
        continue;
      }
      // Line-oriented states: read up to CRLF.
      const lf = data.indexOf(0x0a, i);
      const end = lf < 0 ? data.length : lf + 1;
      this.line += data.toString('latin1', i, end);
      i = end;
      if (this.line.length > MAX_LINE) throw s3Error('InvalidRequest', 'An aws-chunked header line is too long');
      if (lf < 0) continue;
      const line = this.line.replace(/\r?\n$/, '');
      this.line = '';
      this.onLine(line);
    }
  }

  private onLine(line: string): void {
    if (this.state === 'data-end') {
      if (line !== '') throw s3Error('InvalidRequest', 'An aws-chunked chunk does not end with CRLF');
      this.verifyChunk();
      this.state = 'size';
      return;
    }
    if (this.state === 'size') {
      const m = /^([0-9a-fA-F]{1,16})(?:;chunk-signature=([0-9a-f]{64}))?$/.exec(line);
      if (!m) throw s3Error('InvalidRequest', 'Malformed aws-chunked chunk header');
      if (this.signing && m[2] === undefined) throw s3Error('SignatureDoesNotMatch', 'An aws-chunked chunk has no chunk-signature');
      this.remaining = parseInt(m[1]!, 16);
      this.chunkSignature = m[2] ?? '';
      this.chunkHash = this.signing ? createHash('sha256') : undefined;
      if (this.remaining > 0) {
        this.state = 'data';
        return;
      }
      // The final chunk: signed mode checks it now; then the trailer (or the closing CRLF).
      // Both end at an empty line; only the trailer form has header lines before it.
      this.verifyChunk();
      this.state = 'trailer';
      return;
    }
    if (this.state === 'trailer') {
      if (line === '') {
        this.finishTrailer();
        this.state = 'done';
        return;
      }
      const colon = line.indexOf(':');
      if (colon <= 0) throw s3Error('InvalidRequest', 'Malformed aws-chunked trailer');
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (name === 'x-amz-trailer-signature') this.trailerSignature = value;
      else {
        this.trailers.set(name, value);
        this.trailerText += `${name}:${value}\n`;
      }
    }
  }

  private verifyChunk(): void {
    if (!this.signing) return;
    const hash = this.chunkHash ? this.chunkHash.digest('hex') : EMPTY_SHA256;
    this.chunkHash = undefined;
    const expected = chunkSignature(this.signing.key, this.signing.signed, this.previous, hash);
    if (expected !== this.chunkSignature) throw s3Error('SignatureDoesNotMatch', 'The chunk signature we calculated does not match the signature you provided.');
    this.previous = expected;
  }

  private finishTrailer(): void {
    if (!this.signing || !this.expectTrailer) return;
    if (this.trailerSignature === undefined) throw s3Error('SignatureDoesNotMatch', 'The aws-chunked trailer has no x-amz-trailer-signature');
    const expected = trailerSignature(this.signing.key, this.signing.signed, this.previous, this.trailerText);
    if (expected !== this.trailerSignature) throw s3Error('SignatureDoesNotMatch', 'The trailer signature we calculated does not match the signature you provided.');
  }
}

/**
 * Bytes of uploads being read right now, in this process: each upload's buffer is its declared size,
 * so many slow clients declaring large bodies could hold much memory; past the budget an upload is
 * refused with SlowDown (503) before its buffer is allocated.
 */
let inFlight = 0;
export const IN_FLIGHT_BUDGET = 512 * 1024 * 1024;

export async function readBody(stream: Readable, plan: BodyPlan): Promise<ReadBody> {
  if (plan.length > 0 && inFlight + plan.length > Math.max(IN_FLIGHT_BUDGET, plan.length)) throw s3Error('SlowDown', 'Too many uploads are being received at once; retry shortly.');
  inFlight += plan.length;
  try {
    return await readInto(stream, plan);
  } finally {
    inFlight -= plan.length;
  }
}

/**
 * Feeds each chunk of `stream` to `onData` until it ends (listeners rather than an async iterator:
 * no promise per chunk). A throw from `onData` stops the reading and destroys the stream, as
 * leaving a `for await` loop does; a stream closed before its end is IncompleteBody.
 */
function consume(stream: Readable, onData: (data: Buffer) => void): Promise<void> {
  if (stream.readableEnded) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const finish = (err?: unknown) => {
      stream.off('data', data).off('end', end).off('error', fail).off('close', closed);
      if (err === undefined) resolve();
      else reject(err);
    };
    const data = (chunk: Buffer) => {
      try {
        onData(chunk);
      } catch (err) {
        finish(err);
        stream.destroy();
      }
    };
    const end = () => finish();
    const fail = (err: Error) => finish(err);
    const closed = () => finish(s3Error('IncompleteBody'));
    stream.on('data', data).on('end', end).on('error', fail).on('close', closed);
  });
}

async function readInto(stream: Readable, plan: BodyPlan): Promise<ReadBody> {
  const body = Buffer.allocUnsafe(plan.length);
  let offset = 0;
  const md5 = createHash('md5');
  const sums = plan.checksums.map((c) => ({ ...c, sum: new Checksum(c.algorithm) }));
  const payload = plan.encoding.kind === 'plain' && plan.encoding.payloadHash !== undefined ? createHash('sha256') : undefined;
  const sink = (data: Buffer) => {
    if (offset + data.length > plan.length) throw s3Error('InvalidRequest', 'The body is longer than its declared length');
    data.copy(body, offset);
    offset += data.length;
    md5.update(data);
    for (const s of sums) s.sum.update(data);
  };
  const decoder = plan.encoding.kind === 'chunked' ? new ChunkDecoder(plan.encoding.signing, plan.encoding.trailer, sink) : undefined;
  try {
    await consume(stream, decoder ? (data) => decoder.write(data) : (data) => {
      payload?.update(data);
      sink(data);
    });
  } catch (err) {
    stream.resume();
    if ((err as { code?: string }).code === 'ECONNRESET' || (err as Error).message === 'aborted') throw s3Error('IncompleteBody');
    throw err;
  }
  if (offset !== plan.length || (decoder && !decoder.finished)) throw s3Error('IncompleteBody');
  if (payload && plan.encoding.kind === 'plain' && payload.digest('hex') !== plan.encoding.payloadHash) throw s3Error('XAmzContentSHA256Mismatch');
  const md5Bytes = md5.digest();
  if (plan.contentMd5 !== undefined && md5Bytes.toString('base64') !== plan.contentMd5) throw s3Error('BadDigest', 'The Content-MD5 you specified did not match what we received.');
  const checksums: ReadBody['checksums'] = {};
  for (const s of sums) {
    const actual = s.sum.digest();
    const expected = s.expected ?? decoder?.trailers.get(`x-amz-checksum-${s.algorithm}`);
    if (expected === undefined) throw s3Error('InvalidRequest', `The x-amz-checksum-${s.algorithm} trailer is missing`);
    if (expected !== actual) throw s3Error('BadDigest', `The ${s.algorithm.toUpperCase()} you specified did not match the calculated checksum.`);
    checksums[s.algorithm] = actual;
  }
  return { body, md5: md5Bytes.toString('hex'), checksums };
}

/** An object's ETag for a body already in memory (CopyObject, fixtures). */
export const md5Hex = (data: Buffer): string => createHash('md5').update(data).digest('hex');
export { sha256Hex };
