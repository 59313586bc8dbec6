import { ErrorCatalogue, VendorError, type Problem } from '../../core/errors.js';
import type { VendorErrorModel } from '../../core/vendor.js';

/**
 * IONOS errors: `{"httpStatus": n, "messages": [{"errorCode": "…", "message": "…"}]}` (the SDK's
 * `Error` model). IONOS publishes no code catalogue for this API: `paas-auth-1` and
 * `paas-validation-1` (with "no matching operation was found" for unknown routes) are codes the
 * IONOS PaaS gateway is seen to send; the other codes follow the same pattern and are assumptions
 * (README, Vendors › IONOS).
 */
export const catalogue = new ErrorCatalogue(
  {
    'paas-validation-1': { status: 400, message: 'Bad Request' },
    'paas-auth-1': { status: 401, message: 'Unauthorized, wrong or no api key provided' },
    'paas-auth-2': { status: 403, message: 'Forbidden, the user does not have the privilege to manage Object Storage' },
    'paas-resource-1': { status: 404, message: 'Resource not found' },
    'paas-conflict-1': { status: 409, message: 'Conflict with the current state of the resource' },
    'paas-request-1': { status: 413, message: 'Request body is too large' },
    'paas-media-1': { status: 415, message: "Unsupported Media Type: the request body must be 'application/json'" },
    'paas-validation-2': { status: 422, message: 'Unprocessable Entity' },
    'paas-quota-1': { status: 422, message: 'The maximum number of access keys per user has been reached' },
    'paas-ratelimit-1': { status: 429, message: 'Too Many Requests' },
    'paas-internal-1': { status: 500, message: 'Internal Server Error' },
    'paas-unavailable-1': { status: 503, message: 'Service Unavailable' },
  },
  {
    400: 'paas-validation-1',
    401: 'paas-auth-1',
    403: 'paas-auth-2',
    404: 'paas-resource-1',
    409: 'paas-conflict-1',
    413: 'paas-request-1',
    415: 'paas-media-1',
    422: 'paas-validation-2',
    429: 'paas-ratelimit-1',
    500: 'paas-internal-1',
    503: 'paas-unavailable-1',
  },
);

/** Retry-After (seconds) on a 429 that carries none of its own (an injected fault). */
const FAULT_RETRY_AFTER_SECONDS = '1';

function where(path: Array<string | number>): string {
  return path.map(String).join('.');
}

export const ionosErrors: VendorErrorModel = {
  fromFault: (value) => catalogue.fromFault(value),
  faultCodes: () => catalogue.codes(),
  fromProblem(p: Problem): VendorError {
    switch (p.kind) {
      case 'route_not_found':
        return catalogue.error('paas-validation-1', { message: 'no matching operation was found' });
      case 'invalid_json':
        return catalogue.error('paas-validation-1', { message: `Bad Request: the request body is not valid JSON (${p.message})` });
      case 'validation': {
        const messages = (p.issues ?? []).map((i) => (i.path.length > 0 ? `${where(i.path)}: ${i.message}` : i.message));
        return catalogue.error('paas-validation-1', { detail: messages.length > 0 ? messages : undefined, message: messages.length > 0 ? undefined : p.message });
      }
      case 'body_too_large':
        return catalogue.error('paas-request-1');
      case 'unsupported_media_type':
        return catalogue.error('paas-media-1');
      case 'unknown_fault':
        return catalogue.error('paas-validation-1', { message: p.message });
      case 'unavailable':
        return catalogue.error('paas-unavailable-1', { message: p.message });
      default:
        return catalogue.error('paas-internal-1');
    }
  },
  render(err: VendorError) {
    const texts = Array.isArray(err.detail) && err.detail.every((d) => typeof d === 'string') ? (err.detail as string[]) : [err.message];
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (err.status === 429 && err.headers['retry-after'] === undefined) headers['retry-after'] = FAULT_RETRY_AFTER_SECONDS;
    return {
      body: { httpStatus: err.status, messages: texts.map((message) => ({ errorCode: err.code, message })) },
      headers,
    };
  },
};
