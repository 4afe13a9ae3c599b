import { describe, expect, it } from 'vitest';
import { loadInput, PROGRESS_EVERY_LINES } from '../../src/io/load.ts';
import { jsonl, makeInput, pred, request } from './helpers.ts';

describe('loadInput progress', () => {
  it('reports exact bytes after each file and every 50,000 lines within one', async () => {
    const big = Array.from({ length: PROGRESS_EVERY_LINES + 10 }, (_, i) => pred(`t${i}`, 'agent_0', 0.8));
    const small = [pred('t1', 'agent_1', 0.7)];
    const bigText = jsonl(...big);
    const smallText = jsonl(...small);
    const dir = await makeInput({ 'wave_1/agent_0/predicted_tasks.jsonl': bigText, 'wave_1/agent_1/predicted_tasks.jsonl': smallText });
    const calls: [number, number, number][] = [];
    await loadInput({ ...request(dir), onProgress: (read, total, lines) => calls.push([read, total, lines]) });
    const total = Buffer.byteLength(bigText) + Buffer.byteLength(smallText);
    // Within the big file: one report at line 50,000, with bytes estimated from the lines
    // (ASCII here, so exact); then one exact report at the end of each file.
    const firstLinesBytes = big.slice(0, PROGRESS_EVERY_LINES).reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0);
    expect(calls).toEqual([
      [firstLinesBytes, total, PROGRESS_EVERY_LINES],
      [Buffer.byteLength(bigText), total, PROGRESS_EVERY_LINES + 10],
      [total, total, PROGRESS_EVERY_LINES + 11],
    ]);
  });
});
