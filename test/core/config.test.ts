import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_FIXTURE, helpText, loadConfig, SETTINGS } from '../../src/config.js';

describe('config', () => {
  it('has the documented defaults', () => {
    const c = loadConfig({});
    expect(c.port).toBe(4580);
    expect(c.host).toBe('127.0.0.1');
    expect(c.dbPath).toBe(':memory:');
    expect(c.seed).toEqual([DEFAULT_FIXTURE]);
    expect(c.vendors).toEqual(['katapult', 'ionos', 'exoscale', 'ibm', 'krutrim']);
    expect(c.rateLimits).toEqual({});
    expect(c.controlToken).toBeUndefined();
    // `default` in SEED is the package's own default world, wherever the process runs.
    expect(loadConfig({ SEED: 'default, mine.json' }).seed).toEqual([DEFAULT_FIXTURE, 'mine.json']);
  });

  it('reads the environment, and a flag wins over its variable', () => {
    const c = loadConfig({ PORT: '5000', SEED: 'none', RATE_LIMITS: 'katapult:1000,ionos:600', VENDOR_PORTS: 'ionos:8337' }, ['--port', '6000', '--vendors=katapult,ionos']);
    expect(c.port).toBe(6000);
    expect(c.seed).toEqual([]);
    expect(c.rateLimits).toEqual({ katapult: 1000, ionos: 600 });
    expect(c.vendorPorts).toEqual([{ vendor: 'ionos', port: 8337 }]);
    expect(c.vendors).toEqual(['katapult', 'ionos']);
    expect(loadConfig({ RATE_LIMITS: 'off' }).rateLimits).toBe('off');
  });

  it.each([
    [{ PORT: 'abc' }, /Invalid PORT="abc".*Allowed: an integer 0–65535/],
    [{ PORT: '70000' }, /Invalid PORT="70000"/],
    [{ LOG_LEVEL: 'loud' }, /Invalid LOG_LEVEL="loud".*fatal \| error \| warn \| info/],
    [{ TRANSITIONS: 'katapult.x=soon' }, /Invalid TRANSITIONS=.*immediate \| delay:<duration> \| reads:<n>/],
    [{ RATE_LIMITS: 'aws:10' }, /Invalid RATE_LIMITS="aws:10".*vendor one of katapult, ionos/],
    [{ VENDOR_PORTS: 'ibm:x' }, /Invalid VENDOR_PORTS/],
    [{ VENDORS: 'katapult,aws' }, /Invalid VENDORS="katapult,aws".*Allowed: katapult, ionos, exoscale, ibm, krutrim/],
    [{ KRUTRIM_SESSION_TIMEOUT: 'forever' }, /Invalid KRUTRIM_SESSION_TIMEOUT/],
    [{ SEED: '' }, /Invalid SEED="" \(empty: name fixture files, or none for an empty world\)/],
    [{ SEED: ' , ' }, /Invalid SEED=/],
    [{ VENDORS: 'katapult', VENDOR_PORTS: 'ibm:8337' }, /Invalid VENDOR_PORTS="ibm:8337" \(names ibm, which VENDORS="katapult" does not serve\)/],
  ])('refuses %o with a message naming the variable and what is allowed', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('names the flag when a flag is bad, and refuses unknown flags', () => {
    expect(() => loadConfig({}, ['--port', 'x'])).toThrow(/Invalid --port \(PORT\)="x"/);
    expect(() => loadConfig({}, ['--nope', '1'])).toThrow(/Unknown option --nope/);
    expect(() => loadConfig({}, ['--port'])).toThrow(/needs a value/);
  });

  it('documents every setting in --help, with its flag and variable', () => {
    const help = helpText();
    for (const s of Object.values(SETTINGS)) {
      expect(help).toContain(s.flag);
      expect(help).toContain(s.env);
    }
  });
});
