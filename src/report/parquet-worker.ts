/**
 * The Parquet worker (src/report/parquet-thread.ts): a `worker_threads` entry point that owns
 * the {@link OutcomesParquetWriter} of task_outcomes.parquet. It is sent the JSONL lines of
 * task_outcomes.jsonl as the run writes them, parses them back (JSON numbers and strings read
 * back to the same values, as `--resume` relies on) and encodes each {@link ROW_GROUP_ROWS}
 * rows of a wave as soon as they are in, so it holds at most one row group's rows. Each encoded
 * chunk goes back to the run's thread, which writes it (every write goes through the run's
 * OutputFs). Built as `dist/cli/parquet-worker.js` (scripts/build.ts).
 */
import { parentPort, type MessagePort } from 'node:worker_threads';
import type { TaskOutcomeRecord } from '../schema/records.ts';
import { OutcomesParquetWriter, replayOutcomes, ROW_GROUP_ROWS } from './parquet.ts';
import type { ParquetReply, ParquetRequest } from './parquet-thread.ts';

function parent(): MessagePort {
  if (parentPort === null) throw new Error('src/report/parquet-worker.ts runs as a worker thread (OutcomesParquetThread)');
  return parentPort;
}
const port = parent();

const writer = new OutcomesParquetWriter({
  append: (bytes) => {
    const reply: ParquetReply = { kind: 'bytes', data: bytes };
    // SinkWriter hands over a fresh copy (src/report/parquet.ts): its buffer can move, not be copied.
    port.postMessage(reply, [bytes.buffer as ArrayBuffer]);
  },
});
let rows: TaskOutcomeRecord[] = [];

// A wave's rows in row groups of ROW_GROUP_ROWS from its first row, as one addWave call of the
// whole wave would split them: hyparquet-writer's write() starts each call's groups afresh.
function handle(request: ParquetRequest): void {
  switch (request.kind) {
    case 'lines':
      for (const line of request.text.split('\n')) if (line !== '') rows.push(JSON.parse(line) as TaskOutcomeRecord);
      while (rows.length >= ROW_GROUP_ROWS) {
        writer.addWave(rows.slice(0, ROW_GROUP_ROWS));
        rows = rows.slice(ROW_GROUP_ROWS);
      }
      return;
    case 'wave':
      writer.addWave(rows);
      rows = [];
      break;
    case 'replay':
      replayOutcomes(request.file, request.bytes, writer);
      break;
    case 'finish':
      writer.finish();
      break;
  }
  port.postMessage({ kind: 'done' } satisfies ParquetReply);
}

port.on('message', (request: ParquetRequest) => {
  try {
    handle(request);
  } catch (error: unknown) {
    port.postMessage({ kind: 'error', message: error instanceof Error ? error.message : String(error) } satisfies ParquetReply);
  }
});
