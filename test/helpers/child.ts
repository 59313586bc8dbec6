import { execFile, spawnSync, type SpawnSyncOptionsWithStringEncoding, type SpawnSyncReturns } from 'node:child_process';

/**
 * Child processes in tests (the CLI, scripts, the bench smoke): a timeout generous enough for a loaded
 * 2-core machine shared with other work, and one that says it is a timeout when it strikes, instead of
 * an exit status of null or "Command failed".
 */
export const CHILD_TIMEOUT_MS = 10 * 60_000;
/** For the vitest test that waits on such a child. */
export const CHILD_TEST_TIMEOUT_MS = CHILD_TIMEOUT_MS + 30_000;

function timedOut(command: string, args: readonly string[], ms: number, output: string): Error {
  return new Error(`${[command, ...args].join(' ')} timed out after ${Math.round(ms / 1000)} s (killed); its output so far:\n${output}`);
}

export function spawnChild(command: string, args: readonly string[], options: Omit<SpawnSyncOptionsWithStringEncoding, 'encoding'> = {}): SpawnSyncReturns<string> {
  const timeout = options.timeout ?? CHILD_TIMEOUT_MS;
  const result = spawnSync(command, args, { ...options, timeout, encoding: 'utf8' });
  if ((result.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT') throw timedOut(command, args, timeout, `${result.stdout}${result.stderr}`);
  return result;
}

export function execChild(command: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeout?: number } = {}): Promise<{ stdout: string; stderr: string }> {
  const timeout = options.timeout ?? CHILD_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    execFile(command, args, { ...options, timeout, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (!err) return resolve({ stdout, stderr });
      if ((err as { killed?: boolean }).killed) return reject(timedOut(command, args, timeout, `${stdout}${stderr}`));
      reject(new Error(`${[command, ...args].join(' ')} failed (${err.message}):\n${stdout}${stderr}`));
    });
  });
}
