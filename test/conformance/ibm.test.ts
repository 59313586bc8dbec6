import { expect } from 'vitest';
import { conformanceSuite } from './lib/suite.js';

/**
 * IBM COS Credentials API against its documented operations (test/conformance/lib/documented-tables.ts,
 * from the notes §2.2): create → show → list → update → delete, then the errors a client meets naturally.
 * The default world (DESIGN.md §4): manager admin/password on every account; auditor (key listing only);
 * operator (rights on the other account only).
 */
const ACCOUNT = '731fc6f265cd486d900f16e84c5cb594';
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const ADMIN = { authorization: basic('admin', 'password') };
const AUDITOR = { authorization: basic('auditor', 'auditor') };
const OPERATOR = { authorization: basic('operator', 'operator') };

conformanceSuite('ibm', [
  {
    name: 'create → show → list → update → delete → show 404',
    run: async (s) => {
      const created = await s.call('create', 'POST /credentials', { headers: ADMIN, payload: { credential: { project_id: ACCOUNT, type: 'ec2' } } });
      expect(created.statusCode).toBe(201);
      const id = created.data.credential.id as string;
      expect((await s.call('show', 'GET /credentials/{}', { path: `/credentials/${id}`, headers: ADMIN })).statusCode).toBe(200);
      expect((await s.call('list', 'GET /credentials', { path: `/credentials?project_id=${ACCOUNT}`, headers: ADMIN })).statusCode).toBe(200);
      const updated = await s.call('update', 'PATCH /credentials/{}', {
        path: `/credentials/${id}`,
        headers: ADMIN,
        payload: { credential: { blob: { status: 'Inactive' }, project_id: ACCOUNT, type: 'ec2' } },
      });
      expect(updated.statusCode).toBe(200);
      expect(updated.data.credential.blob.status).toBe('Inactive');
      expect((await s.call('delete', 'DELETE /credentials/{}', { path: `/credentials/${id}`, headers: ADMIN })).statusCode).toBe(204);
      expect((await s.call('show after delete', 'GET /credentials/{}', { path: `/credentials/${id}`, headers: ADMIN })).statusCode).toBe(404);
      expect((await s.call('delete again', 'DELETE /credentials/{}', { path: `/credentials/${id}`, headers: ADMIN })).statusCode).toBe(404);
    },
  },
  {
    name: 'documented errors reached naturally: 400, 401, 403, 404, 405, 409',
    app: { env: { IBM_KEY_LIMIT: '4' } },
    run: async (s) => {
      const create = (step: string, headers: Record<string, string>, payload: unknown) => s.call(step, 'POST /credentials', { headers, payload: payload as object });
      expect((await create('bad body', ADMIN, { credential: { type: 'ec2', subject_ibm_id: '' } })).statusCode).toBe(400);
      expect((await s.call('no credentials', 'GET /credentials', {})).statusCode).toBe(401);
      expect((await s.call('wrong password', 'GET /credentials/{}', { path: '/credentials/181920', headers: { authorization: basic('admin', 'wrong') } })).statusCode).toBe(401);
      expect((await create('no key management', AUDITOR, { credential: { project_id: ACCOUNT, type: 'ec2' } })).statusCode).toBe(403);
      expect((await s.call('no key management (delete)', 'DELETE /credentials/{}', { path: '/credentials/181920', headers: AUDITOR })).statusCode).toBe(403);
      expect((await s.call('no key management (update)', 'PATCH /credentials/{}', { path: '/credentials/181920', headers: AUDITOR, payload: { credential: { blob: { status: 'Inactive' }, project_id: ACCOUNT, type: 'ec2' } } })).statusCode).toBe(403);
      expect((await create('unknown account', ADMIN, { credential: { project_id: 'no-such-account', type: 'ec2' } })).statusCode).toBe(404);
      expect((await s.call('unknown account filter', 'GET /credentials', { path: '/credentials?project_id=no-such-account', headers: ADMIN })).statusCode).toBe(404);
      expect((await s.call('update unknown key', 'PATCH /credentials/{}', { path: '/credentials/NOSUCHKEY', headers: ADMIN, payload: { credential: { blob: { status: 'Inactive' }, project_id: ACCOUNT, type: 'ec2' } } })).statusCode).toBe(404);
      expect((await create('no rights on the account', OPERATOR, { credential: { project_id: ACCOUNT, type: 'ec2' } })).statusCode).toBe(405);
      expect((await s.call('list another account', 'GET /credentials', { path: `/credentials?project_id=${ACCOUNT}`, headers: OPERATOR })).statusCode).toBe(405);
      expect((await s.call('show on another account', 'GET /credentials/{}', { path: '/credentials/181920', headers: OPERATOR })).statusCode).toBe(405);
      expect((await s.call('update on another account', 'PATCH /credentials/{}', { path: '/credentials/181920', headers: OPERATOR, payload: { credential: { blob: { status: 'Inactive' }, project_id: ACCOUNT, type: 'ec2' } } })).statusCode).toBe(405);
      expect((await s.call('delete on another account', 'DELETE /credentials/{}', { path: '/credentials/181920', headers: OPERATOR })).statusCode).toBe(405);
      expect((await s.call('show empty filter', 'GET /credentials', { path: '/credentials?project_id=', headers: ADMIN })).statusCode).toBe(400);
      expect((await s.call('update bad status', 'PATCH /credentials/{}', { path: '/credentials/181920', headers: ADMIN, payload: { credential: { blob: { status: 'inactive' }, project_id: ACCOUNT, type: 'ec2' } } })).statusCode).toBe(400);
      // The default world gives the account owner 3 keys (one on the other account): a fourth fills the limit of 4.
      expect((await create('up to the limit', ADMIN, { credential: { project_id: ACCOUNT, type: 'ec2' } })).statusCode).toBe(201);
      expect((await create('over the key limit', ADMIN, { credential: { project_id: ACCOUNT, type: 'ec2' } })).statusCode).toBe(409);
    },
  },
]);
