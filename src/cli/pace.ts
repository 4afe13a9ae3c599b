/**
 * Rate, elapsed time and ETA of the progress display (contract section 12: "tasks done, rate
 * and an ETA"), from an injected monotonic clock. Pure.
 */
import { fixed } from '../util/format.ts';

/** Where a run stands, for the progress display. */
export interface Pace {
  /** Tasks per second, or null before any task is done or any time has passed. */
  readonly rate: number | null;
  /** Seconds still to go, or null while the rate is unknown. */
  readonly etaS: number | null;
}

/**
 * The rate `done / elapsed` and the ETA `(total - done) / rate` (a linear extrapolation of the
 * rate so far). The ETA is 0 once `done >= total`.
 * @param elapsedMs - milliseconds spent on the `done` tasks
 */
export function paceOf(done: number, total: number, elapsedMs: number): Pace {
  if (done >= total) return { rate: done > 0 && elapsedMs > 0 ? done / (elapsedMs / 1000) : null, etaS: 0 };
  if (done <= 0 || elapsedMs <= 0) return { rate: null, etaS: null };
  const rate = done / (elapsedMs / 1000);
  return { rate, etaS: (total - done) / rate };
}

/** `0:07`, `12:34`, `1:02:03`: whole seconds (rounded down) as m:ss, or h:mm:ss from an hour. */
export function formatDuration(seconds: number): string {
  const total = Math.max(0, Math.floor(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** `812 tasks/s` (no decimals from 100), `8.5 tasks/s`, or `- tasks/s` when unknown. */
export function formatRate(rate: number | null): string {
  if (rate === null) return '- tasks/s';
  return `${fixed(rate, rate >= 100 ? 0 : 1)} tasks/s`;
}

/** `ETA 0:03`, or `ETA -` when unknown. */
export function formatEta(etaS: number | null): string {
  return etaS === null ? 'ETA -' : `ETA ${formatDuration(etaS)}`;
}
