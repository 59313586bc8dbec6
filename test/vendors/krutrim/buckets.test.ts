import { describe, expect, it } from 'vitest';
import { TEST_EPOCH } from '../../helpers/build-app.js';
import { useTestApp } from '../../helpers/use-test-app.js';
import { ACCOUNT, auth, CUSTOMER, expectError, kos, OTHER_API_KEY, SEEDED_BUCKET, SEEDED_BUCKET_KRN, kosTime } from './helpers.js';

const t = useTestApp();

const KRN = /^krn:kos:(In-Bangalore-1|In-Hyderabad-1):1000000001:8f0c6a1e-4b7d-4c2a-9e55-000000000001:bucket:[0-9a-f-]{36}$/;

describe('buckets', () => {
  it('creates a bucket: 201 {createdAt, krn, bucketName}, then gets it by KRN (URL-escaped or not), id or name', async () => {
    const res = await kos(t, { method: 'POST', path: '/kos/v1/buckets', body: { name: 'my-bucket', description: 'd', tags: { team: 'qa' }, versioning: true, anonymous_access: false, region: 'In-Bangalore-1', tier: 'tier-1' } });
    expect(res.statusCode).toBe(201);
    const created = res.json();
    expect(created).toEqual({ createdAt: kosTime(TEST_EPOCH), krn: expect.stringMatching(KRN), bucketName: 'my-bucket' });
    const id = created.krn.split(':')[6];
    for (const ref of [encodeURIComponent(created.krn), created.krn, id, 'my-bucket']) {
      const got = await kos(t, { method: 'GET', path: `/kos/v1/buckets/${ref}` });
      expect(got.statusCode, ref).toBe(200);
      expect(got.json()).toEqual({
        name: 'my-bucket', krnid: created.krn, owner: CUSTOMER, account_id: ACCOUNT, createdAt: created.createdAt, usedCapacity: 0, allocatedCapacity: 0,
        region: 'In-Bangalore-1', url: expect.stringContaining('my-bucket'), status: 'Active', path: '/my-bucket', protocol: 'S3', description: 'd',
        tags: { team: 'qa' }, versioning: true, anonymous_access: false, tier: 'tier-1',
      });
    }
  });

  it('takes region and tier from x-region-id / x-tier when the body has none', async () => {
    const created = (await kos(t, { method: 'POST', path: '/kos/v1/buckets', body: { name: 'hyd-bucket' }, headers: { 'x-region-id': 'In-Hyderabad-1' } })).json();
    expect(created.krn).toMatch(/^krn:kos:In-Hyderabad-1:/);
    const got = (await kos(t, { method: 'GET', path: `/kos/v1/buckets/${encodeURIComponent(created.krn)}` })).json();
    expect(got).toMatchObject({ region: 'In-Hyderabad-1', tier: 'tier-2' });
  });

  it('409 "Conflict, bucket already exists" (with x-should-retry: false, so the SDK does not retry)', async () => {
    const res = expectError(await kos(t, { method: 'POST', path: '/kos/v1/buckets', body: { name: SEEDED_BUCKET } }), 409, 'BUCKET_ALREADY_EXISTS');
    expect(res.message).toBe('Conflict, bucket already exists');
    // Names are global: another tenant cannot take it either.
    expectError(await kos(t, { method: 'POST', path: '/kos/v1/buckets', body: { name: SEEDED_BUCKET }, headers: auth(OTHER_API_KEY) }), 409, 'BUCKET_ALREADY_EXISTS');
  });

  it.each(['ab', 'UPPER', '-start', 'end-', 'a..b', 'a.-b', '192.168.1.1', 'x'.repeat(64), 'has_underscore', 'sp ace'])('422 for the invalid name %j', async (name) => {
    const res = expectError(await kos(t, { method: 'POST', path: '/kos/v1/buckets', body: { name } }), 422, 'VALIDATION_ERROR');
    expect(res.message).toMatch(/^Unprocessable entity, validation error/);
  });

  it('404 "Bucket not found" for an unknown bucket or one of another account', async () => {
    const res = expectError(await kos(t, { method: 'GET', path: '/kos/v1/buckets/nope-bucket' }), 404, 'BUCKET_NOT_FOUND');
    expect(res.message).toBe('Bucket not found');
    expectError(await kos(t, { method: 'GET', path: `/kos/v1/buckets/${encodeURIComponent(SEEDED_BUCKET_KRN)}`, headers: auth(OTHER_API_KEY) }), 404, 'BUCKET_NOT_FOUND');
    expectError(await kos(t, { method: 'GET', path: `/kos/v1/buckets/${encodeURIComponent(SEEDED_BUCKET_KRN.replace('In-Bangalore-1', 'In-Hyderabad-1'))}` }), 404, 'BUCKET_NOT_FOUND');
    expectError(await kos(t, { method: 'GET', path: '/kos/v1/buckets/krn:kos:broken' }), 404, 'BUCKET_NOT_FOUND');
  });

  it('updates tags, versioning and anonymous access, keeping what is not sent', async () => {
    t.clock.advance(1000);
    const res = await kos(t, { method: 'PUT', path: `/kos/v1/buckets/${encodeURIComponent(SEEDED_BUCKET_KRN)}`, body: { tags: { env: 'prod', owner: 'me' }, versioning: true } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ name: SEEDED_BUCKET, tags: { env: 'prod', owner: 'me' }, versioning: true, anonymous_access: false });
    const again = await kos(t, { method: 'PUT', path: `/kos/v1/buckets/${SEEDED_BUCKET}`, body: { anonymous_access: true } });
    expect(again.json()).toMatchObject({ tags: { env: 'prod', owner: 'me' }, versioning: true, anonymous_access: true });
    expectError(await kos(t, { method: 'PUT', path: '/kos/v1/buckets/nope-bucket', body: {} }), 404, 'BUCKET_NOT_FOUND');
    expectError(await kos(t, { method: 'PUT', path: `/kos/v1/buckets/${SEEDED_BUCKET}`, body: { versioning: 'yes' } }), 400, 'BAD_REQUEST');
    expectError(await kos(t, { method: 'PUT', path: `/kos/v1/buckets/${SEEDED_BUCKET}`, body: { name: 'rename' } }), 400, 'BAD_REQUEST');
  });

  it('deletes a bucket (no body as the SDKs send, or {otp}), then 404', async () => {
    expect((await kos(t, { method: 'DELETE', path: `/kos/v1/buckets/${encodeURIComponent(SEEDED_BUCKET_KRN)}` })).statusCode).toBe(204);
    expectError(await kos(t, { method: 'GET', path: `/kos/v1/buckets/${SEEDED_BUCKET}` }), 404, 'BUCKET_NOT_FOUND');
    expectError(await kos(t, { method: 'DELETE', path: `/kos/v1/buckets/${SEEDED_BUCKET}` }), 404, 'BUCKET_NOT_FOUND');
    await kos(t, { method: 'POST', path: '/kos/v1/buckets', body: { name: 'otp-bucket' } });
    expectError(await kos(t, { method: 'DELETE', path: '/kos/v1/buckets/otp-bucket', body: { otp: 'x1' } }), 400, 'INVALID_OTP');
    expect((await kos(t, { method: 'DELETE', path: '/kos/v1/buckets/otp-bucket', body: { otp: '4321' } })).statusCode).toBe(204);
  });
});

describe('bucket listing', () => {
  const create = async (n: number, headers: Record<string, string> = {}) => {
    for (let i = 0; i < n; i++) {
      t.clock.advance(1);
      expect((await kos(t, { method: 'POST', path: '/kos/v1/buckets', body: { name: `list-${String(i).padStart(2, '0')}` }, headers })).statusCode).toBe(201);
    }
  };

  it('pages with page / page_size: {totalItems, totalPages, currentPage, nextPage, items}', async () => {
    await create(24); // + the seeded bucket = 25
    const page1 = (await kos(t, { method: 'GET', path: '/kos/v1/buckets?page=1&page_size=10&refresh=false' })).json();
    expect(page1).toMatchObject({ totalItems: 25, totalPages: 3, currentPage: 1, nextPage: 2 });
    expect(page1.items).toHaveLength(10);
    expect(page1.items[0].name).toBe(SEEDED_BUCKET);
    const page3 = (await kos(t, { method: 'GET', path: '/kos/v1/buckets?page=3&page_size=10' })).json();
    expect(page3).toMatchObject({ totalItems: 25, totalPages: 3, currentPage: 3, nextPage: null });
    expect(page3.items).toHaveLength(5);
    const beyond = (await kos(t, { method: 'GET', path: '/kos/v1/buckets?page=9&page_size=10' })).json();
    expect(beyond).toMatchObject({ currentPage: 9, nextPage: null, items: [] });
    const defaults = (await kos(t, { method: 'GET', path: '/kos/v1/buckets' })).json();
    expect(defaults).toMatchObject({ currentPage: 1, totalPages: 3 });
    expect(defaults.items).toHaveLength(10);
  });

  it('filters by name_filter, tier, and by x-region-id when sent', async () => {
    await create(3);
    await kos(t, { method: 'POST', path: '/kos/v1/buckets', body: { name: 'hyd-only' }, headers: { 'x-region-id': 'In-Hyderabad-1' } });
    const names = async (query: string, headers: Record<string, string> = {}) =>
      (await kos(t, { method: 'GET', path: `/kos/v1/buckets${query}`, headers })).json().items.map((b: { name: string }) => b.name);
    expect(await names('?name_filter=LIST-0')).toEqual(['list-00', 'list-01', 'list-02']);
    expect(await names('?name_filter=01')).toEqual(['list-01']);
    expect(await names('', { 'x-region-id': 'In-Hyderabad-1' })).toEqual(['hyd-only']);
    expect(await names('', { 'x-region-id': '' })).toHaveLength(5);
    expect(await names('?tier=tier-2', { 'x-region-id': '' })).toEqual(['hyd-only']);
    expect(await names('', auth(OTHER_API_KEY))).toEqual([]);
  });

  it('refuses bad paging parameters with 400', async () => {
    for (const q of ['page=0', 'page=-1', 'page=abc', 'page_size=0', 'page_size=1.5', 'page_size=5000', 'refresh=maybe']) {
      expectError(await kos(t, { method: 'GET', path: `/kos/v1/buckets?${q}` }), 400, 'BAD_REQUEST');
    }
  });
});
