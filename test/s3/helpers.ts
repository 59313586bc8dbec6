import { S3Client } from '@aws-sdk/client-s3';
import { loadConfig } from '../../src/config.js';
import { EmulatorClock } from '../../src/core/clock.js';
import { createIdSource } from '../../src/core/ids.js';
import { startServer, type RunningEmulator } from '../../src/server.js';
import { recordResponsesOf } from '../conformance/lib/response-recorder.js';

/**
 * An emulator on a real socket (port 0) for real S3 clients. The emulator's clock is frozen at the
 * real time when it starts (tests move it with `clock.advance`); real time stays real, because
 * SDKs date their signatures with it.
 */
export interface S3TestEmulator {
  running: RunningEmulator;
  clock: EmulatorClock;
  url: string;
  close(): Promise<void>;
}

export async function startS3Emulator(env: Record<string, string> = {}): Promise<S3TestEmulator> {
  const config = loadConfig({ LOG_LEVEL: 'silent', PORT: '0', RATE_LIMITS: 'off', ...env });
  const clock = new EmulatorClock();
  clock.freeze();
  const running = await startServer(config, { clock, ids: createIdSource('s3-test'), logger: false });
  recordResponsesOf(running.runtime.journal);
  return { running, clock, url: running.url, close: () => running.close() };
}

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** An AWS SDK v3 S3 client for one vendor's plane, path-style, as the README shows. */
export function s3Client(endpoint: string, credentials: Credentials, region = 'us-east-1'): S3Client {
  return new S3Client({ endpoint, region, forcePathStyle: true, credentials, maxAttempts: 1 });
}

/** The error an SDK call failed with: its S3 code and HTTP status. */
export async function s3Failure(promise: Promise<unknown>): Promise<{ code: string; status: number | undefined; message: string }> {
  try {
    await promise;
  } catch (err) {
    const e = err as { name: string; Code?: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { code: e.Code ?? e.name, status: e.$metadata?.httpStatusCode, message: e.message };
  }
  throw new Error('expected the S3 call to fail');
}

/** A JSON call to a vendor's management API on the same emulator. */
export async function api(url: string, init: { method?: string; headers?: Record<string, string>; body?: unknown } = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    headers: { ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}), ...init.headers },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}
