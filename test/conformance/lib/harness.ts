import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { VENDORS as REGISTRY } from '../../../src/vendors/index.js';
import type { AppUnderTest } from '../../helpers/build-app.js';
import type { Observation } from './run-records.js';
import type { SpecOperation, Vendor, VendorSpecs } from './specs.js';
import type { ResponseValidator } from './validate.js';

export interface CallOptions {
  /** The path after the vendor's mount, with its query string. Defaults to the operation's path with `probe` for each parameter. */
  path?: string;
  headers?: Record<string, string>;
  payload?: InjectOptions['payload'];
  /** Sent as `x-emulator-fault`. */
  fault?: string;
  /** Extra headers computed from the request as sent (e.g. a signature over the wire path and body). */
  sign?: (request: { method: string; url: string; body: string }) => Record<string, string>;
}

/** The vendor error code in a response body, for each vendor's envelope (informational). */
export function errorCode(vendor: Vendor, body: any): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const code =
    vendor === 'katapult' ? body.error?.code : vendor === 'ionos' ? body.messages?.[0]?.errorCode : vendor === 'ibm' ? body.error?.title ?? body.error?.code : body.code ?? body.error?.code;
  return code === undefined || code === null ? undefined : String(code);
}

export function parseBody(res: LightMyRequestResponse): unknown {
  if (res.body === '') return undefined;
  try {
    return JSON.parse(res.body);
  } catch {
    return res.body;
  }
}

/**
 * Drives one vendor of a test app by spec operation: every call is injected at the vendor's mount,
 * and every response is validated against the vendor's schema for that operation and status and kept
 * as an observation for the coverage matrix.
 */
export class VendorSession {
  readonly mount: string;
  private readonly byKey: Map<string, SpecOperation>;

  constructor(
    readonly vendor: Vendor,
    readonly t: AppUnderTest,
    specs: VendorSpecs,
    private readonly validator: ResponseValidator,
    readonly observations: Observation[],
  ) {
    this.mount = REGISTRY[vendor].mount;
    this.byKey = new Map(specs.operations[vendor].map((o) => [o.key, o]));
  }

  operation(key: string): SpecOperation {
    const op = this.byKey.get(key);
    if (!op) throw new Error(`${this.vendor} has no documented operation ${key}`);
    return op;
  }

  async call(step: string, key: string, options: CallOptions = {}): Promise<LightMyRequestResponse & { data: any }> {
    const op = this.operation(key);
    const path = options.path ?? op.path.replace(/\{[^}]*\}/g, 'probe');
    const headers: Record<string, string> = { ...options.headers };
    if (options.fault !== undefined) headers['x-emulator-fault'] = options.fault;
    const url = `${this.mount}${path}`;
    let payload = options.payload;
    if (options.sign) {
      // Sign the exact bytes that are sent.
      if (payload !== undefined && typeof payload !== 'string') {
        payload = JSON.stringify(payload);
        headers['content-type'] ??= 'application/json';
      }
      Object.assign(headers, options.sign({ method: op.method, url, body: typeof payload === 'string' ? payload : '' }));
    }
    const res = await this.t.inject({ method: op.method as InjectOptions['method'], url, headers, ...(payload !== undefined ? { payload } : {}) });
    const data = parseBody(res);
    const result = this.validator.validate(op, res.statusCode, data);
    const code = errorCode(this.vendor, data);
    this.observations.push({
      vendor: this.vendor,
      op: key,
      status: res.statusCode,
      ...(options.fault !== undefined ? { fault: options.fault } : {}),
      step,
      checked: result.checked,
      errors: result.errors,
      ...(res.statusCode >= 400 && code !== undefined ? { code } : {}),
    });
    return Object.assign(res, { data });
  }
}
