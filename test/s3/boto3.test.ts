import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startS3Emulator, type S3TestEmulator } from './helpers.js';

/**
 * The key lifecycle with boto3 (Debian's python3-boto3, installed by .ci/run), which signs and
 * chunks differently from the AWS SDK for JavaScript: an IONOS key, refused while PROVISIONING,
 * used for every operation once AVAILABLE, refused with its old secret after renew.
 */

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'boto3_flow.py');

/** BOTO3_PYTHON when set, else Debian's interpreter (what CI installs), then python3 on PATH. */
function findPython(): string | undefined {
  for (const candidate of [process.env.BOTO3_PYTHON, '/usr/bin/python3', 'python3'].filter((c): c is string => !!c)) {
    try {
      execFileSync(candidate, ['-c', 'import boto3'], { stdio: 'ignore' });
      return candidate;
    } catch {
      // not there, or no boto3
    }
  }
  return undefined;
}

const python = findPython();
if (!python) console.warn('python3 with boto3 not found (apt-get install -y python3-boto3): the boto3 flow is skipped here; CI installs it');

function boto3(endpoint: string, creds: { accessKeyId: string; secretAccessKey: string }, steps: string[]): Promise<Record<string, any>> {
  const args = JSON.stringify({ endpoint, access_key: creds.accessKeyId, secret_key: creds.secretAccessKey, steps });
  return new Promise((resolve, reject) => {
    execFile(python!, [SCRIPT, args], { maxBuffer: 1 << 20 }, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(JSON.parse(stdout) as Record<string, any>)));
  });
}

let emu: S3TestEmulator;
beforeAll(async () => {
  emu = await startS3Emulator();
});
afterAll(async () => emu.close());

describe.skipIf(!python)('boto3', () => {
  it('an IONOS key through its lifecycle, every operation in between', async () => {
    const I = (path: string) => `${emu.url}/ns/boto/ionos${path}`;
    const auth = { authorization: 'Bearer ionos-test-token' };
    const endpoint = `${emu.url}/ns/boto/s3/ionos`;
    const created = await api(I('/accesskeys'), { method: 'POST', headers: auth, body: { properties: { description: 'boto3' } } });
    const first = { accessKeyId: created.body.properties.accessKey, secretAccessKey: created.body.properties.secretKey };

    expect((await boto3(endpoint, first, ['list_buckets'])).list_buckets).toEqual({ error: 'InvalidAccessKeyId', status: 403 });
    emu.clock.advance(2_000);
    const run = await boto3(endpoint, first, ['create_bucket', 'put_get', 'stream_upload', 'list_objects', 'presigned', 'copy_delete', 'list_buckets']);
    expect(run.create_bucket).toBe('created');
    expect(run.put_get).toEqual({ etag: `"${createHash('md5').update('hello boto3').digest('hex')}"`, body: 'hello boto3', type: 'text/plain' });
    expect(run.stream_upload).toMatchObject({ etag: expect.stringMatching(/^"[0-9a-f]{32}-3"$/), size: 11 * 1024 * 1024, range: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] });
    expect(run.stream_upload.md5).toBe(run.stream_upload.expected_md5);
    expect(run.list_objects).toEqual({ keys: ['big.bin'], prefixes: ['dir/'] });
    expect(run.presigned).toBe('hello boto3');
    expect(run.copy_delete).toEqual(['big.bin', 'copy.txt']);
    expect(run.list_buckets).toEqual(['boto3-bucket']);

    const renewed = await api(I(`/accesskeys/${created.body.id}/renew`), { method: 'PUT', headers: auth });
    emu.clock.advance(2_000);
    expect((await boto3(endpoint, first, ['get'])).get).toEqual({ error: 'SignatureDoesNotMatch', status: 403 });
    expect((await boto3(endpoint, { ...first, secretAccessKey: renewed.body.properties.secretKey }, ['get'])).get).toBe('hello boto3');
  }, 300_000); // five Python start-ups (boto3 imports slowly on a loaded machine)
});
