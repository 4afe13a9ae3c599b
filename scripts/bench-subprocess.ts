/**
 * `npm run bench:subprocess -- [--attempts 400] [--slots 1,4,16] [--command true]`
 *
 * The subprocess world's overhead per attempt (contract section 11, issue 8): runs `--attempts`
 * attempts of a no-op command (default `true`) through the world's own parts, the
 * {@link SubprocessExecutor} on the {@link RealTimeScheduler} with the execa
 * {@link LocalCommandRunner}, keeping `slots` attempts in flight (a new one starts when one
 * ends, as an agent with max_concurrency = slots does), and prints attempts per second and
 * milliseconds per attempt for each slot count. Exit 0 whatever the figures.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_OPTIONS } from '../src/options.ts';
import type { AgentProfile } from '../src/plan/model.ts';
import type { AttemptRequest } from '../src/ports.ts';
import { SubprocessExecutor } from '../src/worlds/subprocess/executor.ts';
import { LocalCommandRunner } from '../src/worlds/subprocess/local-runner.ts';
import { NODE_TIMERS, RealTimeScheduler } from '../src/worlds/subprocess/realtime-scheduler.ts';

const { values } = parseArgs({
  options: {
    attempts: { type: 'string', default: '400' },
    slots: { type: 'string', default: '1,4,16' },
    command: { type: 'string', default: 'true' },
  },
});
const attempts = Number(values.attempts);
const slotCounts = values.slots.split(',').map(Number);
const command = values.command.split(' ');

const agent: AgentProfile = { agentId: 'A', maxConcurrency: 1, speed: 1, reliabilityOffset: 0, capabilities: [] };
/** Attempt `i` (the executor reads only the ids, p and predicted time of a request). */
const request = (i: number): AttemptRequest => ({
  wave: 1,
  task: { taskId: `t${i}`, wave: 1, priority: 2, predictions: [], suggested: null, dependsOn: [], requiredCapabilities: [] },
  agent,
  attempt: 0,
  p: 0.5,
  predictedTimeS: 1,
});

/** Runs `attempts` attempts with `slots` in flight; wall seconds. */
async function measure(slots: number): Promise<{ seconds: number; failed: number }> {
  const scheduler = new RealTimeScheduler({ nowMs: () => performance.now(), timers: NODE_TIMERS });
  const runner = new LocalCommandRunner();
  const executor = new SubprocessExecutor(runner, scheduler, new Map([['A', command]]), DEFAULT_OPTIONS.subprocess, new AbortController().signal);
  let started = 0;
  let ended = 0;
  let failed = 0;
  const startOne = (): void => {
    const i = started++;
    executor.start(request(i), (result) => {
      ended++;
      if (!result.succeeded) failed++;
      if (started < attempts) startOne();
    });
  };
  const t0 = performance.now();
  for (let s = 0; s < Math.min(slots, attempts); s++) startOne();
  await scheduler.runUntil(() => ended === attempts);
  const seconds = (performance.now() - t0) / 1000;
  await runner.close();
  return { seconds, failed };
}

console.log(`subprocess world: ${attempts} attempts of ${JSON.stringify(command)} per slot count (node ${process.version})`);
console.log('| slots | attempts/s | ms per attempt | wall s | failed |');
console.log('|---:|---:|---:|---:|---:|');
for (const slots of slotCounts) {
  const { seconds, failed } = await measure(slots);
  console.log(`| ${slots} | ${(attempts / seconds).toFixed(1)} | ${((seconds * 1000) / attempts).toFixed(2)} | ${seconds.toFixed(2)} | ${failed} |`);
}
