import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../src/core/package-info.js';

export interface ChildEmulator {
  url: string;
  process: ChildProcess;
  /** Resolves with the exit code (or signal name) once the process ends. */
  exited: Promise<number | string>;
}

/** Starts `src/main.ts` in a child process (through tsx) and waits for its "ready" log line. */
export function startChildEmulator(env: Record<string, string>, timeoutMs = 20_000): Promise<ChildEmulator> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(PACKAGE_ROOT, 'src', 'main.ts')], {
    cwd: PACKAGE_ROOT,
    env: { ...process.env, PORT: '0', LOG_FORMAT: 'json', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`emulator did not start in ${timeoutMs} ms\n${out}\n${err}`));
    }, timeoutMs);
    child.stderr!.on('data', (d) => (err += d));
    child.stdout!.on('data', (d) => {
      out += d;
      for (const line of out.split('\n')) {
        if (!line.includes('accesskey-emulator ready')) continue;
        clearTimeout(timer);
        resolve({ url: JSON.parse(line).url, process: child, exited });
        return;
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`emulator exited (${code}) before it was ready\n${out}\n${err}`));
    });
  });
}
