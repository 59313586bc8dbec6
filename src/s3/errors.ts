import { ErrorCatalogue, VendorError, type Problem } from '../core/errors.js';
import type { VendorErrorModel } from '../core/vendor.js';
import { xmlDocument, xmlElement } from './xml.js';

/** S3's error codes, statuses and messages, as Amazon S3 documents them ("Error responses"). */
export const S3_ERRORS = {
  AccessDenied: { status: 403, message: 'Access Denied' },
  AuthorizationHeaderMalformed: { status: 400, message: 'The authorization header is malformed.' },
  AuthorizationQueryParametersError: { status: 400, message: 'Error parsing the query-string authentication parameters.' },
  BadDigest: { status: 400, message: 'The Content-MD5 or checksum value that you specified did not match what the server received.' },
  BucketAlreadyExists: { status: 409, message: 'The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.' },
  BucketAlreadyOwnedByYou: { status: 409, message: 'Your previous request to create the named bucket succeeded and you already own it.' },
  BucketNotEmpty: { status: 409, message: 'The bucket you tried to delete is not empty' },
  EntityTooLarge: { status: 400, message: 'Your proposed upload exceeds the maximum allowed size' },
  EntityTooSmall: { status: 400, message: 'Your proposed upload is smaller than the minimum allowed object size.' },
  IncompleteBody: { status: 400, message: 'You did not provide the number of bytes specified by the Content-Length HTTP header.' },
  InsufficientStorage: { status: 507, message: 'The emulator namespace holds the most object bytes it may (S3_MAX_NAMESPACE_BYTES).' },
  InternalError: { status: 500, message: 'We encountered an internal error. Please try again.' },
  InvalidAccessKeyId: { status: 403, message: 'The AWS Access Key Id you provided does not exist in our records.' },
  InvalidArgument: { status: 400, message: 'Invalid Argument' },
  InvalidBucketName: { status: 400, message: 'The specified bucket is not valid.' },
  InvalidDigest: { status: 400, message: 'The Content-MD5 you specified is not valid.' },
  InvalidPart: { status: 400, message: 'One or more of the specified parts could not be found. The part might not have been uploaded, or the specified entity tag might not have matched the part\'s entity tag.' },
  InvalidPartOrder: { status: 400, message: 'The list of parts was not in ascending order. Parts must be ordered by part number.' },
  InvalidRange: { status: 416, message: 'The requested range is not satisfiable' },
  InvalidRequest: { status: 400, message: 'Invalid Request' },
  InvalidTag: { status: 400, message: 'The tag provided was not a valid tag.' },
  InvalidURI: { status: 400, message: "Couldn't parse the specified URI." },
  MalformedXML: { status: 400, message: 'The XML you provided was not well-formed or did not validate against our published schema.' },
  MethodNotAllowed: { status: 405, message: 'The specified method is not allowed against this resource.' },
  MissingContentLength: { status: 411, message: 'You must provide the Content-Length HTTP header.' },
  NoSuchBucket: { status: 404, message: 'The specified bucket does not exist' },
  NoSuchKey: { status: 404, message: 'The specified key does not exist.' },
  NoSuchUpload: { status: 404, message: 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.' },
  NotImplemented: { status: 501, message: 'A header you provided implies functionality that is not implemented' },
  PreconditionFailed: { status: 412, message: 'At least one of the pre-conditions you specified did not hold' },
  RequestTimeTooSkewed: { status: 403, message: 'The difference between the request time and the current time is too large.' },
  ServiceUnavailable: { status: 503, message: 'Please reduce your request rate.' },
  SignatureDoesNotMatch: { status: 403, message: 'The request signature we calculated does not match the signature you provided. Check your key and signing method.' },
  SlowDown: { status: 503, message: 'Please reduce your request rate.' },
  XAmzContentSHA256Mismatch: { status: 400, message: 'The provided \'x-amz-content-sha256\' header does not match what was computed.' },
} as const;

export type S3Code = keyof typeof S3_ERRORS;

export const s3Catalogue = new ErrorCatalogue<S3Code>(S3_ERRORS, { 400: 'InvalidRequest', 403: 'AccessDenied', 404: 'NoSuchKey', 500: 'InternalError', 503: 'ServiceUnavailable' });

/** Extra elements of the error body (`<Key>`, `<BucketName>`, `<AWSAccessKeyId>`, …). */
export type S3ErrorDetail = Record<string, string | number>;

export function s3Error(code: S3Code, message?: string, detail?: S3ErrorDetail): VendorError {
  return s3Catalogue.error(code, { detail, message });
}

/** The S3 envelope for every failure: `<Error><Code/><Message/>…<Resource/><RequestId/></Error>`. */
export function renderS3Error(err: VendorError, resource: string, requestId: string): string {
  const detail = (err.detail ?? {}) as S3ErrorDetail;
  const extra = Object.entries(detail).map(([k, v]) => xmlElement(k, String(v))).join('');
  return xmlDocument(`<Error>${xmlElement('Code', err.code)}${xmlElement('Message', err.message)}${extra}${xmlElement('Resource', resource)}${xmlElement('RequestId', requestId)}</Error>`);
}

const PROBLEM_CODES: Record<Problem['kind'], S3Code> = {
  invalid_json: 'InvalidRequest',
  body_too_large: 'EntityTooLarge',
  unsupported_media_type: 'InvalidRequest',
  validation: 'InvalidArgument',
  route_not_found: 'MethodNotAllowed',
  unknown_fault: 'InvalidArgument',
  unavailable: 'ServiceUnavailable',
  internal: 'InternalError',
};

/**
 * The error model the shared vendor plugin uses on an S3 mount: faults take an S3 code or a status;
 * the body is rendered by the S3 routes (they know the resource and request id), so `render` here
 * is the fallback for errors raised before a route ran.
 */
export const s3ErrorModel: VendorErrorModel = {
  fromFault: (value) => s3Catalogue.fromFault(value),
  faultCodes: () => Object.keys(S3_ERRORS),
  fromProblem: (problem) => s3Error(PROBLEM_CODES[problem.kind], problem.kind === 'internal' ? undefined : problem.message),
  render: (err) => ({ body: renderS3Error(err, '', ''), headers: { 'content-type': 'application/xml' } }),
};
