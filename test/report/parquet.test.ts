/**
 * task_outcomes.parquet (contract section 14): typed columns read back through DuckDB, the same
 * rows and values as task_outcomes.jsonl, nulls where the JSONL has null, deterministic bytes,
 * and the replay `--resume` uses giving the bytes of an uninterrupted run.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../../src/options.ts';
import { OUTCOME_COLUMNS, OutcomesParquetWriter, replayOutcomes, ROW_GROUP_ROWS } from '../../src/report/parquet.ts';
import { parquetBytes } from '../helpers/parquet.ts';
import { taskOutcomeRecordSchema, type TaskOutcomeRecord } from '../../src/schema/records.ts';
import { outArgs, parseJsonl, removeTempDirs, runCli, runDirs, tempDir } from '../e2e/helpers.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const GOLDEN_INPUT = path.join(HERE, '..', 'golden', 'input', 'phase20');
const GOLDEN_AGENTS = path.join(HERE, '..', 'golden', 'input', 'agents.json');

function row(over: Partial<TaskOutcomeRecord>): TaskOutcomeRecord {
  return {
    schema_version: SCHEMA_VERSION, wave: 1, task_id: 't1', agent_id: 'agent_1', first_agent_id: 'agent_1', suggested_agent_id: null,
    status: 'succeeded', attempts: 1, first_attempt_success: true, predicted_success_probability: 0.8, predicted_execution_time_s: 12.5,
    duration_s: 10.25, first_attempt_duration_s: 10.25, waiting_s: 0, start_time: '2026-02-01T00:00:00.000Z', end_time: '2026-02-01T00:00:10.250Z',
    gate: null, reroutes: 0, steals: 0, assigned_agent_id: 'agent_1', priority: 2, ...over,
  };
}

/** A blocked task: every field the JSONL leaves null. */
const BLOCKED = row({
  task_id: 't2', first_agent_id: null, suggested_agent_id: 'agent_2', status: 'blocked', attempts: 0, first_attempt_success: null,
  duration_s: null, first_attempt_duration_s: null, waiting_s: null, start_time: null, end_time: null, gate: 'min_probability', priority: 1,
});


let instance: DuckDBInstance;
let db: DuckDBConnection;

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  db = await instance.connect();
});

afterAll(() => {
  db.closeSync();
  instance.closeSync();
  removeTempDirs();
});

async function rows(sql: string): Promise<Record<string, unknown>[]> {
  const reader = await db.runAndReadAll(sql);
  return reader.getRowObjectsJson();
}

/** Every column as DuckDB reads it: name, type and nullability from DESCRIBE. */
async function describeFile(file: string): Promise<Record<string, string>> {
  const described = await rows(`DESCRIBE SELECT * FROM read_parquet('${file}')`);
  return Object.fromEntries(described.map((r) => [String(r.column_name), String(r.column_type)]));
}

/**
 * The file's rows as JSONL-shaped records: times back to ISO strings from epoch milliseconds
 * (independent of DuckDB's time zone setting), BIGINT to numbers, in file order.
 */
async function readBack(file: string): Promise<Record<string, unknown>[]> {
  const select = OUTCOME_COLUMNS.map((c) => (c.kind === 'timestamp' ? `epoch_ms(${c.name}) AS ${c.name}` : c.name)).join(', ');
  const read = await rows(`SELECT ${select} FROM read_parquet('${file}')`);
  return read.map((r) => {
    const out: Record<string, unknown> = {};
    for (const c of OUTCOME_COLUMNS) {
      const v = r[c.name];
      // BIGINT comes back as a decimal string (exact); the JSONL's wave is a safe integer.
      if (c.kind === 'int64') out[c.name] = Number(v);
      else out[c.name] = c.kind === 'timestamp' && v !== null && v !== undefined ? new Date(Number(v)).toISOString() : v;
    }
    return out;
  });
}

describe('task_outcomes.parquet, written directly', () => {
  it('has one column per JSONL field, in the same order', () => {
    expect(OUTCOME_COLUMNS.map((c) => c.name)).toEqual(Object.keys(taskOutcomeRecordSchema.shape));
    for (const c of OUTCOME_COLUMNS) expect(c.nullable).toBe(taskOutcomeRecordSchema.shape[c.name].safeParse(null).success);
  });

  it('DuckDB reads booleans, integers, doubles, UTC timestamps and strings, with nulls where the JSONL has null', async () => {
    const file = path.join(tempDir('p21-parquet-'), 'unit.parquet');
    writeFileSync(file, parquetBytes([[row({}), BLOCKED], [row({ wave: 2, task_id: 't3', first_attempt_success: false, status: 'failed' })]]));
    expect(await describeFile(file)).toEqual({
      schema_version: 'VARCHAR', wave: 'BIGINT', task_id: 'VARCHAR', agent_id: 'VARCHAR', first_agent_id: 'VARCHAR', suggested_agent_id: 'VARCHAR',
      status: 'VARCHAR', attempts: 'INTEGER', first_attempt_success: 'BOOLEAN', predicted_success_probability: 'DOUBLE',
      predicted_execution_time_s: 'DOUBLE', duration_s: 'DOUBLE', first_attempt_duration_s: 'DOUBLE', waiting_s: 'DOUBLE',
      start_time: 'TIMESTAMP WITH TIME ZONE', end_time: 'TIMESTAMP WITH TIME ZONE', gate: 'VARCHAR', reroutes: 'INTEGER', steals: 'INTEGER',
      assigned_agent_id: 'VARCHAR', priority: 'INTEGER',
    });
    const back = await readBack(file);
    expect(back).toEqual([row({}), BLOCKED, row({ wave: 2, task_id: 't3', first_attempt_success: false, status: 'failed' })]);
    const nulls = await rows(`SELECT count(*) FILTER (WHERE start_time IS NULL) AS no_start, count(*) FILTER (WHERE first_attempt_success IS NULL) AS no_first FROM read_parquet('${file}')`);
    expect(nulls).toEqual([{ no_start: '1', no_first: '1' }]);
  });

  it('keeps the largest safe wave number exactly (INT64)', async () => {
    const file = path.join(tempDir('p21-parquet-'), 'big.parquet');
    writeFileSync(file, parquetBytes([[row({ wave: Number.MAX_SAFE_INTEGER })]]));
    expect(await rows(`SELECT wave::VARCHAR AS w FROM read_parquet('${file}')`)).toEqual([{ w: '9007199254740991' }]);
  });

  it('writes the same bytes for the same rows, one row group per wave up to the cap', async () => {
    const waves = [[row({}), BLOCKED], [row({ wave: 2, task_id: 't3' })]];
    const a = parquetBytes(waves);
    expect(parquetBytes(waves).equals(a)).toBe(true);
    expect(a.subarray(0, 4).toString('latin1')).toBe('PAR1');
    expect(a.subarray(a.length - 4).toString('latin1')).toBe('PAR1');
    expect(a.includes(Buffer.from('phase21-harness'))).toBe(true);
    const file = path.join(tempDir('p21-parquet-'), 'groups.parquet');
    writeFileSync(file, a);
    const groups = await rows(`SELECT DISTINCT row_group_id, row_group_num_rows FROM parquet_metadata('${file}') ORDER BY row_group_id`);
    expect(groups).toEqual([{ row_group_id: '0', row_group_num_rows: '2' }, { row_group_id: '1', row_group_num_rows: '1' }]);
    expect(ROW_GROUP_ROWS).toBe(100_000);
  });

  it('replaying a JSONL file gives the bytes of the live writer (what --resume does)', () => {
    const waves = [[row({}), BLOCKED], [row({ wave: 2, task_id: 't3', duration_s: 1 / 3 })], [row({ wave: 3, task_id: 'ü-ß' })]];
    const dir = tempDir('p21-parquet-');
    const jsonl = path.join(dir, 'task_outcomes.jsonl');
    const text = waves.flat().map((r) => `${JSON.stringify(r)}\n`).join('');
    writeFileSync(jsonl, text);
    const chunks: Uint8Array[] = [];
    const writer = new OutcomesParquetWriter({
      append: (bytes) => {
        chunks.push(bytes);
      },
    });
    replayOutcomes(jsonl, Buffer.byteLength(text), writer);
    writer.finish();
    expect(Buffer.concat(chunks).equals(parquetBytes(waves))).toBe(true);
  });

  it('refuses rows after finish', () => {
    const writer = new OutcomesParquetWriter({ append: () => undefined });
    writer.finish();
    expect(() => {
      writer.addWave([row({})]);
    }).toThrow(RangeError);
  });
});

describe('task_outcomes.parquet of a run', () => {
  it('is beside task_outcomes.jsonl, listed in run.json, with every JSONL row and value', async () => {
    const dirs = runDirs('p21-parquet-run-');
    const run = await runCli(['--input', GOLDEN_INPUT, '--agents-file', GOLDEN_AGENTS, ...outArgs(dirs), '--seed', '7', '--quiet']);
    expect(run.code).toBe(0);
    const jsonl = parseJsonl(readFileSync(path.join(dirs.out, 'task_outcomes.jsonl'), 'utf8'));
    const back = await readBack(path.join(dirs.out, 'task_outcomes.parquet'));
    expect(back).toHaveLength(jsonl.length);
    expect(back).toEqual(jsonl);
    const manifest = JSON.parse(readFileSync(path.join(dirs.out, 'run.json'), 'utf8')) as { artifacts: string[] };
    expect(manifest.artifacts).toContain('task_outcomes.parquet');
  });
});
