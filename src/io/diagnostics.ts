/**
 * Small helpers shared by the input modules for building Diagnostics and the one InputError
 * that carries them (contract section 2, "Bad input").
 */
import { formatDiagnostic, InputError } from '../errors.ts';
import type { Diagnostic } from '../errors.ts';

/**
 * One InputError carrying `diagnostics` (at least one). The message says how many errors
 * there are and quotes the first, e.g. `3 errors in the input; first: a.jsonl:2: p: ...`.
 */
export function inputError(diagnostics: readonly Diagnostic[]): InputError {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const first = diagnostics.find((d) => d.severity === 'error') ?? diagnostics[0];
  const count = `${errors} error${errors === 1 ? '' : 's'} in the input`;
  return new InputError(first === undefined ? count : `${count}; first: ${formatDiagnostic(first)}`, diagnostics);
}

/** An error Diagnostic. */
export function errorAt(file: string, line: number | null, field: string, problem: string): Diagnostic {
  return { severity: 'error', file, line, field, problem };
}

/** A warning Diagnostic. */
export function warningAt(file: string, line: number | null, field: string, problem: string): Diagnostic {
  return { severity: 'warning', file, line, field, problem };
}
