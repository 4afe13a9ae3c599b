/**
 * task_outcomes.parquet written by a worker thread (src/report/parquet-thread.ts): the bytes of
 * the in-thread writer for the same waves (a wave past ROW_GROUP_ROWS included, which the worker
 * encodes row group by row group as its lines arrive), the replay of an interrupted run's JSONL
 * before the next waves, a full disk as the run's OutputError, and the thread stopped afterwards.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OutputError } from '../../src/errors.ts';
import { OutputFolder } from '../../src/io/atomic.ts';
import { failingFs, NODE_OUTPUT_FS, type OutputFs } from '../../src/io/output-fs.ts';
import { SCHEMA_VERSION } from '../../src/options.ts';
import { ROW_GROUP_ROWS } from '../../src/report/parquet.ts';
import { parquetBytes } from '../helpers/parquet.ts';
import { OutcomesParquetThread } from '../../src/report/parquet-thread.ts';
import type { TaskOutcomeRecord } from '../../src/schema/records.ts';
import { jsonLine } from '../../src/util/json.ts';
import { removeTempDirs, tempDir } from '../e2e/helpers.ts';

afterAll(removeTempDirs);

/** Threads of this process (Linux): a worker thread adds one until it has stopped. */
function threadCount(): number {
  return readdirSync('/proc/self/task').length;
}

/** Row `i` of wave `wave`: every column varies with `i`, nulls on every seventh row. */
function row(wave: number, i: number): TaskOutcomeRecord {
  const blocked = i % 7 === 3;
  const start = Date.UTC(2026, 1, 1) + i * 1250;
  return {
    schema_version: SCHEMA_VERSION, wave, task_id: `w${wave}-t${i}`, agent_id: `agent_${i % 4}`, first_agent_id: blocked ? null : `agent_${(i + 1) % 4}`,
    suggested_agent_id: blocked ? `agent_${i % 3}` : null, status: blocked ? 'blocked' : i % 5 === 0 ? 'failed' : 'succeeded', attempts: blocked ? 0 : 1 + (i % 3),
    first_attempt_success: blocked ? null : i % 5 !== 0, predicted_success_probability: (i % 997) / 997, predicted_execution_time_s: 1 + (i % 101) / 3,
    duration_s: blocked ? null : (i % 89) / 7, first_attempt_duration_s: blocked ? null : (i % 83) / 11, waiting_s: blocked ? null : i / 9,
    start_time: blocked ? null : new Date(start).toISOString(), end_time: blocked ? null : new Date(start + 999).toISOString(),
    gate: blocked ? 'min_probability' : null, reroutes: i % 4, steals: i % 2, assigned_agent_id: `agent_${i % 4}`, priority: i % 5,
  };
}

function waveRows(wave: number, n: number): TaskOutcomeRecord[] {
  return Array.from({ length: n }, (_, i) => row(wave, i));
}


/** Writes `waves` through the worker into a fresh folder; the file's bytes. */
async function threadBytes(waves: readonly (readonly TaskOutcomeRecord[])[], replay?: { file: string; bytes: number }, fs: OutputFs = NODE_OUTPUT_FS): Promise<Buffer> {
  const folder = new OutputFolder(tempDir('p21-parquet-thread-'), fs, '--out');
  const thread = new OutcomesParquetThread(folder.openStream('task_outcomes.parquet'));
  try {
    if (replay !== undefined) thread.replay(replay.file, replay.bytes);
    for (const wave of waves) {
      // As the run does: the previous waves' bytes are written before the next wave's lines.
      await thread.settle();
      for (const r of wave) thread.addLine(jsonLine(r));
      thread.endWave();
    }
    await thread.finish();
    thread.stream.finish();
  } finally {
    await thread.close();
  }
  return readFileSync(folder.resolve('task_outcomes.parquet'));
}

describe('OutcomesParquetThread', () => {
  it('writes the bytes of the in-thread writer, a wave longer than a row group included', async () => {
    const waves = [waveRows(1, 5), waveRows(2, ROW_GROUP_ROWS + 1234), [], waveRows(4, 3)];
    const expected = parquetBytes(waves);
    const actual = await threadBytes(waves);
    expect(actual.length).toBe(expected.length);
    expect(actual.equals(expected)).toBe(true);
  });

  it('replays the JSONL of finished waves first, as --resume does', async () => {
    const done = [waveRows(1, 40), waveRows(2, 17)];
    const jsonl = path.join(tempDir('p21-parquet-thread-'), 'task_outcomes.jsonl');
    const text = done.flat().map(jsonLine).join('');
    // Bytes past the checkpoint's length (a wave under way when the run stopped) are not read.
    writeFileSync(jsonl, `${text}${jsonLine(row(3, 0))}`);
    const next = [waveRows(3, 9)];
    expect((await threadBytes(next, { file: jsonl, bytes: Buffer.byteLength(text) })).equals(parquetBytes([...done, ...next]))).toBe(true);
  });

  it('writes nothing before settle, and every byte of what was sent after it', async () => {
    const folder = new OutputFolder(tempDir('p21-parquet-thread-'), NODE_OUTPUT_FS, '--out');
    const thread = new OutcomesParquetThread(folder.openStream('task_outcomes.parquet'));
    try {
      for (const r of waveRows(1, 50)) thread.addLine(jsonLine(r));
      thread.endWave();
      // Give the worker time to answer: its bytes wait in the queue, not in the file.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(readFileSync(folder.resolve('.task_outcomes.parquet.tmp')).length).toBe(0);
      await thread.settle();
      const header = parquetBytes([waveRows(1, 50)]);
      const written = readFileSync(folder.resolve('.task_outcomes.parquet.tmp'));
      // Everything but the footer, which finish writes.
      expect(written.length).toBeGreaterThan(4);
      expect(written.equals(header.subarray(0, written.length))).toBe(true);
    } finally {
      await thread.close();
      thread.stream.abandon();
    }
  });

  it('fails finish with the OutputError of a full disk while writing its bytes', async () => {
    const full = failingFs(NODE_OUTPUT_FS, 'ENOSPC', (op) => op === 'write');
    await expect(threadBytes([waveRows(1, 3)], undefined, full)).rejects.toThrow(OutputError);
    await expect(threadBytes([waveRows(1, 3)], undefined, full)).rejects.toThrow(/^--out: cannot write \.task_outcomes\.parquet\.tmp: no space left on device \(ENOSPC\)$/);
  });

  it('fails settle and finish with the worker error when the JSONL to replay is missing, and stops the worker', async () => {
    const before = threadCount();
    const folder = new OutputFolder(tempDir('p21-parquet-thread-'), NODE_OUTPUT_FS, '--out');
    const thread = new OutcomesParquetThread(folder.openStream('task_outcomes.parquet'));
    thread.replay(path.join(folder.root, 'missing.jsonl'), 10);
    await expect(thread.settle()).rejects.toThrow(/^parquet worker: ENOENT/);
    await expect(thread.finish()).rejects.toThrow(/^parquet worker: ENOENT/);
    thread.stream.abandon();
    // finish stopped the worker on its way out: the process has its threads of before.
    expect(threadCount()).toBe(before);
  });

  it('stops its thread on close, with rows pending', async () => {
    const before = threadCount();
    const folder = new OutputFolder(tempDir('p21-parquet-thread-'), NODE_OUTPUT_FS, '--out');
    const thread = new OutcomesParquetThread(folder.openStream('task_outcomes.parquet'));
    for (const r of waveRows(1, 10)) thread.addLine(jsonLine(r));
    thread.endWave();
    await thread.close();
    thread.stream.abandon();
    expect(threadCount()).toBe(before);
  });
});
