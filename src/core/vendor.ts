import type { Database } from 'better-sqlite3';
import type { FastifyContextConfig, FastifyInstance, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { Config } from '../config.js';
import type { Clock } from './clock.js';
import type { Problem, VendorError } from './errors.js';
import type { IdSource } from './ids.js';
import type { RateDecision, RateLimiter } from './rate-limit.js';
import type { EntityState } from './timeline.js';
import type { TransitionSpec, Transitions } from './transitions.js';
import type { VendorS3 } from '../s3/part.js';

/** What a vendor plugin is given: explicit dependencies, no globals (anchors A.3.3). */
export interface VendorContext {
  db: Database;
  clock: Clock;
  ids: IdSource;
  config: Config;
  transitions: Transitions;
  rateLimiter: RateLimiter;
}

/** A table the vendor owns. Every table has a `namespace` column; reset and the state dump use this. */
export interface VendorTable {
  name: string;
  /** Columns never shown in the state dump (secrets, session tokens, object bytes). */
  hiddenColumns?: string[];
}

/** How a vendor turns every failure into its own envelope. */
export interface VendorErrorModel {
  /**
   * `x-emulator-fault` / rule value (vendor code or HTTP status) → error; undefined when unknown.
   * `operation` is the route's operationId, so a bare status can become the code that operation documents.
   */
  fromFault(value: string, operation?: string): VendorError | undefined;
  /** The codes `fromFault` takes (besides HTTP statuses), listed when a fault rule names another. */
  faultCodes?(): readonly string[];
  /** Framework-level problems (bad JSON, validation, unknown route, body too large, …). */
  fromProblem(problem: Problem): VendorError;
  /** The exact wire form of an error: body and extra headers. The status is `err.status`. */
  render(err: VendorError): { body: unknown; headers?: Record<string, string> };
}

/** A route as the auth step sees it: captured once when the route is added, not read per request. */
export interface AuthRoute {
  method: string;
  /** The route pattern after the vendor mount, e.g. `/accesskeys/:accessKeyId`. */
  url: string;
  /** The route's operationId (every vendor route has one). */
  operation: string;
  config: FastifyContextConfig;
}

/** Who a request is, as a vendor's `authenticate` found it. */
export interface Authenticated<Principal> {
  /** What the vendor's handlers work with (a token row, a manager, a caller): `principalOf(request)`. */
  principal: Principal;
  /** The credential's name for the journal, the log and the dashboard: never a secret. */
  credential: string;
  /**
   * The credential's rate limit (requests per minute; `RATE_LIMITS` may override it), or undefined
   * when the vendor does not limit it. The window is counted per `rateKey` (default `credential`).
   */
  rateLimit?: number;
  rateKey?: string;
  /** Headers every answer to this caller carries from here on (KOS: `x-region-id`). */
  headers?: Record<string, string>;
}

/**
 * A vendor's authentication and rate limit, run by the shared vendor plugin (src/http/vendor-plugin.ts)
 * for every route it applies to, in one order: authenticate → rate limit → authorize → handler. The
 * principal goes on `request.emulator.principal`; every refusal is a thrown VendorError, so it reaches
 * the vendor's one error renderer like any other failure. A path no route takes is authenticated only
 * when `unrouted` says so; otherwise its 404 is the plugin's.
 */
export interface VendorAuth<Principal = unknown> {
  /**
   * When it runs: `request` (onRequest), before the body is read, so a caller without credentials learns
   * nothing from validation; `body` (preValidation), after the body is parsed but before it is
   * validated, for a signature over the body (Exoscale).
   */
  stage: 'request' | 'body';
  /**
   * Whether a path no route takes is authenticated too, before its 404 (IONOS: the gateway checks
   * credentials first). Such a request's route has the path as `url` and an empty `operation`.
   */
  unrouted?: boolean;
  /** Whether a route needs credentials at all (default: every route); decided once per route. */
  appliesTo?(route: AuthRoute): boolean;
  /** Whether a route counts against the rate limit (default: every authenticated route). */
  rateLimited?(route: AuthRoute): boolean;
  /** The caller, or a thrown VendorError (401/403 in the vendor's words). `now` is the request's one time. */
  authenticate(request: FastifyRequest, route: AuthRoute, now: number): Authenticated<Principal>;
  /** The error for a request over its limit (status 429 with the vendor's body and `retry-after`). */
  rateLimitError(decision: RateDecision, principal: Principal): VendorError;
  /** Headers that show the window on every counted answer, refused or not (Katapult `x-ratelimit-*`). */
  rateLimitHeaders?(decision: RateDecision): Record<string, string>;
  /** Permission for this route (scopes, privileges, a session), after the rate limit: throws to refuse. */
  authorize?(principal: Principal, request: FastifyRequest, route: AuthRoute, now: number): void;
}

export interface VendorDefinition<Fixture = unknown> {
  /** The folder name, used as URL mount segment, table prefix, OpenAPI file name and log name. */
  id: string;
  /** Where the vendor is mounted, e.g. `/katapult/core/v1`. */
  mount: string;
  title: string;
  /** The real base URL this mount stands in for. */
  upstream: string;
  tables: VendorTable[];
  transitions: TransitionSpec[];
  fixture: {
    schema: z.ZodType<Fixture>;
    /**
     * Inserts one fixture section into a namespace; runs inside a transaction; returns counts. It may
     * only write rows: the startup world is seeded once into a template namespace and copied row by
     * row into every new namespace, so state kept anywhere else would not follow. Times it takes from
     * `ctx.clock` go in time columns (`*_at`, `*_since`, `*_until`, `last_modified`), which the copy
     * moves to the new namespace's creation time.
     */
    seed(ctx: VendorContext, namespace: string, data: Fixture): Record<string, number>;
  };
  /**
   * Drops what the vendor keeps in memory beside its tables about one namespace (undefined: all),
   * after a reset changed their rows behind its back (e.g. IONOS's per-user key counts).
   */
  forget?(ctx: VendorContext, namespace: string | undefined): void;
  errors: VendorErrorModel;
  /** Extra OpenAPI parts (security schemes, a note for the docs page) for `openapi/<id>.json`. */
  openapi?: { description?: string; components?: Record<string, unknown>; security?: Array<Record<string, string[]>> };
  /**
   * The states of its stateful entities in a namespace (keys, credentials, buckets, operations): the
   * newest `limit` rows of each table, so a namespace of a million keys cannot stall the event loop.
   */
  timeline?(ctx: VendorContext, namespace: string, limit: number): EntityState[];
  /**
   * Builds the vendor's auth step once per app (see VendorAuth); the shared plugin runs it. A vendor
   * without one (the S3 plane, which verifies SigV4 in its routes) authenticates nothing here.
   */
  auth?(ctx: VendorContext): VendorAuth<any>;
  /** Registers the vendor's routes (Fastify plugin body). Called once per app the vendor is served by. */
  routes(app: FastifyInstance, ctx: VendorContext): Promise<void> | void;
  /** The vendor's keys at work: its S3 data plane at `/s3/<id>` (DESIGN.md §6, src/s3/part.ts). */
  s3?: VendorS3;
  /**
   * The operation of a request, for a mount whose one route serves several (the S3 plane names
   * `s3:<Operation>`): faults, the journal and the log use it instead of the route's operationId.
   */
  operationOf?(request: { method: string; url: string; originalUrl: string; headers: Record<string, string | string[] | undefined> }): string | undefined;
}

/** One instance per database: a vendor's prepared statements, shared by its routes and its seeding. */
export function perDatabase<T>(create: (db: Database) => T): (db: Database) => T {
  const cache = new WeakMap<Database, T>();
  return (db) => {
    let value = cache.get(db);
    if (value === undefined) {
      value = create(db);
      cache.set(db, value);
    }
    return value;
  };
}
