import { createHmac, hash } from 'node:crypto';
import { sameSecret } from '../core/secrets.js';
import { s3Error } from './errors.js';

/**
 * AWS Signature Version 4 for S3, as the AWS SDKs, boto3 and the AWS CLI sign: the `Authorization`
 * header form and the presigned query form. Only parsing and arithmetic live here; which secret a
 * key id has, and whether the key may be used, is the vendor's part (src/vendors/<id>/s3.ts).
 */

export const ALGORITHM = 'AWS4-HMAC-SHA256';
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
export const STREAMING_SIGNED = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD';
export const STREAMING_SIGNED_TRAILER = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER';
export const STREAMING_UNSIGNED_TRAILER = 'STREAMING-UNSIGNED-PAYLOAD-TRAILER';
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
/** S3 refuses a request dated more than 15 minutes from its clock. */
export const MAX_SKEW_MS = 15 * 60 * 1000;
/** The longest presigned URL S3 accepts: 7 days. */
export const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;

export interface Credential {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
}

/** What a request says about its signature, from either form. */
export interface SignedRequest {
  form: 'header' | 'query';
  credential: Credential;
  /** `YYYYMMDDTHHMMSSZ`. */
  amzDate: string;
  signedHeaders: string[];
  signature: string;
  /** Presigned only: seconds the URL is valid from `amzDate`. */
  expires?: number;
  /** `x-amz-content-sha256` (header form), or UNSIGNED-PAYLOAD (query form). */
  payloadHash: string;
}

export interface RequestParts {
  method: string;
  /** The path as the client sent it (still percent-encoded), without the query. */
  rawPath: string;
  /** The raw query string without `?`. */
  rawQuery: string;
  headers: Record<string, string | string[] | undefined>;
}

const header = (headers: RequestParts['headers'], name: string): string | undefined => {
  const v = headers[name];
  return Array.isArray(v) ? v.join(',') : v;
};

function parseCredential(text: string): Credential | undefined {
  const parts = text.split('/');
  if (parts.length < 5 || parts.at(-1) !== 'aws4_request') return undefined;
  // An access key id may itself hold a "/" (rare, but allowed): the last four parts are the scope.
  const [date, region, service] = parts.slice(-4, -1) as [string, string, string];
  const accessKeyId = parts.slice(0, -4).join('/');
  if (!/^\d{8}$/.test(date) || accessKeyId === '') return undefined;
  return { accessKeyId, date, region, service };
}

/** The signature the request carries, or undefined when it carries none (an anonymous request). */
export function parseSignature(req: RequestParts, query: URLSearchParams): SignedRequest | undefined {
  const authorization = header(req.headers, 'authorization');
  if (query.has('X-Amz-Algorithm') || query.has('X-Amz-Signature')) {
    if (query.get('X-Amz-Algorithm') !== ALGORITHM) throw s3Error('AuthorizationQueryParametersError', 'X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"');
    const credential = parseCredential(query.get('X-Amz-Credential') ?? '');
    const amzDate = query.get('X-Amz-Date') ?? '';
    const expiresText = query.get('X-Amz-Expires') ?? '';
    const signedHeaders = (query.get('X-Amz-SignedHeaders') ?? '').split(';').filter(Boolean);
    const signature = query.get('X-Amz-Signature') ?? '';
    if (!credential) throw s3Error('AuthorizationQueryParametersError', 'Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".');
    if (!/^\d{8}T\d{6}Z$/.test(amzDate)) throw s3Error('AuthorizationQueryParametersError', 'X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd\'T\'HHmmss\'Z\'"');
    if (!/^\d{1,9}$/.test(expiresText)) throw s3Error('AuthorizationQueryParametersError', 'X-Amz-Expires should be a number');
    const expires = Number(expiresText);
    if (expires > MAX_PRESIGN_SECONDS) throw s3Error('AuthorizationQueryParametersError', 'X-Amz-Expires must be less than a week (in seconds) that is; 604800');
    if (signedHeaders.length === 0 || !/^[0-9a-f]{64}$/.test(signature)) throw s3Error('AuthorizationQueryParametersError', 'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.');
    return { form: 'query', credential, amzDate, signedHeaders, signature, expires, payloadHash: header(req.headers, 'x-amz-content-sha256') ?? UNSIGNED_PAYLOAD };
  }
  if (query.has('AWSAccessKeyId') && query.has('Signature')) throw s3Error('InvalidRequest', 'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256 (boto3: Config(signature_version="s3v4")).');
  if (authorization === undefined) return undefined;
  if (!authorization.startsWith(`${ALGORITHM} `)) {
    if (authorization.startsWith('AWS ')) throw s3Error('InvalidRequest', 'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.');
    throw s3Error('AuthorizationHeaderMalformed', 'The authorization header is malformed; the authorization header requires three components: Credential, SignedHeaders, and Signature.');
  }
  const fields = new Map<string, string>();
  for (const part of authorization.slice(ALGORITHM.length).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const credential = parseCredential(fields.get('Credential') ?? '');
  const signedHeaders = (fields.get('SignedHeaders') ?? '').split(';').filter(Boolean);
  const signature = fields.get('Signature') ?? '';
  if (!credential || signedHeaders.length === 0 || !/^[0-9a-f]{64}$/.test(signature)) {
    throw s3Error('AuthorizationHeaderMalformed', 'The authorization header is malformed; the authorization header requires three components: Credential, SignedHeaders, and Signature.');
  }
  const amzDate = header(req.headers, 'x-amz-date') ?? '';
  if (!/^\d{8}T\d{6}Z$/.test(amzDate)) throw s3Error('AccessDenied', 'AWS authentication requires a valid Date or x-amz-date header');
  const payloadHash = header(req.headers, 'x-amz-content-sha256');
  if (payloadHash === undefined) throw s3Error('InvalidRequest', 'Missing required header for this request: x-amz-content-sha256');
  if (![UNSIGNED_PAYLOAD, STREAMING_SIGNED, STREAMING_SIGNED_TRAILER, STREAMING_UNSIGNED_TRAILER].includes(payloadHash) && !/^[0-9a-f]{64}$/.test(payloadHash)) {
    throw s3Error('InvalidArgument', 'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER or a valid sha256 value.');
  }
  return { form: 'header', credential, amzDate, signedHeaders, signature, payloadHash };
}

/** `YYYYMMDDTHHMMSSZ` → epoch ms. */
export function amzDateMs(amzDate: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate)!;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

const UNRESERVED = /^[A-Za-z0-9\-_.~]*$/;
/** What encodeURIComponent leaves alone that SigV4 encodes. */
const SUB_DELIMS = /[!'()*]/g;
const subDelim = (c: string) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`;

/** RFC 3986 percent-encoding as SigV4 wants it: everything but A-Z a-z 0-9 - _ . ~ (and `/` in paths). */
export function uriEncode(text: string, keepSlash = false): string {
  if (UNRESERVED.test(text)) return text;
  let out: string;
  try {
    out = encodeURIComponent(text).replace(SUB_DELIMS, subDelim);
  } catch {
    return uriEncodeBytes(text, keepSlash); // a lone surrogate: encoded as UTF-8 encodes it (U+FFFD)
  }
  return keepSlash ? out.replaceAll('%2F', '/') : out;
}

function uriEncodeBytes(text: string, keepSlash: boolean): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (UNRESERVED.test(c) || (keepSlash && c === '/')) out += c;
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function safeDecode(text: string): string {
  if (!text.includes('%')) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The canonical URI: each segment decoded once and encoded once (S3 does not double-encode). */
export function canonicalUri(rawPath: string): string {
  return rawPath.split('/').map((segment) => uriEncode(safeDecode(segment))).join('/') || '/';
}

/** A query name or value as sent: `+` is a space (the query form's encoding), then percent-decoded. */
const queryDecode = (text: string) => safeDecode(text.includes('+') ? text.replaceAll('+', '%20') : text);

/** Query parameters sorted by encoded name then value; the query form leaves out X-Amz-Signature. */
export function canonicalQuery(rawQuery: string, omitSignature: boolean): string {
  if (rawQuery === '') return '';
  const pairs: Array<[string, string]> = [];
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = queryDecode(eq < 0 ? part : part.slice(0, eq));
    const value = eq < 0 ? '' : queryDecode(part.slice(eq + 1));
    if (omitSignature && name === 'X-Amz-Signature') continue;
    pairs.push([uriEncode(name), uriEncode(value)]);
  }
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

/** Whitespace that `\s+` → ' ' would change: a run of two, or any other than a space. */
const SPACES_TO_FOLD = /[^\S ]| {2}/;

/** A header value as SigV4 signs it: trimmed, runs of spaces made one. */
function canonicalValue(value: string | undefined): string {
  if (value === undefined) return '';
  const trimmed = value.trim();
  return SPACES_TO_FOLD.test(trimmed) ? trimmed.replace(/\s+/g, ' ') : trimmed;
}

export function canonicalRequest(req: RequestParts, signed: SignedRequest): string {
  let headers = '';
  for (const name of signed.signedHeaders) headers += `${name}:${canonicalValue(header(req.headers, name))}\n`;
  return [req.method, canonicalUri(req.rawPath), canonicalQuery(req.rawQuery, signed.form === 'query'), headers, signed.signedHeaders.join(';'), signed.payloadHash].join('\n');
}

export const sha256Hex = (data: string | Buffer): string => hash('sha256', data, 'hex');
const hmac = (key: Buffer | string, data: string): Buffer => createHmac('sha256', key).update(data).digest();

export function scope(c: Credential): string {
  return `${c.date}/${c.region}/${c.service}/aws4_request`;
}

/**
 * Signing keys by secret and scope: a key signs with the same derived key all day, so four of the
 * five HMACs of a verification are done once per (secret, date, region, service). Bounded: past
 * the limit the cache starts again (a rotated secret's entries simply stop being asked for).
 */
const signingKeys = new Map<string, Buffer>();
const MAX_SIGNING_KEYS = 1024;

export function signingKey(secret: string, c: Credential): Buffer {
  const id = `${c.date}/${c.region}/${c.service}/${secret}`;
  let key = signingKeys.get(id);
  if (key === undefined) {
    key = hmac(hmac(hmac(hmac(`AWS4${secret}`, c.date), c.region), c.service), 'aws4_request');
    if (signingKeys.size >= MAX_SIGNING_KEYS) signingKeys.clear();
    signingKeys.set(id, key);
  }
  return key;
}

export function stringToSign(signed: SignedRequest, canonical: string): string {
  return [ALGORITHM, signed.amzDate, scope(signed.credential), sha256Hex(canonical)].join('\n');
}

/** Checks the request's signature with `secret`; on success returns the signing key (for aws-chunked). */
export function verifySignature(req: RequestParts, signed: SignedRequest, secret: string): Buffer | undefined {
  const key = signingKey(secret, signed.credential);
  const canonical = canonicalRequest(req, signed);
  const expected = createHmac('sha256', key).update(stringToSign(signed, canonical)).digest('hex');
  return sameSecret(signed.signature, expected) ? key : undefined;
}

/** The signature of one aws-chunked chunk (`STREAMING-AWS4-HMAC-SHA256-PAYLOAD`). */
export function chunkSignature(key: Buffer, signed: SignedRequest, previous: string, chunkHash: string): string {
  return createHmac('sha256', key).update(['AWS4-HMAC-SHA256-PAYLOAD', signed.amzDate, scope(signed.credential), previous, EMPTY_SHA256, chunkHash].join('\n')).digest('hex');
}

/** The signature of an aws-chunked trailer (`…-PAYLOAD-TRAILER`). */
export function trailerSignature(key: Buffer, signed: SignedRequest, previous: string, trailerText: string): string {
  return createHmac('sha256', key).update(['AWS4-HMAC-SHA256-TRAILER', signed.amzDate, scope(signed.credential), previous, sha256Hex(trailerText)].join('\n')).digest('hex');
}
