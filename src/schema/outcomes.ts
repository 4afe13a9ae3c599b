/**
 * A row of the replay world's outcomes file (`--outcomes FILE`, contract section 11): one
 * recorded attempt, `{wave, task_id, agent_id, attempt?, success, duration_s}`.
 *
 * The schema checks one row's shape and ranges; rules that need other rows (duplicates) or the
 * run (unknown wave, task or agent) run afterwards in src/worlds/replay/outcomes.ts. Unknown
 * fields are stripped here and reported once per field name by the loader.
 */
import { z } from 'zod';
import { AgentIdSchema, MAX_EXECUTION_TIME_S, TaskIdSchema, WaveSchema } from './input.ts';

/** Largest recorded `attempt` index: attempts are counted from 0 and capped by `--max-attempts`, far below this. */
export const MAX_RECORDED_ATTEMPT = 1_000_000;

/** One recorded attempt, as read from the file. */
export const OutcomeRowSchema = z.object({
  wave: WaveSchema,
  task_id: TaskIdSchema,
  agent_id: AgentIdSchema,
  attempt: z.int().min(0).max(MAX_RECORDED_ATTEMPT).nullish().transform((v) => v ?? 0).describe('0 = the task\'s first attempt (counted across agents); default 0'),
  success: z.boolean(),
  duration_s: z.number().gt(0).max(MAX_EXECUTION_TIME_S).describe('seconds the attempt took, > 0'),
});
export type OutcomeRow = z.output<typeof OutcomeRowSchema>;

/** The fields a row may carry; any other is reported once and ignored. */
export const OUTCOME_FIELDS: ReadonlySet<string> = new Set(Object.keys(OutcomeRowSchema.shape));
