import type { VendorContext } from '../core/vendor.js';
import type { BodyEncoding } from './body.js';
import { s3Error } from './errors.js';
import type { S3Client, S3Key, VendorS3 } from './part.js';
import {
  amzDateMs, canonicalRequest, MAX_SKEW_MS, parseSignature, STREAMING_SIGNED, STREAMING_SIGNED_TRAILER, STREAMING_UNSIGNED_TRAILER, stringToSign, UNSIGNED_PAYLOAD, verifySignature,
  type RequestParts,
} from './sigv4.js';

/**
 * Who signed a request, and whether that key may be used now (DESIGN.md §6): a presigned URL the
 * vendor's management API issued (checked on the emulator clock), or a SigV4 signature by one of
 * the vendor's keys (dated by the client's clock, so checked against real time).
 */
export interface Authenticated {
  key: S3Key;
  encoding: BodyEncoding;
  /** The access key id, for the journal's credential (never the secret). */
  accessKeyId: string;
}

export function authenticate(part: VendorS3, ctx: VendorContext, namespace: string, req: RequestParts, query: URLSearchParams, target: { bucket?: string; key?: string }, client: S3Client, now: number): Authenticated {
  if (target.bucket !== undefined && target.key !== undefined) {
    const issued = part.issuedPresign?.(ctx, namespace, query, req.method, target.bucket, target.key, now);
    if (issued !== undefined) {
      if (!issued.ok) throw s3Error(issued.code, issued.message);
      const method = req.method === 'HEAD' ? 'GET' : req.method;
      const bucket = part.world(ctx).bucket(namespace, target.bucket);
      if (!bucket) throw s3Error('NoSuchBucket', undefined, { BucketName: target.bucket });
      // The URL grants one method on one object, nothing else.
      const key: S3Key = {
        secret: null, owner: { id: bucket.ownerId, displayName: bucket.ownerId }, region: bucket.region,
        may: (access, b, k) => b?.name === target.bucket && k === target.key && ((access === 'read' && method === 'GET') || (access === 'write' && method === 'PUT')),
      };
      return { key, encoding: { kind: 'plain', payloadHash: undefined }, accessKeyId: 'presigned-url' };
    }
  }

  const signed = parseSignature(req, query);
  if (!signed) throw s3Error('AccessDenied', 'Anonymous access is not allowed: sign the request with an access key of this vendor.');
  const accessKeyId = signed.credential.accessKeyId;
  const key = part.key(ctx, namespace, accessKeyId, client, now);
  if (!key || key.refusal?.code === 'InvalidAccessKeyId') throw s3Error('InvalidAccessKeyId', key?.refusal?.message, { AWSAccessKeyId: accessKeyId });

  const wall = ctx.clock.wallNow();
  const signedAt = amzDateMs(signed.amzDate);
  if (signed.form === 'header') {
    if (Math.abs(signedAt - wall) > MAX_SKEW_MS) {
      throw s3Error('RequestTimeTooSkewed', undefined, { RequestTime: signed.amzDate, ServerTime: new Date(wall).toISOString(), MaxAllowedSkewMilliseconds: MAX_SKEW_MS });
    }
  } else {
    if (signedAt - wall > MAX_SKEW_MS) throw s3Error('AccessDenied', 'Request is not yet valid');
    if (signedAt + signed.expires! * 1000 < wall) {
      throw s3Error('AccessDenied', 'Request has expired', { 'X-Amz-Expires': signed.expires!, Expires: new Date(signedAt + signed.expires! * 1000).toISOString(), ServerTime: new Date(wall).toISOString() });
    }
  }

  const signingKey = key.secret === null ? undefined : verifySignature(req, signed, key.secret);
  if (!signingKey) {
    throw s3Error('SignatureDoesNotMatch', undefined, { AWSAccessKeyId: accessKeyId, StringToSign: stringToSign(signed, canonicalRequest(req, signed)), SignatureProvided: signed.signature });
  }
  if (key.refusal) throw s3Error(key.refusal.code, key.refusal.message);

  const hash = signed.payloadHash;
  const encoding: BodyEncoding =
    hash === STREAMING_SIGNED || hash === STREAMING_SIGNED_TRAILER ? { kind: 'chunked', signing: { key: signingKey, signed }, trailer: hash === STREAMING_SIGNED_TRAILER }
      : hash === STREAMING_UNSIGNED_TRAILER ? { kind: 'chunked', signing: undefined, trailer: true }
        : { kind: 'plain', payloadHash: hash === UNSIGNED_PAYLOAD ? undefined : hash };
  return { key, encoding, accessKeyId };
}
