/**
 * The chart data of a run (src/charts/collector.ts, docs/charts.md):
 * - `wave_<w>/chart_data.json`, written when the wave ends: the data of the wave's Gantt chart,
 *   either its attempts (at most `GANTT_MAX_ATTEMPTS`) or a per-agent, per-time-bucket
 *   aggregate, and its circuit-open spans. The run renders `charts/gantt_wave_<w>.svg` from
 *   this file at its end (so it never holds more than one wave), and `--resume` finds it
 *   verified with the wave's other files.
 * - the `charts` part of checkpoint.json: what crosses a wave boundary (which circuits are
 *   open since when, and each agent's reliability sums).
 * Times are simulated seconds since the run began, rounded to the millisecond.
 */
import { z } from 'zod';
import { SCHEMA_VERSION } from '../options.ts';

const schemaVersion = z.literal(SCHEMA_VERSION).describe('artifact schema version (semver)');
const count = z.number().int().min(0);
const seconds = z.number().min(0).describe('simulated seconds since the run began, to the millisecond');

/** One attempt: [agent index in the run's agent order, start s, end s, 1 = succeeded / 0 = failed]. */
export const ganttAttemptSchema = z.tuple([count, seconds, seconds, z.union([z.literal(0), z.literal(1)])]);

/** One agent x time bucket of an aggregated wave: [agent index, bucket index, attempt-seconds running in it, attempts that ended in it and succeeded, ... and failed]. */
export const ganttCellSchema = z.tuple([count, count, z.number().min(0), count, count]);

/** A circuit-open span within the wave (open or half-open, as `open_s` counts): [agent index, start s, end s]. */
export const openSpanSchema = z.tuple([count, seconds, seconds]);

const common = {
  schema_version: schemaVersion,
  wave: z.number().int().min(1),
  start_s: seconds,
  end_s: seconds,
  agents: z.array(z.string()).describe('the run\'s agent ids; the indices above point into this list'),
};

/** `wave_<w>/chart_data.json`: the data of the wave's Gantt chart. */
export const chartDataSchema = z.discriminatedUnion('kind', [
  z
    .object({
      ...common,
      kind: z.literal('attempts').describe('every attempt of the wave (a wave of at most GANTT_MAX_ATTEMPTS attempts)'),
      attempts: z.array(ganttAttemptSchema).describe('in task order (natural order of task_id), then attempt order'),
      open: z.array(openSpanSchema),
    })
    .strict(),
  z
    .object({
      ...common,
      kind: z.literal('buckets').describe('a larger wave, aggregated per agent and equal time bucket'),
      attempts: count.describe('attempts in the wave'),
      bucket_s: z.number().positive().describe('width of a bucket, seconds: (end_s - start_s) / GANTT_BUCKETS'),
      cells: z.array(ganttCellSchema).describe('non-empty cells, by agent then bucket'),
      open: z.array(openSpanSchema),
    })
    .strict(),
]);
export type ChartData = z.infer<typeof chartDataSchema>;

/** The chart state that crosses a wave boundary (checkpoint.json `charts`). */
export const chartStateSchema = z
  .object({
    open_since_s: z.array(z.number().nullable()).describe('per agent (run order): when its circuit left closed (exact double), null when closed'),
    reliability: z
      .array(
        z
          .object({
            agent_id: z.string(),
            bin_count: z.array(count),
            bin_sum_p: z.array(z.number().describe('an exact double (not rounded)')),
            bin_positives: z.array(count),
          })
          .strict(),
      )
      .describe('per agent (run order): its first attempts\' (predicted p, succeeded) in the uniform bins of the health file'),
  })
  .strict();
export type ChartState = z.infer<typeof chartStateSchema>;
