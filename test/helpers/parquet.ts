/** The in-thread Parquet writer as the tests' reference (src/report/parquet.ts). */
import { OutcomesParquetWriter } from '../../src/report/parquet.ts';
import type { TaskOutcomeRecord } from '../../src/schema/records.ts';

/** The bytes of `task_outcomes.parquet` for `waves`, written wave by wave in this thread. */
export function parquetBytes(waves: readonly (readonly TaskOutcomeRecord[])[]): Buffer {
  const chunks: Uint8Array[] = [];
  const writer = new OutcomesParquetWriter({
    append: (bytes) => {
      chunks.push(bytes);
    },
  });
  for (const wave of waves) writer.addWave(wave);
  writer.finish();
  return Buffer.concat(chunks);
}
