/**
 * The world registry (contract section 11): where attempts run, by name. A world is prepared
 * once, before the run writes anything (it reads and validates what it needs, e.g. the replay
 * world's `--outcomes` file, so a bad file is exit 2 with nothing written), then created on the
 * run's clock: an executor, the scheduler it completes on, and a `close` that releases whatever
 * the world holds (processes, connections). The engine, strategies, gates, retries, breakers
 * and measures are the same in every world.
 *
 * To add a world: write a {@link World} in its own folder under `src/worlds/` and put it in
 * {@link WORLDS} under its name from `WORLD_NAMES` (src/options.ts).
 */
import { closest, distance } from 'fastest-levenshtein';
import type { InputFileInfo } from '../io/load.ts';
import type { RunOptions, WorldName } from '../options.ts';
import type { PlanSource, RunPlan } from '../plan/model.ts';
import type { Executor, ProgressSink, Scheduler } from '../ports.ts';
import type { KeyedRandom } from '../simulate/rng.ts';
import { replayWorld } from './replay/world.ts';
import { simulatedWorld } from './simulated.ts';
import { subprocessWorld } from './subprocess/world.ts';

/** What a world may read while it is prepared (before anything is written). */
export interface WorldSetup {
  readonly options: RunOptions;
  /** The input: waves, tasks and agents of the run (streamed in a run, in memory in tests and tools). */
  readonly plan: RunPlan | PlanSource;
  /** For warnings (e.g. outcomes rows naming no task of the run). */
  readonly progress: ProgressSink;
  /**
   * A fresh id for this invocation (letters, digits, `-`, `_`, `.`): the subprocess world's
   * `--queue` jobs carry it. Injected from the edge (`crypto.randomUUID` in the CLI).
   */
  readonly runId: () => string;
}

/** What a world is created with, once the run starts (or resumes). */
export interface WorldRuntime {
  /** The run's keyed generator (contract section 3), seeded with `--seed`. */
  readonly rng: KeyedRandom;
  /** The clock's start, seconds since run start: 0, or the checkpoint's clock on `--resume`. */
  readonly startS: number;
  /** Aborted on SIGINT/SIGTERM: a world with real work in flight stops it. */
  readonly signal: AbortSignal | undefined;
}

/** A world ready to run: an executor and the scheduler its attempts complete on. */
export interface WorldInstance {
  readonly executor: Executor;
  readonly scheduler: Scheduler;
  /** Releases what the world holds (ends its processes, closes connections); idempotent. */
  close(): Promise<void>;
}

/** A world whose inputs are read and valid. */
export interface PreparedWorld {
  readonly name: WorldName;
  /** One line for the report and the summary, e.g. `recorded outcomes from outcomes.jsonl (812 rows)`. */
  readonly detail: string;
  /** Files the world read (recorded in run.json's inputs with their sha256; `--resume` checks them). */
  readonly inputs: readonly InputFileInfo[];
  /**
   * Factor of every delay the engine waits (backoff base and cap, circuit cooldown); 1 when
   * absent. A real-time world takes `--time-scale` here (src/worlds/time-scale.ts).
   */
  readonly timeScale?: number;
  /** Builds the executor and scheduler on the run's clock. */
  create(runtime: WorldRuntime): WorldInstance;
  /**
   * Releases what `prepare` opened (the `--queue` connections) when the run ends, whether or
   * not `create` was called (a dry run, a refused `--resume`); idempotent. Optional.
   */
  close?(): Promise<void>;
}

/** One world of the registry. */
export interface World {
  readonly name: WorldName;
  /** What the world does, one sentence (for `--help` and docs). */
  readonly describe: string;
  /**
   * Reads and validates what the world needs.
   * @throws UsageError for a missing or contradictory option (`--outcomes: ...`)
   * @throws InputError for a bad file it reads, with `file:line: field: problem` diagnostics
   */
  prepare(setup: WorldSetup): Promise<PreparedWorld>;
}

/** Every world by name, in `WORLD_NAMES` order. */
export const WORLDS: ReadonlyMap<WorldName, World> = new Map<WorldName, World>([
  ['simulated', simulatedWorld],
  ['replay', replayWorld],
  ['subprocess', subprocessWorld],
]);

/** A world name that is not in the registry, or a world not built into this version. */
export class UnknownWorldError extends Error {
  override readonly name = 'UnknownWorldError';
  /** The known names, in registry order. */
  readonly known: readonly string[];

  /**
   * @param world - the name asked for
   * @param message - the message; default: `unknown world "x" (did you mean y?); known: ...`
   */
  constructor(
    readonly world: string,
    message?: string,
  ) {
    const known = [...WORLDS.keys()];
    super(message ?? `unknown world "${world}"${suggestion(world, known)}; known: ${known.join(', ')}`);
    this.known = known;
  }
}

/** ` (did you mean x?)` when a known name is within max(2, a third of the length) edits. */
function suggestion(name: string, known: readonly string[]): string {
  const best = closest(name.toLowerCase(), [...known]);
  return distance(name.toLowerCase(), best) <= Math.max(2, Math.floor(name.length / 3)) ? ` (did you mean ${best}?)` : '';
}

/**
 * The world registered under `name` (exact, case-sensitive).
 * @throws UnknownWorldError naming the nearest known world and listing them all
 */
export function getWorld(name: string): World {
  const world = WORLDS.get(name as WorldName);
  if (world === undefined) throw new UnknownWorldError(name);
  return world;
}
