/**
 * The per-row fast path (src/io/fast-rows.ts) against the zod schemas it stands in for: on
 * every row, it accepts exactly when the schema does, and what it returns holds the values the
 * schema's output holds. Rows are built from pools of edge values per field (lengths 0, 1, 128,
 * 129; bounds and just past them; infinities, unsafe integers, wrong types, null, absent).
 */
import { describe, expect, it } from 'vitest';
import { fastPredictionRow, fastScheduleRow } from '../../src/io/fast-rows.ts';
import { PredictionRowSchema, ScheduleRowSchema } from '../../src/schema/input.ts';
import { mulberry32 } from '../helpers/random.ts';

const ABSENT = Symbol('absent');
type Pool = readonly unknown[];

const WRONG: Pool = [ABSENT, null, true, 'x', 1, [], {}];
const TAG: Pool = ['', 'a', 'a'.repeat(128), 'a'.repeat(129), 'é🙂', 7, null, ABSENT];
const AGENT: Pool = ['agent_0', 'a', '_bad', 'a'.repeat(64), 'a'.repeat(65), 'x/y', '', 3, null, ABSENT];
const PROBABILITY: Pool = [0, 1, 0.5, -0, -1e-9, 1.0000001, Infinity, -Infinity, '0.5', null, ABSENT];
const EXEC_TIME: Pool = [0, 1e-9, 30, 1e9, 1e9 + 1, -1, Infinity, '30', null, ABSENT];
const NUMBER: Pool = [0, -5.5, 1e300, Infinity, -Infinity, '1', null, ABSENT];
const RISK: Pool = ['LOW', 'MEDIUM', 'HIGH', 'low', '', 1, null, ABSENT];
const STRING: Pool = ['', 'why', 5, [], null, ABSENT];
const WAVE: Pool = [1, 2, 0, -1, 1.5, Number.MAX_SAFE_INTEGER, 2 ** 53, 1e300, Infinity, '1', null, ABSENT];
const PRIORITY: Pool = [1, 2, 3, 0, 4, 2.5, '2', null, ABSENT];
const TAGS: Pool = [[], ['a'], ['a', 'a'], ['', 'b'], ['a'.repeat(129)], [1], 'a', {}, null, ABSENT];
const TIMESTAMP: Pool = [
  '2026-11-21T00:00:00Z',
  '2026-11-21T00:00:00.000000+00:00',
  '2026-11-21T00:00:00',
  '2026-02-30T00:00:00Z',
  '1970-01-01T00:00:00Z',
  '1969-12-31T23:59:59Z',
  '1970-01-01T00:30:00+01:00',
  '8999-12-31T23:59:59.999Z',
  '9000-01-01T00:00:00Z',
  '8999-12-31T23:30:00-01:00',
  'yesterday',
  1700000000,
  null,
  ABSENT,
];
const TIME: Pool = [0, 5, 1e12, 1e12 + 1, -1, Infinity, '5', null, ABSENT];

const PREDICTION_POOLS: Readonly<Record<string, Pool>> = {
  task_id: TAG,
  agent_id: AGENT,
  predicted_success_probability: PROBABILITY,
  predicted_execution_time: EXEC_TIME,
  confidence_delta_estimate: NUMBER,
  risk_assessment: RISK,
  reasoning: STRING,
  timestamp: TIMESTAMP,
  wave: WAVE,
  priority: PRIORITY,
  depends_on: TAGS,
  required_capabilities: TAGS,
  extra_field: WRONG,
};
const SCHEDULE_POOLS: Readonly<Record<string, Pool>> = {
  task_id: TAG,
  agent_id: AGENT,
  wave: WAVE,
  predicted_start_time: TIME,
  predicted_end_time: TIME,
  predicted_success_probability: PROBABILITY,
  predicted_confidence_delta: NUMBER,
  priority: PRIORITY,
  status: STRING,
  timestamp: TIMESTAMP,
  extra_field: WRONG,
};

/** A valid row: the first value of each pool that the schema accepts alone. */
const VALID_PREDICTION = { task_id: 'a', agent_id: 'agent_0', predicted_success_probability: 0.5, timestamp: '2026-11-21T00:00:00Z', wave: 1 };
const VALID_SCHEDULE = { task_id: 'a', agent_id: 'agent_0', predicted_start_time: 0, predicted_end_time: 5, wave: 1 };

const random = mulberry32;

/** A row from `base` with `changes` fields replaced by random pool values (ABSENT deletes). */
function mutate(base: Readonly<Record<string, unknown>>, pools: Readonly<Record<string, Pool>>, next: () => number, changes: number): Record<string, unknown> {
  const row: Record<string, unknown> = { ...base };
  const keys = Object.keys(pools);
  for (let i = 0; i < changes; i++) {
    const key = keys[Math.floor(next() * keys.length)] ?? 'task_id';
    const pool = pools[key] ?? [];
    const value = pool[Math.floor(next() * pool.length)];
    if (value === ABSENT) Reflect.deleteProperty(row, key);
    else row[key] = value;
  }
  return row;
}

function agreeOn(
  rows: readonly Record<string, unknown>[],
  fast: (raw: Record<string, unknown>) => object | null,
  schema: typeof PredictionRowSchema | typeof ScheduleRowSchema,
): { accepted: number; refused: number } {
  let accepted = 0;
  for (const raw of rows) {
    const parsed = schema.safeParse(raw);
    const mine = fast(raw);
    expect(mine !== null, JSON.stringify(raw)).toBe(parsed.success);
    if (parsed.success && mine !== null) {
      accepted++;
      for (const [key, value] of Object.entries(parsed.data)) expect((mine as Record<string, unknown>)[key], key).toEqual(value);
    }
  }
  return { accepted, refused: rows.length - accepted };
}

describe('fast path of the row schemas', () => {
  it('accepts the valid rows, returning them', () => {
    expect(fastPredictionRow(VALID_PREDICTION)).toBe(VALID_PREDICTION);
    expect(fastScheduleRow(VALID_SCHEDULE)).toBe(VALID_SCHEDULE);
  });

  it('agrees with zod on every single-field change of a valid row', () => {
    for (const [pools, base, fast, schema] of [
      [PREDICTION_POOLS, VALID_PREDICTION, fastPredictionRow, PredictionRowSchema],
      [SCHEDULE_POOLS, VALID_SCHEDULE, fastScheduleRow, ScheduleRowSchema],
    ] as const) {
      const rows: Record<string, unknown>[] = [];
      for (const [key, pool] of Object.entries(pools)) {
        for (const value of pool) {
          const row: Record<string, unknown> = { ...base };
          if (value === ABSENT) Reflect.deleteProperty(row, key);
          else row[key] = value;
          rows.push(row);
        }
      }
      const { accepted, refused } = agreeOn(rows, fast, schema);
      expect(accepted).toBeGreaterThan(20);
      expect(refused).toBeGreaterThan(20);
    }
  });

  it('agrees with zod on 20,000 rows with up to 4 random changes', () => {
    const next = random(10);
    const predictions = Array.from({ length: 10_000 }, () => mutate(VALID_PREDICTION, PREDICTION_POOLS, next, 1 + Math.floor(next() * 4)));
    const schedules = Array.from({ length: 10_000 }, () => mutate(VALID_SCHEDULE, SCHEDULE_POOLS, next, 1 + Math.floor(next() * 4)));
    const p = agreeOn(predictions, fastPredictionRow, PredictionRowSchema);
    const s = agreeOn(schedules, fastScheduleRow, ScheduleRowSchema);
    // Both outcomes are well represented, so agreement is not vacuous.
    for (const counts of [p, s]) {
      expect(counts.accepted).toBeGreaterThan(1000);
      expect(counts.refused).toBeGreaterThan(1000);
    }
  });
});
