import { INPUT_LIMIT_CODE } from './input.js';
import { isNamespaceFull } from './object-limit.js';

/**
 * Errors are thrown, typed and rendered in one place per vendor (DESIGN.md §5, anchors A.3.6).
 * A VendorError carries the vendor's own code and HTTP status; the vendor's catalogue builds them
 * and its `render` owns the exact envelope.
 */
export class VendorError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly detail?: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    // An answer to the client, not a fault of the emulator: no stack is captured (it cost about 10 µs
    // a refusal, and nothing shows it).
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = stackTraceLimit;
    this.name = 'VendorError';
  }
}

/** What went wrong before a vendor handler ran, in terms every vendor can map to its own errors. */
export type ProblemKind =
  | 'invalid_json'
  | 'body_too_large'
  | 'unsupported_media_type'
  | 'validation'
  | 'route_not_found'
  | 'unknown_fault'
  | 'unavailable'
  | 'internal';

export interface Problem {
  kind: ProblemKind;
  status: number;
  message: string;
  method: string;
  /** The path after the vendor mount. */
  path: string;
  /** For `validation`: where and what. */
  issues?: Array<{ path: Array<string | number>; message: string; code?: string }>;
}

export interface CatalogueEntry {
  status: number;
  message: string;
}

/** What a thrown catalogue error carries beyond its code; every part is optional. */
export interface ErrorOptions {
  /** Vendor-specific detail the vendor's `render` places in its envelope. */
  detail?: unknown;
  /** Replaces the catalogue's default message for the code. */
  message?: string;
  /** Extra response headers (e.g. `retry-after`). */
  headers?: Record<string, string>;
}

/**
 * A vendor's error catalogue: code → status and default message, plus the code that stands for a
 * bare HTTP status (for `x-emulator-fault: 503` and framework errors).
 */
export class ErrorCatalogue<Code extends string> {
  constructor(
    private readonly entries: Record<Code, CatalogueEntry>,
    private readonly codeForStatus: Partial<Record<number, NoInfer<Code>>>,
  ) {}

  has(code: string): code is Code {
    return Object.hasOwn(this.entries, code);
  }

  codes(): Code[] {
    return Object.keys(this.entries) as Code[];
  }

  entry(code: Code): CatalogueEntry {
    return this.entries[code];
  }

  error(code: Code, options: ErrorOptions = {}): VendorError {
    const entry = this.entries[code];
    return new VendorError(entry.status, code, options.message ?? entry.message, options.detail, options.headers);
  }

  /** The error for an HTTP status, from the status table or the first catalogue code with that status. */
  forStatus(status: number): VendorError | undefined {
    const code = this.codeForStatus[status] ?? this.codes().find((c) => this.entries[c].status === status);
    return code === undefined ? undefined : this.error(code);
  }

  /** `x-emulator-fault` takes a vendor code or an HTTP status. */
  fromFault(value: string): VendorError | undefined {
    const trimmed = value.trim();
    if (this.has(trimmed)) return this.error(trimmed);
    return /^\d{3}$/.test(trimmed) ? this.forStatus(Number(trimmed)) : undefined;
  }
}

/** Classifies an error Fastify raised before or around a handler. */
export function classifyFrameworkError(err: unknown, method: string, path: string): Problem {
  const e = err as { code?: string; statusCode?: number; message?: string; validation?: unknown };
  const base = { method, path };
  if (e?.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return { ...base, kind: 'body_too_large', status: 413, message: 'Request body is too large' };
  if (e?.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return { ...base, kind: 'unsupported_media_type', status: 415, message: 'Unsupported media type' };
  if (
    e?.code === 'FST_ERR_CTP_INVALID_JSON_BODY' ||
    e?.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ||
    e?.code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH' ||
    (err instanceof SyntaxError && e.statusCode === 400)
  ) {
    return { ...base, kind: 'invalid_json', status: 400, message: e.message ?? 'Invalid JSON body' };
  }
  if (e?.code === INPUT_LIMIT_CODE) {
    // A body past an input limit (http/json-depth.ts), refused while it streamed in.
    return { ...base, kind: 'validation', status: 400, message: e.message ?? 'Invalid request body', issues: [{ path: ['body'], message: e.message ?? 'invalid' }] };
  }
  if (e?.code === 'FST_ERR_VALIDATION' || Array.isArray(e?.validation)) {
    const issues = (Array.isArray(e.validation) ? e.validation : []).map((issue: any) => {
      // fastify-type-provider-zod puts the zod issue in `params.issue`; ajv-shaped otherwise.
      const zodIssue = issue?.params?.issue;
      const where: Array<string | number> = zodIssue?.path ?? String(issue?.instancePath ?? '').split('/').filter(Boolean);
      const context = (e as { validationContext?: string }).validationContext;
      return { path: context ? [context, ...where] : where, message: String(zodIssue?.message ?? issue?.message ?? 'invalid'), code: zodIssue?.code };
    });
    return { ...base, kind: 'validation', status: 400, message: e.message ?? 'Invalid request', issues };
  }
  if (isNamespaceFull(err)) {
    return { ...base, kind: 'unavailable', status: 503, message: 'This emulator namespace holds the most objects it may (MAX_OBJECTS_PER_NAMESPACE); reset it or raise the limit' };
  }
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return { ...base, kind: 'invalid_json', status: 400, message: e.message ?? 'Bad request' };
  }
  return { ...base, kind: 'internal', status: 500, message: 'Internal error' };
}
