/**
 * The errors that cross the pipeline's edge. Inside the engine failures are values
 * (diagnostics, refused gates, failed attempts); these classes exist so the CLI entry can map
 * one typed error to one exit code (contract section 9). One class per concept.
 */
import { clip, escapeText } from './util/escape.ts';

/** Exit codes a nightly job can act on (contract section 9). */
export const EXIT = {
  /** The run finished. */
  ok: 0,
  /** The run finished, but health is below `--min-health`. */
  unhealthy: 1,
  /** Usage or input error: nothing was written. */
  usage: 2,
  /** Internal error: a bug. */
  internal: 3,
  /** The run was aborted by `--abort-on-failure-rate` (contract section 12). */
  aborted: 4,
  /** Canceled by SIGINT; `--resume` continues it (128 + 2). */
  sigint: 130,
  /** Canceled by SIGTERM; `--resume` continues it (128 + 15). */
  sigterm: 143,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A problem found in an input file, reported as `file:line: field: problem`. */
export interface Diagnostic {
  readonly severity: 'error' | 'warning';
  /** Path as the user gave it (relative paths stay relative). */
  readonly file: string;
  /** 1-based line number, or null for a problem with the whole file. */
  readonly line: number | null;
  /** The field at fault, dotted for nested fields; `(line)` for the line as a whole. */
  readonly field: string;
  readonly problem: string;
}

/**
 * Formats a diagnostic as `file:line: field: problem` (`file: field: problem` without a line).
 * File, field and problem quote untrusted input, so each is escaped (`escapeText`: no line
 * break, control or bidirectional character survives) and the field is cut to 120 characters:
 * one diagnostic is always one line.
 */
export function formatDiagnostic(d: Diagnostic): string {
  const file = escapeText(d.file);
  const where = d.line === null ? file : `${file}:${d.line}`;
  return `${where}: ${escapeText(clip(d.field))}: ${escapeText(d.problem)}`;
}

/** How many diagnostics are printed before the rest are summarised as a count. */
export const MAX_PRINTED_DIAGNOSTICS = 50;

/** Formats up to {@link MAX_PRINTED_DIAGNOSTICS} diagnostics and a count of the rest. */
export function formatDiagnostics(diagnostics: readonly Diagnostic[]): string[] {
  const lines = diagnostics.slice(0, MAX_PRINTED_DIAGNOSTICS).map(formatDiagnostic);
  const rest = diagnostics.length - MAX_PRINTED_DIAGNOSTICS;
  if (rest > 0) lines.push(`... and ${rest} more`);
  return lines;
}

/** Base class: an error that ends the command with a known exit code. */
export abstract class ExitError extends Error {
  abstract readonly exitCode: ExitCode;
}

/** A bad command line: unknown option, bad value, conflicting options. Exit code 2. */
export class UsageError extends ExitError {
  override readonly name = 'UsageError';
  readonly exitCode = EXIT.usage;
}

/** Input that cannot be run: every bad line's diagnostic is carried. Exit code 2. */
export class InputError extends ExitError {
  override readonly name = 'InputError';
  readonly exitCode = EXIT.usage;
  /**
   * @param diagnostics every problem found (the printer shows the first 50 and counts the rest)
   * @param summary the closing line's words before `; nothing was written`, when the thrower
   *   counts better than its diagnostics do (compare: `compare: 120 problems in the runs to
   *   compare`, its diagnostics capped); null for `input error: N errors in the input`
   */
  constructor(
    message: string,
    readonly diagnostics: readonly Diagnostic[] = [],
    readonly summary: string | null = null,
  ) {
    super(message);
  }
}

/**
 * An output location that cannot be used, found before the run or while writing: a folder
 * under a file, not writable, a symbolic link where a file goes, a folder held by another run,
 * a folder that is not ours to empty, or a disk that filled up. Exit code 2 (a fault of the
 * environment, not a bug). Messages read `--out: problem` (or `--report-dir: ...`).
 */
export class OutputError extends ExitError {
  override readonly name = 'OutputError';
  readonly exitCode = EXIT.usage;
}

/**
 * `--resume` refused: nothing to resume, or the input, options or harness version differ
 * from the interrupted run, or its files changed since its checkpoint. Exit code 2; the
 * output folder is left as it was.
 */
export class ResumeError extends ExitError {
  override readonly name = 'ResumeError';
  readonly exitCode = EXIT.usage;
}

/**
 * The Redis server of `--queue` cannot be used: unreachable, refusing our credentials, or
 * gone while the run or worker needed it. Exit code 2 (a fault of the environment). Messages
 * read `--queue: cannot reach Redis at redis://HOST:PORT: reason`.
 */
export class QueueError extends ExitError {
  override readonly name = 'QueueError';
  readonly exitCode = EXIT.usage;
}

/**
 * A replication of a tournament (`npm run tournament`) did not finish: its exit code passes
 * on when it is a known one (2 input or usage error, 4 aborted), anything else (a crash, a
 * signal from outside, a bug) is exit 3. The message names the run and quotes its stderr.
 */
export class ReplicationError extends ExitError {
  override readonly name = 'ReplicationError';
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
  }
}
