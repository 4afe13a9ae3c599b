/**
 * Shared helpers of the pipeline-level tests (test/e2e, test/golden): run the CLI in-process
 * or as a child process, read a whole output folder, write small hand-made Phase 20 inputs,
 * and read JSONL artifacts back. Every output goes to an `os.tmpdir()` folder; nothing here
 * writes into the project's `outputs/` or `reports/`.
 */
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main.ts';

/** The project root (two folders above this file). */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The committed sample input and its agents file, as absolute paths. */
export const SAMPLE_INPUT = path.join(PROJECT_ROOT, 'data', 'phase20');
export const SAMPLE_AGENTS = path.join(PROJECT_ROOT, 'data', 'agents.json');

/** What one CLI run returned and printed. */
export interface CliRun {
  /** Exit code (0 ok, 1 unhealthy, 2 usage/input error, 3 internal error). */
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the CLI in-process through `main(argv, io)` with collecting fake streams, `isTTY`
 * false, `now` = 0 and `env` = `{}` plus `extraEnv` (e.g. `{ CI: '1' }`). The wall clock and
 * version are the real defaults (they reach run.json only).
 */
export async function runCli(argv: readonly string[], extraEnv: Readonly<Record<string, string>> = {}): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, {
    stdout: { write: (s: string) => out.push(s) },
    stderr: { write: (s: string) => err.push(s) },
    env: { ...extraEnv },
    isTTY: false,
    now: () => 0,
  });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

/**
 * Runs the CLI as a real child process, `node --import tsx src/cli/main.ts ...argv`, with
 * `cwd` = the project root and an environment of PATH, HOME and the given `TZ` only.
 * Resolves (never rejects) with the exit code and both streams.
 */
export function runCliProcess(argv: readonly string[], tz: string): Promise<CliRun> {
  const env: Record<string, string> = { TZ: tz, PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? os.tmpdir() };
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', path.join('src', 'cli', 'main.ts'), ...argv],
      { cwd: PROJECT_ROOT, env, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/**
 * Every file under `dir`, keyed by its path relative to `dir` with forward slashes, in
 * sorted key order, as UTF-8 text; a binary `.parquet` file (or its temporary name) as the line
 * `parquet <bytes> bytes, sha256 <hex>` (so byte-for-byte comparisons and golden files cover it).
 * @throws Error when another file is not valid UTF-8 (the text would not be its bytes)
 */
export function readTree(dir: string): Map<string, string> {
  const files: string[] = [];
  const walk = (relative: string): void => {
    for (const entry of readdirSync(path.join(dir, relative), { withFileTypes: true })) {
      const rel = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) walk(rel);
      else files.push(rel);
    }
  };
  walk('');
  files.sort();
  const tree = new Map<string, string>();
  for (const rel of files) {
    const bytes = readFileSync(path.join(dir, rel));
    // A Parquet file (magic PAR1); golden files store the line itself, which reads as text.
    if ((rel.endsWith('.parquet') || rel.endsWith('.parquet.tmp')) && bytes.subarray(0, 4).toString('latin1') === 'PAR1') {
      tree.set(rel, `parquet ${bytes.length} bytes, sha256 ${createHash('sha256').update(bytes).digest('hex')}\n`);
      continue;
    }
    const text = bytes.toString('utf8');
    if (!Buffer.from(text, 'utf8').equals(bytes)) throw new Error(`${rel} is not valid UTF-8`);
    tree.set(rel, text);
  }
  return tree;
}

/** {@link readTree} without `run.json` (the one file that carries wall-clock time). */
export function readTreeWithoutManifest(dir: string): Map<string, string> {
  const tree = readTree(dir);
  tree.delete('run.json');
  return tree;
}

/** The output and report folders of one run, inside a fresh temporary folder `root`. */
export interface RunDirs {
  readonly root: string;
  readonly out: string;
  readonly report: string;
}

/** A fresh {@link RunDirs} (nothing created but `root`). */
export function runDirs(prefix = 'p21-e2e-'): RunDirs {
  const root = tempDir(prefix);
  return { root, out: path.join(root, 'out'), report: path.join(root, 'report') };
}

/** `--out <out> --report-dir <report>` of `dirs`. */
export function outArgs(dirs: RunDirs): string[] {
  return ['--out', dirs.out, '--report-dir', dirs.report];
}

/**
 * A run's files for comparison, byte for byte: `out/<path>` for every artifact but run.json and
 * `report/<file>` for the report folder. Nothing is normalised: no artifact or report may name
 * the folders of the run (contract section 12, "Diffable"), so two runs written to different
 * folders must compare equal as they are.
 */
export function readRunFiles(dirs: RunDirs): Map<string, string> {
  const files = new Map<string, string>();
  for (const [rel, text] of readTreeWithoutManifest(dirs.out)) files.set(`out/${rel}`, text);
  for (const [rel, text] of readTree(dirs.report)) files.set(`report/${rel}`, text);
  return files;
}

/** Temporary folders made by {@link tempDir}, removed by {@link removeTempDirs}. */
const made: string[] = [];

/** A fresh folder under `os.tmpdir()`; call {@link removeTempDirs} in `afterAll`. */
export function tempDir(prefix = 'p21-e2e-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Removes every folder {@link tempDir} made. */
export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** One prediction row of a hand-made input (tree layout: the wave and agent name the folder). */
export interface PredictionRow {
  readonly wave: number;
  readonly task_id: string;
  readonly agent_id: string;
  readonly predicted_success_probability: number;
  readonly predicted_execution_time?: number;
  readonly risk_assessment?: 'LOW' | 'MEDIUM' | 'HIGH';
  readonly priority?: number;
  readonly timestamp?: string;
}

/** One schedule row of a hand-made input. */
export interface ScheduleRow {
  readonly wave: number;
  readonly task_id: string;
  readonly agent_id: string;
  readonly predicted_start_time: number;
  readonly predicted_end_time: number;
  readonly predicted_success_probability: number;
  readonly priority: number;
}

/** Writes `rows` as JSONL (one `JSON.stringify` per line, final newline) at `file`, making folders. */
export function writeJsonl(file: string, rows: readonly unknown[]): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
}

function groupByFolder<T extends { readonly wave: number; readonly agent_id: string }>(rows: readonly T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const key = `wave_${row.wave}/${row.agent_id}`;
    const group = groups.get(key) ?? [];
    group.push(row);
    groups.set(key, group);
  }
  return groups;
}

/**
 * Writes a Phase 20 tree under `root`: `wave_<w>/<agent_id>/predicted_tasks.jsonl` (rows
 * without `wave`, as Phase 20 writes them) and, for the folders that have schedule rows,
 * `predicted_schedule.jsonl`. Agent ids are expected to start with `agent_` (they name the folder).
 */
export function writeTreeInput(root: string, predictions: readonly PredictionRow[], schedule: readonly ScheduleRow[] = []): void {
  for (const [folder, rows] of groupByFolder(predictions)) {
    writeJsonl(
      path.join(root, folder, 'predicted_tasks.jsonl'),
      rows.map(({ wave: _wave, ...row }) => row),
    );
  }
  for (const [folder, rows] of groupByFolder(schedule)) writeJsonl(path.join(root, folder, 'predicted_schedule.jsonl'), rows);
}

/** One agent profile of a hand-made agents file (omitted fields take the contract's defaults). */
export interface ProfileRow {
  readonly agent_id: string;
  readonly max_concurrency?: number;
  readonly speed?: number;
  readonly reliability_offset?: number;
}

/** Writes `{"agents": [...]}` at `file`. */
export function writeAgentsFile(file: string, agents: readonly ProfileRow[]): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify({ agents }, null, 2)}\n`);
}

/**
 * A grid of predictions: waves 1..`waves`, tasks `t<w>_<i>` (i = 1..`tasks`) and agents
 * `agent_0`..`agent_<n-1>`; `p` and `time` give each pair's probability and seconds.
 */
export function gridPredictions(
  waves: number,
  tasks: number,
  agents: number,
  p: (wave: number, task: number, agent: number) => number,
  time: (wave: number, task: number, agent: number) => number = () => 20,
): PredictionRow[] {
  const rows: PredictionRow[] = [];
  for (let w = 1; w <= waves; w++) {
    for (let t = 1; t <= tasks; t++) {
      for (let a = 0; a < agents; a++) {
        rows.push({
          wave: w,
          task_id: `t${w}_${t}`,
          agent_id: `agent_${a}`,
          predicted_success_probability: p(w, t, a),
          predicted_execution_time: time(w, t, a),
        });
      }
    }
  }
  return rows;
}

/** Parses a JSONL text into its records (blank lines skipped). */
export function parseJsonl(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** Reads and parses the JSONL file `relative` under `dir`. */
export function readJsonl(dir: string, relative: string): Record<string, unknown>[] {
  return parseJsonl(readFileSync(path.join(dir, relative), 'utf8'));
}

/** Reads and parses the JSON document `relative` under `dir`. */
export function readJson(dir: string, relative: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(dir, relative), 'utf8')) as Record<string, unknown>;
}

/** Every `executed_tasks.jsonl` row of an output folder, in sorted file order. */
export function executedRows(out: string): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  for (const [rel, text] of readTree(out)) if (rel.endsWith('/executed_tasks.jsonl')) rows.push(...parseJsonl(text));
  return rows;
}

/**
 * `<wave>/<task_id>` of every row of every `wave_<w>/<agent>/predicted_tasks.jsonl` of a
 * Phase 20 tree, deduplicated and sorted: the tasks a run of that input must account for.
 */
export function inputTaskKeys(input: string): string[] {
  const keys = new Set<string>();
  for (const waveDir of readdirSync(input).filter((d) => /^wave_\d+$/.test(d))) {
    const wave = String(Number(waveDir.slice('wave_'.length)));
    for (const agentDir of readdirSync(path.join(input, waveDir))) {
      const file = path.join(input, waveDir, agentDir, 'predicted_tasks.jsonl');
      if (!existsSync(file)) continue;
      for (const row of parseJsonl(readFileSync(file, 'utf8').replace(/^\uFEFF/, ''))) keys.add(`${wave}/${String(row.task_id)}`);
    }
  }
  return [...keys].sort();
}

/** `<wave>/<task_id>` of a record with `wave` and `task_id`. */
export function taskKey(record: Record<string, unknown>): string {
  return `${String(record.wave)}/${String(record.task_id)}`;
}
