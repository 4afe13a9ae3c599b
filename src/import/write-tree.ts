/**
 * The I/O end of `import wfcommons`: reads the instance and the WfFormat JSON Schema, and
 * writes the Phase 20 tree `<out>/wave_1/agent_<i>/predicted_tasks.jsonl` (contract section 2).
 *
 * Lines are written as Python's `json.dumps` prints them, the bytes a real Phase 20 run writes:
 * `", "` and `": "` separators, floats always with a point (`25.0`), non-ASCII characters as
 * `\uXXXX`. The tree is built in a temporary folder beside `--out` and renamed into place, so
 * `--out` either holds the whole import or does not exist (or stays empty).
 */
import fs from 'node:fs';
import path from 'node:path';
import { InputError, UsageError } from '../errors.ts';
import { pythonFloat } from '../generate/write-tree.ts';
import { planImport, type ImportedRow, type MappingOptions } from './mapping.ts';
import type { Workflow } from './rules.ts';

/** A JSON string as Python's `json.dumps` writes it (`ensure_ascii`): non-ASCII as `\uXXXX`. */
export function pythonJsonString(text: string): string {
  return JSON.stringify(text).replace(/[\u0080-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The `depends_on` array, Python-style: `["a", "b"]`, `[]`. */
function formatIds(ids: readonly string[]): string {
  return `[${ids.map(pythonJsonString).join(', ')}]`;
}

/** The start of a line, up to the agent id's value. */
function lineHead(taskId: string): string {
  return `{"task_id": ${pythonJsonString(taskId)}, "agent_id": `;
}

/** The end of a line, after p's value, with the line end. */
function lineTail(timeS: number, dependsOn: readonly string[]): string {
  return `, "predicted_execution_time": ${pythonFloat(timeS)}, "depends_on": ${formatIds(dependsOn)}}\n`;
}

/** A line from its head, the agent id as JSON, p, and its tail. */
function joinLine(head: string, agentJson: string, p: number, tail: string): string {
  return `${head}${agentJson}, "predicted_success_probability": ${pythonFloat(p)}${tail}`;
}

/**
 * One `predicted_tasks.jsonl` line (with `\n`). Key order: task_id, agent_id,
 * predicted_success_probability, predicted_execution_time, depends_on.
 */
export function formatImportedRow(row: ImportedRow): string {
  return joinLine(lineHead(row.task_id), pythonJsonString(row.agent_id), row.predicted_success_probability, lineTail(row.predicted_execution_time, row.depends_on));
}

/**
 * Checks that `out` may receive an import: it does not exist, or is an empty folder.
 * @throws UsageError (exit 2) when `out` is a file or a folder that holds anything.
 */
export function checkOutDir(out: string): void {
  let stats: fs.Stats;
  try {
    stats = fs.statSync(out);
  } catch (error: unknown) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return;
    throw new UsageError(`--out: ${out}: cannot read (${error instanceof Error && 'code' in error ? String(error.code) : String(error)})`);
  }
  if (!stats.isDirectory()) throw new UsageError(`--out: ${out} exists and is not a folder`);
  if (fs.readdirSync(out).length > 0) throw new UsageError(`--out: ${out} exists and is not empty; choose a new or empty folder`);
}

/** What a write produced. */
export interface ImportWriteSummary {
  /** Files written, one per agent. */
  readonly files: number;
  readonly rows: number;
  readonly bytes: number;
}

/**
 * Writes the tree of `workflow` under `out`: `wave_1/agent_<i>/predicted_tasks.jsonl` for
 * i = 0..agents-1, each holding every task in instance order. Same workflow and options give
 * the same bytes.
 * @throws UsageError when `out` is not new or empty ({@link checkOutDir}); RangeError on bad
 *   options; Node's fs errors on I/O failure (the temporary folder is removed first).
 */
export function writeImportTree(out: string, workflow: Workflow, options: MappingOptions): ImportWriteSummary {
  checkOutDir(out);
  const plan = planImport(workflow, options);
  const target = path.resolve(out);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  // A uniquely named folder beside --out (mode 0700) holding the tree's root, made with the
  // usual mode; the root is renamed to --out once every file is written.
  const temp = fs.mkdtempSync(path.join(path.dirname(target), `.${path.basename(target)}.import-`));
  const root = path.join(temp, 'tree');
  try {
    // A task's line differs between agents only in agent_id and p: its ends are made once.
    const heads = workflow.tasks.map((task) => lineHead(task.id));
    const tails = plan.rowsOf(0).map((row) => lineTail(row.predicted_execution_time, row.depends_on));
    let rows = 0;
    let bytes = 0;
    plan.agentIds.forEach((agentId, a) => {
      const folder = path.join(root, 'wave_1', agentId);
      fs.mkdirSync(folder, { recursive: true });
      const agentJson = pythonJsonString(agentId);
      const lines = plan.rowsOf(a).map((row, t) => joinLine(heads[t] ?? '', agentJson, row.predicted_success_probability, tails[t] ?? ''));
      const buffer = Buffer.from(lines.join(''), 'utf8');
      fs.writeFileSync(path.join(folder, 'predicted_tasks.jsonl'), buffer);
      rows += lines.length;
      bytes += buffer.length;
    });
    // An empty --out is replaced; rmdir refuses a folder something wrote into meanwhile.
    if (fs.existsSync(target)) fs.rmdirSync(target);
    fs.renameSync(root, target);
    return { files: options.agents, rows, bytes };
  } finally {
    fs.rmSync(temp, { recursive: true, force: true });
  }
}

/** 1-based line of character `offset` in `text`. */
function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Node's errno code of a failed fs call, e.g. `ENOENT`. */
function errorCode(error: unknown): string {
  return error instanceof Error && 'code' in error ? String(error.code) : 'unknown error';
}

/**
 * Reads and parses a JSON file (an instance). A UTF-8 BOM is skipped.
 * @param file - path as the user gave it; messages name it so.
 * @throws InputError (exit 2) with `file: (file): cannot read (CODE)` or
 *   `file:line: (json): <parser message>`.
 */
export function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error: unknown) {
    const problem = `cannot read (${errorCode(error)})`;
    throw new InputError(`${file}: ${problem}`, [{ severity: 'error', file, line: null, field: '(file)', problem }]);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    return JSON.parse(text) as unknown;
  } catch (error: unknown) {
    const raw = error instanceof Error ? error.message : String(error);
    // V8 quotes an excerpt of the text in some messages, newlines included: drop it.
    const message = (/^(Unexpected token '.+?'), ".*" is not valid JSON$/s.exec(raw)?.[1] ?? raw).replace(/\s+/g, ' ');
    const position = /at position (\d+)/.exec(message);
    const line = position?.[1] === undefined ? null : lineOf(text, Number(position[1]));
    const problem = `not valid JSON: ${message}`;
    throw new InputError(`${file}: ${problem}`, [{ severity: 'error', file, line, field: '(json)', problem }]);
  }
}
