import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../src/core/package-info.js';

export interface ChildEmulator {
  url: string;
  process: ChildProcess;
  /** Resolves with the exit code (or signal name) once the process ends. */
  exited: Promise<number | string>;
  /** What it wrote so far. */
  output(): { stdout: string; stderr: string };
}

export interface SpawnedEmulator {
  process: ChildProcess;
  exited: Promise<number | string>;
  /** What it wrote so far. */
  output(): { stdout: string; stderr: string };
}

/** How to start it: node's arguments (default: `src/main.ts` through tsx) and the working directory. */
export interface ChildCommand {
  args?: readonly string[];
  cwd?: string;
}

/** Runs `src/main.ts` (or `command`) in a child process, without waiting for anything. */
export function spawnChildEmulator(env: Record<string, string>, command: ChildCommand = {}): SpawnedEmulator {
  const child = spawn(process.execPath, command.args ?? ['--import', 'tsx', join(PACKAGE_ROOT, 'src', 'main.ts')], {
    cwd: command.cwd ?? PACKAGE_ROOT,
    env: { ...process.env, PORT: '0', LOG_FORMAT: 'json', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return { process: child, exited, output: () => ({ stdout, stderr }) };
}

/** Starts `src/main.ts` (or `command`) in a child process and waits for its "ready" log line. */
export function startChildEmulator(env: Record<string, string>, timeoutMs = 20_000, command: ChildCommand = {}): Promise<ChildEmulator> {
  const spawned = spawnChildEmulator(env, command);
  const child = spawned.process;
  const { exited } = spawned;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      const { stdout, stderr } = spawned.output();
      reject(new Error(`emulator did not start in ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.stdout!.on('data', () => {
      for (const line of spawned.output().stdout.split('\n')) {
        if (!line.includes('accesskey-emulator ready')) continue;
        clearTimeout(timer);
        resolve({ url: JSON.parse(line).url, process: child, exited, output: spawned.output });
        return;
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      const { stdout, stderr } = spawned.output();
      reject(new Error(`emulator exited (${code}) before it was ready\n${stdout}\n${stderr}`));
    });
  });
}
