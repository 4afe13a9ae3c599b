/** Helpers for the subprocess world's tests: liveness of a pid, temp folders, pid files. */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * True when `pid` names a live process: `kill(pid, 0)` succeeds and /proc does not show it as
 * a zombie (an exited process its parent has not reaped yet is dead for our purposes).
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** A fresh temp folder; `cleanup()` removes it. */
export function tempFolder(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, cleanup: () => { rmSync(dir, { recursive: true, force: true }); } };
}

/** The pids written as `<pid>` files (or one pid per line inside files) in `dir`. */
export function pidsIn(dir: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.pid')) continue;
    for (const line of readFileSync(path.join(dir, name), 'utf8').split('\n')) {
      const pid = Number(line.trim());
      if (Number.isSafeInteger(pid) && pid > 0) pids.push(pid);
    }
  }
  return pids;
}

/** SIGKILLs every pid still alive (a failed test's leftovers); never throws. */
export function killLeftovers(pids: readonly number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
