import { readFile } from 'node:fs/promises';
import { DEFAULT_FIXTURE, loadConfig, VENDOR_IDS, type Config, type VendorId } from './config.js';
import { EmulatorClock } from './core/clock.js';
import type { z } from 'zod';
import type { FaultRule, faultRuleInput } from './core/faults.js';
import type { JournalEntry, JournalFilter } from './core/journal.js';
import type { ResetScope } from './core/namespaces.js';
import { s3Mount } from './s3/mount.js';
import { CONTROL_TOKEN_HEADER } from './http/request-context.js';
import { loggerOptions, startServer } from './server.js';

export { buildApp } from './app.js';
export { createRuntime, openRuntime } from './runtime.js';
export { loadVendors } from './registry.js';
export { ConfigError, DEFAULT_FIXTURE, loadConfig, VENDOR_IDS, type Config, type VendorId } from './config.js';
export { EmulatorClock } from './core/clock.js';
export type { FaultRule, JournalEntry, JournalFilter, ResetScope };
/** A fault rule as `POST /_emulator/faults` takes it. */
export type FaultRuleInput = z.input<typeof faultRuleInput>;

export interface StartOptions<V extends VendorId = VendorId> extends Partial<Omit<Config, 'port' | 'vendors'>> {
  /** Default 0: a free port. */
  port?: number;
  /** Serve only these vendors (default: all); `baseUrls` is typed by them. */
  vendors?: V[];
  /** Start with the clock frozen at this time. */
  frozenAt?: Date | string | number;
  /**
   * Settings as environment-variable text, parsed like the CLI's (e.g. `{ TRANSITIONS: 'immediate',
   * RATE_LIMITS: 'off' }`); the parsed options above win over these. A bad value throws ConfigError.
   */
  env?: Record<string, string | undefined>;
}

/** The control plane refused a helper's call (a bad fault rule, an invalid fixture, …). */
export class EmulatorControlError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
    this.name = 'EmulatorControlError';
  }
}

/** A fixture document (the format of fixtures/*.json), or the path of one. */
export type Fixture = Record<string, unknown> | string;

export interface NamespaceHandle<V extends VendorId = VendorId> {
  name: string;
  /** `<url>/ns/<name>`: every vendor path below it is in this namespace. */
  url: string;
  /** Each vendor's base URL in this namespace, to give its SDK. */
  baseUrls: Record<V, string>;
  /** Each vendor's S3 endpoint in this namespace, to give an S3 client with path-style addressing. */
  s3Urls: Record<string, string>;
  /** Wipes the namespace (or one vendor's part of it) and re-seeds it from the startup fixtures. */
  reset(vendor?: V): void;
  /** Loads a fixture document into the namespace; resolves to the counts loaded per vendor. */
  loadFixture(fixture: Fixture): Promise<Record<string, Record<string, number>>>;
  /** The journal entries of this namespace. */
  requests(filter?: Omit<JournalFilter, 'namespace'>): Promise<JournalEntry[]>;
  /** The namespace's state, secrets removed (as `GET /_emulator/state`). */
  state(vendor?: V): Promise<Record<string, unknown>>;
}

export interface EmulatorHandle<V extends VendorId = VendorId> {
  url: string;
  /** Each vendor's base URL (default namespace), to give its SDK. */
  baseUrls: Record<V, string>;
  /** Each vendor's S3 endpoint (`<url>/s3/<vendor>`), to give an S3 client with path-style addressing. */
  s3Urls: Record<string, string>;
  clock: EmulatorClock;
  reset(scope?: ResetScope): void;
  /** A namespace for one test: its base URLs, reset, fixtures, journal. Created and seeded on first use. */
  namespace(name: string): NamespaceHandle<V>;
  faults: {
    add(rule: FaultRuleInput): Promise<FaultRule>;
    list(): Promise<FaultRule[]>;
    /** Removes one rule, or every rule. */
    clear(id?: string): Promise<void>;
  };
  fixtures: {
    /** Loads a fixture document into a namespace (default `default`). */
    load(fixture: Fixture, options?: { namespace?: string }): Promise<Record<string, Record<string, number>>>;
  };
  transitions: {
    /** `{ 'ionos.*': 'immediate', 'katapult.access_key.provisioning': 'delay:30s' }`; unknown names are refused. */
    set(policies: Record<string, string>): Promise<void>;
    list(): Promise<Array<{ name: string; description: string; policy: string; default: string }>>;
    restoreDefaults(): Promise<void>;
  };
  journal: {
    list(filter?: JournalFilter): Promise<JournalEntry[]>;
    clear(filter?: JournalFilter): Promise<void>;
  };
  close(): Promise<void>;
}

/**
 * Starts an emulator in this process, for users' own test suites (vitest globalSetup, etc.). The helpers
 * call the control plane over HTTP, so they check their input exactly as `/_emulator` does.
 */
export async function startEmulator<V extends VendorId = VendorId>(options: StartOptions<V> = {}): Promise<EmulatorHandle<V>> {
  const { frozenAt, env, ...overrides } = options;
  // Checked as a whole (VENDOR_PORTS against VENDORS, transition names, …) when the runtime is created.
  // LOG_LEVEL and LOG_FORMAT are read from process.env too, so a test run can turn logs on without code.
  const fromProcess = { LOG_LEVEL: process.env.LOG_LEVEL || 'silent', ...(process.env.LOG_FORMAT ? { LOG_FORMAT: process.env.LOG_FORMAT } : {}) };
  const config: Config = { ...loadConfig({ PORT: '0', ...fromProcess, ...env }), ...overrides } as Config;
  const clock = new EmulatorClock();
  if (frozenAt !== undefined) {
    // Frozen first, then set: set() on a running clock keeps an offset, and the millisecond that may
    // pass before freeze() would then be frozen in too.
    clock.freeze();
    clock.set(new Date(frozenAt).getTime());
  }
  // Logs are off unless asked for (LOG_LEVEL / logLevel), then JSON unless LOG_FORMAT says pretty.
  const running = await startServer(config, { clock, logger: loggerOptions(config, false) });
  const { url } = running;
  const vendors = running.runtime.vendors.filter((v) => (VENDOR_IDS as readonly string[]).includes(v.id));
  const baseUrlsAt = (root: string) => Object.fromEntries(vendors.map((v) => [v.id, root + v.mount])) as Record<V, string>;
  const s3UrlsAt = (root: string) => Object.fromEntries(vendors.filter((v) => v.s3).map((v) => [v.id, root + s3Mount(v.id)]));

  const control = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const headers: Record<string, string> = config.controlToken ? { [CONTROL_TOKEN_HEADER]: config.controlToken } : {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${url}/_emulator${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await res.text();
    const parsed = text ? (JSON.parse(text) as unknown) : undefined;
    if (!res.ok) {
      const error = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
      throw new EmulatorControlError(res.status, error?.code ?? 'error', error?.message ?? `${method} /_emulator${path} answered ${res.status}`);
    }
    return parsed as T;
  };
  const query = (filter: object = {}) => {
    const q = new URLSearchParams(Object.entries(filter).filter(([, v]) => v !== undefined).map(([k, v]): [string, string] => [k, String(v)])).toString();
    return q ? `?${q}` : '';
  };
  const fixtureBody = async (fixture: Fixture) => (typeof fixture === 'string' ? (JSON.parse(await readFile(fixture, 'utf8')) as unknown) : fixture);
  const loadFixture = async (fixture: Fixture, namespace?: string) =>
    (await control<{ loaded: Record<string, Record<string, number>> }>('POST', `/fixtures${query({ namespace })}`, await fixtureBody(fixture))).loaded;
  const requests = async (filter?: JournalFilter) => (await control<{ requests: JournalEntry[] }>('GET', `/requests${query(filter)}`)).requests;
  const reset = (scope?: ResetScope) => running.runtime.namespaces.reset(scope);

  return {
    url,
    baseUrls: baseUrlsAt(url),
    s3Urls: s3UrlsAt(url),
    clock,
    reset,
    namespace: (name) => {
      const nsUrl = `${url}/ns/${encodeURIComponent(name)}`;
      return {
        name,
        url: nsUrl,
        baseUrls: baseUrlsAt(nsUrl),
        s3Urls: s3UrlsAt(nsUrl),
        reset: (vendor) => reset({ namespace: name, ...(vendor ? { vendor } : {}) }),
        loadFixture: (fixture) => loadFixture(fixture, name),
        requests: (filter) => requests({ ...filter, namespace: name }),
        state: async (vendor) => (await control<{ namespaces: Record<string, Record<string, unknown>> }>('GET', `/state${query({ namespace: name, vendor })}`)).namespaces[name] ?? {},
      };
    },
    faults: {
      add: (rule) => control<FaultRule>('POST', '/faults', rule),
      list: async () => (await control<{ faults: FaultRule[] }>('GET', '/faults')).faults,
      clear: async (id) => {
        await control('DELETE', id === undefined ? '/faults' : `/faults/${encodeURIComponent(id)}`);
      },
    },
    fixtures: { load: (fixture, opts) => loadFixture(fixture, opts?.namespace) },
    transitions: {
      set: async (policies) => {
        await control('POST', '/transitions', policies);
      },
      list: async () => (await control<{ transitions: Array<{ name: string; description: string; policy: string; default: string }> }>('GET', '/transitions')).transitions,
      restoreDefaults: async () => {
        await control('POST', '/transitions', { reset: 'defaults' });
      },
    },
    journal: {
      list: requests,
      clear: async (filter) => {
        await control('DELETE', `/requests${query(filter)}`);
      },
    },
    close: running.close,
  };
}

/** The package's default world (`fixtures/default.json`), to layer a fixture of your own over it in `seed`. */
export const DEFAULT_WORLD = DEFAULT_FIXTURE;
