/** What the shared hooks learn about a request, for vendor routes to use. */
export interface EmulatorRequestContext {
  vendor: string;
  namespace: string;
  /** An `outcome` a fault rule asked for (vendor-interpreted, e.g. IONOS `FAILED`). */
  outcome?: string;
  /** The vendor error code of the answer, when it is an error (for the log line). */
  errorCode?: string;
  /** The credential the vendor's auth resolved, for logs and rate limits (never a secret). */
  credential?: string;
  /** The emulator clock's time when the request arrived: the one "now" of the request (epoch ms). */
  now: number;
  /** What the vendor's auth step resolved (see VendorAuth): read it with `principalOf`. */
  principal?: unknown;
  /** The operation, when a route serves several (the S3 plane: `s3:PutObject`); else the route's operationId. */
  operation?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    emulator: EmulatorRequestContext;
  }
  interface FastifyContextConfig {
    /** Journal and log the route pattern instead of the path (the path holds a token). */
    sensitivePath?: boolean;
    /** The handler reads the raw request stream itself (the S3 plane): no body parsing or scanning. */
    rawBody?: boolean;
  }
}

declare module 'node:http' {
  interface IncomingMessage {
    /** Set by rewriteUrl from a `/ns/<name>/` prefix. */
    emulatorNamespace?: string;
  }
}

/**
 * The principal the vendor's auth step put on the request. A route its auth does not apply to has none:
 * reaching for one there is a programming error, not a client's.
 */
export function principalOf<Principal>(request: { emulator: EmulatorRequestContext }): Principal {
  const { principal } = request.emulator;
  if (principal === undefined) throw new Error('route reached without an authenticated principal');
  return principal as Principal;
}

export const NAMESPACE_HEADER = 'x-emulator-namespace';
export const FAULT_HEADER = 'x-emulator-fault';
export const DELAY_HEADER = 'x-emulator-delay';
export const CONTROL_TOKEN_HEADER = 'x-emulator-token';

const NS_PREFIX = /^\/ns\/([^/?#]*)(?=[/?#]|$)/;

/** Fastify `rewriteUrl`: strips `/ns/<name>` and remembers the name on the raw request. */
export function rewriteNamespaceUrl(req: import('node:http').IncomingMessage): string {
  const url = req.url ?? '/';
  const match = NS_PREFIX.exec(url);
  if (!match) return url;
  try {
    req.emulatorNamespace = decodeURIComponent(match[1]!);
  } catch {
    req.emulatorNamespace = match[1]!; // malformed escapes: refused later as an invalid name
  }
  const rest = url.slice(match[0].length);
  return rest.startsWith('/') ? rest : `/${rest}`;
}
