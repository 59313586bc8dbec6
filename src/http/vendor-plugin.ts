import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler, preValidationHookHandler, RouteOptions } from 'fastify';
import { classifyFrameworkError, VendorError, type Problem, type ProblemKind } from '../core/errors.js';
import { DEFAULT_NAMESPACE, NAMESPACE_PATTERN, NamespaceLimitError } from '../core/namespaces.js';
import type { AuthRoute, VendorAuth, VendorDefinition } from '../core/vendor.js';
import type { Runtime } from '../runtime.js';
import { describeInputProblem, requestInputProblem } from './input-guard.js';
import { acceptEmptyJsonBodies } from './json-body.js';
import { literalSegments, maskUnroutedPath } from './unrouted-path.js';
import { DELAY_HEADER, FAULT_HEADER, NAMESPACE_HEADER } from './request-context.js';

const MAX_HEADER_DELAY_MS = 60_000;

/** The path after the vendor mount, without the query string. */
function vendorPath(request: FastifyRequest, mount: string): string {
  const path = request.url.split('?')[0] ?? '/';
  return path.startsWith(mount) ? path.slice(mount.length) || '/' : path;
}

function problem(kind: ProblemKind, status: number, message: string, request: FastifyRequest, mount: string, issues?: Problem['issues']): Problem {
  return { kind, status, message, method: request.method, path: vendorPath(request, mount), ...(issues ? { issues } : {}) };
}

function headerValue(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

type AuthHook = onRequestHookHandler & preValidationHookHandler;

/** Fastify takes one hook or a list of them. */
function hookList<T>(hooks: T | T[] | undefined): T[] {
  return hooks === undefined ? [] : Array.isArray(hooks) ? hooks : [hooks];
}

/** The vendor's auth step: authenticate → rate limit → authorize. Refusals are thrown VendorErrors. */
function runAuth(auth: VendorAuth<unknown>, runtime: Runtime, vendorId: string, route: AuthRoute, limited: boolean, request: FastifyRequest, reply: FastifyReply): void {
  const context = request.emulator;
  const found = auth.authenticate(request, route, context.now);
  context.credential = found.credential;
  context.principal = found.principal;
  if (limited && found.rateLimit !== undefined) {
    const decision = runtime.rateLimiter.consume({ namespace: context.namespace, vendor: vendorId, credential: found.rateKey ?? found.credential, limit: found.rateLimit, now: context.now });
    if (auth.rateLimitHeaders) reply.headers(auth.rateLimitHeaders(decision));
    if (!decision.allowed) throw auth.rateLimitError(decision, found.principal);
  }
  if (found.headers) reply.headers(found.headers);
  auth.authorize?.(found.principal, request, route, context.now);
}

/** The auth step as one route's hook, its settings captured once so a request reads no route options. */
function authHook(auth: VendorAuth<unknown>, runtime: Runtime, vendorId: string, route: AuthRoute): AuthHook {
  const limited = auth.rateLimited?.(route) ?? true;
  return function authenticate(request, reply, done) {
    // Run once the bytes that came with the head are parsed: an HTTP-level error in the body that
    // arrived with it (bad chunking) is then answered as that, not as a missing credential.
    queueMicrotask(() => {
      try {
        runAuth(auth, runtime, vendorId, route, limited, request, reply);
      } catch (err) {
        return done(err as Error);
      }
      done();
    });
  };
}

/**
 * Wraps a vendor's routes with the shared mechanics, in this order for every request: namespace
 * (created and seeded on first use) → faults and delays → the vendor's auth step (authenticate, rate
 * limit, authorize; before or after the body is parsed) → handler; every failure goes through the
 * vendor's one error renderer; every request is journaled and logged once.
 */
export function vendorPlugin(vendor: VendorDefinition, runtime: Runtime, mount: string) {
  return async function plugin(app: FastifyInstance): Promise<void> {
    const { errors } = vendor;

    const send = (reply: FastifyReply, err: VendorError) => {
      const rendered = errors.render(err);
      if (reply.request.emulator) reply.request.emulator.errorCode = err.code;
      return reply
        .code(err.status)
        .headers({ ...err.headers, ...rendered.headers })
        .type(rendered.headers?.['content-type'] ?? 'application/json')
        .send(rendered.body);
    };

    app.decorateRequest('emulator', null as never);

    // The literal segments of this vendor's routes: what an unrouted path may show as sent.
    const knownSegments = new Set<string>();
    const auth = vendor.auth?.(runtime.ctx);
    app.addHook('onRoute', (route) => {
      const url = route.url.slice(mount.length);
      for (const segment of literalSegments(url)) knownSegments.add(segment);
      if (auth) addAuth(auth, route, url);
    });

    /** Puts the auth step first among the route's own hooks of its stage (after the plugin's). */
    const addAuth = (auth: VendorAuth<unknown>, route: RouteOptions, url: string): void => {
      const operation = route.schema?.operationId;
      if (operation === undefined) return; // every vendor route has one; a route without is not the vendor's API
      const described: AuthRoute = { method: String(route.method), url, operation, config: (route.config ?? {}) as AuthRoute['config'] };
      if (auth.appliesTo && !auth.appliesTo(described)) return;
      const hook = authHook(auth, runtime, vendor.id, described);
      if (auth.stage === 'request') route.onRequest = [hook, ...hookList(route.onRequest)];
      else route.preValidation = [hook, ...hookList(route.preValidation)];
    };

    // Callback-style hooks: no promise per hook per request. A throw inside one reaches the error handler as before.
    app.addHook('onRequest', (request, _reply, done) => {
      // Namespace (created and seeded on first use).
      const namespace = request.raw.emulatorNamespace ?? headerValue(request, NAMESPACE_HEADER) ?? DEFAULT_NAMESPACE;
      request.emulator = { vendor: vendor.id, namespace, now: runtime.clock.now() };
      if (vendor.operationOf) {
        const named = vendor.operationOf(request);
        if (named !== undefined) request.emulator.operation = named;
      }
      if (!NAMESPACE_PATTERN.test(namespace)) {
        throw errors.fromProblem(problem('validation', 400, `Invalid emulator namespace "${namespace}": use 1–64 of A-Z a-z 0-9 _ . - starting with a letter or digit`, request, mount));
      }
      // A Set lookup once the namespace is known. A new namespace is copied from the startup world,
      // and while a reset or fixture load runs every request waits for it (its transaction is open).
      if (runtime.namespaces.isReady(namespace)) return applyFaults(request, namespace, done);
      runtime.namespaces.ensureAsync(namespace).then(
        () => {
          try {
            applyFaults(request, namespace, done);
          } catch (err) {
            done(err as Error);
          }
        },
        (err: unknown) => done(err instanceof NamespaceLimitError ? errors.fromProblem(problem('unavailable', 503, err.message, request, mount)) : (err as Error)),
      );
    });

    /** Faults and delays: x-emulator-delay, x-emulator-fault, /_emulator/faults rules. */
    const applyFaults = (request: FastifyRequest, namespace: string, done: (err?: Error) => void): void => {
      const delayHeader = headerValue(request, DELAY_HEADER);
      const faultHeader = headerValue(request, FAULT_HEADER);
      if (runtime.faults.isEmpty() && delayHeader === undefined && faultHeader === undefined) return done();
      const operation = request.emulator.operation ?? request.routeOptions.schema?.operationId;
      const effect = runtime.faults.isEmpty()
        ? undefined
        : runtime.faults.apply({ vendor: vendor.id, namespace, method: request.method, path: vendorPath(request, mount), operation });
      // Over the cap is refused like any other bad value (silently capping would hide the test's mistake).
      if (delayHeader !== undefined && (!/^\s*\d{0,9}\s*$/.test(delayHeader) || Number(delayHeader) > MAX_HEADER_DELAY_MS)) {
        throw errors.fromProblem(problem('validation', 400, `Invalid ${DELAY_HEADER} value "${delayHeader.slice(0, 64)}": use a whole number of milliseconds (at most ${MAX_HEADER_DELAY_MS})`, request, mount));
      }
      const delayMs = Math.max(effect?.delayMs ?? 0, Number(delayHeader ?? 0));
      const finish = () => {
        if (effect?.outcome !== undefined) request.emulator.outcome = effect.outcome;
        const forced = faultHeader ?? effect?.error;
        if (forced !== undefined) {
          throw errors.fromFault(forced, operation) ?? errors.fromProblem(problem('unknown_fault', 400, `Unknown ${FAULT_HEADER} value "${forced}" for ${vendor.id}: use one of its error codes or an HTTP status`, request, mount));
        }
      };
      if (delayMs <= 0) {
        finish();
        return done();
      }
      setTimeout(() => {
        try {
          finish();
        } catch (err) {
          return done(err as Error);
        }
        done();
      }, delayMs);
    };

    // Input limits (core/input.ts), for every route of every vendor, before its schemas and handler.
    app.addHook('preValidation', (request, _reply, done) => {
      const found = requestInputProblem(request);
      if (!found) return done();
      const message = describeInputProblem(found);
      done(errors.fromProblem(problem('validation', 400, `Invalid request: ${message}`, request, mount, [{ path: found.path, message: found.message }])));
    });

    app.addHook('onResponse', (request, reply, done) => {
      const context = request.emulator;
      const route = request.routeOptions;
      // A token-bearing route shows its pattern; a path no route takes, its credential-like segments masked.
      const path = route.config?.sensitivePath ? (route.url ?? '').slice(mount.length)
        : request.is404 ? maskUnroutedPath(vendorPath(request, mount), knownSegments)
        : vendorPath(request, mount);
      const namespace = context?.namespace ?? DEFAULT_NAMESPACE;
      const operation = context?.operation ?? route.schema?.operationId ?? null;
      const durationMs = Math.round(reply.elapsedTime * 100) / 100;
      const status = reply.statusCode;
      runtime.journal.record({ timeMs: runtime.clock.now(), namespace, vendor: vendor.id, method: request.method, path, operation, status, durationMs });
      // One line, only known-safe fields (never headers or bodies): no redaction is needed on this path.
      request.log.info({ vendor: vendor.id, namespace, operation, method: request.method, path, status, errorCode: context?.errorCode, durationMs }, 'request');
      done();
    });

    app.setErrorHandler(async (err, request, reply) => {
      if (err instanceof VendorError) return send(reply, err);
      const classified = classifyFrameworkError(err, request.method, vendorPath(request, mount));
      if (classified.kind === 'internal') request.log.error({ err }, 'unhandled error in vendor route');
      return send(reply, errors.fromProblem(classified));
    });

    app.setNotFoundHandler(async (request, reply) => {
      // A vendor whose gateway checks credentials before routing answers an unknown path 401 without them.
      if (auth?.unrouted) {
        const route: AuthRoute = { method: request.method, url: vendorPath(request, mount), operation: '', config: {} };
        runAuth(auth, runtime, vendor.id, route, auth.rateLimited?.(route) ?? true, request, reply);
      }
      return send(reply, errors.fromProblem(problem('route_not_found', 404, `No route matches '${vendorPath(request, mount)}' for ${request.method}`, request, mount)));
    });

    acceptEmptyJsonBodies(app);
    await vendor.routes(app, runtime.ctx);
  };
}
