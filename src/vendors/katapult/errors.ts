import { ErrorCatalogue, VendorError, type Problem } from '../../core/errors.js';
import type { VendorErrorModel } from '../../core/vendor.js';

/**
 * Katapult's errors (vendor notes §1.6), verbatim descriptions. The live API wraps every error as
 * {"error":{code,description,detail}} with `X-Api-Schema: json-error` and `Cache-Control: no-cache`.
 * The last group are Apia's generic errors, which the vendor spec does not list.
 */
export const catalogue = new ErrorCatalogue(
  {
    missing_api_token: { status: 400, message: 'No API token was provided in the Authorization header. Ensure a token is provided prefixed with Bearer' },
    invalid_api_token: { status: 403, message: 'The API token provided was not valid (it may not exist or have expired)' },
    invalid_capabilities_token: { status: 403, message: 'The capabilities token provided was not valid (either not valid, expired or not signed by the correct key)' },
    unauthorized_network_for_api_token: { status: 403, message: 'Network is not allowed to access the API with this API token' },
    scope_not_granted: { status: 403, message: 'The scope required for this endpoint has not been granted to the authenticating identity' },
    permission_denied: { status: 403, message: 'The authenticated identity is not permitted to perform this action' },
    organization_suspended: { status: 403, message: 'An organization was found from the arguments provided but it was suspended' },
    organization_not_activated: { status: 403, message: "An organization was found from the arguments provided but it wasn't activated yet" },
    object_storage_account_not_provisioned: { status: 403, message: 'An object storage account was found but it is not provisioned. If the problem persists, try re-creating the account.' },
    object_storage_account_suspended: { status: 403, message: 'An object storage account was found from the arguments provided but it is suspended' },
    object_storage_bucket_deletion_error: { status: 403, message: 'An error occurred while deleting the bucket.' },
    organization_not_found: { status: 404, message: 'No organization was found matching any of the criteria provided in the arguments' },
    object_storage_access_key_not_found: { status: 404, message: 'No object storage access key was found matching any of the criteria provided in the arguments.' },
    object_storage_account_not_found: { status: 404, message: 'No object storage account was found matching any of the criteria provided in the arguments' },
    object_storage_cluster_not_found: { status: 404, message: 'No object storage cluster was found matching any of the criteria provided in the arguments' },
    object_storage_bucket_not_found: { status: 404, message: 'No object storage bucket was found matching any of the criteria provided in the arguments' },
    object_not_found: { status: 404, message: 'No object was found matching any of the criteria provided in the arguments' },
    trash_object_not_found: { status: 404, message: 'No trash object was found matching any of the criteria provided in the arguments' },
    object_in_trash: { status: 406, message: 'The object found is in the trash and therefore cannot be manipulated through the API. It should be restored in order to run this operation.' },
    task_queueing_error: { status: 406, message: 'This error means that a background task that was needed to complete your request could not be queued' },
    validation_error: { status: 422, message: 'A validation error occurred with the object that was being created/updated/deleted' },
    object_storage_provisioning_error: { status: 422, message: 'Provisioning is in progress. Please try again later.' },
    rate_limit_reached: { status: 429, message: 'You have reached the rate limit for this type of request' },
    multiple_object_storage_buckets_found: { status: 500, message: 'Multiple object storage buckets were found matching the criteria provided in the arguments' },
    service_unavailable: { status: 503, message: 'The service is currently unavailable, please try again later' },
    network_error: { status: 504, message: 'A network error occurred while performing the action. Please try again.' },
    // Apia built-ins (krystal/apia), not in the vendor spec.
    invalid_argument: { status: 400, message: 'The argument is invalid' },
    missing_required_argument: { status: 400, message: 'A required argument has not been provided' },
    invalid_json_body: { status: 400, message: 'The JSON body provided with this request is invalid' },
    route_not_found: { status: 404, message: 'No route matches the request' },
    // [I] Not an Apia code: a body over BODY_LIMIT is refused with 413 (what a fronting proxy does), in the vendor envelope.
    request_too_large: { status: 413, message: 'The request body is too large' },
    unhandled_exception: { status: 500, message: 'An unhandled exception occurred' },
  },
  { 400: 'invalid_argument', 403: 'permission_denied', 404: 'object_not_found', 406: 'task_queueing_error', 422: 'validation_error', 429: 'rate_limit_reached', 500: 'unhandled_exception', 503: 'service_unavailable', 504: 'network_error' },
);

type KatapultErrorCode = ReturnType<typeof catalogue.codes>[number];

/** The `detail` a forced error (x-emulator-fault) carries, in the shape the vendor documents for it. */
const DEFAULT_DETAIL: Partial<Record<KatapultErrorCode, () => unknown>> = {
  invalid_api_token: () => ({ details: null }),
  unauthorized_network_for_api_token: () => ({ ip_address: '127.0.0.1' }),
  scope_not_granted: () => ({ scopes: [] }),
  permission_denied: () => ({ details: null }),
  object_storage_bucket_deletion_error: () => ({ details: 'The bucket could not be deleted.' }),
  object_in_trash: () => ({ trash_object: null }),
  task_queueing_error: () => ({ details: 'The task could not be queued.' }),
  validation_error: () => ({ errors: ['Emulated validation error'] }),
  rate_limit_reached: () => ({ total_permitted: 1000 }),
  invalid_json_body: () => ({ details: 'Forced by x-emulator-fault' }),
};

export function katapultError(code: KatapultErrorCode, detail?: unknown, description?: string): VendorError {
  return catalogue.error(code, { detail: detail ?? DEFAULT_DETAIL[code]?.() ?? {}, message: description });
}

type ArgumentIssue = 'invalid_scalar' | 'parse_error' | 'validation_error' | 'invalid_enum_value' | 'missing_lookup_value' | 'ambiguous_lookup_values';

/** Apia's 400 invalid_argument: `The '<a.b>' argument is invalid`. */
export function invalidArgument(path: string[], issue: ArgumentIssue, issueDescription: string, errors: string[] = []): VendorError {
  const name = path.join('.');
  return catalogue.error('invalid_argument', {
    detail: {
      path,
      index: null,
      issue,
      issue_description: issueDescription,
      errors,
      argument: { id: name, name: path[path.length - 1] ?? name, description: null },
    },
    message: `The '${name}' argument is invalid`,
  });
}

/** Apia's 400 missing_required_argument. */
export function missingArgument(path: string[]): VendorError {
  const name = path.join('.');
  return catalogue.error('missing_required_argument', { detail: { path, argument: { name: path[path.length - 1] ?? name, description: null } }, message: `The '${name}' argument is required but has not been provided` });
}

function fromProblem(problem: Problem): VendorError {
  switch (problem.kind) {
    case 'route_not_found':
      return catalogue.error('route_not_found', { detail: {}, message: `No route matches '${problem.path}' for ${problem.method}` });
    case 'invalid_json':
    case 'unsupported_media_type':
      return catalogue.error('invalid_json_body', { detail: { details: problem.message } });
    case 'body_too_large':
      // Katapult documents no size limit; the emulator answers 413 in the vendor envelope (documented).
      return catalogue.error('request_too_large', { detail: { details: problem.message } });
    case 'validation': {
      const issue = problem.issues?.[0];
      if (!issue) return invalidArgument(['request'], 'invalid_scalar', problem.message, [problem.message]);
      const path = issue.path.map(String).filter((p) => p !== 'body' && p !== 'querystring');
      return invalidArgument(path.length ? path : ['request'], 'invalid_scalar', issue.message, [issue.message]);
    }
    case 'unknown_fault':
      return invalidArgument(['x-emulator-fault'], 'invalid_enum_value', problem.message, [problem.message]);
    case 'unavailable':
      return catalogue.error('service_unavailable', { detail: {}, message: problem.message });
    case 'internal':
    default:
      return catalogue.error('unhandled_exception', { detail: {} });
  }
}

const ERROR_HEADERS = { 'x-api-schema': 'json-error', 'cache-control': 'no-cache', 'content-type': 'application/json' } as const;

/** The error codes each operation documents (vendor notes §1.2), besides the auth errors every one has. */
const ORG: KatapultErrorCode[] = ['organization_suspended', 'organization_not_activated', 'organization_not_found'];
const ACCOUNT: KatapultErrorCode[] = ['object_storage_account_not_provisioned', 'object_storage_account_suspended', 'object_storage_account_not_found', 'object_storage_cluster_not_found', ...ORG, 'object_in_trash'];
const BUCKET: KatapultErrorCode[] = ['object_storage_bucket_not_found', 'object_storage_cluster_not_found', 'object_in_trash', 'multiple_object_storage_buckets_found'];
const KEY: KatapultErrorCode[] = ['object_storage_access_key_not_found'];
const AUTH: KatapultErrorCode[] = ['missing_api_token', 'invalid_api_token', 'invalid_capabilities_token', 'unauthorized_network_for_api_token', 'scope_not_granted', 'permission_denied', 'rate_limit_reached', 'service_unavailable'];
const OPERATION_ERRORS: Record<string, KatapultErrorCode[]> = {
  'get:organization_object_storage_access_keys': [...ORG],
  'post:organization_object_storage_object_storage_cluster_access_keys': [...ACCOUNT, 'validation_error'],
  'get:object_storage_access_key': [...KEY],
  'patch:object_storage_access_key': [...KEY, 'task_queueing_error', 'object_storage_provisioning_error', 'validation_error'],
  'delete:object_storage_access_key': [...KEY, 'network_error'],
  'post:object_storage_access_key_generate_credentials': [...KEY, 'task_queueing_error', 'object_storage_provisioning_error'],
  'post:organization_object_storage_object_storage_cluster': [...ORG, 'object_storage_cluster_not_found', 'object_in_trash', 'task_queueing_error', 'validation_error'],
  'get:organization_object_storage_object_storage_cluster': [...ACCOUNT],
  'delete:organization_object_storage_object_storage_cluster': [...ACCOUNT, 'validation_error'],
  'post:organization_object_storage_object_storage_cluster_buckets': [...ACCOUNT, 'validation_error'],
  'get:object_storage_object_storage_cluster_bucket': [...BUCKET],
  'patch:object_storage_object_storage_cluster_bucket': [...BUCKET, 'validation_error'],
  'delete:object_storage_object_storage_cluster_bucket': [...BUCKET, 'object_storage_bucket_deletion_error', 'network_error'],
  'post:object_storage_object_storage_cluster_bucket_presigned_url': [...BUCKET, 'validation_error', 'network_error'],
  'post:object_storage_object_storage_cluster_bucket_revoke_presigned_urls': [...BUCKET, 'network_error'],
  'get:object_storage_object_storage_cluster_bucket_object': [...BUCKET, 'object_not_found', 'network_error'],
  'get:trash_object': ['trash_object_not_found'],
  'delete:trash_object': ['trash_object_not_found', 'task_queueing_error'],
  'post:trash_object_restore': ['trash_object_not_found', 'task_queueing_error'],
};

/** A bare status becomes the first code the operation documents with that status, so clients see a code they expect. */
function codeForStatus(status: number, operation: string | undefined): KatapultErrorCode | undefined {
  const documented = [...(operation ? OPERATION_ERRORS[operation] ?? [] : []), ...AUTH];
  return documented.find((code) => catalogue.entry(code).status === status);
}

export const katapultErrors: VendorErrorModel = {
  faultCodes: () => catalogue.codes(),
  fromFault(value, operation) {
    const trimmed = value.trim();
    const documented = /^\d{3}$/.test(trimmed) ? codeForStatus(Number(trimmed), operation) : undefined;
    const err = documented ? catalogue.error(documented) : catalogue.fromFault(trimmed);
    if (!err) return undefined;
    return katapultError(err.code as KatapultErrorCode);
  },
  fromProblem,
  render(err) {
    return {
      body: { error: { code: err.code, description: err.message, detail: err.detail ?? {} } },
      headers: { ...ERROR_HEADERS },
    };
  },
};
