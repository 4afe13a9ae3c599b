/**
 * The per-row fast path of the input schemas (issue 10: zod's `safeParse` on every row was a
 * tenth of a 10^6-row run's load). {@link fastPredictionRow} and {@link fastScheduleRow} accept
 * exactly the rows `PredictionRowSchema` and `ScheduleRowSchema` (src/schema/input.ts) accept
 * and return the row as zod would see it; on anything else they return null and the caller
 * runs the zod schema, which writes the error messages. So a row the fast path refuses costs a
 * zod parse as before, and the diagnostics are zod's, unchanged.
 *
 * The checks mirror the schemas field by field (test/io/fast-rows.test.ts compares the two on
 * hand-made and fuzzed rows): a number is finite (`z.number()` refuses +-Infinity, which
 * `JSON.parse` makes of `1e999`), an integer is a safe integer (`z.int()`), string lengths are
 * UTF-16 code units (`z.string().min/max`), and `null` stands for an absent optional field
 * (`.nullish()`). A timestamp is checked by `isTimestamp` (timestamps.ts), which mirrors
 * `TimestampSchema` (zod's ISO-8601 pattern and the years check) character by character.
 *
 * The row returned is the parsed JSON object itself, unknown fields included; the validator
 * reports those separately and reads only the schema's fields.
 */
import type { PredictionRowInput, ScheduleRowInput } from '../schema/input.ts';
import { MAX_EXECUTION_TIME_S, MAX_SCHEDULE_TIME_S } from '../schema/input.ts';
import { AGENT_ID_PATTERN } from './paths.ts';
import { isTimestamp } from './timestamps.ts';

const RISKS: ReadonlySet<unknown> = new Set(['LOW', 'MEDIUM', 'HIGH']);

/** `z.string().min(1).max(128)`: task_id and capability tags. */
function isTag(value: unknown): boolean {
  return typeof value === 'string' && value.length >= 1 && value.length <= 128;
}

function isFinite(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** `z.array(z.string().min(1).max(128))`. */
function isTagList(value: unknown): boolean {
  if (!Array.isArray(value)) return false;
  for (const item of value) if (!isTag(item)) return false;
  return true;
}

/** `.nullish()` of `check`. */
function optional(value: unknown, check: (v: unknown) => boolean): boolean {
  return value === undefined || value === null || check(value);
}

const isProbability = (v: unknown): boolean => isFinite(v) && v >= 0 && v <= 1;
const isWave = (v: unknown): boolean => typeof v === 'number' && Number.isSafeInteger(v) && v >= 1;
const isPriority = (v: unknown): boolean => v === 1 || v === 2 || v === 3;
const isAgentId = (v: unknown): boolean => typeof v === 'string' && AGENT_ID_PATTERN.test(v);
const isExecutionTime = (v: unknown): boolean => isFinite(v) && v > 0 && v <= MAX_EXECUTION_TIME_S;
const isRisk = (v: unknown): boolean => RISKS.has(v);
const isString = (v: unknown): boolean => typeof v === 'string';
const isScheduleTime = (v: unknown): boolean => isFinite(v) && v >= 0 && v <= MAX_SCHEDULE_TIME_S;

/**
 * The row when `PredictionRowSchema` accepts it, else null (then parse it with the schema for
 * its errors). `raw` is a parsed JSON object.
 */
export function fastPredictionRow(raw: Readonly<Record<string, unknown>>): PredictionRowInput | null {
  const ok =
    isTag(raw.task_id) &&
    isAgentId(raw.agent_id) &&
    isProbability(raw.predicted_success_probability) &&
    optional(raw.predicted_execution_time, isExecutionTime) &&
    optional(raw.confidence_delta_estimate, isFinite) &&
    optional(raw.risk_assessment, isRisk) &&
    optional(raw.reasoning, isString) &&
    optional(raw.wave, isWave) &&
    optional(raw.priority, isPriority) &&
    optional(raw.depends_on, isTagList) &&
    optional(raw.required_capabilities, isTagList) &&
    optional(raw.timestamp, isTimestamp);
  return ok ? (raw as PredictionRowInput) : null;
}

/** The row when `ScheduleRowSchema` accepts it, else null (as {@link fastPredictionRow}). */
export function fastScheduleRow(raw: Readonly<Record<string, unknown>>): ScheduleRowInput | null {
  const ok =
    isTag(raw.task_id) &&
    isAgentId(raw.agent_id) &&
    optional(raw.wave, isWave) &&
    isScheduleTime(raw.predicted_start_time) &&
    isScheduleTime(raw.predicted_end_time) &&
    optional(raw.predicted_success_probability, isProbability) &&
    optional(raw.predicted_confidence_delta, isFinite) &&
    optional(raw.priority, isPriority) &&
    optional(raw.status, isString) &&
    optional(raw.timestamp, isTimestamp);
  return ok ? (raw as ScheduleRowInput) : null;
}
