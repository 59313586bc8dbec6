import { ErrorCatalogue, type Problem, type VendorError } from '../../core/errors.js';
import type { VendorErrorModel } from '../../core/vendor.js';

/**
 * KOS publishes no error body. The emulator uses one JSON shape for every error,
 * `{"message", "code", "statusCode"}`, with the status texts of the vendor's docs as messages
 * ("Bucket not found", "Conflict, bucket already exists", …). The README (Vendors › Krutrim) lists them.
 */
export const catalogue = new ErrorCatalogue(
  {
    BAD_REQUEST: { status: 400, message: 'Bad request' },
    INVALID_JSON: { status: 400, message: 'Bad request, malformed JSON body' },
    INVALID_REGION: { status: 400, message: 'Bad request, unknown region' },
    INVALID_OTP: { status: 400, message: 'Bad request, invalid OTP' },
    UNAUTHORIZED: { status: 401, message: 'Unauthorized' },
    INVALID_CREDENTIALS: { status: 401, message: 'Unauthorized access, invalid access key or secret key' },
    INVALID_SESSION: { status: 401, message: 'Unauthorized access, invalid session token' },
    SESSION_EXPIRED: { status: 401, message: 'Unauthorized access, session expired' },
    SESSION_REQUIRED: { status: 401, message: 'Unauthorized access, x-session-token header is required' },
    INVALID_REFRESH_TOKEN: { status: 401, message: 'Unauthorized access, invalid refresh token' },
    FORBIDDEN: { status: 403, message: 'Forbidden' },
    ACCESS_KEY_INACTIVE: { status: 403, message: 'Forbidden, access key is inactive' },
    URL_EXPIRED: { status: 403, message: 'Forbidden, request has expired' },
    SIGNATURE_MISMATCH: { status: 403, message: 'Forbidden, signature does not match' },
    NOT_FOUND: { status: 404, message: 'Not found' },
    ACCESS_KEY_NOT_FOUND: { status: 404, message: 'Access key not found' },
    ACCESS_KEYS_NOT_FOUND: { status: 404, message: 'Access keys not found' },
    SESSION_NOT_FOUND: { status: 404, message: 'Session not found' },
    BUCKET_NOT_FOUND: { status: 404, message: 'Bucket not found' },
    OBJECT_NOT_FOUND: { status: 404, message: 'Object not found' },
    LIFECYCLE_RULE_NOT_FOUND: { status: 404, message: 'Lifecycle rule not found' },
    POLICY_NOT_FOUND: { status: 404, message: 'Policy not found' },
    BUCKET_POLICY_NOT_FOUND: { status: 404, message: 'Bucket policy not found' },
    REQUEST_TIMEOUT: { status: 408, message: 'Request timeout' },
    BUCKET_ALREADY_EXISTS: { status: 409, message: 'Conflict, bucket already exists' },
    BUCKET_NOT_EMPTY: { status: 409, message: 'Conflict, bucket is not empty' },
    OBJECT_ALREADY_EXISTS: { status: 409, message: 'Conflict, object already exists' },
    LIFECYCLE_RULE_ALREADY_EXISTS: { status: 409, message: 'Conflict, lifecycle rule already exists' },
    POLICY_ALREADY_EXISTS: { status: 409, message: 'Conflict, policy already exists' },
    BUCKET_POLICY_ALREADY_EXISTS: { status: 409, message: 'Conflict, bucket policy already exists' },
    PAYLOAD_TOO_LARGE: { status: 413, message: 'Payload too large' },
    UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Unsupported media type' },
    VALIDATION_ERROR: { status: 422, message: 'Unprocessable entity, validation error' },
    TOO_MANY_REQUESTS: { status: 429, message: 'Too many requests' },
    INTERNAL_SERVER_ERROR: { status: 500, message: 'Internal server error' },
    BAD_GATEWAY: { status: 502, message: 'Bad gateway' },
    SERVICE_UNAVAILABLE: { status: 503, message: 'Service unavailable' },
    GATEWAY_TIMEOUT: { status: 504, message: 'Gateway timeout' },
  },
  {
    400: 'BAD_REQUEST',
    401: 'UNAUTHORIZED',
    403: 'FORBIDDEN',
    404: 'NOT_FOUND',
    408: 'REQUEST_TIMEOUT',
    409: 'BUCKET_ALREADY_EXISTS',
    413: 'PAYLOAD_TOO_LARGE',
    415: 'UNSUPPORTED_MEDIA_TYPE',
    422: 'VALIDATION_ERROR',
    429: 'TOO_MANY_REQUESTS',
    500: 'INTERNAL_SERVER_ERROR',
    502: 'BAD_GATEWAY',
    503: 'SERVICE_UNAVAILABLE',
    504: 'GATEWAY_TIMEOUT',
  },
);

/** `Bad request: body.name: …` — the vendor's status text first, then where the input was wrong. */
function describeIssues(problem: Problem): string | undefined {
  const issues = problem.issues ?? [];
  if (issues.length === 0) return undefined;
  return issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}

export const krutrimErrors: VendorErrorModel = {
  fromFault: (value) => catalogue.fromFault(value),
  faultCodes: () => catalogue.codes(),
  fromProblem: (problem: Problem): VendorError => {
    switch (problem.kind) {
      case 'invalid_json':
        return catalogue.error('INVALID_JSON');
      case 'validation': {
        const detail = describeIssues(problem);
        return catalogue.error('BAD_REQUEST', { message: detail ? `Bad request: ${detail}` : `Bad request: ${problem.message}` });
      }
      case 'route_not_found':
        return catalogue.error('NOT_FOUND', { message: `Not found: ${problem.message}` });
      case 'body_too_large':
        return catalogue.error('PAYLOAD_TOO_LARGE');
      case 'unsupported_media_type':
        return catalogue.error('UNSUPPORTED_MEDIA_TYPE');
      case 'unknown_fault':
        return catalogue.error('BAD_REQUEST', { message: `Bad request: ${problem.message}` });
      case 'unavailable':
        return catalogue.error('SERVICE_UNAVAILABLE', { message: `Service unavailable: ${problem.message}` });
      case 'internal':
      default:
        return catalogue.error('INTERNAL_SERVER_ERROR');
    }
  },
  render: (err) => {
    const headers: Record<string, string> = {};
    // The SDKs (Stainless) retry 408/409/429/5xx unless told not to: keep tests fast on 4xx.
    if (err.status >= 400 && err.status < 500) headers['x-should-retry'] = 'false';
    if (err.status === 429) headers['retry-after'] = err.headers['retry-after'] ?? '60';
    return { body: { message: err.message, code: err.code, statusCode: err.status }, headers };
  },
};
