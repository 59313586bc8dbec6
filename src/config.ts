import { join } from 'node:path';
import { z } from 'zod';
import { DURATION_HELP, parseDuration } from './core/duration.js';
import { parsePolicyAssignments, POLICY_HELP, type TransitionPolicy } from './core/transitions.js';
import { PACKAGE_ROOT } from './core/package-info.js';
import { parseRateLimits, type RateLimitSetting } from './core/rate-limit.js';
import { VENDOR_IDS, type VendorId } from './registry.js';

/**
 * Every setting, parsed once (DESIGN.md §4). Each has an environment variable and a CLI flag twin;
 * a bad value stops start-up with a message naming the variable and what is allowed.
 */

// The vendor ids come from the registry (src/registry.ts), the one list of vendors.
export { VENDOR_IDS, type VendorId };

export const DEFAULT_FIXTURE = join(PACKAGE_ROOT, 'fixtures', 'default.json');

/**
 * The largest request body any setting may allow: a JSON body is collected as one string, and V8's
 * strings stop at ~512 MiB (`buffer.constants.MAX_STRING_LENGTH`; past it Node throws
 * ERR_STRING_TOO_LONG mid-request), so half of that leaves room for parsing it.
 */
export const MAX_BODY_BYTES = 256 * 1024 * 1024;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

interface Setting<T> {
  env: string;
  flag: string;
  help: string;
  /** Allowed values, for the error message. */
  allowed: string;
  default: string | undefined;
  parse(text: string): T;
}

function setting<T, D extends string | undefined>(s: Setting<T> & { default: D }): Setting<T> & { default: D } {
  return s;
}

const integer = (min: number, max: number) => (text: string): number => {
  if (!/^\d+$/.test(text.trim())) throw new Error('not an integer');
  const n = Number(text);
  if (n < min || n > max) throw new Error(`out of range`);
  return n;
};

const duration = (text: string): number => {
  const ms = parseDuration(/^\d+$/.test(text.trim()) ? Number(text) : text);
  if (ms === undefined) throw new Error('not a duration');
  return ms;
};

const boundedDuration = (min: number, max: number) => (text: string): number => {
  const ms = duration(text);
  if (ms < min || ms > max) throw new Error('out of range');
  return ms;
};

const vendorList = (text: string): VendorId[] => {
  const ids = text.split(',').map((v) => v.trim()).filter(Boolean);
  if (ids.length === 0 || ids.some((id) => !(VENDOR_IDS as readonly string[]).includes(id))) throw new Error('unknown vendor');
  return [...new Set(ids)] as VendorId[];
};

/** `vendor:port,…` (VENDOR_PORTS, S3_PORTS). */
const vendorPorts = (t: string): Array<{ vendor: VendorId; port: number }> =>
  t.split(',').map((p) => p.trim()).filter(Boolean).map((part) => {
    const [vendor, port] = part.split(':');
    return { vendor: vendorList(vendor ?? '')[0]!, port: integer(0, 65535)(port ?? '') };
  });

export const SETTINGS = {
  port: setting({ env: 'PORT', flag: '--port', help: 'HTTP port', allowed: 'an integer 0–65535', default: '4580', parse: integer(0, 65535) }),
  host: setting({ env: 'HOST', flag: '--host', help: 'interface to listen on (0.0.0.0 in Docker)', allowed: 'a host name or IP address', default: '127.0.0.1', parse: (t) => z.string().min(1).parse(t.trim()) }),
  dbPath: setting({ env: 'DB_PATH', flag: '--db-path', help: 'SQLite file, or :memory:', allowed: 'a file path or :memory:', default: ':memory:', parse: (t) => z.string().min(1).parse(t) }),
  seed: setting({
    env: 'SEED', flag: '--seed', help: 'fixture files loaded into every new namespace (comma-separated), or none',
    allowed: 'comma-separated fixture file paths (default: the package\'s own default world), or none', default: DEFAULT_FIXTURE,
    parse: (t): string[] => {
      if (t.trim() === 'none') return [];
      const paths = t.split(',').map((p) => p.trim()).filter(Boolean);
      // An empty SEED is a mistake (a shell variable that was never set), not a quiet empty world.
      if (paths.length === 0) throw new Error('empty: name fixture files, or none for an empty world');
      return paths.map((p) => (p === 'default' ? DEFAULT_FIXTURE : p));
    },
  }),
  logLevel: setting({ env: 'LOG_LEVEL', flag: '--log-level', help: 'log level', allowed: LOG_LEVELS.join(' | '), default: 'info', parse: (t) => z.enum(LOG_LEVELS).parse(t.trim()) }),
  logFormat: setting({ env: 'LOG_FORMAT', flag: '--log-format', help: 'json (Docker, CI) or pretty (a terminal); default: pretty on a TTY', allowed: 'json | pretty', default: undefined, parse: (t) => z.enum(['json', 'pretty']).parse(t.trim()) }),
  transitions: setting({
    env: 'TRANSITIONS', flag: '--transitions', help: 'transition policies: <name>=<policy>,… (a name may end in *; a bare policy sets all)',
    allowed: POLICY_HELP, default: '', parse: (t): Array<[string, TransitionPolicy]> => parsePolicyAssignments(t),
  }),
  rateLimits: setting({
    env: 'RATE_LIMITS', flag: '--rate-limits', help: 'per-vendor requests/minute for every credential (vendor:n,…), or off',
    allowed: `off, or <vendor>:<n>,… with vendor one of ${VENDOR_IDS.join(', ')}`, default: '',
    parse: (t): RateLimitSetting => parseRateLimits(t, VENDOR_IDS),
  }),
  vendorPorts: setting({
    env: 'VENDOR_PORTS', flag: '--vendor-ports', help: 'also serve a vendor at the root of its own port (vendor:port,…)',
    allowed: `<vendor>:<port>,… with vendor one of ${VENDOR_IDS.join(', ')}`, default: '',
    parse: vendorPorts,
  }),
  controlToken: setting({ env: 'CONTROL_TOKEN', flag: '--control-token', help: 'when set, /_emulator requires x-emulator-token', allowed: 'a non-empty string', default: undefined, parse: (t) => z.string().min(1).parse(t) }),
  vendors: setting({ env: 'VENDORS', flag: '--vendors', help: 'serve only these vendors (comma-separated)', allowed: VENDOR_IDS.join(', '), default: VENDOR_IDS.join(','), parse: vendorList }),
  idSeed: setting({ env: 'ID_SEED', flag: '--id-seed', help: 'makes generated ids and secrets deterministic', allowed: 'any string', default: undefined, parse: (t) => t }),
  journalSize: setting({ env: 'JOURNAL_SIZE', flag: '--journal-size', help: 'request journal capacity (ring buffer; 0 disables)', allowed: 'an integer 0–10000000', default: '10000', parse: integer(0, 10_000_000) }),
  journalBytes: setting({ env: 'JOURNAL_BYTES', flag: '--journal-bytes', help: 'request journal memory budget in bytes (oldest entries go first; fields over 1024 characters are cut)', allowed: 'an integer 65536–1073741824', default: '16777216', parse: integer(65_536, 1_073_741_824) }),
  bodyLimit: setting({ env: 'BODY_LIMIT', flag: '--body-limit', help: 'largest request body in bytes', allowed: `an integer 1024–${MAX_BODY_BYTES}`, default: '1048576', parse: integer(1024, MAX_BODY_BYTES) }),
  requestTimeout: setting({
    env: 'REQUEST_TIMEOUT', flag: '--request-timeout', help: 'most time a client may take to send a whole request, head and body (a stalled upload is cut with 408)',
    allowed: `a duration from 100ms to 24h (${DURATION_HELP})`, default: '5m', parse: boundedDuration(100, 86_400_000),
  }),
  headersTimeout: setting({
    env: 'HEADERS_TIMEOUT', flag: '--headers-timeout', help: 'most time a client may take to send the request head (at most REQUEST_TIMEOUT; then 408)',
    allowed: `a duration from 100ms to 24h (${DURATION_HELP})`, default: '1m', parse: boundedDuration(100, 86_400_000),
  }),
  maxNamespaces: setting({ env: 'MAX_NAMESPACES', flag: '--max-namespaces', help: 'most namespaces that may exist at once', allowed: 'an integer 1–1000000', default: '10000', parse: integer(1, 1_000_000) }),
  maxObjectsPerNamespace: setting({ env: 'MAX_OBJECTS_PER_NAMESPACE', flag: '--max-objects-per-namespace', help: 'most rows (keys, buckets, sessions, objects, …) one namespace may hold', allowed: 'an integer 1–100000000', default: '2000000', parse: integer(1, 100_000_000) }),
  ionosKeyLimit: setting({ env: 'IONOS_KEY_LIMIT', flag: '--ionos-key-limit', help: 'IONOS access keys per user', allowed: 'an integer 1–100000', default: '5', parse: integer(1, 100_000) }),
  ibmKeyLimit: setting({ env: 'IBM_KEY_LIMIT', flag: '--ibm-key-limit', help: 'IBM COS access keys per user', allowed: 'an integer 1–100000', default: '10', parse: integer(1, 100_000) }),
  krutrimSessionTimeout: setting({ env: 'KRUTRIM_SESSION_TIMEOUT', flag: '--krutrim-session-timeout', help: 'KOS session lifetime', allowed: DURATION_HELP, default: '1h', parse: duration }),
  s3Ports: setting({
    env: 'S3_PORTS', flag: '--s3-ports', help: "also serve a vendor's S3 data plane at the root of its own port (vendor:port,…)",
    allowed: `<vendor>:<port>,… with vendor one of ${VENDOR_IDS.join(', ')}`, default: '',
    parse: vendorPorts,
  }),
  publicUrl: setting({
    env: 'PUBLIC_URL', flag: '--public-url', help: 'base URL of this emulator (e.g. http://127.0.0.1:4580): vendor APIs then return S3 URLs that point at its S3 plane',
    allowed: 'an http(s) URL without a path, query or fragment', default: undefined,
    parse: (t): string => {
      const url = new URL(t.trim());
      if (!/^https?:$/.test(url.protocol) || (url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) throw new Error('not a base URL');
      return url.origin;
    },
  }),
  s3MaxObjectBytes: setting({ env: 'S3_MAX_OBJECT_BYTES', flag: '--s3-max-object-bytes', help: 'largest S3 object in bytes', allowed: 'an integer 1–5368709120', default: String(64 * 1024 * 1024), parse: integer(1, 5 * 1024 ** 3) }),
  s3MaxNamespaceBytes: setting({ env: 'S3_MAX_NAMESPACE_BYTES', flag: '--s3-max-namespace-bytes', help: 'most S3 object bytes one namespace may hold (all vendors)', allowed: 'an integer 1–1099511627776', default: String(1024 ** 3), parse: integer(1, 1024 ** 4) }),
  krutrimMaxObjectBytes: setting({ env: 'KRUTRIM_MAX_OBJECT_BYTES', flag: '--krutrim-max-object-bytes', help: 'largest KOS object upload in bytes', allowed: 'an integer 1–1073741824', default: '10485760', parse: integer(1, 1_073_741_824) }),
} as const;

type Settings = typeof SETTINGS;
export type Config = {
  [K in keyof Settings]: Settings[K] extends Setting<infer T> ? (undefined extends Settings[K]['default'] ? T | undefined : T) : never;
};

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const FLAG_TO_KEY = new Map(Object.entries(SETTINGS).map(([key, s]) => [s.flag, key as keyof Settings]));

/** Reads `--flag value` / `--flag=value` pairs; unknown flags are an error. */
export function parseFlags(argv: readonly string[]): Partial<Record<keyof Settings, string>> {
  const out: Partial<Record<keyof Settings, string>> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const key = FLAG_TO_KEY.get(flag);
    if (!key) throw new ConfigError(`Unknown option ${flag}. Run with --help to see the options.`);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new ConfigError(`Option ${flag} needs a value: ${SETTINGS[key].allowed}`);
    out[key] = value;
  }
  return out;
}

/** Environment first, flags over it, defaults under both. */
export function loadConfig(env: Record<string, string | undefined> = {}, argv: readonly string[] = []): Config {
  const flags = parseFlags(argv);
  const out: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(SETTINGS) as Array<[keyof Settings, Setting<unknown>]>) {
    const fromFlag = flags[key];
    const raw = fromFlag ?? env[spec.env] ?? spec.default;
    if (raw === undefined) {
      out[key] = undefined;
      continue;
    }
    try {
      out[key] = spec.parse(raw);
    } catch (err) {
      const source = fromFlag !== undefined ? `${spec.flag} (${spec.env})` : spec.env;
      const why = err instanceof z.ZodError ? 'invalid value' : (err as Error).message;
      throw new ConfigError(`Invalid ${source}=${JSON.stringify(raw)} (${why}). Allowed: ${spec.allowed}.`);
    }
  }
  checkConfig(out as Config);
  return out as Config;
}

/** A setting whose value parsed but cannot be used (e.g. DB_PATH in a missing directory): exit 2, naming it. */
export function settingError(key: keyof Settings, value: unknown, why: string): ConfigError {
  const text = Array.isArray(value) ? value.join(',') : String(value);
  return new ConfigError(`Invalid ${SETTINGS[key].env}=${JSON.stringify(text)} (${why}).`);
}

/** Checks between settings, run on the parsed config (also startEmulator()'s, after its overrides). */
export function checkConfig(config: Config): void {
  const unserved = config.vendorPorts.filter((p) => !config.vendors.includes(p.vendor)).map((p) => p.vendor);
  if (unserved.length > 0) {
    throw new ConfigError(`Invalid VENDOR_PORTS=${JSON.stringify(config.vendorPorts.map((p) => `${p.vendor}:${p.port}`).join(','))} (names ${unserved.join(', ')}, which VENDORS=${JSON.stringify(config.vendors.join(','))} does not serve). Allowed: vendors of VENDORS.`);
  }
}

export function helpText(): string {
  const rows = Object.values(SETTINGS).map(
    (s) => `  ${`${s.flag} <value>`.padEnd(36)}${s.env.padEnd(26)}${s.help}${s.default ? ` (default: ${s.default === DEFAULT_FIXTURE ? 'fixtures/default.json' : s.default})` : ''}`,
  );
  return [
    'accesskey-emulator: offline emulator of Katapult, IONOS, Exoscale, IBM COS and Krutrim KOS access-key APIs',
    '',
    'Usage: accesskey-emulator [options]',
    '',
    'Every option also reads its environment variable; a flag wins over the variable.',
    '',
    `  ${'option'.padEnd(36)}${'environment'.padEnd(26)}meaning`,
    ...rows,
    `  ${'--version'.padEnd(36)}${''.padEnd(26)}prints the version`,
    `  ${'--help'.padEnd(36)}${''.padEnd(26)}this text`,
  ].join('\n');
}
