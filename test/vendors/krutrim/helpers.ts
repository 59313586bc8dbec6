import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { AppUnderTest } from '../../helpers/build-app.js';

/** The default world's KOS credentials and tenant (DESIGN.md §4, fixtures/default.json). */
export const API_KEY = 'krutrim-test-key';
export const OTHER_API_KEY = 'krutrim-other-account-key';
export const ACCOUNT = '1000000001';
export const CUSTOMER = '8f0c6a1e-4b7d-4c2a-9e55-000000000001';
export const ACTIVE_KEY = { accessKey: 'KOSEMULATOR000000001', secretKey: 'krutrim-emulator-secret-000000000000000001' };
export const INACTIVE_KEY = { accessKey: 'KOSEMULATOR000000002', secretKey: 'krutrim-emulator-secret-000000000000000002' };
export const SEEDED_BUCKET = 'emulator-bucket';
export const SEEDED_BUCKET_KRN = `krn:kos:In-Bangalore-1:${ACCOUNT}:${CUSTOMER}:bucket:5b1f3c7e-2a4d-4e8f-9a0b-000000000001`;

export const auth = (key = API_KEY): Record<string, string> => ({ authorization: `Bearer ${key}`, 'x-region-id': 'In-Bangalore-1' });

export interface Call {
  method: InjectOptions['method'];
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  ns?: string;
}

/** One KOS request through app.inject (in the test's namespace unless `ns`), authenticated with the default API key unless told otherwise. */
export function kos(t: AppUnderTest, call: Call): Promise<LightMyRequestResponse> {
  const prefix = call.ns ? `/ns/${call.ns}` : '';
  const headers: Record<string, string> = { ...auth(), ...(call.headers ?? {}) };
  for (const [k, v] of Object.entries(headers)) if (v === '') delete headers[k];
  return t.inject({
    method: call.method,
    url: `${prefix}/krutrim${call.path}`,
    headers: call.body !== undefined ? { 'content-type': 'application/json', ...headers } : headers,
    ...(call.body !== undefined ? { payload: typeof call.body === 'string' ? call.body : JSON.stringify(call.body) } : {}),
  });
}

/** Asserts the KOS error envelope, status, code and the no-retry hint on 4xx. */
export function expectError(res: LightMyRequestResponse, status: number, code: string): { message: string; code: string; statusCode: number } {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const body = res.json();
  expect(Object.keys(body).sort()).toEqual(['code', 'message', 'statusCode']);
  expect(body).toMatchObject({ code, statusCode: status, message: expect.any(String) });
  if (status >= 400 && status < 500) expect(res.headers['x-should-retry']).toBe('false');
  else expect(res.headers['x-should-retry']).toBeUndefined();
  return body;
}

export async function stateDump(t: AppUnderTest, namespace = t.namespace): Promise<unknown> {
  return (await t.inject({ method: 'GET', url: `/_emulator/state?vendor=krutrim&namespace=${namespace}` })).json();
}

export async function journal(t: AppUnderTest): Promise<string> {
  return (await t.inject({ method: 'GET', url: '/_emulator/requests?vendor=krutrim' })).body;
}

export async function activate(t: AppUnderTest, key = ACTIVE_KEY, ns?: string): Promise<{ sessionToken: string; refreshToken: string; expiresAt: string; lastActiveAt: string }> {
  const res = await kos(t, { method: 'POST', path: '/kos/v1/sessions/activate', body: key, ...(ns ? { ns } : {}) });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

/** A time as KOS writes it (the docs page: `2000-01-23T04:56:07.000+00:00`). */
export const kosTime = (ms: number): string => `${new Date(ms).toISOString().slice(0, -1)}+00:00`;
