import { describe, expect, it } from 'vitest';
import { capabilityStrategy, routingScore } from '../../src/assign/capability.ts';
import { getStrategy } from '../../src/assign/registry.ts';
import { initialStrategyState, recordWave } from '../../src/assign/state.ts';
import type { AgentProfile, Task } from '../../src/plan/model.ts';
import { agent, execution, rerouteRequest, rows, task, wave } from './helpers.ts';

const gpu = (a: AgentProfile): AgentProfile => ({ ...a, capabilities: ['gpu'], maxConcurrency: 1 });
const plain = (a: AgentProfile): AgentProfile => ({ ...a, maxConcurrency: 1 });
const requires = (t: Task, caps: readonly string[]): Task => ({ ...t, requiredCapabilities: caps });

// A has gpu, B has nothing; one slot each, speed 1.
const agents = [gpu(agent('A')), plain(agent('B'))];
// First wave records = mean predicted p over the wave: A 0.6, B 0.9.
// Fair share per slot: (10 + 10 + 10 + 10) / 2 slots = 20; cap 1.25 x 20 = 25 s.
const tasks = [
  requires(task('t1', [['A', 0.6, 10], ['B', 0.9, 10]]), ['gpu']),
  task('t2', [['A', 0.6, 10], ['B', 0.9, 10]]),
  task('t3', [['A', 0.6, 10], ['B', 0.9, 10]], { priority: 1 }),
  requires(task('t4', [['A', 0.6, 10], ['B', 0.9, 10]]), ['tpu']),
];

describe('capability', () => {
  it('is registered by name', () => {
    expect(getStrategy('capability')).toBe(capabilityStrategy);
  });
  it('routing score: record x (1 - load), load capped at 1', () => {
    expect(routingScore(0.8, 10, 25)).toBeCloseTo(0.8 * 0.6, 12);
    expect(routingScore(0.8, 30, 25)).toBe(0);
    expect(routingScore(0.5, 7, Infinity)).toBe(0.5);
  });
  it('priority first, then best p; capable candidates only; record x (1 - load)', () => {
    const result = capabilityStrategy.assignWave(wave(1, tasks), agents, initialStrategyState(agents));
    expect(rows(result.assignments)).toEqual([
      // t3 (priority 1): A 0.6 x 1 = 0.6, B 0.9 x 1 = 0.9 -> B (B at 10 s, load 0.4)
      ['t3', 'B', 0, 10],
      // t1 needs gpu: only A is capable, whatever the scores
      ['t1', 'A', 1, 10],
      // t2: A 0.6 x (1 - 10/25) = 0.36, B 0.9 x 0.6 = 0.54 -> B (20 s, load 0.8)
      ['t2', 'B', 2, 10],
      // t4 needs tpu, which nobody has: all candidates count (the capabilities gate blocks it);
      // A 0.36, B 0.9 x 0.2 = 0.18 -> A
      ['t4', 'A', 3, 10],
    ]);
  });
  it('a full agent scores 0 and ties go to the least work per slot', () => {
    // Later waves score by record: A (9+1)/(10+2) = 0.833, B (4+1)/(10+2) = 0.417.
    const state = recordWave(initialStrategyState(agents), execution(1, [['A', 10, 9], ['B', 10, 4]]));
    const three = [task('u1', [['A', 0.5, 40], ['B', 0.5, 40]]), task('u2', [['A', 0.5, 10], ['B', 0.5, 10]]), task('u3', [['A', 0.5, 10], ['B', 0.5, 10]])];
    // Fair share per slot 60 / 2 = 30, cap 37.5. u1 -> A (0.833 > 0.417), A at 40 s: load 1, score 0.
    // u2: A 0, B 0.417 -> B (10 s, load 0.267); u3: A 0, B 0.417 x 0.733 = 0.306 -> B.
    const result = capabilityStrategy.assignWave(wave(2, three), agents, state);
    expect(rows(result.assignments).map(([id, a]) => [id, a])).toEqual([['u1', 'A'], ['u2', 'B'], ['u3', 'B']]);
  });
  it('reroutes to the capable candidate with the best record', () => {
    const three = [gpu(agent('A')), plain(agent('B')), gpu(agent('C'))];
    const state = recordWave(initialStrategyState(three), execution(1, [['A', 10, 9], ['B', 10, 10], ['C', 10, 5]]));
    const t = requires(task('r', [['A', 0.5, 10], ['B', 0.5, 10], ['C', 0.5, 10]]), ['gpu']);
    // B has the best record but no gpu: C.
    expect(capabilityStrategy.reroute(rerouteRequest(t, 'A', three.slice(1), three), state).agentId).toBe('C');
  });
});
