/** The agents a task may be rerouted to during one reroute pass (CapableAmong). */
import { describe, expect, it } from 'vitest';
import { INITIAL_BACKOFF } from '../../src/simulate/backoff.ts';
import { closedBreaker } from '../../src/simulate/breaker.ts';
import { Lane, type TaskRun, type WaveTables } from '../../src/simulate/lane.ts';
import { CapableAmong } from '../../src/simulate/wave-tables.ts';
import { pred, profile, task } from '../helpers/builders.ts';

/** Four agents; task i's capable-candidate flags per agent are row i. */
const ROWS = [
  [1, 1, 1, 1],
  [0, 1, 0, 1],
  [1, 0, 1, 0],
  [0, 0, 0, 1],
  [0, 1, 0, 1],
  [1, 0, 0, 0],
];
const tables: WaveTables = { lanes: 4, predictedTimesS: new Float64Array(ROWS.length * 4), capableCandidate: Uint8Array.from(ROWS.flat()) };
const lanes = ['a0', 'a1', 'a2', 'a3'].map((id, i) => new Lane(i, profile(id), closedBreaker({ policy: 'consecutive' }), () => 0));
const run = (index: number): TaskRun => ({
  task: task(`t${String(index)}`, [pred('a0', 0.8, 1)]),
  taskId: `t${String(index)}`,
  index, order: index, assignedAgentId: 'a0', tables, lane: 0, attempts: [], retryDelaysS: [], reroutes: 0, steals: 0,
  backoff: INITIAL_BACKOFF, refusal: null, status: null, firstLane: null, readyS: 0, startS: 0, endS: 0,
});
const ids = (list: readonly { readonly agentId: string }[]): string[] => list.map((agent) => agent.agentId);

describe('CapableAmong', () => {
  it('gives the closed agents capable of each task, in order: the closed list itself when all are, one shared list per set', () => {
    const closedLanes = [lanes[1], lanes[2], lanes[3]] as Lane[];
    const closed = closedLanes.map((lane) => lane.profile);
    const among = new CapableAmong(closedLanes, closed);
    expect(among.of(run(0))).toBe(closed);
    expect(ids(among.of(run(1)))).toEqual(['a1', 'a3']);
    expect(ids(among.of(run(2)))).toEqual(['a2']);
    expect(ids(among.of(run(3)))).toEqual(['a3']);
    expect(among.of(run(4))).toBe(among.of(run(1)));
    expect(among.of(run(5))).toEqual([]);
  });

  it('with no closed agent, every task has none', () => {
    const among = new CapableAmong([], []);
    for (let i = 0; i < ROWS.length; i++) expect(among.of(run(i))).toEqual([]);
  });

  it('past 30 closed agents, still the capable ones in order (no masks)', () => {
    const many = Array.from({ length: 31 }, (_, i) => new Lane(i % 4, profile(`m${String(i)}`), closedBreaker({ policy: 'consecutive' }), () => 0));
    const among = new CapableAmong(many, many.map((lane) => lane.profile));
    expect(ids(among.of(run(1)))).toEqual(many.filter((lane) => lane.index % 2 === 1).map((lane) => lane.profile.agentId));
    expect(among.of(run(0))).toHaveLength(31);
  });
});
