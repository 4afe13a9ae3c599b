/**
 * `events.jsonl` (contract section 12): one record per event of the run, in simulated-time
 * order, deterministic like every artifact. Every record has every key (null where a key does
 * not apply), so the file loads as one table with one type per column.
 */
import { z } from 'zod';
import { SCHEMA_VERSION } from '../options.ts';

/**
 * Event types; `task_stolen` is a move by work stealing (contract section 4.6), apart from
 * `task_rerouted` (a move off an open circuit).
 */
export const EVENT_TYPES = [
  'run_started',
  'wave_started',
  'circuit_opened',
  'circuit_half_open',
  'circuit_closed',
  'task_rerouted',
  'task_stolen',
  'wave_completed',
  'checkpoint_written',
  'run_completed',
  'run_aborted',
  'run_canceled',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** One line of events.jsonl. */
export const eventRecordSchema = z
  .object({
    schema_version: z.literal(SCHEMA_VERSION).describe('artifact schema version (semver)'),
    seq: z.number().int().min(1).describe('position in the file, from 1'),
    type: z.enum(EVENT_TYPES).describe('task_stolen is reserved for work stealing and not written by this version'),
    time: z.iso.datetime().describe('simulated time: --epoch plus time_s, ISO-8601 UTC'),
    time_s: z.number().min(0).describe('simulated seconds since the epoch, rounded to 6 decimals'),
    wave: z.number().int().min(1).nullable().describe('the wave running; null for run events'),
    agent_id: z.string().nullable().describe('the agent of a circuit event'),
    task_id: z.string().nullable().describe('the task of a reroute'),
    from_agent_id: z.string().nullable().describe('the agent a rerouted task left'),
    to_agent_id: z.string().nullable().describe('the agent a rerouted task went to'),
    reason: z.string().nullable().describe('why a run was aborted or canceled'),
  })
  .strict();
export type EventRecord = z.infer<typeof eventRecordSchema>;
