/**
 * `task_outcomes.parquet` (contract section 14): the rows of `task_outcomes.jsonl` with typed
 * columns, written with hyparquet-writer (docs/decisions.md, "Parquet"; measured against
 * parquet-wasm in BENCHMARKS.md).
 *
 * One `write` per wave, split into row groups of at most {@link ROW_GROUP_ROWS} rows, each
 * flushed to the sink as soon as it is encoded, so memory holds one wave's rows (the footer's
 * row-group metadata grows by a few hundred bytes per row group). The bytes are a pure function
 * of the rows and of how they are split into waves: `created_by` is a constant, and nothing
 * else in the file depends on the time, the machine or the process.
 *
 * Columns, in the JSONL's key order: strings as BYTE_ARRAY UTF8, `wave` as INT64 (the input
 * allows any safe integer), the other counts as INT32, seconds and
 * probabilities as DOUBLE, `first_attempt_success` as BOOLEAN, `start_time` / `end_time` as
 * INT64 TIMESTAMP(MILLIS, isAdjustedToUTC = true) (the JSONL's ISO instants have millisecond
 * precision). A column whose JSONL field can be null is OPTIONAL and null there; the others
 * are REQUIRED.
 */
import fs from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { ByteWriter, ParquetWriter, type SchemaElement } from 'hyparquet-writer';
import type { TaskOutcomeRecord } from '../schema/records.ts';

/** Rows per row group at most (a wave is split into several beyond it). */
export const ROW_GROUP_ROWS = 100_000;

/** The file's `created_by`: a constant, so the bytes do not depend on versions installed. */
export const PARQUET_CREATED_BY = 'phase21-harness';

/** Bytes buffered before they go to the sink (within a row group). */
const SINK_CHUNK_BYTES = 1 << 20;

type Kind = 'string' | 'int32' | 'int64' | 'double' | 'boolean' | 'timestamp';

/** One column: its JSONL key, its kind, and whether it can be null. */
export interface ParquetColumn {
  readonly name: keyof TaskOutcomeRecord;
  readonly kind: Kind;
  readonly nullable: boolean;
}

/** The columns of task_outcomes.parquet, in the JSONL's key order (tested against the schema). */
export const OUTCOME_COLUMNS: readonly ParquetColumn[] = [
  { name: 'schema_version', kind: 'string', nullable: false },
  { name: 'wave', kind: 'int64', nullable: false },
  { name: 'task_id', kind: 'string', nullable: false },
  { name: 'agent_id', kind: 'string', nullable: false },
  { name: 'first_agent_id', kind: 'string', nullable: true },
  { name: 'suggested_agent_id', kind: 'string', nullable: true },
  { name: 'status', kind: 'string', nullable: false },
  { name: 'attempts', kind: 'int32', nullable: false },
  { name: 'first_attempt_success', kind: 'boolean', nullable: true },
  { name: 'predicted_success_probability', kind: 'double', nullable: false },
  { name: 'predicted_execution_time_s', kind: 'double', nullable: false },
  { name: 'duration_s', kind: 'double', nullable: true },
  { name: 'first_attempt_duration_s', kind: 'double', nullable: true },
  { name: 'waiting_s', kind: 'double', nullable: true },
  { name: 'start_time', kind: 'timestamp', nullable: true },
  { name: 'end_time', kind: 'timestamp', nullable: true },
  { name: 'gate', kind: 'string', nullable: true },
  { name: 'reroutes', kind: 'int32', nullable: false },
  { name: 'steals', kind: 'int32', nullable: false },
  { name: 'assigned_agent_id', kind: 'string', nullable: false },
  { name: 'priority', kind: 'int32', nullable: false },
];

function schemaElement(column: ParquetColumn): SchemaElement {
  const repetition_type = column.nullable ? 'OPTIONAL' : 'REQUIRED';
  switch (column.kind) {
    case 'string':
      return { name: column.name, type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' }, repetition_type };
    case 'int32':
      return { name: column.name, type: 'INT32', repetition_type };
    case 'int64':
      return { name: column.name, type: 'INT64', repetition_type };
    case 'double':
      return { name: column.name, type: 'DOUBLE', repetition_type };
    case 'boolean':
      return { name: column.name, type: 'BOOLEAN', repetition_type };
    case 'timestamp':
      return {
        name: column.name,
        type: 'INT64',
        converted_type: 'TIMESTAMP_MILLIS',
        logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' },
        repetition_type,
      };
  }
}

/** The file's schema: the root and one element per column. */
export function outcomesParquetSchema(): SchemaElement[] {
  return [{ name: 'root', num_children: OUTCOME_COLUMNS.length }, ...OUTCOME_COLUMNS.map(schemaElement)];
}

/** Where the bytes go, in order. */
export interface ByteSink {
  append(bytes: Uint8Array): void;
}

/** hyparquet's ByteWriter that hands its bytes to a sink past a threshold and after each row group. */
class SinkWriter extends ByteWriter {
  constructor(private readonly sink: ByteSink) {
    super(SINK_CHUNK_BYTES * 2);
  }

  override ensure(size: number): void {
    if (this.index > SINK_CHUNK_BYTES) this.flush();
    super.ensure(size);
  }

  flush(): void {
    if (this.index === 0) return;
    this.sink.append(new Uint8Array(this.buffer.slice(0, this.index)));
    this.index = 0;
  }

  override finish(): void {
    this.flush();
  }
}

/** A column's values for hyparquet: timestamps as BigInt milliseconds since the epoch. */
function columnValues(rows: readonly TaskOutcomeRecord[], column: ParquetColumn): unknown[] {
  const { name } = column;
  if (column.kind === 'timestamp') {
    return rows.map((row) => {
      const iso = row[name];
      return typeof iso === 'string' ? BigInt(Date.parse(iso)) : null;
    });
  }
  if (column.kind === 'int64') return rows.map((row) => BigInt(row[name] as number));
  return rows.map((row) => row[name]);
}

/**
 * Writes task_outcomes.parquet wave by wave: `PAR1` at construction, {@link addWave} per wave,
 * {@link finish} once (the footer).
 */
export class OutcomesParquetWriter {
  readonly #writer: SinkWriter;
  readonly #parquet: ParquetWriter;
  #finished = false;

  constructor(sink: ByteSink) {
    this.#writer = new SinkWriter(sink);
    this.#parquet = new ParquetWriter({ writer: this.#writer, schema: outcomesParquetSchema(), createdBy: PARQUET_CREATED_BY });
  }

  /**
   * Appends one wave's rows as row groups of at most {@link ROW_GROUP_ROWS} (none for no rows).
   * @throws RangeError after {@link finish}
   */
  addWave(rows: readonly TaskOutcomeRecord[]): void {
    if (this.#finished) throw new RangeError('task_outcomes.parquet is finished');
    if (rows.length === 0) return;
    // Statistics (min/max per row group) on every column but the strings, whose comparisons cost
    // a third of the writing time and which no reader prunes row groups by.
    const columnData = OUTCOME_COLUMNS.map((column) => ({ name: column.name, data: columnValues(rows, column), statistics: column.kind !== 'string' }));
    void this.#parquet.write({ columnData, rowGroupSize: ROW_GROUP_ROWS });
    this.#writer.flush();
  }

  /** Writes the footer and hands the last bytes to the sink. Idempotent. */
  finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    void this.#parquet.finish();
  }
}

/**
 * Feeds the first `bytes` bytes of a task_outcomes.jsonl file to `writer`, one wave at a time
 * (consecutive lines of one wave), reading 4 MiB at a time: how `--resume` rebuilds the
 * Parquet rows of the finished waves, the same bytes as the interrupted run wrote, since
 * JSON numbers and strings read back to the same values.
 * @throws SyntaxError on a line that is not JSON (the caller has checked the file's SHA-256)
 */
export function replayOutcomes(file: string, bytes: number, writer: OutcomesParquetWriter): void {
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.allocUnsafe(4 << 20);
    const decoder = new StringDecoder('utf8');
    let rest = '';
    let wave: TaskOutcomeRecord[] = [];
    const take = (line: string): void => {
      if (line === '') return;
      const row = JSON.parse(line) as TaskOutcomeRecord;
      if (wave.length > 0 && wave[0]?.wave !== row.wave) {
        writer.addWave(wave);
        wave = [];
      }
      wave.push(row);
    };
    let done = 0;
    while (done < bytes) {
      const n = fs.readSync(fd, buffer, 0, Math.min(buffer.length, bytes - done), done);
      if (n === 0) break;
      done += n;
      const lines = (rest + decoder.write(buffer.subarray(0, n))).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) take(line);
    }
    take(rest + decoder.end());
    writer.addWave(wave);
  } finally {
    fs.closeSync(fd);
  }
}
