/**
 * The output folder belongs to the run: it is rebuilt whole each run (contract section 8), but
 * only what an earlier run's manifest lists is ever removed (docs/decisions.md, "The output
 * folder protocol"):
 *
 * - a folder that holds anything and no `run.json`, a `run.json` that is not a Phase 21
 *   manifest, or any file or folder the manifest does not list, is refused and left as it is
 *   (a mistyped `--out ~` must not wipe a home folder, a user's `notes.txt` must survive);
 * - the new manifest, listing every file the new run may write plus every file the old one
 *   listed, replaces the old one (atomically) BEFORE anything is removed or written; so at any
 *   moment, a kill included, `run.json` lists every file of the folder and the next run can
 *   empty it.
 *
 * Before a run starts, {@link checkOutputLocations} checks every place it will write (`--out`,
 * `--report-dir`, the report file) without changing anything.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { OutputError } from '../errors.ts';
import { asOutputError, environmentProblem, tempPathOf, type OutputFolder } from './atomic.ts';
import { LOCK_DIR, LOCK_OWNER } from './lock.ts';
import type { OutputFs } from './output-fs.ts';

/** The manifest that marks a folder as a Phase 21 output folder. */
export const MANIFEST = 'run.json';

/** Where a run writes. */
export interface OutputLocations {
  /** `--out`. */
  readonly out: string;
  /** `--report-dir`. */
  readonly reportDir: string;
  /** The report file inside `reportDir`. */
  readonly reportFile: string;
}

/**
 * Checks, without changing anything, that the run can write where it will: `--out` and
 * `--report-dir` are folders or can be created (no part of their path is a file), and are
 * writable; the report file is not a folder or a symbolic link.
 * @throws OutputError naming the option and the problem
 */
export function checkOutputLocations(locations: OutputLocations): void {
  checkFolderLocation('--out', locations.out);
  checkFolderLocation('--report-dir', locations.reportDir);
  const report = lstatOrUndefined(locations.reportFile);
  if (report?.isSymbolicLink() === true) {
    const target = fs.readlinkSync(locations.reportFile);
    throw new OutputError(
      `--report-dir: ${locations.reportFile} is a symbolic link (to ${target}); refusing to replace it: remove the link or choose another --report-dir`,
    );
  }
  if (report !== undefined && !report.isFile()) throw new OutputError(`--report-dir: ${locations.reportFile} exists and is not a regular file`);
}

/** `lstat`, undefined when nothing is there (also when a part of the path is a file). */
function lstatOrUndefined(file: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(file, { throwIfNoEntry: false });
  } catch (error: unknown) {
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw error;
  }
}

function checkFolderLocation(label: string, dir: string): void {
  let existing = path.resolve(dir);
  for (;;) {
    const link = lstatOrUndefined(existing);
    if (link !== undefined) {
      const stat = fs.statSync(existing, { throwIfNoEntry: false });
      const shown = existing === path.resolve(dir) ? dir : existing;
      if (stat === undefined) throw new OutputError(`${label}: ${shown} is a broken symbolic link`);
      if (!stat.isDirectory()) {
        throw new OutputError(existing === path.resolve(dir) ? `${label}: ${dir} exists and is not a folder` : `${label}: cannot create ${dir}: ${existing} is a file, not a folder`);
      }
      break;
    }
    const parent = path.dirname(existing);
    if (parent === existing) break;
    existing = parent;
  }
  try {
    fs.accessSync(existing, fs.constants.W_OK);
  } catch (error: unknown) {
    const problem = environmentProblem(error) ?? String(error);
    throw new OutputError(`${label}: ${existing === path.resolve(dir) ? dir : `cannot create ${dir}: ${existing}`} is not writable: ${problem}`);
  }
}

/** A relative artifact path that stays inside its folder: no `..`, not absolute, `/`-separated. */
const relativePath = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith('/') && !p.includes('\\') && p.split('/').every((part) => part !== '' && part !== '.' && part !== '..'), 'not a relative path inside the folder');

/** The part of a manifest that emptying the folder needs (any Phase 21 manifest version). */
const manifestListingSchema = z.object({ tool: z.literal('phase21-harness'), artifacts: z.array(relativePath) });

/** What an output folder holds before a run. */
export type OutputDirState =
  | { readonly kind: 'absent' }
  | { readonly kind: 'empty' }
  /** A Phase 21 output folder: every entry is listed by its manifest (`listed`, sorted). */
  | { readonly kind: 'ours'; readonly manifest: unknown; readonly listed: readonly string[] };

/** At most this many unlisted entries are named in the refusal. */
const NAMED_ENTRIES = 5;

/**
 * Reads the output folder without changing it and says whether the run may empty it.
 * @throws OutputError (the folder is left as it is) when `out` is not a folder, is not empty
 *   and has no run.json, its run.json is not a Phase 21 manifest, or it holds an entry the
 *   manifest does not list
 */
export function inspectOutputDir(out: string): OutputDirState {
  const stat = fs.statSync(out, { throwIfNoEntry: false });
  if (stat === undefined) return { kind: 'absent' };
  if (!stat.isDirectory()) throw new OutputError(`--out: ${out} exists and is not a folder`);
  const top = fs.readdirSync(out).filter((name) => name !== LOCK_DIR && name !== LOCK_OWNER);
  // A run killed while writing its first run.json leaves only that file's temporary name.
  if (top.every((name) => name === tempPathOf(MANIFEST))) return { kind: 'empty' };
  if (!top.includes(MANIFEST)) {
    throw new OutputError(
      `--out: ${out} is not empty and holds no ${MANIFEST}, so it is not a Phase 21 output folder; refusing to replace it (choose another --out or empty it)`,
    );
  }
  const manifestPath = path.join(out, MANIFEST);
  const notOurs = (why: string): OutputError =>
    new OutputError(`--out: ${out}/${MANIFEST} ${why}, so ${out} is not a Phase 21 output folder; refusing to replace it (choose another --out or empty it)`);
  if (!fs.lstatSync(manifestPath).isFile()) throw notOurs('is not a regular file');
  let manifest: unknown;
  try {
    manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
  } catch {
    throw notOurs('is not JSON');
  }
  const parsed = manifestListingSchema.safeParse(manifest);
  if (!parsed.success) throw notOurs('is not a Phase 21 manifest (it needs "tool": "phase21-harness" and a list of "artifacts")');
  const listed = new Set(parsed.data.artifacts);
  const allowed = new Set<string>([MANIFEST, tempPathOf(MANIFEST)]);
  const folders = new Set<string>();
  for (const file of listed) {
    allowed.add(file);
    allowed.add(tempPathOf(file));
    for (let dir = path.posix.dirname(file); dir !== '.'; dir = path.posix.dirname(dir)) folders.add(dir);
  }
  const unlisted: string[] = [];
  const walk = (relative: string): void => {
    for (const entry of fs.readdirSync(path.join(out, relative), { withFileTypes: true })) {
      const rel = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (relative === '' && (entry.name === LOCK_DIR || entry.name === LOCK_OWNER)) continue;
      if (entry.isDirectory() && folders.has(rel)) walk(rel);
      else if (!entry.isDirectory() && allowed.has(rel)) continue;
      else unlisted.push(entry.isDirectory() ? `${rel}/` : rel);
    }
  };
  walk('');
  if (unlisted.length > 0) {
    unlisted.sort();
    const named = unlisted.slice(0, NAMED_ENTRIES).join(', ');
    const more = unlisted.length > NAMED_ENTRIES ? ` and ${unlisted.length - NAMED_ENTRIES} more` : '';
    throw new OutputError(
      `--out: ${out} holds ${unlisted.length === 1 ? 'an entry' : 'entries'} that its ${MANIFEST} does not list (${named}${more}); refusing to empty it: move ${unlisted.length === 1 ? 'it' : 'them'} away or choose another --out`,
    );
  }
  return { kind: 'ours', manifest, listed: [...listed].sort() };
}

/**
 * Removes every file `listed` (and its temporary name) from the folder, then the folders they
 * leave empty; `run.json` and the lock stay. Missing files are fine (an earlier removal was
 * interrupted).
 * @throws OutputError on a fault of the environment
 */
export function removeListed(folder: OutputFolder, listed: readonly string[]): void {
  const folders = new Set<string>();
  for (const file of listed) {
    if (file === MANIFEST) continue;
    folder.removeFile(file);
    folder.removeFile(tempPathOf(file));
    for (let dir = path.posix.dirname(file); dir !== '.'; dir = path.posix.dirname(dir)) folders.add(dir);
  }
  folder.removeFile(tempPathOf(MANIFEST));
  // Deepest first, so a parent is empty once its children are gone.
  const ordered = [...folders].sort((a, b) => b.split('/').length - a.split('/').length || (a < b ? -1 : a > b ? 1 : 0));
  for (const dir of ordered) {
    const full = folder.resolve(dir);
    const stat = fs.lstatSync(full, { throwIfNoEntry: false });
    if (stat === undefined || !stat.isDirectory() || fs.readdirSync(full).length > 0) continue;
    folder.removeDir(dir);
  }
}

/**
 * Creates `dir` and its missing parents through `outputFs`; returns the folders it created,
 * outermost first (so a run that ends before writing anything can remove them again).
 * @throws OutputError on a fault of the environment
 */
export function createFolders(dir: string, outputFs: OutputFs, label: string): string[] {
  const missing: string[] = [];
  for (let current = path.resolve(dir); fs.lstatSync(current, { throwIfNoEntry: false }) === undefined; current = path.dirname(current)) {
    missing.unshift(current);
    if (path.dirname(current) === current) break;
  }
  for (const folder of missing) {
    asOutputError(label, `create the folder ${folder}`, () => {
      outputFs.mkdir(folder);
    });
  }
  return missing;
}

/**
 * Removes `created` folders (from {@link createFolders}) again, innermost first, while they
 * are empty; stops quietly at the first that cannot be removed.
 */
export function removeCreatedFolders(created: readonly string[], outputFs: OutputFs): void {
  for (const folder of [...created].reverse()) {
    try {
      outputFs.rmdir(folder);
    } catch {
      return;
    }
  }
}
