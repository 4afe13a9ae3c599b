/**
 * Faults of the environment (a full disk, a read-only file system, ...) while writing: the
 * system-call error becomes an {@link OutputError} `<option>: cannot <what>: <problem> (<CODE>)`
 * (exit 2); any other error passes unchanged (a bug).
 */
import { OutputError } from '../errors.ts';

/** System-call error codes that mean the environment is at fault (not a bug), with their wording. */
const ENVIRONMENT_CODES: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'is a folder',
  EEXIST: 'already exists',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'name too long',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  EIO: 'input/output error',
  EFBIG: 'file too large',
  ENOENT: 'no such file or folder',
};

/** `no space left on device (ENOSPC)` for an error of the environment; null for anything else. */
export function environmentProblem(error: unknown): string | null {
  if (!(error instanceof Error)) return null;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === undefined) return null;
  const wording = ENVIRONMENT_CODES[code];
  return wording === undefined ? null : `${wording} (${code})`;
}

/**
 * Runs `action`; an error of the environment becomes an {@link OutputError}
 * `<label>: cannot <what>: <problem>`. Other errors pass unchanged.
 */
export function asOutputError<T>(label: string, what: string, action: () => T): T {
  try {
    return action();
  } catch (error: unknown) {
    throw outputErrorOf(label, what, error);
  }
}

/** {@link asOutputError} for a promise. */
export async function asOutputErrorAsync(label: string, what: string, action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (error: unknown) {
    throw outputErrorOf(label, what, error);
  }
}

function outputErrorOf(label: string, what: string, error: unknown): unknown {
  const problem = environmentProblem(error);
  return problem === null ? error : new OutputError(`${label}: cannot ${what}: ${problem}`, { cause: error });
}

/**
 * Awaits every promise (so none is left running), then throws the first rejection in the
 * given order, so the error reported does not depend on which call finished first.
 */
export async function allInOrder(promises: readonly Promise<void>[]): Promise<void> {
  const results = await Promise.allSettled(promises);
  for (const result of results) if (result.status === 'rejected') throw result.reason;
}
