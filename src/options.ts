/**
 * Every knob of a run, with the contract's defaults (sections 3 to 9). The CLI parses argv
 * into this shape (`src/cli/args.ts`); tests and the benchmark build it directly from
 * {@link DEFAULT_OPTIONS}.
 */

/** Names of the assignment strategies (contract section 5). */
export const STRATEGY_NAMES = ['round_robin', 'load_balanced', 'priority', 'confidence', 'schedule', 'capability'] as const;
export type StrategyName = (typeof STRATEGY_NAMES)[number];

/** Retry policies (contract section 4). */
export const RETRY_POLICIES = ['exponential', 'linear', 'fixed', 'none'] as const;
export type RetryPolicyName = (typeof RETRY_POLICIES)[number];

/** Jitter modes (contract section 4). */
export const JITTER_MODES = ['none', 'full', 'equal'] as const;
export type JitterMode = (typeof JITTER_MODES)[number];

/** Circuit-breaker policies (contract section 4.5). */
export const BREAKER_POLICIES = ['sampling', 'consecutive'] as const;
export type BreakerPolicyName = (typeof BREAKER_POLICIES)[number];

/** Where attempts run (contract section 11); the registry is src/worlds/registry.ts. */
export const WORLD_NAMES = ['simulated', 'replay', 'subprocess'] as const;
export type WorldName = (typeof WORLD_NAMES)[number];

/** What to do with bad input lines (contract section 2). */
export const ON_INVALID = ['fail', 'quarantine'] as const;
export type OnInvalid = (typeof ON_INVALID)[number];

/** Retry and backoff settings. */
export interface RetryOptions {
  /** Backoff shape; default `exponential`. `none` allows one attempt only. */
  readonly policy: RetryPolicyName;
  /** Jitter applied to each delay; default `full`. */
  readonly jitter: JitterMode;
  /** Attempts per task including the first; integer >= 1; default 4. */
  readonly maxAttempts: number;
  /** Base delay, seconds; default 2. */
  readonly baseS: number;
  /** Delay cap, seconds; default 60. */
  readonly capS: number;
}

/** Circuit-breaker settings, per agent (contract section 4.5). */
export interface BreakerOptions {
  /** When a closed circuit opens: `sampling` (default) or `consecutive`. */
  readonly policy: BreakerPolicyName;
  /** `consecutive`: consecutive failed attempts that open the circuit; integer >= 1; default 5. */
  readonly threshold: number;
  /** `sampling`: finished attempts the window holds; integer >= 1; default 20. */
  readonly window: number;
  /** `sampling`: attempts the window needs before it can open; integer in [1, window]; default 10. */
  readonly minAttempts: number;
  /** `sampling`: the circuit opens at a window failure rate >= this; in (0, 1]; default 0.5. */
  readonly failureRate: number;
  /** Time the circuit stays open before a half-open probe, seconds; default 60. */
  readonly cooldownS: number;
}

/** Safety-gate settings. */
export interface GateOptions {
  /** `min_probability` refuses when p(t, a) is below this; default 0.10. */
  readonly minProbability: number;
  /** `high_risk` refuses HIGH-risk attempts with p(t, a) below this; default 0.30. */
  readonly highRiskFloor: number;
  /** Turns the `high_risk` gate off; default false. */
  readonly allowHighRisk: boolean;
  /** `wave_deadline`: seconds after wave start after which no attempt starts; default null (off). */
  readonly waveDeadlineS: number | null;
}

/** The options that shape the simulated run (everything that can change an artifact byte). */
export interface SimulationOptions {
  readonly strategy: StrategyName;
  readonly retry: RetryOptions;
  readonly breaker: BreakerOptions;
  readonly gates: GateOptions;
  /** Work stealing (contract section 4.6); default true (`--no-steal` turns it off). */
  readonly steal: boolean;
  /** Log-normal duration noise s (contract section 3); >= 0; default 0.25. */
  readonly durationNoise: number;
  /** Seed of the keyed generator; safe integer; default 21. */
  readonly seed: number;
  /** Where attempts run (contract section 11); default `simulated`. */
  readonly world: WorldName;
  /** `--world replay`: the recorded outcomes file (JSONL); null = none. */
  readonly outcomes: string | null;
}

/** The subprocess world's settings (contract sections 11, 12; src/schema/subprocess.ts). */
export interface SubprocessOptions {
  /** argv for agents without their own `command`; null = every agent needs its own. */
  readonly command: readonly string[] | null;
  /** Wall-clock limit of one attempt, seconds; > 0; default 600. */
  readonly timeoutS: number;
  /** SIGTERM to SIGKILL, seconds; >= 0; default 5. */
  readonly killGraceS: number;
  /** stdout and stderr kept per attempt, bytes each; default 65536. */
  readonly maxOutputBytes: number;
  /** Extra environment of the command; default {}. */
  readonly env: Readonly<Record<string, string>>;
}

/** A full run: simulation options plus where to read and write and how to behave. */
export interface RunOptions extends SimulationOptions {
  /** Input folder (Phase 20 tree or flat); default `data/phase20`. */
  readonly input: string;
  /** Output folder, rebuilt whole each run; default `outputs`. */
  readonly out: string;
  /** Folder of the Markdown report; default `reports`. */
  readonly reportDir: string;
  /** Run the N lowest waves; null = all. */
  readonly waves: number | null;
  /** Simulated time zero as ISO-8601 UTC; null = latest input timestamp (or 2000-01-01). */
  readonly epoch: string | null;
  /** Agent profiles file; null = `data/agents.json` beside the default input when present. */
  readonly agentsFile: string | null;
  readonly onInvalid: OnInvalid;
  /** Plan without executing (contract section 4). */
  readonly dryRun: boolean;
  /** Exit 1 when run health is below this; null = never. */
  readonly minHealth: number | null;
  /** No progress output. */
  readonly quiet: boolean;
  /** Print the closing summary as JSON on stdout. */
  readonly json: boolean;
  /** Print stacks of internal errors. */
  readonly debug: boolean;
  /** Continue the interrupted run in `out` from its last checkpoint (contract section 12). */
  readonly resume: boolean;
  /**
   * Stop after a wave whose (failed + blocked) / tasks exceeds this, in [0, 1]; null = never
   * (contract section 12).
   */
  readonly abortOnFailureRate: number | null;
  /**
   * Multiplies every delay the harness waits in real time (backoff, circuit cooldown) in the
   * subprocess world; > 0; default 1 (contract section 11; docs/decisions.md).
   */
  readonly timeScale: number;
  /** The subprocess world's settings (config file only). */
  readonly subprocess: SubprocessOptions;
}

/** Version of every artifact's record schema; bumped on any breaking change. */
export const SCHEMA_VERSION = '2.1.0';

/** The contract's defaults. */
export const DEFAULT_OPTIONS: RunOptions = {
  input: 'data/phase20',
  out: 'outputs',
  reportDir: 'reports',
  waves: null,
  strategy: 'load_balanced',
  retry: { policy: 'exponential', jitter: 'full', maxAttempts: 4, baseS: 2, capS: 60 },
  breaker: { policy: 'sampling', threshold: 5, window: 20, minAttempts: 10, failureRate: 0.5, cooldownS: 60 },
  gates: { minProbability: 0.1, highRiskFloor: 0.3, allowHighRisk: false, waveDeadlineS: null },
  steal: true,
  durationNoise: 0.25,
  seed: 21,
  world: 'simulated',
  outcomes: null,
  epoch: null,
  agentsFile: null,
  onInvalid: 'fail',
  dryRun: false,
  minHealth: null,
  quiet: false,
  json: false,
  debug: false,
  resume: false,
  abortOnFailureRate: null,
  timeScale: 1,
  subprocess: { command: null, timeoutS: 600, killGraceS: 5, maxOutputBytes: 65_536, env: {} },
};

/** The fallback epoch when the input has no timestamp (contract section 8). */
export const FALLBACK_EPOCH = '2000-01-01T00:00:00.000Z';
