import { defineConfig } from 'vitest/config';

/** The tests `npm run mutate` runs against each mutant of src/simulate and src/measure. */
export default defineConfig({
  test: {
    include: ['test/simulate/**/*.test.ts', 'test/measure/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
  },
});
