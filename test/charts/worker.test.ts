/**
 * The chart worker (src/charts/renderer.ts, src/charts/worker.ts): the same SVG bytes as the
 * renderer in this thread, answers in request order, a spec error as a rejection of that render
 * only, and a run terminates its worker however it ends (completed, aborted, canceled, failed,
 * invalid input): no thread is left behind.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderSvg, type ChartSpec } from '../../src/charts/render.ts';
import { inProcessRenderer, startChartWorker, type ChartRenderer } from '../../src/charts/renderer.ts';
import { NODE_OUTPUT_FS, failingFs } from '../../src/io/output-fs.ts';
import { gridPredictions, removeTempDirs, writeTreeInput } from '../e2e/helpers.ts';
import { freshDirs, run, smallOptions, testEnv, writeSmallInput, type SmallInput } from '../run/helpers.ts';
import { sampleBarSpec, sampleTimeSpec } from './samples.ts';

afterAll(removeTempDirs);

/** A spec vega-lite compiles with a warning (a format type it would drop): renderSvg throws. */
const BAD_SPEC: ChartSpec = {
  data: { values: [{ t: 0 }] },
  mark: 'tick',
  encoding: { x: { field: 't', type: 'temporal', axis: { format: '%H', formatType: 'utc' } } },
};

describe('startChartWorker', () => {
  it('draws the same bytes as renderSvg in this thread, in request order, and stops on close', async () => {
    const worker = startChartWorker();
    try {
      const [time, bar, timeAgain] = await Promise.all([worker.render(sampleTimeSpec()), worker.render(sampleBarSpec()), worker.render(sampleTimeSpec())]);
      expect(time).toBe(await renderSvg(sampleTimeSpec()));
      expect(bar).toBe(await renderSvg(sampleBarSpec()));
      expect(timeAgain).toBe(time);
    } finally {
      await worker.close();
    }
    await expect(worker.render(sampleBarSpec())).rejects.toThrow('chart worker: closed');
    // Closing twice is harmless.
    await worker.close();
  });

  it('rejects the render of a bad spec with its message and goes on with the next', async () => {
    const worker = startChartWorker();
    try {
      const bad = worker.render(BAD_SPEC);
      const good = worker.render(sampleBarSpec());
      await expect(bad).rejects.toThrow(/^vega-lite: /);
      expect(await good).toBe(await renderSvg(sampleBarSpec()));
    } finally {
      await worker.close();
    }
  });

  it('rejects the renders still pending when it is closed', async () => {
    const worker = startChartWorker();
    const pending = expect(worker.render(sampleTimeSpec())).rejects.toThrow('chart worker: closed');
    await worker.close();
    await pending;
  });
});

describe('inProcessRenderer', () => {
  it('draws what renderSvg draws and rejects a bad spec without stopping', async () => {
    const renderer = inProcessRenderer();
    await expect(renderer.render(BAD_SPEC)).rejects.toThrow(/^vega-lite: /);
    expect(await renderer.render(sampleTimeSpec())).toBe(await renderSvg(sampleTimeSpec()));
    await renderer.close();
  });
});

describe('a run and its chart worker', () => {
  let small: SmallInput = { input: '', agents: '' };
  beforeAll(() => {
    small = writeSmallInput();
  });

  /** An environment whose chart workers are kept, to check after the run that each was closed. */
  function tracked(): { readonly env: { charts: () => ChartRenderer }; readonly made: ChartRenderer[] } {
    const made: ChartRenderer[] = [];
    return {
      made,
      env: {
        charts: () => {
          const renderer = startChartWorker();
          made.push(renderer);
          return renderer;
        },
      },
    };
  }

  /** Each worker was terminated: its thread has exited (close awaits that), so a render is refused. */
  async function expectAllClosed(made: readonly ChartRenderer[]): Promise<void> {
    expect(made).toHaveLength(1);
    for (const renderer of made) await expect(renderer.render(sampleBarSpec())).rejects.toThrow('chart worker: closed');
  }

  it('is closed after a completed run, whose charts it drew', async () => {
    const { env, made } = tracked();
    const result = await run(smallOptions(small, freshDirs()), testEnv(env));
    expect(result.status).toBe('completed');
    await expectAllClosed(made);
  });

  it('is closed after an aborted run', async () => {
    const { env, made } = tracked();
    const result = await run(smallOptions(small, freshDirs(), { abortOnFailureRate: 0 }), testEnv(env));
    expect(result.status).toBe('aborted');
    await expectAllClosed(made);
  });

  it('is closed after a canceled run', async () => {
    const { env, made } = tracked();
    const controller = new AbortController();
    controller.abort('SIGTERM');
    const result = await run(smallOptions(small, freshDirs()), testEnv({ ...env, signal: controller.signal }));
    expect(result.status).toBe('canceled');
    await expectAllClosed(made);
  });

  it('is closed after a run that failed writing (a full disk)', async () => {
    const { env, made } = tracked();
    // The 41st write fails: inside the run, after the first wave's files (as test/run/states.test.ts).
    let writes = 0;
    const outputFs = failingFs(NODE_OUTPUT_FS, 'ENOSPC', (op) => op === 'write' && ++writes === 41);
    await expect(run(smallOptions(small, freshDirs()), testEnv({ ...env, outputFs }))).rejects.toThrow(/ENOSPC/);
    await expectAllClosed(made);
  });

  it('is closed when the input is invalid (started before the input loads)', async () => {
    const { env, made } = tracked();
    const dirs = freshDirs();
    const bad = `${small.input}-bad`;
    writeTreeInput(bad, gridPredictions(1, 2, 2, (_w, t) => (t === 2 ? 2 : 0.5)));
    await expect(run(smallOptions(small, dirs, { input: bad }), testEnv(env))).rejects.toThrow(/predicted_success_probability/);
    await expectAllClosed(made);
  });
});
