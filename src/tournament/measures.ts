/**
 * The measures a tournament compares (contract sections 6 and 14), read from each run's
 * `phase21_system_health.json` (`run.health.score` and `run.metrics.*`). The list is the
 * headline of section 6 and what tells strategies apart: health and its four parts, the
 * makespan and mean waiting time, the calibration scores, and the reroutes and steals a
 * strategy causes. `better` says which direction is better (null: neither, a count to read).
 */
import { z } from 'zod';

/** Which direction of a measure is better. */
export type Better = 'higher' | 'lower' | null;

/** One compared measure. */
export interface MeasureSpec {
  /** Its name in tournament.json, the same as in the run's artifacts. */
  readonly measure: string;
  readonly better: Better;
  /** What it is, with its unit. */
  readonly description: string;
}

/** The compared measures, in the order of tournament.json and tournament.md; health_score first (the headline). */
export const TOURNAMENT_MEASURES = [
  { measure: 'health_score', better: 'higher', description: 'run health, 0-100: 40 success_rate + 20 availability + 20 accuracy + 20 load_balance (points)' },
  { measure: 'success_rate', better: 'higher', description: 'succeeded / tasks (blocked counts as not succeeded)' },
  { measure: 'availability', better: 'higher', description: '1 - open-circuit time / (agents x makespan)' },
  { measure: 'accuracy', better: 'higher', description: '1 - ECE' },
  { measure: 'load_balance', better: 'higher', description: 'mean busy time / max busy time over agents' },
  { measure: 'makespan_s', better: 'lower', description: 'simulated time from the first wave start to the last wave end (s)' },
  { measure: 'waiting_mean_s', better: 'lower', description: 'mean time from a task being ready to its first attempt start (s)' },
  { measure: 'brier', better: 'lower', description: 'Brier score of predicted p against first-attempt outcomes' },
  { measure: 'ece', better: 'lower', description: 'expected calibration error, 10 uniform bins' },
  { measure: 'reroutes', better: null, description: 'tasks moved off an agent whose circuit opened (count)' },
  { measure: 'steals', better: null, description: 'tasks an idle agent took from another queue (count)' },
] as const satisfies readonly MeasureSpec[];

/** A compared measure's name. */
export type MeasureName = (typeof TOURNAMENT_MEASURES)[number]['measure'];

/** The headline measure: the chart's, and the first of every table. */
export const HEADLINE_MEASURE: MeasureName = 'health_score';

const value = z.number().nullable();

/**
 * The part of `phase21_system_health.json` a tournament reads; other fields pass (a later
 * schema version adds fields, never removes these).
 */
export const healthReadSchema = z.object({
  run: z.object({
    health: z.object({ score: z.number() }),
    metrics: z.object({
      success_rate: value,
      availability: value,
      accuracy: value,
      load_balance: value,
      makespan_s: value,
      waiting_mean_s: value,
      brier: value,
      ece: value,
      reroutes: value,
      steals: value,
    }),
  }),
});

/** The part of `phase21_execution_summary.json` a tournament reads. */
export const summaryReadSchema = z.object({
  status: z.string(),
  strategy: z.string(),
  seed: z.number(),
});

/** Every compared measure of one run, by name; null where the run has no value (no executed task). */
export type MeasureValues = { readonly [K in MeasureName]: number | null };

/** The compared measures of a run from its parsed health file. */
export function measureValuesOf(health: z.output<typeof healthReadSchema>): MeasureValues {
  const m = health.run.metrics;
  return {
    health_score: health.run.health.score,
    success_rate: m.success_rate,
    availability: m.availability,
    accuracy: m.accuracy,
    load_balance: m.load_balance,
    makespan_s: m.makespan_s,
    waiting_mean_s: m.waiting_mean_s,
    brier: m.brier,
    ece: m.ece,
    reroutes: m.reroutes,
    steals: m.steals,
  };
}
