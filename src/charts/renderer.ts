/**
 * Where the charts are rendered (docs/performance.md, "Charts off the main thread"): a
 * {@link ChartRenderer} takes Vega-Lite specs and gives their SVG text, the same bytes as
 * {@link renderSvg} in the main thread.
 *
 * {@link startChartWorker} renders in a `worker_threads` worker (src/charts/worker.ts), so the
 * run simulates its next wave while the worker draws the last one; the worker loads vega and
 * vega-lite as soon as it starts, while the input loads. {@link inProcessRenderer} renders in
 * the calling thread (scripts, and a fallback for callers that want no thread).
 *
 * Requests are answered in the order they were made; the worker renders one chart at a time
 * (vega's SVG id counters are global to a thread, src/charts/render.ts).
 */
import { spawnWorker, workerUrl } from '../util/worker.ts';
import type { ChartSpec } from './render.ts';

/** Renders chart specs to SVG text. */
export interface ChartRenderer {
  /**
   * Queues `spec`; resolves with its SVG text, the bytes {@link renderSvg} gives.
   * @throws Error (as a rejection) when the spec does not render, or the renderer has stopped
   */
  render(spec: ChartSpec): Promise<string>;
  /** Stops the renderer (terminates the worker); pending renders reject. Idempotent. */
  close(): Promise<void>;
}

/** A request to the worker: render `spec`, answer with `id`. */
export interface RenderRequest {
  readonly id: number;
  readonly spec: ChartSpec;
}

/** The worker's answer to the {@link RenderRequest} `id`. */
export type RenderReply = { readonly id: number; readonly kind: 'svg'; readonly svg: string } | { readonly id: number; readonly kind: 'error'; readonly message: string };

interface Pending {
  readonly resolve: (svg: string) => void;
  readonly reject: (error: Error) => void;
}

/**
 * Starts the chart worker at once (it begins loading vega) and returns its renderer. The
 * caller must {@link ChartRenderer.close} it on every path, or the thread keeps the process
 * alive.
 *
 * A worker that fails to start or dies rejects every pending and later render with
 * `chart worker: <reason>`.
 */
export function startChartWorker(): ChartRenderer {
  const worker = spawnWorker(workerUrl(import.meta.url, './worker.ts', 'chart-worker.js'));
  const pending = new Map<number, Pending>();
  let nextId = 0;
  let stopped: Error | null = null;
  const stop = (reason: Error): void => {
    if (stopped === null) stopped = reason;
    for (const p of pending.values()) p.reject(stopped);
    pending.clear();
  };
  worker.on('message', (reply: RenderReply) => {
    const p = pending.get(reply.id);
    if (p === undefined) return;
    pending.delete(reply.id);
    if (reply.kind === 'svg') p.resolve(reply.svg);
    else p.reject(new Error(reply.message));
  });
  worker.on('error', (error: Error) => {
    stop(new Error(`chart worker: ${error.message}`, { cause: error }));
  });
  worker.on('exit', (code) => {
    stop(new Error(`chart worker: stopped (exit code ${code})`));
  });
  let closing: Promise<void> | null = null;
  return {
    render(spec) {
      if (stopped !== null) return Promise.reject(stopped);
      const id = nextId++;
      return new Promise<string>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        const request: RenderRequest = { id, spec };
        worker.postMessage(request);
      });
    },
    close() {
      if (closing === null) {
        stop(new Error('chart worker: closed'));
        // Resolves once the thread has stopped.
        closing = worker.terminate().then(() => undefined);
      }
      return closing;
    },
  };
}

/** A renderer in the calling thread: {@link renderSvg}, one chart at a time, loaded at the first render. */
export function inProcessRenderer(): ChartRenderer {
  let queue: Promise<unknown> = Promise.resolve();
  return {
    render(spec) {
      const svg = queue.then(async () => {
        const { renderSvg } = await import('./render.ts');
        return renderSvg(spec);
      });
      queue = svg.catch(() => undefined);
      return svg;
    },
    close: () => Promise.resolve(),
  };
}
