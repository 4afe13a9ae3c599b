/**
 * The process groups of live commands (contract section 11: no child outlives the run). Each
 * command is spawned `detached`, so it leads a process group of its own (pgid = its pid) that
 * its children join; a signal to `-pgid` reaches all of them. Every runner registers its groups
 * in {@link LIVE_PROCESS_GROUPS}, so the CLI's last-resort exit hook can end them all
 * synchronously after a crash of the harness.
 */

/** The signals the harness sends to a command's group. */
export type GroupSignal = 'SIGTERM' | 'SIGKILL';

/**
 * Sends `signal` to process group `pgid`.
 * @returns false when no process of the group is left (ESRCH), true otherwise
 * @throws the error of `process.kill` other than ESRCH (EPERM: not ours, a bug)
 */
export function signalGroup(pgid: number, signal: GroupSignal): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error: unknown) {
    if (error instanceof Error && 'code' in error && error.code === 'ESRCH') return false;
    throw error;
  }
}

/** A set of live process groups (by pgid). */
export class ProcessGroups {
  readonly #groups = new Set<number>();

  add(pgid: number): void {
    this.#groups.add(pgid);
  }

  delete(pgid: number): void {
    this.#groups.delete(pgid);
  }

  /** Live groups, oldest first. */
  get size(): number {
    return this.#groups.size;
  }

  /**
   * SIGKILLs every group still registered and forgets them: the synchronous last resort for an
   * exiting harness (a `process.on('exit')` hook cannot wait for a grace period).
   * @returns how many groups were signalled
   */
  killAllNow(): number {
    let count = 0;
    for (const pgid of this.#groups) {
      try {
        if (signalGroup(pgid, 'SIGKILL')) count++;
      } catch {
        // On the way out: a group we may not signal is left; nothing else can be done.
      }
    }
    this.#groups.clear();
    return count;
  }
}

/** Every live command group of this process, across runners. */
export const LIVE_PROCESS_GROUPS = new ProcessGroups();
