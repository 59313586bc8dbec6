import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('S3 plane settings', () => {
  it('defaults: 64 MiB per object, 1 GiB per namespace, no S3 ports, no PUBLIC_URL', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ s3MaxObjectBytes: 64 * 1024 * 1024, s3MaxNamespaceBytes: 1024 ** 3, s3Ports: [] });
    expect(c.publicUrl).toBeUndefined();
  });

  it('parses S3_PORTS, PUBLIC_URL and the byte limits, env and flags alike', () => {
    const c = loadConfig({ S3_PORTS: 'katapult:9000, krutrim:9001', PUBLIC_URL: 'http://127.0.0.1:4580/' }, ['--s3-max-object-bytes', '1024', '--s3-max-namespace-bytes=4096']);
    expect(c).toMatchObject({ s3Ports: [{ vendor: 'katapult', port: 9000 }, { vendor: 'krutrim', port: 9001 }], publicUrl: 'http://127.0.0.1:4580', s3MaxObjectBytes: 1024, s3MaxNamespaceBytes: 4096 });
  });

  it('refuses bad values, naming the variable', () => {
    expect(() => loadConfig({ PUBLIC_URL: 'http://host/with/path' })).toThrow(/PUBLIC_URL/);
    expect(() => loadConfig({ PUBLIC_URL: 'ftp://host' })).toThrow(ConfigError);
    expect(() => loadConfig({ S3_PORTS: 'aws:9000' })).toThrow(/S3_PORTS/);
    expect(() => loadConfig({ S3_MAX_OBJECT_BYTES: '0' })).toThrow(/S3_MAX_OBJECT_BYTES/);
  });
});
