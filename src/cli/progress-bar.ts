/**
 * The terminal display (contract section 9): a cli-progress bar per wave, redrawn in place and
 * fitted to the terminal's width, with tasks done, the wave's rate, the wave's ETA and the
 * run's elapsed time; a bar of bytes read while loading; warnings and notes printed above the bar
 * (cli-progress's MultiBar log). A finished wave's bar gives way to the line the plain display
 * prints for it (figures, tasks done, rate, elapsed, ETA), which the terminal wraps if long.
 *
 * Rate, elapsed time and ETA come from the injected clock (src/cli/pace.ts), not from
 * cli-progress's own `{eta}`, which reads the real clock: so tests drive the display with a
 * fake clock. Redraws are throttled on the same clock.
 */
import { stripVTControlCharacters } from 'node:util';
import cliProgress from 'cli-progress';
import type { GenericFormatter, MultiBar, Options, SingleBar } from 'cli-progress';
import type { Colors, TextStream } from './io.ts';
import { formatDuration, formatEta, formatRate, paceOf } from './pace.ts';
import { finishedWaveText, waveLabel, WaveClock } from './progress-text.ts';
import type { CliProgress, WaveState } from './progress-text.ts';

/** Least time between two throttled redraws, ms (at most 10 redraws per second). */
export const REDRAW_INTERVAL_MS = 100;
/** The bar's length in cells: at most, and at least when the terminal is narrow. */
export const BAR_CELLS = { max: 30, min: 10 } as const;
/** Columns assumed when the stream does not say (cli-progress's default for a terminal). */
const DEFAULT_COLUMNS = 80;

/** What a bar line shows beside the bar itself. */
export interface BarPayload {
  /** Before the bar: `wave 2/3`, `load`. */
  readonly label: string;
  /** After the bar, most important first: `1234/2502 tasks`, `812 tasks/s`, `ETA 0:02`, `elapsed 0:07`. */
  readonly tail: readonly string[];
}

/**
 * The line of a bar: `label [bar] part | part | ...`. The bar takes the columns left in
 * `maxWidth` less one, between {@link BAR_CELLS}; on a terminal too narrow for that, the last
 * parts of the tail are dropped first (the task count stays).
 */
export function barLine(progress: number, payload: BarPayload, maxWidth: number, chars: { readonly complete: string; readonly incomplete: string }): string {
  const labelWidth = stripVTControlCharacters(payload.label).length;
  let parts = payload.tail;
  let tail = parts.join(' | ');
  while (parts.length > 1 && maxWidth - 1 - (labelWidth + 2 + tail.length) < BAR_CELLS.min) {
    parts = parts.slice(0, -1);
    tail = parts.join(' | ');
  }
  const cells = Math.max(BAR_CELLS.min, Math.min(BAR_CELLS.max, maxWidth - 1 - (labelWidth + 2 + tail.length)));
  const filled = Math.round(Math.min(1, Math.max(0, progress)) * cells);
  const bar = chars.complete.repeat(filled) + chars.incomplete.repeat(cells - filled);
  return `${payload.label} ${bar} ${tail}`;
}

const CHARS = { complete: cliProgress.Presets.shades_classic.barCompleteChar, incomplete: cliProgress.Presets.shades_classic.barIncompleteChar };

const format: GenericFormatter = (_options, params, payload: BarPayload) => barLine(params.progress, payload, params.maxWidth, CHARS);

/**
 * A bar per wave on `stream` (a terminal), through cli-progress.
 * @param now - monotonic milliseconds (injected; `performance.now` in the CLI)
 */
export function createBarProgress(stream: TextStream, now: () => number, colors: Colors): CliProgress {
  const clock = new WaveClock(now);
  // cli-progress writes through this: cursor moves, the line, erase to its end.
  const terminal = {
    isTTY: true,
    get columns(): number {
      return stream.columns ?? DEFAULT_COLUMNS;
    },
    write: (chunk: string): boolean => {
      stream.write(chunk);
      return true;
    },
  };
  const options: Options = {
    // The terminal above has what cli-progress's Terminal uses of a stream: isTTY, columns, write.
    stream: terminal as unknown as NodeJS.WritableStream,
    format,
    fps: 1000 / REDRAW_INTERVAL_MS,
    linewrap: true,
    hideCursor: false,
    gracefulExit: false,
    clearOnComplete: true,
    forceRedraw: true,
    emptyOnZero: false,
  };
  let open: { readonly kind: 'load' | 'wave'; readonly multi: MultiBar; readonly bar: SingleBar } | null = null;
  let lastDrawMs = Number.NEGATIVE_INFINITY;

  const start = (kind: 'load' | 'wave', total: number, value: number, payload: BarPayload): void => {
    const multi = new cliProgress.MultiBar(options);
    open = { kind, multi, bar: multi.create(total, value, payload) };
    multi.update();
    lastDrawMs = now();
  };
  /** Sets the bar's state; redraws when `force` or when the last redraw is old enough. */
  const set = (value: number, payload: BarPayload, force: boolean): void => {
    if (open === null) return;
    open.bar.update(value, payload);
    if (!force && now() - lastDrawMs < REDRAW_INTERVAL_MS) return;
    open.multi.update();
    lastDrawMs = now();
  };
  /** Removes the open bar from the screen. */
  const close = (): void => {
    if (open === null) return;
    open.multi.stop();
    open = null;
  };
  /** A whole line above the wave's bar, or after the load bar. */
  const printLine = (text: string): void => {
    if (open?.kind === 'wave') {
      open.multi.log(`${text}\n`);
      open.multi.update();
      lastDrawMs = now();
      return;
    }
    close();
    stream.write(`${text}\n`);
  };
  const liveWave = (state: WaveState): BarPayload => {
    const pace = paceOf(state.done, state.tasks, now() - state.startedMs);
    return {
      label: colors.bold(waveLabel(state.wave, state.index, state.total)),
      tail: [`${state.done}/${state.tasks} tasks`, formatRate(pace.rate), formatEta(pace.etaS), `elapsed ${formatDuration(clock.elapsedS())}`],
    };
  };

  return {
    stage: (name, detail) => {
      printLine(`${name}: ${detail}`);
    },
    loadProgress: (readBytes, totalBytes, lines) => {
      if (open?.kind === 'wave') return;
      const total = Math.max(totalBytes, 1);
      const payload = { label: 'load', tail: [`${Math.floor((Math.min(readBytes, total) / total) * 100)}%, ${lines} lines`] };
      const value = Math.min(readBytes, total);
      if (open === null) start('load', total, value, payload);
      else set(value, payload, false);
    },
    waveStarted: (wave, index, total, tasks) => {
      close();
      start('wave', tasks, 0, liveWave(clock.started(wave, index, total, tasks)));
    },
    waveProgress: (done, tasks) => {
      const state = clock.current;
      if (state === null) return;
      state.done = done;
      set(done, liveWave(state), done >= tasks);
    },
    waveFinished: (wave, figures) => {
      const state = clock.finished(wave);
      const label = state === null ? `wave ${wave}` : waveLabel(state.wave, state.index, state.total);
      close();
      stream.write(`${colors.bold(label)}: ${finishedWaveText(state, figures, clock)}\n`);
    },
    warn: (message) => {
      printLine(`${colors.yellow('warning:')} ${message}`);
    },
    note: (text) => {
      printLine(text);
    },
    finish: () => {
      close();
    },
  };
}
