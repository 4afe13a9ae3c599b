/**
 * `--world subprocess` (contract section 11): each attempt is a real command run by the local
 * runner (execa), or with `--queue` by `npm run worker` processes through the queue runner, on
 * a real-time clock. Prepared before anything is written: every agent of the run must have an
 * argv, its own (`command` in the agents file) or the config file's `subprocess.command`, and
 * the `--queue` Redis must answer; otherwise exit 2 naming the agents and the file, or the URL.
 */
import { UsageError } from '../../errors.ts';
import { resolveAgentsFile } from '../../io/agents-file.ts';
import type { RunOptions } from '../../options.ts';
import type { AgentProfile } from '../../plan/model.ts';
import type { World } from '../registry.ts';
import { openCommandRunner } from '../queue/open.ts';
import { maskedQueueUrl } from '../queue/settings.ts';
import { SubprocessExecutor } from './executor.ts';
import { NODE_TIMERS, RealTimeScheduler } from './realtime-scheduler.ts';

/** Shown at most this many agents without a command; the rest are counted. */
const MAX_NAMED = 10;

/**
 * Each agent's argv: its profile's `command`, else the config's `subprocess.command`.
 * @throws UsageError naming the agents without one and where to give it
 */
export function commandsOf(agents: readonly AgentProfile[], options: Pick<RunOptions, 'subprocess' | 'input' | 'agentsFile'>): Map<string, readonly string[]> {
  const commands = new Map<string, readonly string[]>();
  const missing: string[] = [];
  for (const agent of agents) {
    const command = agent.command ?? options.subprocess.command;
    if (command === null) missing.push(agent.agentId);
    else commands.set(agent.agentId, command);
  }
  if (missing.length === 0) return commands;
  const file = resolveAgentsFile(options.input, options.agentsFile);
  const named = missing.slice(0, MAX_NAMED).join(', ') + (missing.length > MAX_NAMED ? ` and ${missing.length - MAX_NAMED} more` : '');
  const where = file === null ? 'in an --agents-file (there is none)' : `in ${file}`;
  throw new UsageError(
    `--world subprocess: no command for ${missing.length === 1 ? 'agent' : 'agents'} ${named}: give each a "command": ["program", "arg"] ${where}, or one for every agent as "subprocess": {"command": [...]} in the --config file`,
  );
}

/** The argv of a run's agents in one phrase: `examples/agent.sh` or `3 commands`. */
function describeCommands(commands: ReadonlyMap<string, readonly string[]>): string {
  const distinct = new Set([...commands.values()].map((c) => JSON.stringify(c)));
  if (distinct.size !== 1) return `${distinct.size} commands`;
  const [only] = commands.values();
  return (only ?? []).join(' ');
}

/**
 * `--world subprocess`. `prepare` opens the command runner (`openCommandRunner`: local, or the
 * queue runner on `--queue` under the setup's run id); the instance's `close` and the prepared
 * world's `close` both close it (idempotent).
 * @throws UsageError for an agent without a command or a bad `--queue`; QueueError when the
 *   `--queue` Redis cannot be reached (exit 2, nothing written)
 */
export const subprocessWorld: World = {
  name: 'subprocess',
  describe: 'every attempt runs a real command (argv from the config file or the agent profile), the attempt JSON on stdin, exit 0 = success; with --queue on npm run worker processes (contract section 11)',
  prepare: async ({ options, plan, runId }) => {
    const commands = commandsOf(plan.agents, options);
    const runner = await openCommandRunner(options, { now: () => performance.now(), runId });
    const { timeoutS, killGraceS } = options.subprocess;
    const scale = options.timeScale === 1 ? '' : `, delays x ${options.timeScale}`;
    const where = options.queue === null ? '' : ` on workers of the queue at ${maskedQueueUrl(options.queue)}`;
    return {
      name: 'subprocess' as const,
      detail: `real commands (${describeCommands(commands)})${where}, timeout ${timeoutS} s, kill grace ${killGraceS} s${scale}`,
      inputs: [],
      timeScale: options.timeScale,
      create: ({ startS, signal }) => {
        const scheduler = new RealTimeScheduler({ nowMs: () => performance.now(), timers: NODE_TIMERS, startS, ...(signal === undefined ? {} : { signal }) });
        const executor = new SubprocessExecutor(runner, scheduler, commands, options.subprocess, signal ?? new AbortController().signal);
        return { executor, scheduler, close: () => runner.close() };
      },
      close: () => runner.close(),
    };
  },
};
