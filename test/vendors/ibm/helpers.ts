import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { AppUnderTest } from '../../helpers/build-app.js';

/** The default world (fixtures/default.json, DESIGN.md §4). */
export const ACCOUNT = '731fc6f265cd486d900f16e84c5cb594';
export const OTHER_ACCOUNT = '6e01855f345f4c59812999b5e459137d';
export const USER = 'bb5476fd12884539b41d5a88f838d773';
export const OTHER_USER = '0c2f3f7a0d6b4a1e9d2b5c8e7f6a1b2c';
export const INACTIVE_KEY = 'd3b07384d113edec49eaa6238ad5ff00';

export const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });
export const ADMIN = basic('admin', 'password');
/** key_listing only → 403 on create/update/delete. */
export const AUDITOR = basic('auditor', 'auditor');
/** Both permissions, but only on OTHER_ACCOUNT → 405 on ACCOUNT. */
export const OPERATOR = basic('operator', 'operator');

export const newKeyBody = (extra: Record<string, unknown> = {}) => ({ credential: { project_id: ACCOUNT, type: 'ec2', ...extra } });

export function client(t: AppUnderTest, prefix = '/ibm') {
  const call = (opts: InjectOptions & { url: string }) => t.inject({ ...opts, url: `${prefix}${opts.url}`, headers: { ...ADMIN, ...opts.headers } });
  return {
    call,
    list: (query = '', headers: Record<string, string> = {}) => call({ method: 'GET', url: `/credentials${query}`, headers }),
    show: (id: string, headers: Record<string, string> = {}) => call({ method: 'GET', url: `/credentials/${id}`, headers }),
    create: (payload: unknown, headers: Record<string, string> = {}) => call({ method: 'POST', url: '/credentials', payload: payload as object, headers }),
    update: (id: string, payload: unknown, headers: Record<string, string> = {}) => call({ method: 'PATCH', url: `/credentials/${id}`, payload: payload as object, headers }),
    remove: (id: string, headers: Record<string, string> = {}) => call({ method: 'DELETE', url: `/credentials/${id}`, headers }),
  };
}

export async function stateDump(t: AppUnderTest, namespace = t.namespace): Promise<unknown> {
  return (await t.inject({ method: 'GET', url: `/_emulator/state?vendor=ibm&namespace=${namespace}` })).json();
}

/** A Keystone-shaped error with IBM's headers. */
export function expectError(res: LightMyRequestResponse, status: number, message?: RegExp): void {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
  const body = res.json();
  expect(Object.keys(body)).toEqual(['error']);
  expect(Object.keys(body.error)).toEqual(['code', 'title', 'message']);
  expect(body.error.code).toBe(status);
  expect(typeof body.error.title).toBe('string');
  if (message) expect(body.error.message).toMatch(message);
}

/**
 * X-Trans-Id (`tx` + 21 hex + `-` + 10-hex Unix time), X-Timestamp (`%016.05f`) and Date all
 * say `nowMs`, the emulator's clock.
 */
export function expectSwiftHeaders(res: LightMyRequestResponse, nowMs: number): void {
  const transId = String(res.headers['x-trans-id']);
  const match = /^tx([0-9a-f]{21})-([0-9a-f]{10})$/.exec(transId);
  expect(match, transId).not.toBeNull();
  const seconds = Math.floor(nowMs / 1000);
  expect(parseInt(match![2]!, 16)).toBe(seconds);
  const timestamp = String(res.headers['x-timestamp']);
  expect(timestamp).toMatch(/^\d{10}\.\d{5}$/);
  expect(timestamp).toHaveLength(16);
  expect(Number(timestamp)).toBeCloseTo(nowMs / 1000, 5);
  expect(Date.parse(String(res.headers.date))).toBe(seconds * 1000);
  expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
}
