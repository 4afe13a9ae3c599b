/**
 * The task-level extras of generated Phase 20 rows (contract section 10): `depends_on` and
 * `required_capabilities`, both off by default. Pure functions of (config, task) through the
 * generator's keyed draws, like every other generated value (see `phase20.ts`).
 */
import type { GeneratorConfig, TaskTraits } from './phase20.ts';

/**
 * Capabilities a generated task may require, with their weights (summing to 1): the tags of
 * the sample agents' profiles (`write-tree.ts`), so with four agents every task has a capable
 * candidate and with fewer some have none.
 */
export const CAPABILITY_POOL: readonly (readonly [string, number])[] = [
  ['python', 0.35],
  ['testing', 0.2],
  ['data', 0.15],
  ['docs', 0.1],
  ['refactoring', 0.1],
  ['infra', 0.1],
];

/** Share of generated tasks that require no capability (with `capabilities` on). */
const NO_CAPABILITY_SHARE = 0.6;

/** A keyed uniform draw in [0, 1): (wave, task id, agent id, purpose) -> u. */
export type Draw = (wave: number, taskId: string, agentId: string, purpose: string) => number;

/**
 * The generator's `dependencies` and `requiredCapabilities` for `config` (documented on
 * `Phase20Generator`).
 */
export function createTaskExtras(config: GeneratorConfig, draw: Draw): {
  readonly dependencies: (task: TaskTraits) => string[];
  readonly requiredCapabilities: (task: TaskTraits) => string[];
} {
  const maxDependencies = config.dependencies ?? 0;
  const dependencies = (t: TaskTraits): string[] => {
    const earlier = t.index - 1;
    if (maxDependencies === 0 || earlier === 0) return [];
    const k = Math.min(maxDependencies, Math.floor(draw(t.wave, t.taskId, '', 'gen-dep-count') * (maxDependencies + 1)));
    const out: string[] = [];
    for (let j = 0; j < k; j++) {
      const index = t.index - 1 - Math.floor(draw(t.wave, t.taskId, '', `gen-dep-${j}`) * earlier);
      const id = `task_${t.wave}_${index}`;
      if (!out.includes(id)) out.push(id);
    }
    return out;
  };
  
  const requiredCapabilities = (t: TaskTraits): string[] => {
    if (config.capabilities !== true) return [];
    let u = draw(t.wave, t.taskId, '', 'gen-capability');
    if (u < NO_CAPABILITY_SHARE) return [];
    u = (u - NO_CAPABILITY_SHARE) / (1 - NO_CAPABILITY_SHARE);
    for (const [capability, weight] of CAPABILITY_POOL) {
      if (u < weight) return [capability];
      u -= weight;
    }
    return [CAPABILITY_POOL[CAPABILITY_POOL.length - 1]?.[0] ?? 'python'];
  };

  return { dependencies, requiredCapabilities };
}
