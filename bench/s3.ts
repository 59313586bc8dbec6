import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

/**
 * The S3 data plane's load scenarios for bench/run.ts (issue 20): PutObject and GetObject of 1 KiB
 * and 1 MiB through presigned URLs (the SDK presigner, valid for an hour), so every request is a
 * full SigV4 verification without a client signing each one. The baseline answers the same bytes
 * from a bare Fastify route (bench/baseline-server.mjs: GET /bytes/:n, PUT /bytes/0 reading the body).
 */

const IBM = { accessKeyId: '181920', secretAccessKey: 'secretKey' };
const NAMESPACE = 'bench-s3';
const BUCKET = 'bench';

export interface S3LoadSpec {
  method: 'GET' | 'PUT';
  path: string;
  headers?: Record<string, string>;
  body?: Buffer;
}

export interface S3Scenario {
  id: string;
  name: string;
  kind: 's3-get' | 's3-put';
  bytes: number;
  setup(emulator: { url: string }): Promise<S3LoadSpec>;
}

const clients = new Map<string, S3Client>();
function client(url: string): S3Client {
  let c = clients.get(url);
  if (!c) {
    c = new S3Client({ endpoint: `${url}/ns/${NAMESPACE}/s3/ibm`, region: 'us-east-1', forcePathStyle: true, credentials: IBM, maxAttempts: 1 });
    clients.set(url, c);
  }
  return c;
}

async function ensureBucket(url: string): Promise<void> {
  try {
    await client(url).send(new CreateBucketCommand({ Bucket: BUCKET }));
  } catch (err) {
    if ((err as { name?: string }).name !== 'BucketAlreadyOwnedByYou') throw err;
  }
}

const pathOf = (signed: string) => {
  const u = new URL(signed);
  return u.pathname + u.search;
};

const SIZES = [{ label: '1 KiB', id: '1k', bytes: 1024 }, { label: '1 MiB', id: '1m', bytes: 1024 * 1024 }];

export const S3_SCENARIOS: S3Scenario[] = SIZES.flatMap(({ label, id, bytes }) => [
  {
    id: `s3-put-${id}`, name: `S3 PutObject ${label}`, kind: 's3-put' as const, bytes,
    setup: async (emulator: { url: string }) => {
      await ensureBucket(emulator.url);
      const signed = await getSignedUrl(client(emulator.url), new PutObjectCommand({ Bucket: BUCKET, Key: `put-${id}` }), { expiresIn: 3600 });
      return { method: 'PUT' as const, path: pathOf(signed), headers: { 'content-type': 'application/octet-stream' }, body: Buffer.alloc(bytes, 0x61) };
    },
  },
  {
    id: `s3-get-${id}`, name: `S3 GetObject ${label}`, kind: 's3-get' as const, bytes,
    setup: async (emulator: { url: string }) => {
      await ensureBucket(emulator.url);
      await client(emulator.url).send(new PutObjectCommand({ Bucket: BUCKET, Key: `get-${id}`, Body: Buffer.alloc(bytes, 0x62) }));
      const signed = await getSignedUrl(client(emulator.url), new GetObjectCommand({ Bucket: BUCKET, Key: `get-${id}` }), { expiresIn: 3600 });
      return { method: 'GET' as const, path: pathOf(signed) };
    },
  },
]);

export function closeS3Clients(): void {
  for (const c of clients.values()) c.destroy();
  clients.clear();
}
