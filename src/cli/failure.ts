/**
 * How an error that ends a command is shown, once for every command (contract section 9):
 * a usage error with a hint, an input error with its diagnostics and a count, another
 * ExitError with its message, anything else as a bug (exit 3) whose stack prints only with
 * `--debug`. Never a stack trace otherwise.
 */
import { EXIT, ExitError, InputError, UsageError, formatDiagnostics } from '../errors.ts';
import type { ExitCode } from '../errors.ts';
import { escapeText } from '../util/escape.ts';
import type { TextStream } from './io.ts';

/** The line printed after a usage error. */
export const USAGE_HINT = 'Run with --help for usage.';
/** The prefix of an internal error's message. */
export const INTERNAL_ERROR_PREFIX = 'internal error (this is a bug, please report it): ';

/**
 * A message as printed: each of its lines escaped with {@link escapeText}, so a value taken
 * from a file name, a config key or an option (all untrusted) can add no line and no terminal
 * escape sequence to stderr; the message's own line breaks stay.
 */
export function printable(message: string): string {
  return message.split('\n').map(escapeText).join('\n');
}

/** Prints `error` on `stderr` the way its class asks for and returns its exit code. */
export function reportError(error: unknown, stderr: TextStream, debug: boolean): ExitCode {
  if (error instanceof UsageError) {
    stderr.write(`${printable(error.message)}\n${USAGE_HINT}\n`);
    return EXIT.usage;
  }
  if (error instanceof InputError) {
    const lines = formatDiagnostics(error.diagnostics);
    const count = error.diagnostics.length;
    // The diagnostics are printed above; the summary only counts them.
    const summary = error.summary ?? `input error: ${count === 0 ? printable(error.message) : `${count} error${count === 1 ? '' : 's'} in the input`}`;
    lines.push(`${summary}; nothing was written`);
    stderr.write(`${lines.join('\n')}\n`);
    return EXIT.usage;
  }
  if (error instanceof ExitError && error.exitCode !== EXIT.internal) {
    stderr.write(`${printable(error.message)}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  stderr.write(`${INTERNAL_ERROR_PREFIX}${printable(message)}\n`);
  if (debug && error instanceof Error && error.stack !== undefined) stderr.write(`${error.stack}\n`);
  return EXIT.internal;
}
