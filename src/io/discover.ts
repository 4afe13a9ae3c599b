/**
 * Finds the input files and the layout (contract section 2).
 *
 * - tree: `<input>/wave_<w>/<agentFolder>/predicted_tasks.jsonl`, optional
 *   `predicted_schedule.jsonl` beside it; the wave comes from the folder name.
 * - flat: `<input>/predicted_tasks.jsonl`, optional `<input>/predicted_schedule.jsonl`; rows
 *   carry `wave`.
 *
 * Other folders and root files (`phase16/`, `metrics.jsonl`, ...) are ignored.
 */
import { stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import fg from 'fast-glob';
import type { Diagnostic } from '../errors.ts';
import { naturalCompare } from '../util/natural.ts';
import { errorAt, inputError } from './diagnostics.ts';

/** How the input is laid out. */
export type Layout = 'tree' | 'flat';

/** The two JSONL file types. */
export type InputKind = 'predicted_tasks' | 'predicted_schedule';

/** One input file, found on disk. */
export interface DiscoveredFile {
  /** `join(input, relative path)`: used both to open the file and in messages. */
  readonly path: string;
  readonly kind: InputKind;
  /** The wave from the folder name (tree), or null (flat). */
  readonly wave: number | null;
  /** The agent folder name (tree), or null (flat). */
  readonly agentFolder: string | null;
}

/** The layout and every input file in read order. */
export interface Discovery {
  readonly layout: Layout;
  /** Tasks files first, then schedule files; each group by wave ascending, then agent folder in natural order. */
  readonly files: readonly DiscoveredFile[];
}

const TASKS_FILE = 'predicted_tasks.jsonl';
const SCHEDULE_FILE = 'predicted_schedule.jsonl';
/** A canonical wave folder suffix: an integer >= 1 without leading zeros. */
const WAVE_SUFFIX = /^[1-9][0-9]*$/;

function fileProblem(file: string, field: string, problem: string): Diagnostic {
  return errorAt(file, null, field, problem);
}

function kindOf(name: string): InputKind {
  return name === TASKS_FILE ? 'predicted_tasks' : 'predicted_schedule';
}

/** Orders tasks files before schedule files, then by wave, then by agent folder (natural). */
function compareFiles(a: DiscoveredFile, b: DiscoveredFile): number {
  if (a.kind !== b.kind) return a.kind === 'predicted_tasks' ? -1 : 1;
  if (a.wave !== b.wave) return (a.wave ?? 0) - (b.wave ?? 0);
  return naturalCompare(a.agentFolder ?? '', b.agentFolder ?? '');
}

/**
 * Finds the input files under `input`.
 * @param input the input folder as the user gave it (relative to the working directory, or absolute)
 * @throws InputError when the folder is missing or not a folder, a `wave_*` folder name is not
 *   `wave_<integer >= 1>`, both layouts are present, or there is no `predicted_tasks.jsonl`
 */
export async function discoverInput(input: string): Promise<Discovery> {
  try {
    const info = await stat(input);
    if (!info.isDirectory()) throw inputError([fileProblem(input, '(input)', 'is not a folder')]);
  } catch (error: unknown) {
    if (error instanceof Error && 'code' in error) {
      const code = String(error.code);
      const problem = code === 'ENOENT' ? 'input folder not found' : `cannot read the input folder (${code})`;
      throw inputError([fileProblem(input, '(input)', problem)]);
    }
    throw error;
  }

  const problems: Diagnostic[] = [];
  const waveDirs = await fg('wave_*', { cwd: input, onlyDirectories: true, deep: 1, caseSensitiveMatch: true });
  const waveOf = new Map<string, number>();
  for (const dir of waveDirs.sort(naturalCompare)) {
    const suffix = dir.slice('wave_'.length);
    if (WAVE_SUFFIX.test(suffix)) waveOf.set(dir, Number(suffix));
    else problems.push(fileProblem(join(input, dir), '(folder)', 'a wave folder must be named wave_<integer >= 1> (e.g. wave_1)'));
  }

  const found = await fg([TASKS_FILE, SCHEDULE_FILE, `wave_*/*/${TASKS_FILE}`, `wave_*/*/${SCHEDULE_FILE}`], {
    cwd: input,
    onlyFiles: true,
    caseSensitiveMatch: true,
  });
  const flat: DiscoveredFile[] = [];
  const tree: DiscoveredFile[] = [];
  for (const relative of found) {
    const parts = relative.split('/');
    const name = parts[parts.length - 1] ?? relative;
    if (parts.length === 1) {
      flat.push({ path: join(input, relative), kind: kindOf(name), wave: null, agentFolder: null });
      continue;
    }
    const wave = waveOf.get(parts[0] ?? '');
    if (wave === undefined) continue; // a bad wave folder name, already reported
    tree.push({ path: join(input, relative), kind: kindOf(name), wave, agentFolder: parts[1] ?? '' });
  }

  if (flat.length > 0 && tree.length > 0) {
    problems.push(
      fileProblem(input, '(layout)', `mixed layout: flat ${flat.map((f) => basename(f.path)).join(' and ')} beside wave_<w>/<agent>/ files; keep one layout`),
    );
  }
  if (problems.length > 0) throw inputError(problems);

  const layout: Layout = flat.length > 0 ? 'flat' : 'tree';
  const files = (layout === 'flat' ? flat : tree).sort(compareFiles);
  if (!files.some((f) => f.kind === 'predicted_tasks')) {
    throw inputError([
      fileProblem(input, '(input)', `no ${TASKS_FILE} found (expected wave_<w>/<agent>/${TASKS_FILE} or a flat ${TASKS_FILE})`),
    ]);
  }
  return { layout, files };
}
