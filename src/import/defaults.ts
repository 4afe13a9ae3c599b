/**
 * The import command's option defaults and limits, in a module of their own so that the
 * command line (and `--help`) reads them without loading the importer (src/import/mapping.ts
 * re-exports them).
 */

/** Least predicted_execution_time written, seconds; shorter recorded runtimes are raised to it. */
export const RUNTIME_FLOOR_S = 0.01;

/** Default number of agents. */
export const DEFAULT_AGENTS = 4;
/** Most agents an import writes (rows = tasks x agents). */
export const MAX_AGENTS = 1000;
/** Default seed of the probabilities. */
export const DEFAULT_SEED = 20;
