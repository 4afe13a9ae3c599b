import { describe, expect, it } from 'vitest';
import { RerouteBook, moveTask, reroutePool, timeOn } from '../../src/assign/common.ts';
import { STRATEGIES } from '../../src/assign/registry.ts';
import { initialStrategyState, recordWave } from '../../src/assign/state.ts';
import type { Strategy, StrategyState } from '../../src/assign/types.ts';
import type { AgentProfile, Task } from '../../src/plan/model.ts';
import { agent, deepFreeze, execution, task, work } from './helpers.ts';
import { mulberry32 } from '../helpers/random.ts';

const agents = deepFreeze([agent('a1', 1), agent('a2', 2), agent('a3', 0.5), agent('a4', 1.5)]);

/** Tasks with 2 to 4 candidates each and times with many digits (so sums round). */
function tasks(random: () => number, n: number): Task[] {
  return Array.from({ length: n }, (_, i) => {
    const candidates = agents.filter(() => random() < 0.7);
    const rows = (candidates.length >= 2 ? candidates : agents.slice(0, 2)).map((a) => [a.agentId, 0.3 + 0.7 * random(), 1 + 100 * random()] as const);
    return task(`t${i}`, rows, { wave: 2 });
  });
}

type Move = { readonly kind: 'reroute'; readonly task: Task; readonly from: AgentProfile; readonly allowed: readonly AgentProfile[] } | { readonly kind: 'steal'; readonly task: Task; readonly from: AgentProfile; readonly to: AgentProfile };

/** Random reroutes (from one agent to the capable others) and steals, as the engine makes them. */
function moves(random: () => number, n: number): Move[] {
  return tasks(random, n).map((t) => {
    const from = agents[Math.floor(random() * agents.length)] as AgentProfile;
    const others = agents.filter((a) => a !== from);
    if (random() < 0.2) return { kind: 'steal', task: t, from, to: others[Math.floor(random() * others.length)] as AgentProfile };
    const allowed = others.filter((a) => t.predictions.some((p) => p.agentId === a.agentId));
    return { kind: 'reroute', task: t, from, allowed: allowed.length > 0 ? allowed : others.slice(0, 1) };
  });
}

function snapshot(state: StrategyState): unknown {
  return { rotation: state.rotation, workS: [...state.workS], records: [...state.records], wavesRecorded: state.wavesRecorded };
}

/** The moves one at a time through the strategy's pure `reroute` and `moveTask`, as the engine did. */
function oneByOne(strategy: Strategy, state: StrategyState, list: readonly Move[]): { targets: string[]; state: StrategyState } {
  const targets: string[] = [];
  for (const move of list) {
    if (move.kind === 'steal') {
      state = moveTask(move.task, move.from, move.to, state).state;
      continue;
    }
    const decision = strategy.reroute({ task: move.task, from: move.from, allowed: reroutePool(move.task, move.allowed), agents }, state);
    targets.push(decision.agentId);
    state = decision.state;
  }
  return { targets, state };
}

/**
 * The moves through books, a new one every `finishEvery` moves; with `tables`, each move gets the
 * task's predicted times per agent as the engine gives them (one flat table, at an offset).
 */
function throughBook(strategy: Pick<Strategy, 'reroute' | 'rule'>, state: StrategyState, list: readonly Move[], finishEvery: number, tables = false): { targets: string[]; state: StrategyState } {
  const targets: string[] = [];
  const timesS = tables ? Float64Array.from(list.flatMap((move) => agents.map((a) => timeOn(move.task, a.agentId)))) : undefined;
  let book = new RerouteBook(strategy, state, agents);
  list.forEach((move, i) => {
    const offset = i * agents.length;
    if (move.kind === 'steal') book.move(move.task, move.from, move.to, timesS, offset);
    else targets.push(book.reroute(move.task, move.from, reroutePool(move.task, move.allowed), timesS, offset));
    if ((i + 1) % finishEvery === 0) book = new RerouteBook(strategy, book.finish(), agents);
  });
  return { targets, state: book.finish() };
}

describe('RerouteBook: a queue of reroutes on one copy of the state', () => {
  const start = (random: () => number): StrategyState => {
    const placed = STRATEGIES.get('load_balanced')?.assignWave({ wave: 1, tasks: tasks(random, 12), topologicalOrder: [] }, agents, initialStrategyState(agents));
    if (placed === undefined) throw new Error('fixture');
    return recordWave({ ...placed.state, rotation: 3 }, execution(1, [['a1', 4, 3], ['a2', 4, 1], ['a3', 2, 2], ['a4', 5, 5]]));
  };

  for (const [name, strategy] of STRATEGIES) {
    it(`${name}: gives the same targets and bit-identical state as one reroute at a time, and leaves its input alone`, () => {
      expect(strategy.rule).toBeDefined();
      for (const seed of [1, 2, 3, 4, 5]) {
        const random = mulberry32(seed);
        const state = deepFreeze(start(random));
        const before = snapshot(state);
        const list = moves(random, 300);
        const expected = oneByOne(strategy, state, list);
        for (const [finishEvery, tables] of [[1, false], [7, false], [1000, false], [1000, true], [7, true]] as const) {
          const got = throughBook(strategy, state, list, finishEvery, tables);
          expect(got.targets).toEqual(expected.targets);
          expect(snapshot(got.state)).toEqual(snapshot(expected.state));
          expect(Object.isFrozen(got.state)).toBe(true);
        }
        expect(snapshot(state)).toEqual(before);
        // The first-wave branch of priority and the records of capability differ: cover both.
        const fresh = initialStrategyState(agents);
        expect(throughBook(strategy, fresh, list, 1000).targets).toEqual(oneByOne(strategy, fresh, list).targets);
      }
    });
  }

  it('worked by hand: load_balanced moves a task to the least work per slot and moves its work', () => {
    const strategy = STRATEGIES.get('load_balanced');
    if (strategy === undefined) throw new Error('fixture');
    const t = task('t', [['a1', 0.9, 10], ['a2', 0.8, 4], ['a3', 0.7, 6]]);
    const state = { ...initialStrategyState(agents), workS: new Map([['a1', 30], ['a2', 12], ['a3', 2], ['a4', 0]]) };
    const book = new RerouteBook(strategy, state, agents);
    // Pool a2 (12 / 2 slots = 6 s per slot) and a3 (1 s per slot): a3.
    expect(book.reroute(t, agents[0] as AgentProfile, [agents[1] as AgentProfile, agents[2] as AgentProfile])).toBe('a3');
    // a1 loses 10 x 1 = 10; a3 gains 6 x 0.5 = 3. Again from a3: a2 (6 per slot) beats a1 (10 per slot).
    expect(book.reroute(t, agents[2] as AgentProfile, [agents[0] as AgentProfile, agents[1] as AgentProfile])).toBe('a2');
    // a3 loses 3 (to 2); a2 gains 4 x 2 = 8.
    book.move(t, agents[1] as AgentProfile, agents[3] as AgentProfile);
    // a2 loses 8 (to 12); a4 gains the mean time (20 / 3) x 1.5 = 10 for a non-candidate.
    expect(work(book.finish().workS)).toEqual({ a1: 20, a2: 12, a3: 2, a4: 10 });
    expect(work(state.workS)).toEqual({ a1: 30, a2: 12, a3: 2, a4: 0 });
  });

  it("takes a move's predicted times from the caller's table when it gives one", () => {
    const strategy = STRATEGIES.get('load_balanced');
    if (strategy === undefined) throw new Error('fixture');
    const t = task('t', [['a1', 0.9, 10], ['a2', 0.8, 4], ['a3', 0.7, 6]]);
    const [a1, a2, a3, a4] = agents as [AgentProfile, AgentProfile, AgentProfile, AgentProfile];
    const book = new RerouteBook(strategy, { ...initialStrategyState(agents), workS: new Map([['a1', 30], ['a2', 12], ['a3', 2], ['a4', 0]]) }, agents);
    // Times per agent at offset 2: a1 8, a2 3, a3 7, a4 2 (not the task's 10, 4, 6, 20/3).
    const timesS = [99, 99, 8, 3, 7, 2];
    expect(book.reroute(t, a1, [a2, a3], timesS, 2)).toBe('a3');
    book.move(t, a2, a4, timesS, 2);
    // a1 30 - 8; a3 2 + 7 x 0.5; a2 12 - 3 x 2; a4 0 + 2 x 1.5.
    expect(work(book.finish().workS)).toEqual({ a1: 22, a2: 6, a3: 5.5, a4: 3 });
  });

  it("round_robin's rotation continues after the chosen agent, across batches", () => {
    const strategy = STRATEGIES.get('round_robin');
    if (strategy === undefined) throw new Error('fixture');
    const t = task('t', [['a1', 0.9, 10], ['a2', 0.8, 4], ['a3', 0.7, 6], ['a4', 0.7, 6]]);
    const book = new RerouteBook(strategy, { ...initialStrategyState(agents), rotation: 2 }, agents);
    const [a1, a2, a3, a4] = agents as [AgentProfile, AgentProfile, AgentProfile, AgentProfile];
    expect(book.reroute(t, a3, [a1, a2, a4])).toBe('a4'); // rotation 2 -> a3 is out, a4 next
    expect(book.reroute(t, a4, [a1, a2, a3])).toBe('a1'); // rotation 0
    expect(book.finish().rotation).toBe(1);
    expect(book.reroute(t, a1, [a3])).toBe('a3');
    expect(book.finish().rotation).toBe(3);
  });

  it("a strategy without a rule (a test's) is called through its reroute, state threaded", () => {
    const calls: number[] = [];
    const ruleless: Pick<Strategy, 'reroute'> = {
      reroute: ({ allowed }, state) => {
        calls.push(state.rotation);
        return { agentId: (allowed[0] as AgentProfile).agentId, state: { ...state, rotation: state.rotation + 1 } };
      },
    };
    const t = task('t', [['a1', 0.9, 10], ['a2', 0.8, 4]]);
    const book = new RerouteBook(ruleless, initialStrategyState(agents), agents);
    expect(book.reroute(t, agents[0] as AgentProfile, [agents[1] as AgentProfile])).toBe('a2');
    expect(book.reroute(t, agents[1] as AgentProfile, [agents[0] as AgentProfile])).toBe('a1');
    book.move(t, agents[0] as AgentProfile, agents[1] as AgentProfile);
    const state = book.finish();
    expect(calls).toEqual([0, 1]);
    expect(state.rotation).toBe(2);
    expect(work(state.workS)).toEqual({ a1: 0, a2: 8, a3: 0, a4: 0 });
  });

  it('refuses a reroute with no allowed agent (the engine must not ask: a bug)', () => {
    const strategy = STRATEGIES.get('confidence');
    if (strategy === undefined) throw new Error('fixture');
    const book = new RerouteBook(strategy, initialStrategyState(agents), agents);
    expect(() => book.reroute(task('t9', [['a1', 0.9, 10]]), agents[0] as AgentProfile, [])).toThrow('reroute of task "t9" (wave 1) with no allowed capable candidate');
  });
});
