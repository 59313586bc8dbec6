import { ErrorCatalogue, VendorError, type Problem } from '../../core/errors.js';
import type { VendorErrorModel } from '../../core/vendor.js';

/**
 * Exoscale API v2 errors: `{"message": "…"}` with a JSON content type (vendor notes §2.3; egoscale
 * v2 reads `message`, and only parses bodies whose Content-Type contains `json`). The vendor
 * documents no error codes: the codes below are the emulator's names, usable with
 * `x-emulator-fault`; the statuses and the envelope are the vendor's. Texts marked [V] are quoted
 * in the vendor's client tests; the others are the emulator's wording.
 */
export const catalogue = new ErrorCatalogue(
  {
    bad_request: { status: 400, message: 'Invalid request' },
    payload_too_large: { status: 413, message: 'Request body is too large' }, // [I] what a fronting proxy would answer, in the vendor's shape
    missing_authorization: { status: 403, message: 'Missing request signature' },
    malformed_authorization: { status: 403, message: 'Malformed request signature' },
    unknown_credential: { status: 403, message: 'Invalid API key' },
    invalid_signature: { status: 403, message: 'Invalid request signature' }, // [V] python-exoscale tests
    expired_signature: { status: 403, message: 'Request signature has expired' },
    forbidden: { status: 403, message: 'Operation not allowed for this API key' },
    not_found: { status: 404, message: 'Not found' },
    conflict: { status: 409, message: 'Conflict' },
    rate_limited: { status: 429, message: 'Too many requests, retry later' },
    internal_error: { status: 500, message: 'Internal server error' },
    unavailable: { status: 503, message: 'Service temporarily unavailable' },
  },
  { 400: 'bad_request', 403: 'forbidden', 404: 'not_found', 409: 'conflict', 429: 'rate_limited', 500: 'internal_error', 503: 'unavailable' },
);

/** Default `Retry-After` (seconds) for a 429 forced by a fault, which has no rate window. */
const FAULT_RETRY_AFTER = '60';

function describeIssues(problem: Problem): string {
  const issues = problem.issues ?? [];
  if (issues.length === 0) return problem.message;
  return issues
    .slice(0, 5)
    .map((issue) => {
      const where = issue.path.filter((p) => p !== 'body').join('.');
      return where ? `${where}: ${issue.message}` : issue.message;
    })
    .join('; ');
}

export const exoscaleErrors: VendorErrorModel = {
  fromFault: (value) => catalogue.fromFault(value),
  faultCodes: () => catalogue.codes(),

  fromProblem(problem: Problem): VendorError {
    switch (problem.kind) {
      case 'invalid_json':
        return catalogue.error('bad_request', { message: 'Invalid request body: malformed JSON' });
      case 'validation':
        return catalogue.error('bad_request', { detail: problem.issues, message: `Invalid request: ${describeIssues(problem)}` });
      case 'body_too_large':
        return catalogue.error('payload_too_large', { message: `Request body is too large: ${problem.message}` });
      case 'unsupported_media_type':
        return catalogue.error('bad_request', { message: 'Invalid request: Content-Type must be application/json' });
      case 'route_not_found':
        return catalogue.error('not_found', { message: `Endpoint not found: ${problem.method} ${problem.path}` });
      case 'unknown_fault':
        return catalogue.error('bad_request', { message: problem.message });
      case 'unavailable':
        return catalogue.error('unavailable', { message: problem.message });
      case 'internal':
        return catalogue.error('internal_error');
    }
  },

  render(err: VendorError) {
    const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
    if (err.status === 429) headers['retry-after'] = err.headers['retry-after'] ?? FAULT_RETRY_AFTER;
    return { body: { message: err.message }, headers };
  },
};
