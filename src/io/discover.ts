/**
 * Finds the input files and the layout (contract section 2), and accounts for every other
 * entry under the input folder.
 *
 * - tree: `<input>/wave_<w>/<agentFolder>/predicted_tasks.jsonl`, optional
 *   `predicted_schedule.jsonl` beside it; the wave comes from the folder name.
 * - flat: `<input>/predicted_tasks.jsonl`, optional `<input>/predicted_schedule.jsonl`; rows
 *   carry `wave`.
 *
 * The folder is walked entry by entry (never through a glob that could skip a name quietly):
 * each entry is input, a known Phase 20 root entry (ignored quietly: {@link ROOT_KNOWN}), or a
 * {@link Stray} that the loader reports. Symbolic links are followed only when they resolve
 * inside the input folder, unless `followLinks` is set.
 */
import type { Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { basename, join, sep } from 'node:path';
import type { Diagnostic } from '../errors.ts';
import { MAX_WAVE } from '../schema/input.ts';
import { naturalCompare } from '../util/natural.ts';
import { errorAt, inputError } from './diagnostics.ts';
import { AGENT_ID_PATTERN } from './paths.ts';

/** How the input is laid out. */
export type Layout = 'tree' | 'flat';

/** The two JSONL file types. */
export type InputKind = 'predicted_tasks' | 'predicted_schedule';

/** One input file, found on disk. */
export interface DiscoveredFile {
  /** `join(input, relative path)`, as shown in messages. */
  readonly path: string;
  /** The file's real path (links resolved): what is opened. */
  readonly realPath: string;
  readonly kind: InputKind;
  /** The wave from the folder name (tree), or null (flat). */
  readonly wave: number | null;
  /** The agent folder name (tree), or null (flat). */
  readonly agentFolder: string | null;
}

/**
 * An entry under the input folder that is not read. `inputLike` entries look like input that
 * does not match the layout (`Wave_1`, `.agent_9`, `wave_1/notes.txt`, a stray `.jsonl`): the
 * loader makes them errors, or warnings in quarantine mode. Others (`notes.txt`, `.git` at the
 * root) are always warnings. Nothing under the input is skipped without one of the two.
 */
export interface Stray {
  /** `join(input, relative path)`. */
  readonly path: string;
  /** `(folder)`, `(file)`, `(link)` (a symbolic link, not followed) or `(entry)` (a socket, a device...). */
  readonly field: string;
  readonly problem: string;
  readonly inputLike: boolean;
}

/** The layout, every input file in read order, and the entries left out. */
export interface Discovery {
  readonly layout: Layout;
  /** Tasks files first, then schedule files; each group by wave ascending, then agent folder in natural order. */
  readonly files: readonly DiscoveredFile[];
  /** Entries not read (see {@link Stray}), in walk order: root, then each wave folder, in natural order. */
  readonly strays: readonly Stray[];
}

/** How to walk the input. */
export interface DiscoverOptions {
  /** Follow symbolic links that resolve outside the input folder; default false (such a link is an input error). */
  readonly followLinks?: boolean;
}

const TASKS_FILE = 'predicted_tasks.jsonl';
const SCHEDULE_FILE = 'predicted_schedule.jsonl';
const INPUT_FILES: ReadonlySet<string> = new Set([TASKS_FILE, SCHEDULE_FILE]);

/**
 * Root entries that real Phase 20 runs write beside the wave folders and Phase 21 does not
 * read (`../shared/fixtures/phase20-upstream/*`); `*.md` files are known too.
 */
export const ROOT_KNOWN: ReadonlySet<string> = new Set(['metrics.jsonl', 'learning_signals.jsonl', 'anomalies.jsonl', 'system_health.json', 'phase16', 'phase18']);

/** A canonical wave folder suffix: an integer >= 1 without leading zeros. */
const WAVE_SUFFIX = /^[1-9][0-9]*$/;
const MAX_WAVE_TEXT = String(MAX_WAVE);

/** The wave of a `wave_<w>` suffix, or null unless canonical and at most MAX_WAVE (compared as text, never rounded). */
export function waveOfSuffix(suffix: string): number | null {
  if (!WAVE_SUFFIX.test(suffix)) return null;
  if (suffix.length > MAX_WAVE_TEXT.length || (suffix.length === MAX_WAVE_TEXT.length && suffix > MAX_WAVE_TEXT)) return null;
  return Number(suffix);
}

const WAVE_NAME_PROBLEM = `a wave folder must be named wave_<integer from 1 to ${MAX_WAVE_TEXT}>, in lower case and without leading zeros (e.g. wave_1)`;

/** True for names that look like part of a Phase 20 layout, ignoring case and leading dots. */
function looksLikeInput(name: string): boolean {
  const m = name.replace(/^\.+/, '').toLowerCase();
  return m.startsWith('wave') || m.startsWith('agent') || m.startsWith('predicted') || m.endsWith('.jsonl');
}

/** Orders tasks files before schedule files, then by wave, then by agent folder (natural). */
function compareFiles(a: DiscoveredFile, b: DiscoveredFile): number {
  if (a.kind !== b.kind) return a.kind === 'predicted_tasks' ? -1 : 1;
  if (a.wave !== b.wave) return (a.wave ?? 0) - (b.wave ?? 0);
  return naturalCompare(a.agentFolder ?? '', b.agentFolder ?? '');
}

function codeOf(error: unknown): string | null {
  return error instanceof Error && 'code' in error ? String(error.code) : null;
}

/** What an entry is, once a link is resolved. */
type Resolved =
  | { readonly kind: 'dir' | 'file' | 'other'; readonly real: string }
  | { readonly kind: 'problem'; readonly problem: string };

/** One walk: the input's real path, the options, and what was found so far. */
class Walk {
  readonly problems: Diagnostic[] = [];
  readonly strays: Stray[] = [];
  readonly flat: DiscoveredFile[] = [];
  readonly tree: DiscoveredFile[] = [];

  constructor(
    readonly input: string,
    readonly rootReal: string,
    readonly followLinks: boolean,
  ) {}

  stray(path: string, kind: EntryKind, problem: string, inputLike: boolean): void {
    const field = kind === 'dir' ? '(folder)' : kind === 'file' ? '(file)' : kind === 'link' ? '(link)' : '(entry)';
    this.strays.push({ path, field, problem, inputLike });
  }

  /** The entries of the folder at real path `dir`, sorted by name (natural order); null after reporting an error. */
  async list(dir: string, shown: string): Promise<Dirent[] | null> {
    try {
      const entries = await readdir(dir, { withFileTypes: true });
      return entries.sort((a, b) => naturalCompare(a.name, b.name));
    } catch (error: unknown) {
      const code = codeOf(error);
      if (code === null) throw error;
      this.problems.push(errorAt(shown, null, '(folder)', `cannot read the folder (${code})`));
      return null;
    }
  }

  /** Resolves an entry of the folder at real path `dir`, following a link only within bounds (or with followLinks). */
  async resolve(dir: string, entry: Dirent): Promise<Resolved> {
    const path = join(dir, entry.name);
    if (!entry.isSymbolicLink()) {
      return { kind: entry.isDirectory() ? 'dir' : entry.isFile() ? 'file' : 'other', real: path };
    }
    let real: string;
    try {
      real = await realpath(path);
    } catch (error: unknown) {
      const code = codeOf(error);
      if (code === null) throw error;
      if (code === 'ELOOP') return { kind: 'problem', problem: 'a symbolic link that loops (ELOOP)' };
      if (code === 'ENOENT') return { kind: 'problem', problem: 'a broken symbolic link (its target does not exist)' };
      return { kind: 'problem', problem: `a symbolic link that cannot be resolved (${code})` };
    }
    if (!this.followLinks && real !== this.rootReal && !real.startsWith(this.rootReal.endsWith(sep) ? this.rootReal : this.rootReal + sep)) {
      return { kind: 'problem', problem: 'a symbolic link to a path outside the input folder; not read (links are followed only within the input folder)' };
    }
    try {
      const info = await stat(real);
      return { kind: info.isDirectory() ? 'dir' : info.isFile() ? 'file' : 'other', real };
    } catch (error: unknown) {
      const code = codeOf(error);
      if (code === null) throw error;
      return { kind: 'problem', problem: `a symbolic link whose target cannot be read (${code})` };
    }
  }

  /**
   * Resolves an entry in an input position; problems (a link out of bounds or looping, a
   * special file where a file or folder must be) are errors in every mode, since the input
   * there cannot be read.
   */
  async expect(dir: string, entry: Dirent, shown: string, want: 'dir' | 'file'): Promise<string | null> {
    const resolved = await this.resolve(dir, entry);
    if (resolved.kind === 'problem') {
      this.problems.push(errorAt(shown, null, want === 'dir' ? '(folder)' : '(file)', resolved.problem));
      return null;
    }
    if (resolved.kind === want) return resolved.real;
    const problem = want === 'dir' ? 'must be a folder' : resolved.kind === 'dir' ? 'must be a file, not a folder' : 'must be a regular file';
    this.problems.push(errorAt(shown, null, want === 'dir' ? '(folder)' : '(file)', problem));
    return null;
  }

  async root(): Promise<void> {
    const entries = await this.list(this.rootReal, this.input);
    if (entries === null) return;
    for (const entry of entries) {
      const { name } = entry;
      const shown = join(this.input, name);
      if (ROOT_KNOWN.has(name) || (name.endsWith('.md') && !name.startsWith('.'))) continue;
      if (INPUT_FILES.has(name)) {
        const real = await this.expect(this.rootReal, entry, shown, 'file');
        const kind: InputKind = name === TASKS_FILE ? 'predicted_tasks' : 'predicted_schedule';
        if (real !== null) this.flat.push({ path: shown, realPath: real, kind, wave: null, agentFolder: null });
        continue;
      }
      const wave = name.startsWith('wave_') ? waveOfSuffix(name.slice('wave_'.length)) : null;
      if (wave !== null) {
        const real = await this.expect(this.rootReal, entry, shown, 'dir');
        if (real !== null) await this.waveFolder(real, shown, wave);
        continue;
      }
      const kind = entryKind(entry);
      if (name.toLowerCase().startsWith('wave_') && !name.startsWith('.')) this.stray(shown, kind, WAVE_NAME_PROBLEM, true);
      else if (name.startsWith('.') && looksLikeInput(name)) this.stray(shown, kind, 'a hidden entry that looks like input; hidden entries are not read', true);
      else if (looksLikeInput(name)) this.stray(shown, kind, `not part of the layout: the input holds wave_<w>/<agent>/${TASKS_FILE} or a flat ${TASKS_FILE}`, true);
      else this.stray(shown, kind, 'not part of the Phase 20 layout; ignored', false);
    }
  }

  async waveFolder(dir: string, shownDir: string, wave: number): Promise<void> {
    const entries = await this.list(dir, shownDir);
    if (entries === null) return;
    for (const entry of entries) {
      const shown = join(shownDir, entry.name);
      const problem = agentFolderProblem(entry);
      if (problem !== null) {
        this.stray(shown, entryKind(entry), problem, true);
        continue;
      }
      const real = await this.expect(dir, entry, shown, 'dir');
      if (real !== null) await this.agentFolder(real, shown, wave, entry.name);
    }
  }

  async agentFolder(dir: string, shownDir: string, wave: number, agentFolder: string): Promise<void> {
    const entries = await this.list(dir, shownDir);
    if (entries === null) return;
    for (const entry of entries) {
      const shown = join(shownDir, entry.name);
      if (!INPUT_FILES.has(entry.name)) {
        const kind = entryKind(entry);
        const what = kind === 'dir' ? 'a folder inside an agent folder' : `not an input file (an agent folder holds ${TASKS_FILE} and ${SCHEDULE_FILE})`;
        this.stray(shown, kind, what, true);
        continue;
      }
      const real = await this.expect(dir, entry, shown, 'file');
      const kind: InputKind = entry.name === TASKS_FILE ? 'predicted_tasks' : 'predicted_schedule';
      if (real !== null) this.tree.push({ path: shown, realPath: real, kind, wave, agentFolder });
    }
  }
}

/** The kind a directory entry shows without following a link. */
type EntryKind = 'dir' | 'file' | 'link' | 'other';

/** The kind a directory entry shows without following a link. */
function entryKind(entry: Dirent): EntryKind {
  if (entry.isSymbolicLink()) return 'link';
  return entry.isDirectory() ? 'dir' : entry.isFile() ? 'file' : 'other';
}

/**
 * Null when `entry` of a wave folder can be an agent folder: its name matches the agent id
 * pattern (so no hidden names, no spaces or line breaks) and, when it starts with `agent_` in
 * any letter case, in lower case. Else why not.
 */
function agentFolderProblem(entry: Dirent): string | null {
  const { name } = entry;
  if (!entry.isDirectory() && !entry.isSymbolicLink()) return 'a file in a wave folder outside any agent folder';
  if (name.startsWith('.')) return 'a hidden folder; hidden entries are not read';
  if (!AGENT_ID_PATTERN.test(name)) return `an agent folder must be named like an agent id (${String(AGENT_ID_PATTERN)})`;
  if (name.toLowerCase().startsWith('agent_') && !name.startsWith('agent_')) return 'an agent folder is named agent_<id>, in lower case';
  return null;
}

/**
 * Finds the input files under `input`.
 * @param input the input folder as the user gave it (relative to the working directory, or absolute)
 * @param options `followLinks` (default false): follow symbolic links that leave the input folder
 * @returns the layout, the files in read order and the entries not read ({@link Stray})
 * @throws InputError when the folder is missing or not a folder; a link in an input position
 *   loops, is broken or leaves the input folder; a folder or file in an input position cannot be
 *   read or has the wrong type; both layouts are present; or there is no `predicted_tasks.jsonl`
 *   (then the input-like strays are listed too, as errors)
 */
export async function discoverInput(input: string, options: DiscoverOptions = {}): Promise<Discovery> {
  let rootReal: string;
  try {
    rootReal = await realpath(input);
    const info = await stat(rootReal);
    if (!info.isDirectory()) throw inputError([errorAt(input, null, '(input)', 'is not a folder')]);
  } catch (error: unknown) {
    const code = codeOf(error);
    if (code === null) throw error;
    const problem = code === 'ENOENT' ? 'input folder not found' : `cannot read the input folder (${code})`;
    throw inputError([errorAt(input, null, '(input)', problem)]);
  }

  const walk = new Walk(input, rootReal, options.followLinks ?? false);
  await walk.root();
  const { flat, tree, problems, strays } = walk;
  if (flat.length > 0 && tree.length > 0) {
    const names = flat.map((f) => basename(f.path)).join(' and ');
    problems.push(errorAt(input, null, '(layout)', `mixed layout: flat ${names} beside wave_<w>/<agent>/ files; keep one layout`));
  }
  if (problems.length > 0) throw inputError(problems);

  const layout: Layout = flat.length > 0 ? 'flat' : 'tree';
  const files = (layout === 'flat' ? flat : tree).sort(compareFiles);
  if (!files.some((f) => f.kind === 'predicted_tasks')) {
    throw inputError([
      errorAt(input, null, '(input)', `no ${TASKS_FILE} found (expected wave_<w>/<agent>/${TASKS_FILE} or a flat ${TASKS_FILE})`),
      ...strays.filter((s) => s.inputLike).map((s) => errorAt(s.path, null, s.field, s.problem)),
    ]);
  }
  return { layout, files, strays };
}
