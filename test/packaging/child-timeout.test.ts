import { describe, expect, it } from 'vitest';
import { execChild, spawnChild } from '../helpers/child.js';

/** What `npm test` runs in child processes (the CLI, scripts, the bench smoke) says so when it times out. */
describe('child processes in tests', () => {
  const sleeper = ['-e', 'console.log("started"); setTimeout(() => {}, 60_000)'];

  it('a synchronous child that outlives its timeout fails with "timed out", and its output', () => {
    expect(() => spawnChild(process.execPath, sleeper, { timeout: 300 })).toThrow(/timed out after 0 s \(killed\); its output so far:/);
  });

  it('an asynchronous one too, instead of "Command failed"', async () => {
    await expect(execChild(process.execPath, sleeper, { timeout: 300 })).rejects.toThrow(/timed out after 0 s \(killed\)/);
  });

  it('a failing one names its command and output', async () => {
    await expect(execChild(process.execPath, ['-e', 'console.error("boom"); process.exit(3)'])).rejects.toThrow(/failed .*\n.*boom/s);
  });
});
