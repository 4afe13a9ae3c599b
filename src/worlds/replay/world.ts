/**
 * `--world replay --outcomes FILE` (contract section 11): the outcomes file is read and
 * validated while the world is prepared, before anything is written; its warnings (rows naming
 * nothing of the run, unknown fields) go to the progress sink.
 */
import { formatDiagnostic, UsageError } from '../../errors.ts';
import { VirtualScheduler } from '../../simulate/scheduler.ts';
import { plural } from '../../util/format.ts';
import type { World } from '../registry.ts';
import { ReplayExecutor } from './executor.ts';
import { loadOutcomes } from './outcomes.ts';

/** `--world replay`. */
export const replayWorld: World = {
  name: 'replay',
  describe: 'recorded outcomes from --outcomes; an attempt without a recorded row is drawn as in the simulated world',
  prepare: async ({ options, plan, progress }) => {
    if (options.outcomes === null) throw new UsageError('--outcomes: required by --world replay; expected a JSONL file of rows {wave, task_id, agent_id, attempt?, success, duration_s}');
    const file = await loadOutcomes(options.outcomes, plan);
    for (const warning of file.warnings) progress.warn(formatDiagnostic(warning));
    return {
      name: 'replay',
      detail: `${plural(file.outcomes.size, 'recorded attempt')} from ${plural(file.rows, 'row')}${file.unused === 0 ? '' : ` (${file.unused} not used)`}`,
      inputs: [{ path: file.path, kind: 'outcomes', sha256: file.sha256, lines: file.rows, acceptedRows: file.rows, rejectedRows: 0 }],
      create: ({ rng, startS }) => {
        const scheduler = new VirtualScheduler(startS);
        return { executor: new ReplayExecutor(file.outcomes, rng, { durationNoise: options.durationNoise }, scheduler), scheduler, close: () => Promise.resolve() };
      },
    };
  },
};
