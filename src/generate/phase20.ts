/**
 * Deterministic generator of realistic Phase 20 output (pure row generation; the files are
 * written by `write-tree.ts`).
 *
 * Every value is a pure function of (config, wave, task index, agent index): randomness comes only
 * from the keyed generator of `src/simulate/rng.ts`, keyed with the row's wave, task id, agent
 * id (`''` for task-level draws, task id `''` for agent-level draws, wave 0 for agent traits),
 * attempt 0 and a `gen-*` purpose, so a task's draws do not depend on how many tasks or waves
 * there are. Timestamps are the base instant plus a fixed step per row position (18 µs; Phase 20
 * stamps rows at write time the same way), in pure UTC arithmetic. Rows can therefore be
 * produced in any order and one at a time, which keeps memory flat at any scale.
 *
 * The model (a logistic skill-difficulty model, as in item response theory):
 * - agent a: skill θ_a = 1.2 + 0.8 u (logit; sigmoid 0.77-0.88) and speed factor
 *   f_a = 0.85 + 0.4 u (multiplies its predicted times);
 * - task t: difficulty δ_t = -0.6 + 2.0 u, except about 4% of tasks that are hard,
 *   δ_t = 2.4 + 2.2 u; base duration b_t = 20 + 40 u seconds; priority 1/2/3 with
 *   probabilities 0.2/0.6/0.2;
 * - pair (t, a): p = clamp(sigmoid(θ_a - δ_t + 0.3 z), 0.05, 0.97) rounded to 4 decimals
 *   (most mass 0.55-0.9; hard tasks land in 0.05-0.35, so the `min_probability` and
 *   `high_risk` gates of CONTRACT.md section 4 have something to refuse);
 *   predicted_execution_time = max(1, b_t f_a exp(0.1 z' - 0.005)) rounded to 2 decimals
 *   (a mean-one log-normal factor); confidence_delta_estimate = 0.04 (p - 0.6) + 0.01 + 0.006 z''
 *   rounded to 4 decimals (upstream's range is about -0.02..0.03);
 *   risk_assessment = Phase 20's rule on p (>= 0.85 LOW, >= 0.70 MEDIUM, else HIGH), except that
 *   about 5% of rows carry a neighbouring label (a real predictor disagrees with itself).
 *
 * The schedule differs from the reference Phase 20, which lists every task in every agent's
 * schedule: here each task has ONE schedule row, in the folder of its suggested agent, the agent
 * with the highest (rounded) p for it, ties to the first in natural order. Planned start and end
 * times accumulate per agent across the whole run as unrounded float sums of the rounded
 * predicted times, exactly as Phase 20 does (hence values such as `52.010000000000005`).
 *
 * Normal variates z are {@link normalQuantile} of one keyed uniform each. Serialising rows to
 * lines (Python `json.dumps` style) and writing files live in `write-tree.ts`.
 */
import { riskFromProbability, type Priority, type Risk } from '../plan/model.ts';
import { createKeyedRandom, type KeyedRandom } from '../simulate/rng.ts';
import { round } from '../util/json.ts';
import { createTaskExtras } from './task-extras.ts';

/** What to generate. */
export interface GeneratorConfig {
  /** Number of waves, integer >= 1; waves are numbered 1..waves. */
  readonly waves: number;
  /** Tasks per wave, integer >= 1; ids `task_<w>_<i>`, i = 1..tasks. */
  readonly tasks: number;
  /** Agents, integer >= 1; ids `agent_0`..`agent_<n-1>`. */
  readonly agents: number;
  /** Seed of the keyed generator, safe integer. */
  readonly seed: number;
  /** Base instant of the row timestamps, ISO-8601 (see {@link parseBaseTime}). */
  readonly baseTime: string;
  /**
   * Each task depends on up to this many earlier tasks of its wave (see
   * {@link Phase20Generator.dependencies}); integer >= 0; default 0 = no `depends_on`.
   */
  readonly dependencies?: number;
  /** When true, tasks carry `required_capabilities` (see {@link Phase20Generator.requiredCapabilities}); default false. */
  readonly capabilities?: boolean;
}

/** The default base instant, in Phase 20's own timestamp style. */
export const DEFAULT_BASE_TIME = '2026-11-21T00:00:00.000000+00:00';

/** Phase 20's view of one agent. */
export interface AgentTraits {
  readonly index: number;
  readonly agentId: string;
  /** Skill on the logit scale. */
  readonly skill: number;
  /** Multiplies the agent's predicted execution times. */
  readonly speedFactor: number;
}

/** The task-level draws of one task. */
export interface TaskTraits {
  readonly wave: number;
  /** 1-based index within the wave. */
  readonly index: number;
  readonly taskId: string;
  readonly hard: boolean;
  /** Difficulty on the logit scale. */
  readonly difficulty: number;
  /** Base duration, seconds, in [20, 60). */
  readonly baseDurationS: number;
  readonly priority: Priority;
}

/** One `predicted_tasks.jsonl` row. */
export interface PredictionRow {
  readonly taskId: string;
  readonly agentId: string;
  readonly wave: number;
  readonly p: number;
  readonly confidenceDelta: number;
  readonly timeS: number;
  readonly risk: Risk;
  readonly reasoning: string;
  readonly timestamp: string;
}

/** One `predicted_schedule.jsonl` row. */
export interface ScheduleRow {
  readonly taskId: string;
  readonly agentId: string;
  readonly wave: number;
  /** Seconds on Phase 20's clock, accumulating per agent across the run. */
  readonly startS: number;
  readonly endS: number;
  readonly p: number;
  readonly confidenceDelta: number;
  readonly priority: Priority;
  readonly status: 'ASSIGNED';
  readonly timestamp: string;
}

/** Task traits of one wave, held in typed arrays (about 17 bytes per task). */
export interface WaveTasks {
  readonly wave: number;
  /** Tasks in the wave; indices run 1..size. */
  readonly size: number;
  /** The traits of task `index` (1-based); no draw is repeated. */
  get(index: number): TaskTraits;
}

/** A configured generator: every method is pure. */
export interface Phase20Generator {
  readonly config: GeneratorConfig;
  /** Agent traits, index order (= natural order of agent ids). */
  readonly agents: readonly AgentTraits[];
  /** Task-level traits of task `index` (1-based) of `wave`. */
  task(wave: number, index: number): TaskTraits;
  /** Every task of `wave`, drawn once. */
  waveTasks(wave: number): WaveTasks;
  /** p of `task` on agent `agentIndex`, rounded to 4 decimals. */
  probability(task: TaskTraits, agentIndex: number): number;
  /** The prediction for `task` on agent `agentIndex`. */
  prediction(task: TaskTraits, agentIndex: number): PredictionRow;
  /** Index of the suggested agent: highest rounded p, ties to the lowest index. */
  suggestedAgent(task: TaskTraits): number;
  /** The schedule row of `task` on the agent of `prediction`, planned to start at `startS`. */
  scheduleRow(task: TaskTraits, prediction: PredictionRow, startS: number): ScheduleRow;
  /**
   * The task ids `task` depends on (contract section 10), [] unless `config.dependencies` K > 0:
   * k = floor(u (K + 1)) draws, each naming task `i - 1 - floor(u' (i - 1))` of the same wave (a
   * uniformly drawn earlier task), repeats dropped, in draw order; the first task has none. Each
   * draw is keyed by (wave, task id, purpose `gen-dep-<j>`), so a task's list depends on nothing
   * but its own key and K.
   */
  dependencies(task: TaskTraits): string[];
  /**
   * The capabilities `task` requires, [] unless `config.capabilities`: 60% of tasks none; the
   * rest one of {@link CAPABILITY_POOL} with the weights given there.
   */
  requiredCapabilities(task: TaskTraits): string[];
}

export { CAPABILITY_POOL } from './task-extras.ts';

/** Microseconds between consecutive rows' timestamps. */
const ROW_STEP_US = 18;
/** Pause between a wave's last prediction and its first schedule row, microseconds. */
const SCHEDULE_GAP_US = 5_000;
/** Pause between waves, microseconds. */
const WAVE_GAP_US = 25_000;
const HARD_SHARE = 0.04;
const RISK_FLIP_SHARE = 0.05;

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

const ISO_PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Parses an ISO-8601 instant `YYYY-MM-DDTHH:MM:SS[.ffffff](Z|+HH:MM|-HH:MM)` to microseconds
 * since 1970-01-01T00:00:00Z, by pure UTC arithmetic (no local time zone is consulted).
 * @throws RangeError on any other form, an impossible date, or a year outside 1970-2200 (the
 *   range in which microsecond counts stay exact as doubles).
 */
export function parseBaseTime(text: string): number {
  const m = ISO_PATTERN.exec(text);
  if (m === null) throw new RangeError(`base time must look like 2026-11-21T00:00:00.000000+00:00, got ${JSON.stringify(text)}`);
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const nums = [y, mo, d, h, mi, s].map(Number) as [number, number, number, number, number, number];
  const [year, month, day, hour, minute, second] = nums;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(ms);
  const valid =
    year >= 1970 && year <= 2200 && hour < 24 && minute < 60 && second < 60 &&
    check.getUTCFullYear() === year && check.getUTCMonth() === month - 1 && check.getUTCDate() === day;
  if (!valid) throw new RangeError(`base time is not a valid instant in 1970-2200: ${JSON.stringify(text)}`);
  let offsetMin = 0;
  if (zone !== undefined && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    offsetMin = sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  }
  const micros = Number((frac ?? '').padEnd(6, '0'));
  return (ms - offsetMin * 60_000) * 1000 + micros;
}

/**
 * Returns a formatter of microsecond instants as `YYYY-MM-DDTHH:MM:SS.ffffff+00:00` (UTC, as
 * Phase 20 prints them). It caches the last second's prefix, since consecutive rows share it.
 */
export function createTimestampFormatter(): (epochUs: number) => string {
  let cachedSecond = Number.NaN;
  let cachedPrefix = '';
  return (epochUs: number): string => {
    const second = Math.floor(epochUs / 1_000_000);
    if (second !== cachedSecond) {
      cachedSecond = second;
      cachedPrefix = new Date(second * 1000).toISOString().slice(0, 19);
    }
    const micros = epochUs - second * 1_000_000;
    return `${cachedPrefix}.${String(micros).padStart(6, '0')}+00:00`;
  };
}

/** Checks a config. @throws RangeError naming the bad field. */
export function validateConfig(config: GeneratorConfig): void {
  for (const key of ['waves', 'tasks', 'agents'] as const) {
    const v = config[key];
    if (!Number.isSafeInteger(v) || v < 1) throw new RangeError(`${key} must be an integer >= 1, got ${v}`);
  }
  if (!Number.isSafeInteger(config.seed)) throw new RangeError(`seed must be a safe integer, got ${config.seed}`);
  const k = config.dependencies ?? 0;
  if (!Number.isSafeInteger(k) || k < 0 || k > 100) throw new RangeError(`dependencies must be an integer from 0 to 100, got ${k}`);
  const base = parseBaseTime(config.baseTime);
  const last = base + config.waves * (waveSpanUs(config) + WAVE_GAP_US);
  if (!Number.isSafeInteger(last) || last >= Date.UTC(2201, 0, 1) * 1000) {
    throw new RangeError('too many rows: the timestamps would run past the year 2200');
  }
}

function waveSpanUs(config: GeneratorConfig): number {
  return (config.tasks * config.agents + config.tasks) * ROW_STEP_US + SCHEDULE_GAP_US;
}

/**
 * Standard normal quantile of `u` (Acklam's rational approximation, relative error < 1.2e-9;
 * P. J. Acklam, "An algorithm for computing the inverse normal cumulative distribution
 * function", 2003). One keyed uniform per normal, half the hashing of Box-Muller.
 */
export function normalQuantile(u: number): number {
  const p = Math.min(Math.max(u, 1e-12), 1 - 1e-12);
  if (p < 0.02425) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - 0.02425) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((-3.969683028665376e1 * r + 2.209460984245205e2) * r - 2.759285104469687e2) * r + 1.38357751867269e2) * r - 3.066479806614716e1) * r + 2.506628277459239) * q) /
    (((((-5.447609879822406e1 * r + 1.615858368580409e2) * r - 1.556989798598866e2) * r + 6.680131188771972e1) * r - 1.328068155288572e1) * r + 1)
  );
}

function tail(q: number): number {
  return (
    (((((-7.784894002430293e-3 * q - 3.223964580411365e-1) * q - 2.400758277161838) * q - 2.549732539343734) * q + 4.374664141464968) * q + 2.938163982698783) /
    ((((7.784695709041462e-3 * q + 3.224671290700398e-1) * q + 2.445134137142996) * q + 3.754408661907416) * q + 1)
  );
}

/**
 * Creates the generator for `config`.
 * @throws RangeError when the config is invalid ({@link validateConfig}).
 */
export function createGenerator(config: GeneratorConfig): Phase20Generator {
  validateConfig(config);
  const rng: KeyedRandom = createKeyedRandom(config.seed);
  const baseUs = parseBaseTime(config.baseTime);
  const formatTime = createTimestampFormatter();
  const waveOffset = (wave: number): number => baseUs + (wave - 1) * (waveSpanUs(config) + WAVE_GAP_US);
  const draw = (wave: number, taskId: string, agentId: string, purpose: string): number =>
    rng.uniform({ wave, taskId, agentId, attempt: 0, purpose });

  const agents: AgentTraits[] = [];
  const reasoningPrefix: string[] = [];
  for (let index = 0; index < config.agents; index++) {
    const agentId = `agent_${index}`;
    const skill = 1.2 + 0.8 * draw(0, '', agentId, 'gen-agent-skill');
    agents.push({ index, agentId, skill, speedFactor: 0.85 + 0.4 * draw(0, '', agentId, 'gen-agent-speed') });
    reasoningPrefix.push(`Agent ${agentId} success rate ${(sigmoid(skill) * 100).toFixed(2)}%, task risk `);
  }
  const agentAt = (agentIndex: number): AgentTraits => {
    const agent = agents[agentIndex];
    if (agent === undefined) throw new RangeError(`no agent with index ${agentIndex}`);
    return agent;
  };

  const task = (wave: number, index: number): TaskTraits => {
    const taskId = `task_${wave}_${index}`;
    const hard = draw(wave, taskId, '', 'gen-hard') < HARD_SHARE;
    const u = draw(wave, taskId, '', 'gen-difficulty');
    const pu = draw(wave, taskId, '', 'gen-priority');
    return {
      wave,
      index,
      taskId,
      hard,
      difficulty: hard ? 2.4 + 2.2 * u : -0.6 + 2.0 * u,
      baseDurationS: 20 + 40 * draw(wave, taskId, '', 'gen-duration'),
      priority: pu < 0.2 ? 1 : pu < 0.8 ? 2 : 3,
    };
  };

  const waveTasks = (wave: number): WaveTasks => {
    const size = config.tasks;
    const difficulty = new Float64Array(size);
    const baseDuration = new Float64Array(size);
    const flags = new Uint8Array(size); // priority in bits 0-1, hard in bit 2
    for (let i = 1; i <= size; i++) {
      const t = task(wave, i);
      difficulty[i - 1] = t.difficulty;
      baseDuration[i - 1] = t.baseDurationS;
      flags[i - 1] = t.priority | (t.hard ? 4 : 0);
    }
    return {
      wave,
      size,
      get(index: number): TaskTraits {
        if (!Number.isInteger(index) || index < 1 || index > size) throw new RangeError(`no task ${index} in wave ${wave}`);
        const f = flags[index - 1] ?? 0;
        return {
          wave,
          index,
          taskId: `task_${wave}_${index}`,
          hard: (f & 4) !== 0,
          difficulty: difficulty[index - 1] ?? 0,
          baseDurationS: baseDuration[index - 1] ?? 0,
          priority: (f & 3) as Priority,
        };
      },
    };
  };

  const probability = (t: TaskTraits, agentIndex: number): number => {
    const agent = agentAt(agentIndex);
    const z = normalQuantile(draw(t.wave, t.taskId, agent.agentId, 'gen-noise'));
    return round(clamp(sigmoid(agent.skill - t.difficulty + 0.3 * z), 0.05, 0.97), 4);
  };

  const prediction = (t: TaskTraits, agentIndex: number): PredictionRow => {
    const agent = agentAt(agentIndex);
    const p = probability(t, agentIndex);
    const zt = normalQuantile(draw(t.wave, t.taskId, agent.agentId, 'gen-time'));
    const zc = normalQuantile(draw(t.wave, t.taskId, agent.agentId, 'gen-confidence'));
    const flip = draw(t.wave, t.taskId, agent.agentId, 'gen-risk-flip');
    const ruled = riskFromProbability(p);
    const risk: Risk = flip >= RISK_FLIP_SHARE ? ruled : ruled === 'MEDIUM' ? (flip < RISK_FLIP_SHARE / 2 ? 'LOW' : 'HIGH') : 'MEDIUM';
    const taskRisk: Risk = t.difficulty < 0.2 ? 'LOW' : t.difficulty < 1.0 ? 'MEDIUM' : 'HIGH';
    const complexity = clamp((t.difficulty + 0.6) / 5.2, 0, 1);
    const row = ((t.index - 1) * config.agents + agentIndex) * ROW_STEP_US;
    return {
      taskId: t.taskId,
      agentId: agent.agentId,
      wave: t.wave,
      p,
      confidenceDelta: round(0.04 * (p - 0.6) + 0.01 + 0.006 * zc, 4),
      timeS: round(Math.max(1, t.baseDurationS * agent.speedFactor * Math.exp(0.1 * zt - 0.005)), 2),
      risk,
      reasoning: `${reasoningPrefix[agentIndex] ?? ''}${taskRisk}, complexity ${complexity.toFixed(2)}`,
      timestamp: formatTime(waveOffset(t.wave) + row),
    };
  };

  const suggestedAgent = (t: TaskTraits): number => {
    let best = 0;
    let bestP = -1;
    for (let a = 0; a < agents.length; a++) {
      const p = probability(t, a);
      if (p > bestP) {
        bestP = p;
        best = a;
      }
    }
    return best;
  };

  const scheduleRow = (t: TaskTraits, pred: PredictionRow, startS: number): ScheduleRow => {
    if (pred.taskId !== t.taskId || pred.wave !== t.wave) throw new RangeError(`prediction ${pred.taskId} is not for task ${t.taskId}`);
    const at = waveOffset(t.wave) + config.tasks * config.agents * ROW_STEP_US + SCHEDULE_GAP_US + (t.index - 1) * ROW_STEP_US;
    return {
      taskId: t.taskId,
      agentId: pred.agentId,
      wave: t.wave,
      startS,
      endS: startS + pred.timeS,
      p: pred.p,
      confidenceDelta: pred.confidenceDelta,
      priority: t.priority,
      status: 'ASSIGNED',
      timestamp: formatTime(at),
    };
  };

  const { dependencies, requiredCapabilities } = createTaskExtras(config, draw);

  return { config, agents, task, waveTasks, probability, prediction, suggestedAgent, scheduleRow, dependencies, requiredCapabilities };
}
