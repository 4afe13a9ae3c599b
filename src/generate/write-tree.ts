/**
 * Writes generated Phase 20 output to disk, wave by wave and agent by agent, with batched
 * synchronous writes (lines joined into ~1 MB chunks), so memory stays flat in the number of
 * waves and rows: the only state is per wave (a task table of about 17 bytes per task, one
 * suggested-agent index per task, and the current agent's suggested predictions until its
 * schedule file is written). Lines are serialised as Python's `json.dumps` prints them (`", "`
 * and `": "` separators, floats always with a point, e.g. `25.0`), the bytes a real Phase 20
 * run writes.
 *
 * Layouts (CONTRACT.md section 2):
 * - `tree`: `<out>/wave_<w>/agent_<a>/predicted_tasks.jsonl` (no `wave` field) and
 *   `predicted_schedule.jsonl` beside it (every agent folder gets one, empty when the agent is
 *   suggested for no task of the wave);
 * - `flat`: `<out>/predicted_tasks.jsonl` (rows carry `wave`) and `<out>/predicted_schedule.jsonl`,
 *   holding the tree's rows in the tree's order (wave, then agent, then task).
 */
import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.ts';
import { agentFolderName, waveFolderName } from '../io/paths.ts';
import { jsonDocument } from '../util/json.ts';
import { createGenerator, type GeneratorConfig, type PredictionRow, type ScheduleRow, type TaskTraits } from './phase20.ts';

/**
 * Formats a number as Python's `repr(float)`: shortest round-trip digits, always a decimal
 * point or an exponent (`25.0`, `0.0001`, `1e-05`, `1e+16`), exponent form when the decimal
 * exponent is < -4 or >= 16.
 * @throws RangeError on NaN or infinities (not valid JSON).
 */
export function pythonFloat(x: number): string {
  if (!Number.isFinite(x)) throw new RangeError(`not a finite number: ${x}`);
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(x);
  if (abs >= 1e-4 && abs < 1e16) {
    // JavaScript prints this range in fixed notation too, with the same shortest digits.
    const fixed = String(x);
    return fixed.includes('.') ? fixed : `${fixed}.0`;
  }
  const [mantissa = '', expText = '0'] = abs.toExponential().split('e');
  const exp = Number(expText);
  return `${x < 0 ? '-' : ''}${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}

/**
 * One `predicted_tasks.jsonl` line (with `\n`), Python-style. Key order: task_id, agent_id,
 * [wave, flat layout only], predicted_success_probability, confidence_delta_estimate,
 * predicted_execution_time, risk_assessment, reasoning, timestamp, then `extra` (already
 * formatted, starting with `, `; see {@link formatTaskExtras}).
 */
export function formatPredictionLine(row: PredictionRow, withWave: boolean, extra = ''): string {
  const wave = withWave ? `, "wave": ${row.wave}` : '';
  return (
    `{"task_id": ${JSON.stringify(row.taskId)}, "agent_id": ${JSON.stringify(row.agentId)}${wave}, ` +
    `"predicted_success_probability": ${pythonFloat(row.p)}, "confidence_delta_estimate": ${pythonFloat(row.confidenceDelta)}, ` +
    `"predicted_execution_time": ${pythonFloat(row.timeS)}, "risk_assessment": "${row.risk}", ` +
    `"reasoning": ${JSON.stringify(row.reasoning)}, "timestamp": "${row.timestamp}"${extra}}\n`
  );
}

/**
 * The task-level fields a prediction line may end with, Python-style: `, "depends_on": [...]`
 * and `, "required_capabilities": [...]`, each only when not empty ('' when both are).
 */
export function formatTaskExtras(dependsOn: readonly string[], requiredCapabilities: readonly string[]): string {
  const list = (items: readonly string[]): string => `[${items.map((item) => JSON.stringify(item)).join(', ')}]`;
  return (dependsOn.length === 0 ? '' : `, "depends_on": ${list(dependsOn)}`) + (requiredCapabilities.length === 0 ? '' : `, "required_capabilities": ${list(requiredCapabilities)}`);
}

/** One `predicted_schedule.jsonl` line (with `\n`), Python-style, in Phase 20's key order. */
export function formatScheduleLine(row: ScheduleRow): string {
  return (
    `{"task_id": ${JSON.stringify(row.taskId)}, "agent_id": ${JSON.stringify(row.agentId)}, "wave": ${row.wave}, ` +
    `"predicted_start_time": ${pythonFloat(row.startS)}, "predicted_end_time": ${pythonFloat(row.endS)}, ` +
    `"predicted_success_probability": ${pythonFloat(row.p)}, "predicted_confidence_delta": ${pythonFloat(row.confidenceDelta)}, ` +
    `"priority": ${row.priority}, "status": "${row.status}", "timestamp": "${row.timestamp}"}\n`
  );
}

/** One record of `agents.json` (CONTRACT.md section 2, agent profiles), snake_case as on disk. */
export interface AgentProfileRecord {
  readonly agent_id: string;
  readonly max_concurrency: number;
  readonly speed: number;
  readonly reliability_offset: number;
  readonly capabilities: readonly string[];
}

/**
 * The four archetypes of the sample world: a reliable agent, one Phase 20 over-predicts (its true
 * success rate is 0.15 below the forecast), a slow one (1.8 x the predicted time, one attempt at a
 * time, so predicted-work balancing leaves it the busiest) and a wider,
 * slightly under-predicted one.
 */
const ARCHETYPES: readonly Omit<AgentProfileRecord, 'agent_id'>[] = [
  { max_concurrency: 2, speed: 1.0, reliability_offset: 0.0, capabilities: ['python', 'testing'] },
  { max_concurrency: 2, speed: 1.0, reliability_offset: -0.15, capabilities: ['python', 'refactoring'] },
  { max_concurrency: 1, speed: 1.8, reliability_offset: 0.0, capabilities: ['data', 'docs'] },
  { max_concurrency: 3, speed: 1.0, reliability_offset: 0.03, capabilities: ['python', 'testing', 'infra'] },
];

/**
 * Agent profiles for `agent_0`..`agent_<count-1>`: agent i takes archetype i mod 4, so the four
 * sample agents are distinct and any count is covered.
 * @throws RangeError unless `count` is an integer >= 1.
 */
export function agentProfileRecords(count: number): AgentProfileRecord[] {
  if (!Number.isSafeInteger(count) || count < 1) throw new RangeError(`agents must be an integer >= 1, got ${count}`);
  const records: AgentProfileRecord[] = [];
  for (let i = 0; i < count; i++) {
    const archetype = ARCHETYPES[i % ARCHETYPES.length];
    if (archetype === undefined) throw new RangeError('unreachable: archetype index');
    records.push({ agent_id: `agent_${i}`, ...archetype, capabilities: [...archetype.capabilities] });
  }
  return records;
}

/** The two input layouts the harness reads. */
export type Layout = 'tree' | 'flat';

/** What a write produced. */
export interface WriteSummary {
  readonly predictionRows: number;
  readonly scheduleRows: number;
  readonly files: number;
  readonly bytes: number;
}

/** Target size of one write, bytes (of UTF-16 text; the rows are ASCII). */
const CHUNK_CHARS = 1 << 20;

/** Appends lines to a file, flushing ~1 MB at a time with `fs.writeSync`. */
class ChunkWriter {
  private readonly fd: number;
  private parts: string[] = [];
  private size = 0;
  bytes = 0;

  constructor(file: string) {
    this.fd = fs.openSync(file, 'w');
  }

  add(line: string): void {
    this.parts.push(line);
    this.size += line.length;
    if (this.size >= CHUNK_CHARS) this.flush();
  }

  private flush(): void {
    if (this.parts.length === 0) return;
    const buffer = Buffer.from(this.parts.join(''), 'utf8');
    this.parts = [];
    this.size = 0;
    let offset = 0;
    while (offset < buffer.length) offset += fs.writeSync(this.fd, buffer, offset, buffer.length - offset);
    this.bytes += buffer.length;
  }

  close(): void {
    try {
      this.flush();
    } finally {
      fs.closeSync(this.fd);
    }
  }
}

/** Names a generator writes at the root of its output folder. */
const GENERATED_ROOT_FILES = new Set(['predicted_tasks.jsonl', 'predicted_schedule.jsonl']);
const WAVE_DIR = /^wave_\d+$/;

/**
 * Makes `outDir` ready for a fresh write: creates it when missing; when it exists, it must be
 * empty or hold ONLY what this generator writes (`wave_<n>` folders and the two root
 * `predicted_*.jsonl` files), and is then emptied. Anything else (a real Phase 20 run with its
 * `metrics.jsonl`, a user's notes, a file instead of a folder) is left alone.
 * @returns `created`, `empty` or `replaced`.
 * @throws UsageError when `outDir` is a file or holds anything the generator did not write.
 */
export function prepareOutDir(outDir: string): 'created' | 'empty' | 'replaced' {
  if (!fs.existsSync(outDir)) {
    fs.mkdirSync(outDir, { recursive: true });
    return 'created';
  }
  if (!fs.statSync(outDir).isDirectory()) throw new UsageError(`--out ${outDir} exists and is not a folder`);
  const entries = fs.readdirSync(outDir, { withFileTypes: true });
  if (entries.length === 0) return 'empty';
  const foreign = entries.filter(
    (e) => !((e.isDirectory() && WAVE_DIR.test(e.name)) || (e.isFile() && GENERATED_ROOT_FILES.has(e.name))),
  );
  if (foreign.length > 0) {
    const names = foreign.slice(0, 3).map((e) => e.name).join(', ');
    throw new UsageError(
      `--out ${outDir} holds files the generator did not write (${names}${foreign.length > 3 ? ', ...' : ''}); refusing to delete them: choose an empty or new folder`,
    );
  }
  for (const e of entries) fs.rmSync(path.join(outDir, e.name), { recursive: true, force: true });
  return 'replaced';
}

/**
 * Generates `config` and writes it under `outDir` in `layout`. The folder must exist and be empty
 * (see {@link prepareOutDir}); files are created, never merged.
 * @throws RangeError when the config is invalid; Node's fs errors on I/O failure.
 */
export function writePhase20(config: GeneratorConfig, layout: Layout, outDir: string): WriteSummary {
  const gen = createGenerator(config);
  const { waves, tasks, agents } = config;
  const clocks = new Float64Array(agents);
  const suggested = new Int32Array(tasks);
  const counts = { predictionRows: 0, scheduleRows: 0, files: 0, bytes: 0 };
  const open = (file: string): ChunkWriter => {
    counts.files++;
    return new ChunkWriter(file);
  };
  const close = (writers: readonly (ChunkWriter | null)[]): void => {
    let failure: Error | null = null;
    for (const writer of writers) {
      if (writer === null) continue;
      try {
        writer.close();
        counts.bytes += writer.bytes;
      } catch (error: unknown) {
        failure ??= error instanceof Error ? error : new Error(String(error));
      }
    }
    if (failure !== null) throw failure;
  };
  const flat = layout === 'flat';
  const withExtras = (config.dependencies ?? 0) > 0 || config.capabilities === true;
  const flatTasks = flat ? open(path.join(outDir, 'predicted_tasks.jsonl')) : null;
  const flatSchedule = flat ? open(path.join(outDir, 'predicted_schedule.jsonl')) : null;
  try {
    for (let wave = 1; wave <= waves; wave++) {
      const waveTasks = gen.waveTasks(wave);
      for (let i = 1; i <= tasks; i++) suggested[i - 1] = gen.suggestedAgent(waveTasks.get(i));
      // Each task's depends_on and required_capabilities, formatted once for every agent's line.
      const extras = withExtras ? Array.from({ length: tasks }, (_, i) => {
        const task = waveTasks.get(i + 1);
        return formatTaskExtras(gen.dependencies(task), gen.requiredCapabilities(task));
      }) : null;
      for (let a = 0; a < agents; a++) {
        const agentDir = path.join(outDir, waveFolderName(wave), agentFolderName(`agent_${a}`));
        if (!flat) fs.mkdirSync(agentDir, { recursive: true });
        const taskOut = flatTasks ?? open(path.join(agentDir, 'predicted_tasks.jsonl'));
        const scheduleOut = flatSchedule ?? open(path.join(agentDir, 'predicted_schedule.jsonl'));
        try {
          // The agent's suggested tasks, kept for its schedule: at most one wave's tasks.
          const mine: { readonly task: TaskTraits; readonly prediction: PredictionRow }[] = [];
          for (let i = 1; i <= tasks; i++) {
            const task = waveTasks.get(i);
            const prediction = gen.prediction(task, a);
            taskOut.add(formatPredictionLine(prediction, flat, extras?.[i - 1] ?? ''));
            counts.predictionRows++;
            if (suggested[i - 1] === a) mine.push({ task, prediction });
          }
          for (const { task, prediction } of mine) {
            const row = gen.scheduleRow(task, prediction, clocks[a] ?? 0);
            clocks[a] = row.endS;
            scheduleOut.add(formatScheduleLine(row));
            counts.scheduleRows++;
          }
        } finally {
          if (!flat) close([taskOut, scheduleOut]);
        }
      }
    }
  } finally {
    close([flatTasks, flatSchedule]);
  }
  return counts;
}

/**
 * Writes `agents.json` (`{"agents": [...]}`, two-space indent, final newline) with
 * {@link agentProfileRecords}`(count)`, creating its folder when missing.
 */
export function writeAgentsFile(file: string, count: number): void {
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(file, jsonDocument({ agents: agentProfileRecords(count) }));
}
