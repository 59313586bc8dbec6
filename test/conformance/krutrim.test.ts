import { expect } from 'vitest';
import { conformanceSuite } from './lib/suite.js';

/**
 * Krutrim KOS against its documented operations (test/conformance/lib/documented-tables.ts, from the notes
 * §3.3): access keys create → list → activate a session → delete; buckets create → list → get → update →
 * delete → 404; and the documented errors a client meets. Default world (DESIGN.md §4): Bearer
 * krutrim-test-key, account 1000000001, region In-Bangalore-1.
 */
const HEADERS = { authorization: 'Bearer krutrim-test-key', 'x-account-id': '1000000001', 'x-region-id': 'In-Bangalore-1' };

conformanceSuite('krutrim', [
  {
    name: 'access key: create → list → activate a session → delete → delete again 404',
    run: async (s) => {
      const created = await s.call('create key', 'POST /kos/v1/access_keys', { path: '/kos/v1/access_keys', headers: HEADERS, payload: { key_name: 'conformance', region: 'In-Bangalore-1' } });
      expect(created.statusCode).toBeLessThan(300);
      const { access_key: accessKey, secret_key: secretKey } = created.data as { access_key: string; secret_key: string };
      expect((await s.call('list keys', 'GET /kos/v1/access_keys', { path: '/kos/v1/access_keys', headers: HEADERS })).statusCode).toBe(200);
      expect((await s.call('activate session', 'POST /kos/v1/sessions/activate', { path: '/kos/v1/sessions/activate', headers: HEADERS, payload: { accessKey, secretKey } })).statusCode).toBeLessThan(300);
      expect((await s.call('delete key', 'DELETE /kos/v1/access_keys/{}', { path: `/kos/v1/access_keys/${encodeURIComponent(accessKey)}`, headers: HEADERS })).statusCode).toBe(204);
      expect((await s.call('delete key again', 'DELETE /kos/v1/access_keys/{}', { path: `/kos/v1/access_keys/${encodeURIComponent(accessKey)}`, headers: HEADERS })).statusCode).toBe(404);
      expect((await s.call('delete all keys', 'DELETE /internal/kos/v1/access_keys_all', { path: '/internal/kos/v1/access_keys_all', headers: HEADERS })).statusCode).toBe(204);
      expect((await s.call('delete all keys when none', 'DELETE /internal/kos/v1/access_keys_all', { path: '/internal/kos/v1/access_keys_all', headers: HEADERS })).statusCode).toBe(404);
    },
  },
  {
    name: 'bucket: create → list → get → update → delete → 404; 409 for a taken name, 422 for a bad one',
    run: async (s) => {
      const created = await s.call('create bucket', 'POST /kos/v1/buckets', { path: '/kos/v1/buckets', headers: HEADERS, payload: { name: 'conformance-bucket', versioning: false } });
      expect(created.statusCode).toBe(201);
      const krn = encodeURIComponent(created.data.krn as string);
      expect((await s.call('taken name', 'POST /kos/v1/buckets', { path: '/kos/v1/buckets', headers: HEADERS, payload: { name: 'conformance-bucket' } })).statusCode).toBe(409);
      expect((await s.call('invalid name', 'POST /kos/v1/buckets', { path: '/kos/v1/buckets', headers: HEADERS, payload: { name: 'Not A Bucket Name!' } })).statusCode).toBe(422);
      expect((await s.call('list buckets', 'GET /kos/v1/buckets', { path: '/kos/v1/buckets?page=1&page_size=10', headers: HEADERS })).statusCode).toBe(200);
      expect((await s.call('get bucket', 'GET /kos/v1/buckets/{}', { path: `/kos/v1/buckets/${krn}`, headers: HEADERS })).statusCode).toBe(200);
      expect((await s.call('update bucket', 'PUT /kos/v1/buckets/{}', { path: `/kos/v1/buckets/${krn}`, headers: HEADERS, payload: { tags: { team: 'conformance' }, versioning: true } })).statusCode).toBe(200);
      expect((await s.call('delete bucket', 'DELETE /kos/v1/buckets/{}', { path: `/kos/v1/buckets/${krn}`, headers: HEADERS })).statusCode).toBe(204);
      expect((await s.call('get deleted bucket', 'GET /kos/v1/buckets/{}', { path: `/kos/v1/buckets/${krn}`, headers: HEADERS })).statusCode).toBe(404);
      expect((await s.call('update deleted bucket', 'PUT /kos/v1/buckets/{}', { path: `/kos/v1/buckets/${krn}`, headers: HEADERS, payload: { versioning: false } })).statusCode).toBe(404);
      expect((await s.call('delete deleted bucket', 'DELETE /kos/v1/buckets/{}', { path: `/kos/v1/buckets/${krn}`, headers: HEADERS })).statusCode).toBe(404);
    },
  },
  {
    name: 'objects: session → upload URL (PUT the bytes) → list → download → presigned URL → rename → copy → delete',
    run: async (s, t) => {
      const session = await s.call('activate session', 'POST /kos/v1/sessions/activate', { path: '/kos/v1/sessions/activate', headers: HEADERS, payload: { accessKey: 'KOSEMULATOR000000001', secretKey: 'krutrim-emulator-secret-000000000000000001' } });
      expect(session.statusCode).toBeLessThan(300);
      const st = { ...HEADERS, 'x-session-token': session.data.sessionToken as string };
      const bucket = await s.call('create bucket', 'POST /kos/v1/buckets', { path: '/kos/v1/buckets', headers: HEADERS, payload: { name: 'conformance-objects' } });
      const objects = `/kos/v1/buckets/${encodeURIComponent(bucket.data.krn as string)}/objects`;
      const upload = await s.call('upload URL', 'PUT /kos/v1/buckets/{}/objects', { path: objects, headers: st, payload: { prefix: 'hello.txt' } });
      expect(upload.statusCode).toBeLessThan(300);
      // The presigned URL is the emulator's own (not a documented operation): PUT the bytes to it.
      const put = await t.app.inject({ method: 'PUT', url: new URL(upload.data.preSignedUrl as string, 'http://localhost').pathname + new URL(upload.data.preSignedUrl as string, 'http://localhost').search, payload: 'hello', headers: { 'content-type': 'text/plain' } });
      expect(put.statusCode).toBe(200);
      expect((await s.call('list objects', 'GET /kos/v1/buckets/{}/objects', { path: objects, headers: st })).statusCode).toBeLessThan(300);
      expect((await s.call('download', 'POST /kos/v1/buckets/{}/objects/download', { path: `${objects}/download`, headers: st, payload: { objectkey: 'hello.txt' } })).statusCode).toBeLessThan(300);
      expect((await s.call('presigned URL', 'POST /kos/v1/buckets/{}/objects/url', { path: `${objects}/url`, headers: st, payload: { objectkey: 'hello.txt' } })).statusCode).toBeLessThan(300);
      expect((await s.call('rename', 'POST /kos/v1/buckets/{}/objects/rename', { path: `${objects}/rename`, headers: st, payload: { oldKey: 'hello.txt', newKey: 'renamed.txt' } })).statusCode).toBeLessThan(300);
      expect((await s.call('copy', 'POST /kos/v1/buckets/{}/objects/move', { path: `${objects}/move`, headers: st, payload: { sourceKey: 'renamed.txt', destinationKey: 'copy.txt', action: 'copy' } })).statusCode).toBeLessThan(300);
      expect((await s.call('delete object', 'POST /kos/v1/buckets/{}/objects/delete', { path: `${objects}/delete`, headers: st, payload: { objectkey: 'copy.txt' } })).statusCode).toBeLessThan(300);
    },
  },
  {
    name: 'policies: create → attach (documented path, {policyKRNs}) → detach ({kcid, policyKRNs}) → detach again 422 → unknown policy 404',
    run: async (s) => {
      const created = await s.t.app.inject({ method: 'POST', url: '/krutrim/internal/kos/v1/policy', headers: HEADERS, payload: { name: 'conformance-policy', statements: [{ effect: 'Allow', actions: ['s3:GetObject'], resources: ['*'] }], conditions: {} } });
      expect(created.statusCode).toBe(201);
      const policyKRN = created.json().policyKRN as string;
      const attached = await s.call('attach', 'POST /internal/kos/v1/policy/attach', { path: '/internal/kos/v1/policy/attach', headers: HEADERS, payload: { policyKRNs: [policyKRN] } });
      expect(attached.statusCode).toBe(200);
      expect(attached.data).toMatchObject({ policyKRN, attachedTo: ['8f0c6a1e-4b7d-4c2a-9e55-000000000001'] });
      const detach = { kcid: '8f0c6a1e-4b7d-4c2a-9e55-000000000001', policyKRNs: [policyKRN] };
      const detached = await s.call('detach', 'POST /internal/kos/v1/policy/detach', { path: '/internal/kos/v1/policy/detach', headers: HEADERS, payload: detach });
      expect(detached.statusCode).toBe(200);
      expect(detached.data).toMatchObject({ policyKRN, attachedTo: [] });
      expect((await s.call('detach again', 'POST /internal/kos/v1/policy/detach', { path: '/internal/kos/v1/policy/detach', headers: HEADERS, payload: detach })).statusCode).toBe(422);
      expect((await s.call('unknown policy', 'POST /internal/kos/v1/policy/attach', { path: '/internal/kos/v1/policy/attach', headers: HEADERS, payload: { policyKRNs: ['krn:kos:In-Bangalore-1:1000000001:x:policy:nope'] } })).statusCode).toBe(404);
      expect((await s.call('no body', 'POST /internal/kos/v1/policy/detach', { path: '/internal/kos/v1/policy/detach', headers: HEADERS, payload: {} })).statusCode).toBe(400);
    },
  },
  {
    name: 'sessions and bucket policies: deactivate 204 with no body; bucket policy PUT "No content"',
    run: async (s) => {
      const session = await s.call('activate session', 'POST /kos/v1/sessions/activate', { path: '/kos/v1/sessions/activate', headers: HEADERS, payload: { accessKey: 'KOSEMULATOR000000001', secretKey: 'krutrim-emulator-secret-000000000000000001' } });
      const gone = await s.call('deactivate', 'DELETE /kos/v1/sessions/deactivate/{}', { path: `/kos/v1/sessions/deactivate/${session.data.sessionToken as string}`, headers: HEADERS });
      expect(gone.statusCode).toBe(204);
      expect(gone.body).toBe('');
      const bucket = encodeURIComponent('krn:kos:In-Bangalore-1:1000000001:8f0c6a1e-4b7d-4c2a-9e55-000000000001:bucket:5b1f3c7e-2a4d-4e8f-9a0b-000000000001');
      expect((await s.t.app.inject({ method: 'POST', url: `/krutrim/kos/v1/buckets/policy/${bucket}`, headers: HEADERS, payload: { s3_read_only_ips: ['10.0.0.0/8'] } })).statusCode).toBe(201);
      const modified = await s.call('modify bucket policy', 'PUT /kos/v1/buckets/policy/{}', { path: `/kos/v1/buckets/policy/${bucket}`, headers: HEADERS, payload: { s3_read_write_ips: ['192.0.2.1'] } });
      expect(modified.statusCode).toBe(200);
      expect(modified.body).toBe('');
    },
  },
  {
    name: 'errors a client meets: 401 without a key, 400 for a bad body',
    run: async (s) => {
      expect((await s.call('no key', 'GET /kos/v1/access_keys', { path: '/kos/v1/access_keys' })).statusCode).toBe(401);
      expect((await s.call('unknown key', 'GET /kos/v1/buckets', { path: '/kos/v1/buckets', headers: { ...HEADERS, authorization: 'Bearer nope' } })).statusCode).toBe(401);
      expect((await s.call('malformed JSON', 'POST /kos/v1/buckets', { path: '/kos/v1/buckets', headers: { ...HEADERS, 'content-type': 'application/json' }, payload: '{"name":' })).statusCode).toBe(400);
      expect((await s.call('bad page', 'GET /kos/v1/buckets', { path: '/kos/v1/buckets?page=0', headers: HEADERS })).statusCode).toBe(400);
    },
  },
]);
