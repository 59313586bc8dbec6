import { ErrorCatalogue, type Problem, type VendorError } from '../../core/errors.js';
import type { VendorErrorModel } from '../../core/vendor.js';

/**
 * The meaning IBM's status table gives 400, 401 and 403, word for word: every message of those statuses
 * starts with it (details may follow after a colon).
 */
export const STATUS_WORDING: Readonly<Record<number, string>> = {
  400: 'Request does not comply with specification',
  401: 'The provided token is not valid or cannot be verified',
  403: 'The provided token although valid, does not provide appropriate permissions to the user',
};

/**
 * IBM documents the status codes of this API and their meaning (COSS 3.20.1) but no error body.
 * Errors are rendered in the envelope of OpenStack Keystone, whose credentials API this one is
 * modelled on: `{"error": {"code": <status>, "title": <reason phrase>, "message": <text>}}`.
 * Messages use IBM's wording where IBM has one, Keystone's otherwise.
 *
 * The catalogue codes below are what `x-emulator-fault` accepts (besides a bare HTTP status);
 * they never appear in a response body, which carries the numeric status as `code`.
 */
export const ibmCatalogue = new ErrorCatalogue(
  {
    bad_request: { status: 400, message: `${STATUS_WORDING[400]}.` },
    unauthorized: { status: 401, message: `${STATUS_WORDING[401]}.` },
    forbidden: { status: 403, message: `${STATUS_WORDING[403]}.` },
    not_found: { status: 404, message: 'The resource could not be found.' },
    storage_account_not_found: { status: 404, message: 'No such user or storage account exists.' },
    user_not_found: { status: 404, message: 'No such user or storage account exists.' },
    credential_not_found: { status: 404, message: 'Could not find credential.' },
    no_storage_account_access: { status: 405, message: 'Although the user may be valid, the user does not have privileges to access storage account.' },
    key_limit_reached: { status: 409, message: 'The user has reached maximum number of keys that can be generated for the user.' },
    duplicate_access_key: { status: 409, message: 'Conflict occurred attempting to store credential - Duplicate entry.' },
    request_too_large: { status: 413, message: 'Request is too large.' },
    unsupported_media_type: { status: 415, message: 'The request body must be application/json.' },
    too_many_requests: { status: 429, message: 'Too many requests: the request rate limit of this account has been reached.' },
    internal_error: { status: 500, message: 'An unexpected error prevented the server from fulfilling your request.' },
    service_unavailable: { status: 503, message: 'The credential API service is currently unavailable.' },
  },
  {
    400: 'bad_request',
    401: 'unauthorized',
    403: 'forbidden',
    404: 'not_found',
    405: 'no_storage_account_access',
    409: 'key_limit_reached',
    413: 'request_too_large',
    415: 'unsupported_media_type',
    429: 'too_many_requests',
    500: 'internal_error',
    503: 'service_unavailable',
  },
);

/** HTTP reason phrases, as Keystone puts them in `title`. */
const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Request Entity Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
const BASIC_REALM = 'Basic realm="IBM COS Credentials API"';

function where(path: Array<string | number>): string {
  // `body.credential.type` → `credential.type` (Keystone names the field, not the request part).
  const parts = path[0] === 'body' || path[0] === 'querystring' || path[0] === 'params' ? path.slice(1) : path;
  return parts.join('.');
}

function validationMessage(problem: Problem): string {
  const issues = problem.issues ?? [];
  if (issues.length === 0) return problem.message;
  return issues
    .slice(0, 5)
    .map((i) => {
      const field = where(i.path);
      const text = i.message.replace(/^Invalid input: /, '');
      return field ? `Invalid input for field '${field}': ${text}` : `Invalid input: ${text}`;
    })
    .join('; ');
}

export const ibmErrors: VendorErrorModel = {
  fromFault: (value) => ibmCatalogue.fromFault(value),
  faultCodes: () => ibmCatalogue.codes(),
  fromProblem(problem: Problem): VendorError {
    switch (problem.kind) {
      case 'invalid_json':
        return ibmCatalogue.error('bad_request', { message: `Malformed request body: the body must be a JSON object (${problem.message}).` });
      case 'validation':
        return ibmCatalogue.error('bad_request', { message: validationMessage(problem) });
      case 'unknown_fault':
        return ibmCatalogue.error('bad_request', { message: problem.message });
      case 'route_not_found':
        return ibmCatalogue.error('not_found', { message: `The resource could not be found: ${problem.method} ${problem.path}.` });
      case 'body_too_large':
        return ibmCatalogue.error('request_too_large');
      case 'unsupported_media_type':
        return ibmCatalogue.error('unsupported_media_type');
      case 'unavailable':
        return ibmCatalogue.error('service_unavailable', { message: problem.message });
      case 'internal':
        return ibmCatalogue.error('internal_error');
    }
  },
  render(err: VendorError) {
    const status = err.status;
    const lead = STATUS_WORDING[status];
    const message = lead === undefined || err.message.startsWith(lead) ? err.message : `${lead}: ${err.message}`;
    return {
      body: { error: { code: status, title: TITLES[status] ?? 'Error', message } },
      headers: {
        'content-type': JSON_CONTENT_TYPE,
        ...(status === 401 ? { 'www-authenticate': BASIC_REALM } : {}),
      },
    };
  },
};
