#!/usr/bin/env node
import { request } from 'node:http';
import { ConfigError, loadConfig } from './config.js';

/**
 * The container health check (Dockerfile HEALTHCHECK, docker-compose healthcheck): asks
 * `GET /_emulator/health` on the port and host the emulator was configured with (PORT, HOST,
 * CONTROL_TOKEN from the environment, exactly as the emulator reads them), so it follows a changed
 * PORT without curl or wget in the image. Exit 0 when healthy, 1 otherwise, with one line saying why.
 *
 * Like src/main.ts, this is an entry point and reads process.env; it takes no flags.
 */
const TIMEOUT_MS = 2500;

function fail(message: string): never {
  process.stderr.write(`unhealthy: ${message}\n`);
  process.exit(1);
}

let config;
try {
  config = loadConfig(process.env);
} catch (err) {
  if (err instanceof ConfigError) fail(err.message);
  throw err;
}

// A wildcard listen address is reached on loopback from inside the container.
const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
const headers: Record<string, string> = { accept: 'application/json' };
if (config.controlToken !== undefined) headers['x-emulator-token'] = config.controlToken;

const req = request({ host, port: config.port, path: '/_emulator/health', method: 'GET', headers, timeout: TIMEOUT_MS }, (res) => {
  let body = '';
  res.setEncoding('utf8');
  res.on('data', (chunk: string) => (body += chunk));
  res.on('end', () => {
    if (res.statusCode !== 200) fail(`GET /_emulator/health on ${host}:${config.port} answered ${res.statusCode}: ${body.slice(0, 200)}`);
    let status: unknown;
    try {
      status = (JSON.parse(body) as { status?: unknown }).status;
    } catch {
      fail(`GET /_emulator/health on ${host}:${config.port} did not answer JSON`);
    }
    if (status !== 'ok') fail(`GET /_emulator/health on ${host}:${config.port} reports status ${JSON.stringify(status)}`);
    process.stdout.write(`healthy: ${host}:${config.port}\n`);
    process.exit(0);
  });
});
req.on('timeout', () => req.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)));
req.on('error', (err) => fail(`GET /_emulator/health on ${host}:${config.port}: ${err.message}`));
req.end();
