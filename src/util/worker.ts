/**
 * Starting a `worker_threads` worker from the sources or from the bundle (docs/performance.md):
 * the same module runs as `src/<stage>/<name>.ts` under tsx or vitest, and as
 * `dist/cli/<bundled>.js` in the compiled command line (scripts/build.ts names each worker's
 * entry point), next to the chunk that starts it.
 */
import { Worker } from 'node:worker_threads';
import type { WorkerOptions } from 'node:worker_threads';

/**
 * The URL of a worker's entry point, seen from the module `from` (its `import.meta.url`): `source`
 * (relative, `./worker.ts`) when `from` is a `.ts` file, else `./<bundled>` in the bundle's folder.
 */
export function workerUrl(from: string, source: string, bundled: string): URL {
  return from.endsWith('.ts') ? new URL(source, from) : new URL(`./${bundled}`, from);
}

/**
 * Starts the worker at `url`. A `.ts` entry (the sources) starts from a small module that
 * registers tsx's loader in the worker first: a worker does not inherit `--import tsx`.
 * `options` are Node's (`workerData`, `resourceLimits`, ...), passed as they are.
 */
export function spawnWorker(url: URL, options: WorkerOptions = {}): Worker {
  if (!url.pathname.endsWith('.ts')) return new Worker(url, options);
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import { register } from ${JSON.stringify(tsx)};\nregister();\nawait import(${JSON.stringify(url.href)});\n`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`), options);
}
