/**
 * Whether two runs are comparable (contract section 13): their input files by sha256, every
 * option that differs, the harness versions and the run states. Pure: works on the parts of
 * `run.json` that `read.ts` validated.
 */
import type { z } from 'zod';
import type { ComparabilitySchema } from '../schema/comparison.ts';
import { naturalCompare } from '../util/natural.ts';

export type Comparability = z.infer<typeof ComparabilitySchema>;

/** One input file as recorded in run.json's `inputs`. */
export interface InputFile {
  readonly path: string;
  readonly kind: string;
  readonly sha256: string;
}

/** The parts of a run's manifest the comparability check reads. */
export interface RunSetup {
  readonly status: string;
  readonly version: string;
  readonly options: Readonly<Record<string, unknown>>;
  readonly inputs: readonly InputFile[];
}

/**
 * Options left out of the options diff: where files are read and written (the inputs are
 * compared by content instead, and the output folders always differ) and how the run talks
 * (progress, output format, stacks, resuming), none of which changes a result. Keys in
 * snake_case.
 */
export const IGNORED_OPTIONS: ReadonlySet<string> = new Set([
  'input',
  'out',
  'report_dir',
  'agents_file',
  'config',
  'quiet',
  'json',
  'debug',
  'resume',
]);

/** How an input file's change reads. */
export const CHANGE_TEXT = { same: 'same', changed: 'changed', only_in_a: 'only in A', only_in_b: 'only in B' } as const;

/** Label of the agents file among the inputs, whatever its name. */
export const AGENTS_FILE_KEY = '(agents file)';

const PHASE20_FILE = /(?:^|\/)((?:wave_[^/]+\/[^/]+\/)?predicted_(?:tasks|schedule)\.jsonl)$/;

/**
 * The name an input file is compared under: its path below the input folder for Phase 20 files
 * (`wave_1/agent_0/predicted_tasks.jsonl`, or `predicted_tasks.jsonl` in the flat layout), taken
 * from the end of the recorded path so it does not depend on where the input folder was;
 * `(agents file)` for the agents file; `(<kind>) <base name>` for any other kind.
 */
export function inputKey(file: InputFile): string {
  const posix = file.path.split('\\').join('/');
  if (file.kind === 'agents') return AGENTS_FILE_KEY;
  const match = PHASE20_FILE.exec(posix);
  if (match?.[1] !== undefined) return match[1];
  return `(${file.kind}) ${posix.slice(posix.lastIndexOf('/') + 1)}`;
}

/** `maxAttempts` -> `max_attempts`; snake_case keys are left as they are. */
export function snakeCase(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/**
 * Every option whose value differs, deep: nested objects are walked (`retry.max_attempts`),
 * arrays and scalars compared whole. Keys are put in snake_case first, so a run whose manifest
 * spells `maxAttempts` compares with one that spells `max_attempts`. A key absent on one side
 * shows as null there. Top-level keys in {@link IGNORED_OPTIONS} are left out.
 */
export function optionDiffs(a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>): { option: string; a: unknown; b: unknown }[] {
  const diffs: { option: string; a: unknown; b: unknown }[] = [];
  const walk = (x: Readonly<Record<string, unknown>>, y: Readonly<Record<string, unknown>>, prefix: string): void => {
    const xs = snakeKeys(x);
    const ys = snakeKeys(y);
    const keys = [...xs.keys()];
    for (const key of ys.keys()) if (!xs.has(key)) keys.push(key);
    for (const key of keys) {
      if (prefix === '' && IGNORED_OPTIONS.has(key)) continue;
      const va = xs.get(key);
      const vb = ys.get(key);
      if (isPlainObject(va) && isPlainObject(vb)) walk(va, vb, `${prefix}${key}.`);
      else if (JSON.stringify(va ?? null) !== JSON.stringify(vb ?? null)) diffs.push({ option: `${prefix}${key}`, a: va ?? null, b: vb ?? null });
    }
  };
  walk(a, b, '');
  return diffs;
}

function snakeKeys(object: Readonly<Record<string, unknown>>): Map<string, unknown> {
  return new Map(Object.entries(object).map(([key, value]) => [snakeCase(key), value]));
}

function isPlainObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The comparability section: input files by content, differing options, versions, and the notes
 * a reader must see first (different inputs, options or versions; an aborted run).
 */
export function comparability(a: RunSetup, b: RunSetup): Comparability {
  const inputs = inputDiffs(a.inputs, b.inputs);
  const options = optionDiffs(a.options, b.options);
  const notes: string[] = [];
  for (const [label, run] of [['A', a], ['B', b]] as const) {
    if (run.status === 'aborted') notes.push(`run ${label} was aborted (--abort-on-failure-rate): it covers only the waves that ran; the tasks of the others count as in one run only`);
  }
  const changed = inputs.filter((f) => f.change !== 'same');
  if (changed.length > 0) {
    const counts = (['changed', 'only_in_a', 'only_in_b'] as const)
      .map((change) => [change, changed.filter((f) => f.change === change).length] as const)
      .filter(([, n]) => n > 0)
      .map(([change, n]) => `${n} ${CHANGE_TEXT[change]}`);
    notes.push(`THE INPUTS DIFFER (${counts.join(', ')}): tasks are paired on (wave, task_id), so a delta mixes the change of input with the change of run`);
  }
  if (options.length > 0) notes.push(`${options.length === 1 ? '1 option differs' : `${options.length} options differ`}: ${options.map((o) => o.option).join(', ')}`);
  if (a.version !== b.version) notes.push(`the runs were made by different harness versions (${a.version} and ${b.version})`);
  return {
    same_inputs: changed.length === 0,
    same_options: options.length === 0,
    same_version: a.version === b.version,
    notes,
    inputs,
    options,
  };
}

function inputDiffs(a: readonly InputFile[], b: readonly InputFile[]): Comparability['inputs'] {
  const byKey = (files: readonly InputFile[]): Map<string, string> => new Map(files.map((f) => [inputKey(f), f.sha256]));
  const ha = byKey(a);
  const hb = byKey(b);
  const keys = [...new Set([...ha.keys(), ...hb.keys()])].sort(naturalCompare);
  return keys.map((file) => {
    const sa = ha.get(file) ?? null;
    const sb = hb.get(file) ?? null;
    const change = sa === null ? 'only_in_b' : sb === null ? 'only_in_a' : sa === sb ? 'same' : 'changed';
    return { file, sha256_a: sa, sha256_b: sb, change };
  });
}
