import { describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS } from '../../src/options.ts';
import { SILENT_PROGRESS } from '../../src/ports.ts';
import { SimulatedExecutor } from '../../src/simulate/executor.ts';
import { createKeyedRandom } from '../../src/simulate/rng.ts';
import { getWorld, UnknownWorldError, WORLDS } from '../../src/worlds/registry.ts';
import { countSources } from '../../src/worlds/sources.ts';
import { pred, profile, task } from '../helpers/builders.ts';
import { describeExecutorConformance, virtualWorld } from './executor-conformance.ts';

describeExecutorConformance('simulated', virtualWorld((scheduler) => new SimulatedExecutor(createKeyedRandom(21), { durationNoise: 0.25 }, scheduler), ['simulated']));

const plan = { waves: [], agents: [profile('A')], latestTimestamp: null };

describe('world registry', () => {
  it('holds simulated, replay and subprocess, in that order', () => {
    expect([...WORLDS.keys()]).toEqual(['simulated', 'replay', 'subprocess']);
    for (const [name, world] of WORLDS) {
      expect(world.name).toBe(name);
      expect(world.describe).not.toBe('');
    }
  });

  it('names the nearest world for a misspelt one', () => {
    expect(() => getWorld('replya')).toThrow(new UnknownWorldError('replya'));
    expect(() => getWorld('replya')).toThrow('unknown world "replya" (did you mean replay?); known: simulated, replay, subprocess');
    expect(() => getWorld('zzzzzzzzzz')).toThrow('unknown world "zzzzzzzzzz"; known: simulated, replay, subprocess');
  });

  it('the simulated world starts its clock where the run stands and draws like the simulated executor', async () => {
    const prepared = await getWorld('simulated').prepare({ options: DEFAULT_OPTIONS, plan, progress: SILENT_PROGRESS, runId: () => 'test' });
    const instance = prepared.create({ rng: createKeyedRandom(21), startS: 42, signal: undefined });
    expect(instance.scheduler.now()).toBe(42);
    expect(instance.executor.name).toBe('simulated');
    const request = { wave: 1, task: task('t', [pred('A', 0.6, 20)]), agent: profile('A'), attempt: 0, p: 0.6, predictedTimeS: 20 };
    let got: unknown = null;
    instance.executor.start(request, (r) => (got = r));
    await instance.scheduler.runUntil(() => got !== null);
    const reference = new SimulatedExecutor(createKeyedRandom(21), { durationNoise: DEFAULT_OPTIONS.durationNoise }, instance.scheduler);
    let expected: unknown = null;
    reference.start(request, (r) => (expected = r));
    await instance.scheduler.runUntil(() => expected !== null);
    expect(got).toEqual(expected);
    await instance.close();
  });
});

describe('countSources', () => {
  it('counts every attempt of every task by its source', () => {
    const attempt = (source: 'simulated' | 'recorded' | 'subprocess') => ({ source });
    const outcomes = [{ attempts: [attempt('recorded'), attempt('simulated'), attempt('recorded')] }, { attempts: [] }, { attempts: [attempt('subprocess')] }];
    expect(countSources({ outcomes })).toEqual({ simulated: 1, recorded: 2, subprocess: 1 });
  });
});
