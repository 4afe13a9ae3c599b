/**
 * The chart worker (src/charts/renderer.ts, `startChartWorker`): a `worker_threads` entry
 * point that loads vega and vega-lite at once, then renders each {@link RenderRequest} it is
 * sent, one at a time in arrival order, and answers with the SVG text or the error's message.
 * Built as `dist/cli/chart-worker.js` (scripts/build.ts).
 */
import { parentPort } from 'node:worker_threads';
import { renderSvg } from './render.ts';
import type { RenderReply, RenderRequest } from './renderer.ts';

const port = parentPort;
if (port === null) throw new Error('src/charts/worker.ts runs as a worker thread (startChartWorker)');

// One chart at a time: vega's SVG id counters are global to the thread.
let queue: Promise<void> = Promise.resolve();
port.on('message', (request: RenderRequest) => {
  queue = queue.then(async () => {
    let reply: RenderReply;
    try {
      reply = { id: request.id, kind: 'svg', svg: await renderSvg(request.spec) };
    } catch (error: unknown) {
      reply = { id: request.id, kind: 'error', message: error instanceof Error ? error.message : String(error) };
    }
    port.postMessage(reply);
  });
});
