import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OutputError } from '../../src/errors.ts';
import { acquireOutputLock, LOCK_DIR, LOCK_OWNER, processAlive } from '../../src/io/lock.ts';
import { removeTempDirs, tempDir } from '../e2e/helpers.ts';

afterAll(removeTempDirs);

const START = new Date('2026-03-01T12:00:00.000Z');

/** The id of a process that has exited (a finished child). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  const pid = Number(child.stdout);
  expect(processAlive(pid)).toBe(false);
  return pid;
}

describe('the output folder lock', () => {
  it('a second holder is refused, naming the first; after release the folder is free and clean', async () => {
    const out = tempDir('p21-lock-');
    const lock = await acquireOutputLock(out, START);
    expect(existsSync(path.join(out, LOCK_DIR))).toBe(true);
    const second = await acquireOutputLock(out, START).catch((error: unknown) => error);
    expect(second).toBeInstanceOf(OutputError);
    expect((second as Error).message).toBe(
      `--out: ${out} is in use by another run (process ${process.pid} on ${os.hostname()}, since 2026-03-01T12:00:00.000Z); wait for it to finish or choose another --out`,
    );
    await lock.release();
    expect(existsSync(path.join(out, LOCK_DIR))).toBe(false);
    expect(existsSync(path.join(out, LOCK_OWNER))).toBe(false);
    const again = await acquireOutputLock(out, START);
    await again.release();
  });

  it('a lock left by a dead process of this host is taken over at once, however fresh', async () => {
    const out = tempDir('p21-lock-');
    mkdirSync(path.join(out, LOCK_DIR));
    writeFileSync(path.join(out, LOCK_OWNER), JSON.stringify({ hostname: os.hostname(), pid: deadPid(), started_at: START.toISOString() }));
    const lock = await acquireOutputLock(out, START);
    await lock.release();
  });

  it('a lock held by a live process of this host is respected however old its mtime', async () => {
    const out = tempDir('p21-lock-');
    mkdirSync(path.join(out, LOCK_DIR));
    const old = new Date(Date.parse('2020-01-01T00:00:00Z'));
    utimesSync(path.join(out, LOCK_DIR), old, old);
    writeFileSync(path.join(out, LOCK_OWNER), JSON.stringify({ hostname: os.hostname(), pid: process.ppid, started_at: START.toISOString() }));
    await expect(acquireOutputLock(out, START)).rejects.toThrow(/is in use by another run \(process/);
  });

  it('a lock of unknown owner (another host, or none) is stale once its mtime is older than 10 s', async () => {
    const out = tempDir('p21-lock-');
    mkdirSync(path.join(out, LOCK_DIR));
    writeFileSync(path.join(out, LOCK_OWNER), JSON.stringify({ hostname: 'elsewhere.example', pid: 1, started_at: START.toISOString() }));
    await expect(acquireOutputLock(out, START)).rejects.toThrow(/is in use by another run \(process 1 on elsewhere\.example/);
    const old = new Date(Date.parse('2020-01-01T00:00:00Z'));
    utimesSync(path.join(out, LOCK_DIR), old, old);
    const lock = await acquireOutputLock(out, START);
    await lock.release();
  });
});
