import { defineConfig } from 'vitest/config';

/** The tests `npm run mutate` runs against each mutant of src/simulate and src/measure. */
export default defineConfig({
  test: {
    // test/worlds/simulated.test.ts: the executor conformance suite run on the simulated world.
    include: ['test/simulate/**/*.test.ts', 'test/measure/**/*.test.ts', 'test/worlds/simulated.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
  },
});
