/**
 * The output folder's lock: one run at a time per folder (contract section 12).
 *
 * The lock is `proper-lockfile`'s: a folder `<out>/.phase21.lock` created with mkdir (atomic,
 * also on network file systems) whose mtime the holder refreshes; a lock not refreshed for
 * {@link STALE_MS} counts as stale and is taken over. Beside it, `<out>/.phase21.lock.json`
 * names the holder (host, process id, start time), for two reasons:
 * - a run killed with SIGKILL leaves its lock behind; on the same host a dead process id
 *   frees the lock at once, so `--resume` right after a kill is not refused for 10 s;
 * - the simulation of a wave runs without yielding to the event loop, so a long wave can
 *   leave the mtime unrefreshed for longer than {@link STALE_MS}; on the same host a live
 *   process id keeps its lock however old the mtime is.
 * On another host only the mtime can tell (proper-lockfile's rule).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import { z } from 'zod';
import { OutputError } from '../errors.ts';
import { environmentProblem } from './atomic.ts';

/** The lock folder, inside the output folder. */
export const LOCK_DIR = '.phase21.lock';
/** The holder's description, beside the lock folder. */
export const LOCK_OWNER = '.phase21.lock.json';
/** A lock whose mtime is older than this (ms) and whose holder cannot be checked is stale. */
export const STALE_MS = 10_000;

const ownerSchema = z.object({ hostname: z.string(), pid: z.number().int(), started_at: z.string() });
type Owner = z.infer<typeof ownerSchema>;

/** A held lock. */
export interface OutputLock {
  /** Set when another process took the lock over (it found it stale); the run must stop. */
  readonly lost: () => Error | null;
  /** Releases the lock (idempotent; errors ignored: the run's own outcome matters more). */
  release(): Promise<void>;
}

/** Whether process `pid` exists on this host. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error: unknown) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(out: string): Owner | null {
  try {
    return ownerSchema.parse(JSON.parse(fs.readFileSync(path.join(out, LOCK_OWNER), 'utf8')));
  } catch {
    return null;
  }
}

function describe(owner: Owner | null): string {
  return owner === null ? 'another run' : `another run (process ${owner.pid} on ${owner.hostname}, since ${owner.started_at})`;
}

/** Removes a lock left by a dead process of this host. */
function removeDeadLock(out: string): void {
  fs.rmSync(path.join(out, LOCK_OWNER), { force: true });
  try {
    fs.rmdirSync(path.join(out, LOCK_DIR));
  } catch (error: unknown) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/**
 * Takes the lock of the existing folder `out`.
 * @param startedAt - wall-clock start of the run, recorded for the message another run prints
 * @throws OutputError naming the holder when another live run holds the folder
 */
export async function acquireOutputLock(out: string, startedAt: Date, label = '--out'): Promise<OutputLock> {
  const owner = readOwner(out);
  const here = os.hostname();
  if (owner !== null && owner.hostname === here && owner.pid !== process.pid) {
    if (processAlive(owner.pid)) throw new OutputError(`${label}: ${out} is in use by ${describe(owner)}; wait for it to finish or choose another ${label}`);
    removeDeadLock(out);
  }
  let lost: Error | null = null;
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(out, {
      lockfilePath: path.join(out, LOCK_DIR),
      realpath: false,
      stale: STALE_MS,
      onCompromised: (error: Error) => {
        lost = error;
      },
    });
  } catch (error: unknown) {
    if ((error as NodeJS.ErrnoException).code === 'ELOCKED') {
      throw new OutputError(`${label}: ${out} is in use by ${describe(readOwner(out))}; wait for it to finish or choose another ${label}`);
    }
    throw new OutputError(`${label}: cannot lock ${out}: ${environmentProblem(error) ?? (error as Error).message}`, { cause: error });
  }
  const mine: Owner = { hostname: here, pid: process.pid, started_at: startedAt.toISOString() };
  try {
    fs.writeFileSync(path.join(out, LOCK_OWNER), `${JSON.stringify(mine)}\n`);
  } catch (error: unknown) {
    await release().catch(() => undefined);
    throw new OutputError(`${label}: cannot lock ${out}: ${environmentProblem(error) ?? (error as Error).message}`, { cause: error });
  }
  let released = false;
  return {
    lost: () => lost,
    release: async () => {
      if (released) return;
      released = true;
      fs.rmSync(path.join(out, LOCK_OWNER), { force: true });
      try {
        await release();
      } catch {
        // Already released or taken over: nothing left to undo.
      }
    },
  };
}
