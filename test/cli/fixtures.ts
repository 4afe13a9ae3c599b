/** A finished run's result, shared by the CLI tests. */
import type { RunResult } from '../../src/pipeline.ts';

export const COMPLETED: RunResult = {
  status: 'completed',
  waves: 3,
  tasks: 7506,
  succeeded: 5344,
  failed: 2150,
  blocked: 12,
  rejectedLines: 0,
  successRate: 5344 / 7506,
  health: 64.1,
  grade: 'FAIR',
  outDir: 'outputs',
  reportPath: 'reports/PHASE_21_AUTONOMOUS_EXECUTION.md',
};
