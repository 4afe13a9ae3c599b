/**
 * Progress on stderr (contract section 9): a bar per wave on a terminal, one plain line per
 * stage and per finished wave otherwise (and when `CI` is set), nothing with `--quiet`.
 */
import { SILENT_PROGRESS } from '../ports.ts';
import type { ProgressSink } from '../ports.ts';

/** Where text goes: `process.stderr` or a test's collector. */
export interface TextStream {
  write(chunk: string): unknown;
}

/** A progress sink the CLI can close before it prints its own lines. */
export interface CliProgress extends ProgressSink {
  /** Ends a bar left half-drawn (a run that failed mid-wave) so the next line starts clean. */
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

/** Least time between two throttled bar redraws, ms (at most 20 redraws per second). */
export const REDRAW_INTERVAL_MS = 50;
/** Characters in the bar between the brackets. */
export const BAR_WIDTH = 20;
/** ANSI "erase to end of line", so a shorter redraw leaves no tail of the longer one. */
const ERASE_LINE_END = '\u001b[K';

/**
 * `wave 2/3` when the wave number is its position among the waves run, else `wave 7 (3/3)`
 * (waves need not be numbered 1..n).
 */
export function waveLabel(wave: number, index: number, total: number): string {
  return wave === index ? `wave ${wave}/${total}` : `wave ${wave} (${index}/${total})`;
}

/** `success 71.2%, health 64.10, makespan 1234.5 s`. */
export function formatWaveFigures(figures: WaveFigures): string {
  return `success ${(figures.successRate * 100).toFixed(1)}%, health ${figures.health.toFixed(2)}, makespan ${figures.makespanS.toFixed(1)} s`;
}

/** `[##########----------]`: `done / tasks` of {@link BAR_WIDTH} cells filled, rounded down; full when tasks is 0. */
export function drawBar(done: number, tasks: number): string {
  const ratio = tasks <= 0 ? 1 : Math.min(1, Math.max(0, done / tasks));
  const filled = Math.floor(ratio * BAR_WIDTH);
  return `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]`;
}

/** `load [##########----------] 52%, 1200000 lines`: the bar of the reading stage. */
export function loadBarText(readBytes: number, totalBytes: number, lines: number): string {
  const percent = totalBytes <= 0 ? 100 : Math.floor((Math.min(readBytes, totalBytes) / totalBytes) * 100);
  return `load ${drawBar(readBytes, totalBytes)} ${percent}%, ${lines} lines`;
}

/** True when the environment says it is CI: `CI` set to anything but ``, `0` or `false`. */
export function isCiEnvironment(env: Readonly<Record<string, string | undefined>>): boolean {
  const ci = env.CI;
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}

interface WaveState {
  readonly wave: number;
  readonly index: number;
  readonly total: number;
  readonly tasks: number;
  done: number;
}

/**
 * One line per stage (`load: ...`), per warning (`warning: ...`) and per finished wave
 * (`wave 2/3: 2502 tasks, success 71.2%, health 64.10, makespan 1234.5 s`); wave starts and
 * progress ticks print nothing.
 */
export function createLineProgress(stream: TextStream): CliProgress {
  let current: WaveState | null = null;
  return {
    stage: (name, detail) => stream.write(`${name}: ${detail}\n`),
    loadProgress: () => undefined,
    waveStarted: (wave, index, total, tasks) => {
      current = { wave, index, total, tasks, done: 0 };
    },
    waveProgress: () => undefined,
    waveFinished: (wave, figures) => {
      const state = current !== null && current.wave === wave ? current : null;
      const label = state === null ? `wave ${wave}` : waveLabel(wave, state.index, state.total);
      const tasks = state === null ? '' : `${state.tasks} tasks, `;
      stream.write(`${label}: ${tasks}${formatWaveFigures(figures)}\n`);
      current = null;
    },
    warn: (message) => stream.write(`warning: ${message}\n`),
    finish: () => undefined,
  };
}

/**
 * A bar per wave, redrawn in place with `\r`: `wave 2/3 [##########----------] 1234/2502 tasks`.
 * Progress ticks redraw at most once per {@link REDRAW_INTERVAL_MS} of `now`; a wave's start,
 * its end and any line printed in between redraw at once. A finished wave's bar stays on
 * screen with its figures appended.
 *
 * @param now - monotonic milliseconds (injected; `performance.now` in the CLI).
 */
export function createBarProgress(stream: TextStream, now: () => number): CliProgress {
  let current: WaveState | null = null;
  let lastDrawMs = Number.NEGATIVE_INFINITY;
  let lineOpen = false;

  const barText = (state: WaveState): string =>
    `${waveLabel(state.wave, state.index, state.total)} ${drawBar(state.done, state.tasks)} ${state.done}/${state.tasks} tasks`;
  const draw = (state: WaveState): void => {
    stream.write(`\r${barText(state)}${ERASE_LINE_END}`);
    lineOpen = true;
    lastDrawMs = now();
  };
  /** Prints a whole line above the bar, then redraws the bar under it. */
  const printLine = (text: string): void => {
    stream.write(lineOpen ? `\r${text}${ERASE_LINE_END}\n` : `${text}\n`);
    lineOpen = false;
    if (current !== null) draw(current);
  };

  return {
    stage: (name, detail) => { printLine(`${name}: ${detail}`); },
    loadProgress: (readBytes, totalBytes, lines) => {
      if (current !== null || now() - lastDrawMs < REDRAW_INTERVAL_MS) return;
      stream.write(`\r${loadBarText(readBytes, totalBytes, lines)}${ERASE_LINE_END}`);
      lineOpen = true;
      lastDrawMs = now();
    },
    waveStarted: (wave, index, total, tasks) => {
      if (lineOpen) stream.write('\n');
      lineOpen = false;
      current = { wave, index, total, tasks, done: 0 };
      draw(current);
    },
    waveProgress: (done, tasks) => {
      if (current === null) return;
      current.done = done;
      if (done >= tasks || now() - lastDrawMs >= REDRAW_INTERVAL_MS) draw(current);
    },
    waveFinished: (wave, figures) => {
      if (current !== null && current.wave === wave) {
        current.done = current.tasks;
        stream.write(`\r${barText(current)}: ${formatWaveFigures(figures)}${ERASE_LINE_END}\n`);
      } else {
        stream.write(`${lineOpen ? '\n' : ''}wave ${wave}: ${formatWaveFigures(figures)}\n`);
      }
      lineOpen = false;
      current = null;
    },
    warn: (message) => { printLine(`warning: ${message}`); },
    finish: () => {
      if (lineOpen) stream.write('\n');
      lineOpen = false;
      current = null;
    },
  };
}

/** What {@link createProgress} chooses from. */
export interface ProgressSettings {
  readonly stream: TextStream;
  /** Whether `stream` is a terminal. */
  readonly isTTY: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly quiet: boolean;
  /** Monotonic milliseconds, for the bar's throttle. */
  readonly now: () => number;
}

/** `--quiet`: silent; a terminal outside CI: the bar; else plain lines. */
export function createProgress(settings: ProgressSettings): CliProgress {
  if (settings.quiet) return { ...SILENT_PROGRESS, finish: () => undefined };
  if (settings.isTTY && !isCiEnvironment(settings.env)) return createBarProgress(settings.stream, settings.now);
  return createLineProgress(settings.stream);
}
