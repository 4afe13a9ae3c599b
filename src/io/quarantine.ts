/**
 * Applies the dependency rules' verdict (`dependencies.ts`) to the loaded input (contract
 * section 10): task-level problems become errors at the task's first prediction line; in
 * quarantine mode, every line of every quarantined task (its prediction lines, then its
 * schedule lines) leaves the run and goes to `rejected.jsonl`, so nothing is lost.
 *
 * The validator keeps no text of accepted lines (that would hold the whole input in memory),
 * so the few lines left out here are read again from their files ({@link readLinesAt}); a
 * file whose bytes changed since the first read is an input error.
 */
import type { Diagnostic } from '../errors.ts';
import { errorAt } from './diagnostics.ts';
import type { DependencyCheck } from './dependencies.ts';
import { readLines } from './lines.ts';
import { unpackLocation } from './rules.ts';

/** A line to leave out, by file index and line number, with its reasons (`field: problem`). */
export interface LeftOutLine {
  readonly fileIndex: number;
  readonly line: number;
  readonly reasons: readonly string[];
}

/**
 * The dependency errors as Diagnostics (`file:line: depends_on: problem`).
 * @param pathOf the path of a file by its index in read order
 */
export function dependencyDiagnostics(check: DependencyCheck, pathOf: (fileIndex: number) => string): Diagnostic[] {
  return check.errors.map(({ location, problem }) => {
    const { fileIndex, line } = unpackLocation(location);
    return errorAt(pathOf(fileIndex), line, 'depends_on', problem);
  });
}

/**
 * Lists every line of every quarantined task with its reasons (the checker removed the tasks
 * from the run as it went): prediction lines get `depends_on: <reason>`, schedule lines
 * `(line): its task is quarantined: depends_on: <reason>`.
 * @returns the lines left out, in file (read) and line order, and how many were prediction lines
 */
export function leaveOut(check: DependencyCheck): { readonly lines: LeftOutLine[]; readonly predictions: number } {
  const lines: LeftOutLine[] = [];
  let predictions = 0;
  for (const task of check.quarantined) {
    const reasons = task.reasons.map((reason) => `depends_on: ${reason}`);
    const scheduleReasons = reasons.map((reason) => `(line): its task is quarantined: ${reason}`);
    task.locations.forEach((location, i) => {
      const { fileIndex, line } = unpackLocation(location);
      lines.push({ fileIndex, line, reasons: i < task.predictions ? reasons : scheduleReasons });
    });
    predictions += task.predictions;
  }
  lines.sort((a, b) => a.fileIndex - b.fileIndex || a.line - b.line);
  return { lines, predictions };
}

/** The file's bytes differ from the first read. */
export class FileChangedError extends Error {
  override readonly name = 'FileChangedError';
}

/**
 * The text of the given lines of one file (without line ends; a BOM on line 1 removed).
 * @param sha256 the file's hash from the first read; a different hash throws FileChangedError
 * @throws FileChangedError, LineReadError, or the fs error of the read
 */
export async function readLinesAt(path: string, wanted: ReadonlySet<number>, sha256: string): Promise<Map<number, string>> {
  const found = new Map<number, string>();
  const stats = await readLines(path, (text, lineNo) => {
    if (wanted.has(lineNo)) found.set(lineNo, Buffer.from(text, 'utf8').toString('utf8'));
  });
  if (stats.sha256 !== sha256) throw new FileChangedError(`${path} changed while it was read`);
  return found;
}
