/**
 * The output folder belongs to the run: it is rebuilt whole each run (contract section 8), but
 * only if it is safe to: a folder that holds anything and no `run.json` was not made by this
 * tool, and is never deleted (a mistyped `--out ~` must not wipe a home folder).
 */
import fs from 'node:fs';
import fse from 'fs-extra';
import { UsageError } from '../errors.ts';

/** The manifest that marks a folder as a Phase 21 output folder. */
export const MANIFEST = 'run.json';

/**
 * Checks that `out` may be replaced, without changing anything.
 * @throws UsageError when `out` is a file, or a non-empty folder without run.json
 */
export function checkOutputDir(out: string, optionName = '--out'): void {
  if (!fs.existsSync(out)) return;
  const stat = fs.statSync(out);
  if (!stat.isDirectory()) throw new UsageError(`${optionName}: ${out} exists and is not a folder`);
  const entries = fs.readdirSync(out);
  if (entries.length > 0 && !entries.includes(MANIFEST)) {
    throw new UsageError(
      `${optionName}: ${out} is not empty and holds no ${MANIFEST}, so it is not a Phase 21 output folder; refusing to replace it (choose another --out or empty it)`,
    );
  }
}

/**
 * Empties (or creates) `out` after {@link checkOutputDir}. Call only after the input has been
 * validated: on an input error nothing is written.
 */
export function resetOutputDir(out: string): void {
  checkOutputDir(out);
  fse.emptyDirSync(out);
}
