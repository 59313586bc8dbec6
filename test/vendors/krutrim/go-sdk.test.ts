import { describe, expect, it } from 'vitest';
import { TEST_EPOCH } from '../../helpers/build-app.js';
import { useTestApp } from '../../helpers/use-test-app.js';
import { kosTime, SEEDED_BUCKET_KRN, stateDump } from './helpers.js';

/**
 * The requests of the official Go SDK (`ola-krutrim/krutrim-go-sdk`, kos.go) as it puts them on the wire:
 * `Authorization: Bearer`, the Stainless headers, a JSON body from `json.Encoder` (with its trailing newline),
 * and nothing else — in particular no `x-session-token` on GetUploadURL, GetDownloadURL, Move and Delete, and
 * no `x-region-id` unless the caller passes one. Responses decoded into `map[string]string` must hold strings only.
 */
const t = useTestApp({ fresh: 'world' });

const GO_HEADERS = {
  authorization: 'Bearer krutrim-test-key',
  accept: 'application/json',
  'user-agent': 'KrutrimClient/Go 0.1.0',
  'x-stainless-lang': 'go',
  'x-stainless-retry-count': '0',
};

/** One call as `requestconfig.ExecuteNewRequest` makes it (body nil → no Content-Type, no body). */
function goCall(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown, extra: Record<string, string> = {}) {
  return t.app.inject({
    method,
    url: `/krutrim/${path}`,
    headers: { ...GO_HEADERS, ...extra, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { payload: `${JSON.stringify(body)}\n` } : {}),
  });
}

const objects = (krn: string, suffix = '') => `kos/v1/buckets/${encodeURIComponent(krn)}/objects${suffix}`;
const onlyStrings = (value: Record<string, unknown>) => Object.values(value).every((v) => typeof v === 'string');

describe('Go SDK (kos.go) requests', () => {
  it('Buckets.Create without a tier sends "tier":"" and gets the default tier; Update without tags sends "tags":null and keeps them', async () => {
    const created = await goCall('POST', 'kos/v1/buckets', { name: 'go-bucket', tier: '', tags: { team: 'go' } }, { 'x-region-id': 'In-Hyderabad-1' });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toEqual({ createdAt: kosTime(TEST_EPOCH), krn: expect.stringMatching(/^krn:kos:In-Hyderabad-1:/), bucketName: 'go-bucket' });
    const krn = created.json().krn as string;

    const updated = await goCall('PUT', `kos/v1/buckets/${encodeURIComponent(krn)}`, { versioning: true, anonymous_access: false, tags: null });
    expect(updated.statusCode, updated.body).toBe(200);
    expect(updated.json()).toMatchObject({ name: 'go-bucket', tier: 'tier-2', versioning: true, anonymous_access: false, tags: { team: 'go' } });
    const got = await goCall('GET', `kos/v1/buckets/${encodeURIComponent(krn)}`);
    expect(got.json()).toMatchObject({ tier: 'tier-2', versioning: true, tags: { team: 'go' } });

    // A tier of "" in a list filter means every tier, as before; the list is the page's {totalItems, …, items}.
    const list = await goCall('GET', 'kos/v1/buckets?tier=');
    expect(list.statusCode).toBe(200);
    expect(list.json()).toMatchObject({ totalItems: 2, items: expect.any(Array) });
  });

  it('GetUploadURL, GetDownloadURL, Move and Delete succeed with the Bearer key alone (no x-session-token, no x-region-id)', async () => {
    const up = await goCall('PUT', objects(SEEDED_BUCKET_KRN), { prefix: 'go/hello.txt' });
    expect(up.statusCode, up.body).toBe(201);
    expect(onlyStrings(up.json())).toBe(true);
    // The Go example reads resp["uploadPreSignedUrl"]; PUT the bytes there.
    const url = new URL(up.json().uploadPreSignedUrl as string);
    const put = await t.app.inject({ method: 'PUT', url: url.pathname + url.search, payload: 'hello go' });
    expect(put.statusCode, put.body).toBe(200);

    const down = await goCall('POST', objects(SEEDED_BUCKET_KRN, '/download'), { objectkey: 'go/hello.txt' });
    expect(down.statusCode, down.body).toBe(200);
    expect(onlyStrings(down.json())).toBe(true);
    const get = new URL(down.json().preSignedUrl as string);
    expect((await t.app.inject({ method: 'GET', url: get.pathname + get.search })).body).toBe('hello go');

    const moved = await goCall('POST', objects(SEEDED_BUCKET_KRN, '/move'), { sourceKey: 'go/hello.txt', destinationKey: 'go/moved.txt' });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json()).toMatchObject({ sourceKey: 'go/hello.txt', destinationKey: 'go/moved.txt', action: 'move' });

    const deleted = await goCall('POST', objects(SEEDED_BUCKET_KRN, '/delete'), { objectkey: 'go/moved.txt' });
    expect(deleted.statusCode, deleted.body).toBe(200);

    const dump = JSON.stringify(await stateDump(t));
    expect(dump).not.toContain('go/hello.txt');
    expect(dump).not.toContain('go/moved.txt');
  });

  it('AccessKeys.Create ({}) and Sessions.Activate answer maps of strings; AccessKeys.Delete and Buckets.Delete (no body) answer 204', async () => {
    const created = await goCall('POST', 'kos/v1/access_keys', {}, { 'x-region-id': 'In-Bangalore-1', 'x-tier': 'tier-1' });
    expect(created.statusCode, created.body).toBe(201);
    expect(onlyStrings(created.json())).toBe(true);
    const { access_key: accessKey, secret_key: secretKey } = created.json() as { access_key: string; secret_key: string };
    const session = await goCall('POST', 'kos/v1/sessions/activate', { accessKey, secretKey }, { 'x-region-id': 'In-Bangalore-1' });
    expect(session.statusCode, session.body).toBe(200);
    expect(onlyStrings(session.json())).toBe(true);
    const listed = await goCall('GET', 'kos/v1/access_keys');
    expect(listed.json().find((k: { access_key: string }) => k.access_key === accessKey)).toMatchObject({ created_at: kosTime(TEST_EPOCH), created_date: kosTime(TEST_EPOCH) });
    expect((await goCall('DELETE', `kos/v1/access_keys/${accessKey}`)).statusCode).toBe(204);

    const bucket = (await goCall('POST', 'kos/v1/buckets', { name: 'go-delete-me', tier: '' })).json().krn as string;
    const deleted = await goCall('DELETE', `kos/v1/buckets/${encodeURIComponent(bucket)}`);
    expect(deleted.statusCode).toBe(204);
    expect((await goCall('GET', `kos/v1/buckets/${encodeURIComponent(bucket)}`)).statusCode).toBe(404);
  });

  it('an x-session-token the caller does pass must still be a live one', async () => {
    const res = await goCall('PUT', objects(SEEDED_BUCKET_KRN), { prefix: 'go/x.txt' }, { 'x-session-token': 'kst_not-a-session' });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'INVALID_SESSION' });
  });
});
