import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Agent } from 'node:http';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s3Client, startS3Emulator, type S3TestEmulator } from './helpers.js';

/** S3_PORTS (DESIGN.md §6): a vendor's S3 plane at the root of its own port, path-style and virtual-host style. */

const KOS = { accessKeyId: 'KOSEMULATOR000000001', secretAccessKey: 'krutrim-emulator-secret-000000000000000001' };

let emu: S3TestEmulator;
let port: number;
beforeAll(async () => {
  emu = await startS3Emulator({ S3_PORTS: 'krutrim:0' });
  port = emu.running.s3Apps[0]!.port;
});
afterAll(async () => emu.close());

describe('S3_PORTS', () => {
  it('serves the vendor at the root, path-style, in the same world as /s3/<vendor>', async () => {
    const root = s3Client(`http://127.0.0.1:${port}`, KOS);
    await root.send(new PutObjectCommand({ Bucket: 'emulator-bucket', Key: 'via-port', Body: 'port bytes' }));
    const mounted = s3Client(`${emu.url}/s3/krutrim`, KOS);
    expect(await (await mounted.send(new GetObjectCommand({ Bucket: 'emulator-bucket', Key: 'via-port' }))).Body!.transformToString()).toBe('port bytes');
    const journal = await (await fetch(`${emu.url}/_emulator/requests?vendor=krutrim`)).json();
    expect(JSON.stringify(journal)).toContain('"path":"/emulator-bucket/via-port"');
  });

  it('serves <bucket>.localhost:<port> virtual-host style', async () => {
    // Every name resolves to the loopback, as <bucket>.localhost does on most systems.
    const agent = new Agent({ lookup: ((_host: string, options: unknown, cb: (err: null, address: string | Array<{ address: string; family: number }>, family?: number) => void) => {
      if ((options as { all?: boolean }).all) cb(null, [{ address: '127.0.0.1', family: 4 }]);
      else cb(null, '127.0.0.1', 4);
    }) as never });
    const virtual = new S3Client({ endpoint: `http://localhost:${port}`, region: 'us-east-1', forcePathStyle: false, credentials: KOS, maxAttempts: 1, requestHandler: new NodeHttpHandler({ httpAgent: agent }) });
    await virtual.send(new PutObjectCommand({ Bucket: 'emulator-bucket', Key: 'virtual/key.txt', Body: 'virtual host' }));
    const listed = await virtual.send(new ListObjectsV2Command({ Bucket: 'emulator-bucket', Prefix: 'virtual/' }));
    expect(listed.Contents?.map((o) => o.Key)).toEqual(['virtual/key.txt']);
    expect(await (await virtual.send(new GetObjectCommand({ Bucket: 'emulator-bucket', Key: 'virtual/key.txt' }))).Body!.transformToString()).toBe('virtual host');
    agent.destroy();
  });
});
