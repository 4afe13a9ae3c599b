/**
 * The simulated world (contract sections 3 and 4): every attempt drawn from the world model by
 * {@link SimulatedExecutor}, on the virtual clock. The default world.
 */
import { SimulatedExecutor } from '../simulate/executor.ts';
import { VirtualScheduler } from '../simulate/scheduler.ts';
import type { World } from './registry.ts';

/** `--world simulated`. */
export const simulatedWorld: World = {
  name: 'simulated',
  describe: 'every attempt drawn from the world model (contract section 3), on a virtual clock',
  prepare: ({ options }) =>
    Promise.resolve({
      name: 'simulated',
      detail: 'every attempt drawn from the world model',
      inputs: [],
      create: ({ rng, startS }) => {
        const scheduler = new VirtualScheduler(startS);
        return { executor: new SimulatedExecutor(rng, { durationNoise: options.durationNoise }, scheduler), scheduler, close: () => Promise.resolve() };
      },
    }),
};
