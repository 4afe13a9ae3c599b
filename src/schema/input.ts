/**
 * Zod schemas of the three input file types (contract section 2): `predicted_tasks.jsonl`
 * rows, `predicted_schedule.jsonl` rows and the `--agents-file` JSON document.
 *
 * The schemas check one value's shape and ranges only. Rules that need context (the folder a
 * row came from, the layout, other rows) run afterwards in `src/io/validate.ts`.
 *
 * Optional fields accept JSON `null` as "absent" (Python writers emit `None` as `null`).
 * Unknown fields are stripped here and reported once per file type by the validator.
 */
import { z } from 'zod';
import { AGENT_ID_PATTERN } from '../io/paths.ts';
import { EPOCH_YEARS, MAX_EPOCH_MS, MIN_EPOCH_MS } from '../util/time.ts';
import { CommandSchema } from './subprocess.ts';

/** task_id: a string of 1 to 128 characters. */
export const TaskIdSchema = z.string().min(1).max(128);

/** agent_id: matches {@link AGENT_ID_PATTERN}, so it can name a folder. */
export const AgentIdSchema = z.string().regex(AGENT_ID_PATTERN);

/** A probability in [0, 1]. */
export const ProbabilitySchema = z.number().min(0).max(1);

/**
 * Largest wave number: `Number.MAX_SAFE_INTEGER` (2^53 - 1). Every integer up to it has its own
 * double, so two distinct waves can never merge; a JSON number above it has already been
 * rounded by the parser (9007199254740993 reads as 9007199254740992) and is refused.
 */
export const MAX_WAVE = Number.MAX_SAFE_INTEGER;

/** A wave number: integer from 1 to {@link MAX_WAVE} (zod's `z.int()` stops at the safe integers). */
export const WaveSchema = z.int().min(1);

/** A priority: integer 1 (highest) to 3. */
export const PrioritySchema = z.int().min(1).max(3);

/**
 * Largest `predicted_execution_time`, seconds: 10^9 (about 31.7 years). With at most
 * {@link MAX_SPEED}, the duration arithmetic stays finite; whether a whole run still ends before
 * 9999-12-31 is checked once per run (`src/simulate/horizon.ts`).
 */
export const MAX_EXECUTION_TIME_S = 1e9;

/** Largest schedule time (`predicted_start_time`, `predicted_end_time`), seconds: 10^12 (about 31,700 years). */
export const MAX_SCHEDULE_TIME_S = 1e12;

/** Largest agent `speed` (a duration multiplier): 10^6. */
export const MAX_SPEED = 1e6;

/**
 * An ISO-8601 date-time with an explicit zone (`Z` or `+hh:mm`), any number of fractional
 * digits, from 1970-01-01T00:00:00Z to 8999-12-31T23:59:59.999Z ({@link EPOCH_YEARS}: the latest
 * timestamp becomes the default epoch). Local times without a zone are refused: their instant
 * depends on the machine's time zone, which would break byte-identical output (contract section 8).
 */
export const TimestampSchema = z.iso.datetime({ offset: true, abort: true }).refine(inEpochYears, { message: `must be in the years ${EPOCH_YEARS.min} to ${EPOCH_YEARS.max}` });

/**
 * True when an ISO-8601 date-time names an instant from 1970-01-01T00:00:00Z to
 * 8999-12-31T23:59:59.999Z. The year is read from the text; only in the first and last year,
 * where a zone offset can cross the bound, is the instant parsed (10^6 rows parse none).
 */
export function inEpochYears(text: string): boolean {
  const year = Number(text.slice(0, 4));
  if (year > EPOCH_YEARS.min && year < EPOCH_YEARS.max) return true;
  if (year !== EPOCH_YEARS.min && year !== EPOCH_YEARS.max) return false;
  const ms = Date.parse(text);
  return ms >= MIN_EPOCH_MS && ms <= MAX_EPOCH_MS;
}

/** A capability tag: 1 to 128 characters (contract section 10). */
export const CapabilitySchema = z.string().min(1).max(128);

/** One `predicted_tasks.jsonl` row (contract section 2, field table; section 10 for the last two). */
export const PredictionRowSchema = z.object({
  task_id: TaskIdSchema,
  agent_id: AgentIdSchema,
  predicted_success_probability: ProbabilitySchema,
  predicted_execution_time: z.number().gt(0).max(MAX_EXECUTION_TIME_S).nullish(),
  confidence_delta_estimate: z.number().nullish(),
  risk_assessment: z.enum(['LOW', 'MEDIUM', 'HIGH']).nullish(),
  reasoning: z.string().nullish(),
  timestamp: TimestampSchema.nullish(),
  wave: WaveSchema.nullish(),
  priority: PrioritySchema.nullish(),
  depends_on: z.array(TaskIdSchema).nullish(),
  required_capabilities: z.array(CapabilitySchema).nullish(),
});
export type PredictionRowInput = z.infer<typeof PredictionRowSchema>;

/**
 * One `predicted_schedule.jsonl` row (contract section 2). Times are seconds on Phase 20's own
 * clock (finite, 0 to {@link MAX_SCHEDULE_TIME_S}); `predicted_end_time >= predicted_start_time` is a validator rule.
 * `predicted_success_probability` is optional: where absent, the matching prediction's p is
 * used to rank suggested placements.
 */
export const ScheduleRowSchema = z.object({
  task_id: TaskIdSchema,
  agent_id: AgentIdSchema,
  wave: WaveSchema.nullish(),
  predicted_start_time: z.number().min(0).max(MAX_SCHEDULE_TIME_S),
  predicted_end_time: z.number().min(0).max(MAX_SCHEDULE_TIME_S),
  predicted_success_probability: ProbabilitySchema.nullish(),
  predicted_confidence_delta: z.number().nullish(),
  priority: PrioritySchema.nullish(),
  status: z.string().nullish(),
  timestamp: TimestampSchema.nullish(),
});
export type ScheduleRowInput = z.infer<typeof ScheduleRowSchema>;

/** One agent profile in the agents file; defaults as in contract section 2. */
export const AgentProfileEntrySchema = z.object({
  agent_id: AgentIdSchema,
  max_concurrency: z.int().min(1).default(2),
  speed: z.number().gt(0).max(MAX_SPEED).default(1.0),
  reliability_offset: z.number().min(-1).max(1).default(0.0),
  capabilities: z.array(CapabilitySchema).default([]),
  /** The subprocess world's argv for this agent, over the config's `subprocess.command` (contract 12). */
  command: CommandSchema.optional(),
});
export type AgentProfileEntry = z.infer<typeof AgentProfileEntrySchema>;

/** The agents file: `{"agents": [...]}`. */
export const AgentsFileSchema = z.object({
  agents: z.array(AgentProfileEntrySchema),
});

/** Field names each file type knows; any other field is reported once and ignored. */
export const PREDICTION_FIELDS: ReadonlySet<string> = new Set(Object.keys(PredictionRowSchema.shape));
export const SCHEDULE_FIELDS: ReadonlySet<string> = new Set(Object.keys(ScheduleRowSchema.shape));
export const AGENT_PROFILE_FIELDS: ReadonlySet<string> = new Set(Object.keys(AgentProfileEntrySchema.shape));
export const AGENTS_FILE_FIELDS: ReadonlySet<string> = new Set(Object.keys(AgentsFileSchema.shape));
