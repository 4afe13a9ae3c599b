/**
 * Progress on stderr (contract sections 9 and 12): a bar per wave on a terminal
 * (src/cli/progress-bar.ts), one plain line per stage and per finished wave otherwise (and
 * when `CI` is set), nothing with `--quiet`. Both show tasks done, the rate, the elapsed time
 * and an ETA, measured on the injected monotonic clock.
 */
import { SILENT_PROGRESS } from '../ports.ts';
import { colorsFor, isCiEnvironment } from './io.ts';
import type { Colors, TextStream } from './io.ts';
import { finishedWaveText, waveLabel, WaveClock } from './progress-text.ts';
import type { CliProgress } from './progress-text.ts';

export type { CliProgress, WaveFigures } from './progress-text.ts';

/**
 * One line per stage (`load: ...`), per warning (`warning: ...`), per note and per finished
 * wave (`wave 2/3: 2502 tasks, success 71.2%, health 64.10, makespan 1234.5 s | 5004 tasks
 * done, 812 tasks/s, elapsed 0:07, ETA 0:03`); wave starts and progress ticks print nothing.
 */
export function createLineProgress(stream: TextStream, now: () => number, colors: Colors): CliProgress {
  const clock = new WaveClock(now);
  return {
    stage: (name, detail) => stream.write(`${name}: ${detail}\n`),
    loadProgress: () => undefined,
    waveStarted: (wave, index, total, tasks) => {
      clock.started(wave, index, total, tasks);
    },
    waveProgress: () => undefined,
    waveFinished: (wave, figures) => {
      const state = clock.finished(wave);
      const label = state === null ? `wave ${wave}` : waveLabel(wave, state.index, state.total);
      stream.write(`${colors.bold(label)}: ${finishedWaveText(state, figures, clock)}\n`);
    },
    warn: (message) => stream.write(`${colors.yellow('warning:')} ${message}\n`),
    note: (text) => stream.write(`${text}\n`),
    finish: () => undefined,
  };
}

/** What {@link createProgress} chooses from. */
export interface ProgressSettings {
  readonly stream: TextStream;
  /** Whether `stream` is a terminal. */
  readonly isTTY: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly quiet: boolean;
  /** Monotonic milliseconds. */
  readonly now: () => number;
}

/**
 * `--quiet`: silent (notes still print); a terminal outside CI: the bar; else plain lines.
 * Colour per {@link colorsFor} (NO_COLOR, FORCE_COLOR, a terminal). The bar's module (and
 * cli-progress) is loaded only when a bar is drawn, to keep start-up short for batch runs.
 */
export async function createProgress(settings: ProgressSettings): Promise<CliProgress> {
  const { stream, isTTY, env, quiet, now } = settings;
  if (quiet) return { ...SILENT_PROGRESS, note: (text) => stream.write(`${text}\n`), finish: () => undefined };
  const colors = colorsFor(env, isTTY);
  if (!isTTY || isCiEnvironment(env)) return createLineProgress(stream, now, colors);
  const { createBarProgress } = await import('./progress-bar.ts');
  return createBarProgress(stream, now, colors);
}
