/** Counting attempts by where their outcome came from (contract section 11: the summary counts both). */
import { ATTEMPT_SOURCES, type AttemptSourceCounts } from '../ports.ts';
import type { AttemptRecord } from '../simulate/types.ts';

/** The wave's attempts by source; every source present. */
export function countSources(execution: { readonly outcomes: readonly { readonly attempts: readonly Pick<AttemptRecord, 'source'>[] }[] }): AttemptSourceCounts {
  const counts = Object.fromEntries(ATTEMPT_SOURCES.map((s) => [s, 0])) as Record<keyof AttemptSourceCounts, number>;
  for (const outcome of execution.outcomes) for (const attempt of outcome.attempts) counts[attempt.source]++;
  return counts;
}
