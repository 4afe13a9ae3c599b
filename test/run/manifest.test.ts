import { describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS } from '../../src/options.ts';
import { manifestOptions, RESUME_EXEMPT_OPTIONS } from '../../src/report/summaries.ts';
import { manifestOptionsSchema } from '../../src/schema/summaries.ts';

/** The leaves of a nested options object (`retry.baseS` is one leaf). */
function leaves(value: object): unknown[] {
  return Object.values(value).flatMap((v: unknown) => (v !== null && typeof v === 'object' ? leaves(v) : [v]));
}

describe("run.json's options", () => {
  it('record every option once, under snake_case keys, and validate against their schema', () => {
    const options = manifestOptions(DEFAULT_OPTIONS);
    // A new option in RunOptions must get its run.json key (and its --config key) too; the
    // subprocess settings are one key holding an object, as in a config file.
    const { subprocess, ...flat } = DEFAULT_OPTIONS;
    expect(Object.keys(options)).toHaveLength(leaves(flat).length + 1);
    expect(Object.keys(options.subprocess)).toHaveLength(Object.keys(subprocess).length);
    for (const key of Object.keys(options)) expect(key).toMatch(/^[a-z]+(_[a-z]+)*$/);
    expect(manifestOptionsSchema.parse(options)).toEqual(options);
  });

  it('map nested options to the long option names', () => {
    const options = manifestOptions({
      ...DEFAULT_OPTIONS,
      reportDir: 'r',
      retry: { policy: 'linear', jitter: 'equal', maxAttempts: 3, baseS: 1.5, capS: 30 },
      breaker: { policy: 'consecutive', threshold: 7, window: 30, minAttempts: 12, failureRate: 0.6, cooldownS: 45 },
      steal: false,
      gates: { minProbability: 0.2, highRiskFloor: 0.4, allowHighRisk: true, waveDeadlineS: 600 },
      abortOnFailureRate: 0.25,
    });
    expect(options).toMatchObject({
      report_dir: 'r',
      retry: 'linear',
      jitter: 'equal',
      max_attempts: 3,
      backoff_base: 1.5,
      backoff_cap: 30,
      breaker: 'consecutive',
      breaker_window: 30,
      breaker_min_attempts: 12,
      breaker_failure_rate: 0.6,
      breaker_threshold: 7,
      breaker_cooldown: 45,
      steal: false,
      min_probability: 0.2,
      high_risk_floor: 0.4,
      allow_high_risk: true,
      wave_deadline: 600,
      abort_on_failure_rate: 0.25,
    });
  });

  it('--resume may differ only in options that cannot change an artifact byte', () => {
    expect([...RESUME_EXEMPT_OPTIONS].sort()).toEqual(['debug', 'json', 'min_health', 'out', 'quiet', 'resume']);
  });
});
