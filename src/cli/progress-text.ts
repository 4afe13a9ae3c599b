/**
 * What both progress displays share: the {@link CliProgress} port, the wall-clock bookkeeping
 * of waves ({@link WaveClock}) and the texts of a finished wave.
 */
import type { ProgressSink } from '../ports.ts';
import { fixed, percent } from '../util/format.ts';
import { formatDuration, formatEta, formatRate, paceOf } from './pace.ts';

/** A progress sink the CLI can write its own lines through, and close. */
export interface CliProgress extends ProgressSink {
  /** A line of the CLI's own (a signal notice), printed above a bar that is open. */
  note(text: string): void;
  /** Ends a bar left open (a run that failed or was canceled mid-wave) so the next line starts clean. */
  finish(): void;
}

/** The headline figures of a finished wave, as {@link ProgressSink.waveFinished} gets them. */
export interface WaveFigures {
  /** In [0, 1]. */
  readonly successRate: number;
  /** In [0, 100]. */
  readonly health: number;
  /** Simulated seconds. */
  readonly makespanS: number;
}

/** The wave under way. */
export interface WaveState {
  readonly wave: number;
  readonly index: number;
  readonly total: number;
  readonly tasks: number;
  done: number;
  /** Clock reading at its start, ms. */
  readonly startedMs: number;
}

/**
 * Wall-clock bookkeeping of a run's waves for the display: the wave under way, and over the
 * finished waves the tasks done and the time they took.
 */
export class WaveClock {
  current: WaveState | null = null;
  tasksDone = 0;
  wavesDone = 0;
  totalWaves = 0;
  /** Time spent in the waves timed here, ms, and how many (a resumed run starts past wave 1). */
  private waveMs = 0;
  private timed = 0;
  private readonly startMs: number;

  /** @param now - monotonic milliseconds (injected) */
  constructor(readonly now: () => number) {
    this.startMs = now();
  }

  /** A wave began (as {@link ProgressSink.waveStarted} says); returns its state. */
  started(wave: number, index: number, total: number, tasks: number): WaveState {
    this.current = { wave, index, total, tasks, done: 0, startedMs: this.now() };
    this.totalWaves = total;
    return this.current;
  }

  /** Ends the wave under way when it is `wave`; returns it, or null for an unknown wave. */
  finished(wave: number): WaveState | null {
    const state = this.current !== null && this.current.wave === wave ? this.current : null;
    this.current = null;
    if (state === null) return null;
    state.done = state.tasks;
    this.tasksDone += state.tasks;
    this.wavesDone = state.index;
    this.waveMs += this.now() - state.startedMs;
    this.timed += 1;
    return state;
  }

  /** Seconds since the display began. */
  elapsedS(): number {
    return (this.now() - this.startMs) / 1000;
  }

  /**
   * `5004 tasks done, 812 tasks/s, elapsed 0:07, ETA 0:03`: tasks of the waves finished here,
   * the rate is those tasks over the time spent in those waves, the ETA the mean time of such a
   * wave times the waves left (unknown while no time has passed).
   */
  runText(): string {
    const rate = paceOf(this.tasksDone, Number.POSITIVE_INFINITY, this.waveMs).rate;
    const left = Math.max(0, this.totalWaves - this.wavesDone);
    const etaS = left === 0 ? 0 : this.timed === 0 || this.waveMs <= 0 ? null : (this.waveMs / this.timed / 1000) * left;
    return `${this.tasksDone} tasks done, ${formatRate(rate)}, elapsed ${formatDuration(this.elapsedS())}, ${formatEta(etaS)}`;
  }
}

/**
 * `wave 2/3` when the wave number is its position among the waves run, else `wave 7 (3/3)`
 * (waves need not be numbered 1..n).
 */
export function waveLabel(wave: number, index: number, total: number): string {
  return wave === index ? `wave ${wave}/${total}` : `wave ${wave} (${index}/${total})`;
}

/** `success 71.2%, health 64.10, makespan 1234.5 s`, in the report's number format. */
export function formatWaveFigures(figures: WaveFigures): string {
  return `success ${percent(figures.successRate)}, health ${fixed(figures.health, 2)}, makespan ${fixed(figures.makespanS, 1)} s`;
}

/** `2502 tasks, success 71.2%, ... | 5004 tasks done, 812 tasks/s, elapsed 0:07, ETA 0:03`. */
export function finishedWaveText(state: WaveState | null, figures: WaveFigures, clock: WaveClock): string {
  const tasks = state === null ? '' : `${state.tasks} tasks, `;
  return `${tasks}${formatWaveFigures(figures)} | ${clock.runText()}`;
}
