/**
 * The validator's task index (src/io/task-index.ts): its look-ups guess the slot after the
 * last one found before they ask the map; whatever the order of the questions, the answers are
 * the map's.
 */
import { describe, expect, it } from 'vitest';
import { TaskIndex, TaskSlot } from '../../src/io/task-index.ts';
import { AgentRanks, chooseSuggested } from '../../src/plan/build.ts';
import type { PredictionRecord, ScheduleRecord } from '../../src/plan/build.ts';
import { mulberry32 } from '../helpers/random.ts';

describe('TaskIndex', () => {
  it('creates one slot per (wave, task_id), ordinals in creation order per wave', () => {
    const index = new TaskIndex();
    const a = index.getOrCreate(1, 'a');
    const b = index.getOrCreate(1, 'b');
    const c = index.getOrCreate(2, 'a');
    expect([a.ordinal, b.ordinal, c.ordinal]).toEqual([0, 1, 0]);
    expect(index.getOrCreate(1, 'a')).toBe(a);
    expect(index.get(2, 'a')).toBe(c);
    expect(index.get(1, 'c')).toBeUndefined();
    expect(index.get(3, 'a')).toBeUndefined();
    expect([...(index.byWave.get(1)?.keys() ?? [])]).toEqual(['a', 'b']);
  });

  it('answers as a map does, in file order, shuffled order and across waves', () => {
    const random = mulberry32(7);
    const index = new TaskIndex();
    const reference = new Map<string, unknown>();
    const ids = Array.from({ length: 300 }, (_, i) => `task_${i}`);
    // Four "files" of the same order, one shuffled, one missing every third task, two waves interleaved.
    const shuffled = [...ids].sort(() => random() - 0.5);
    const orders = [ids, ids, shuffled, ids.filter((_, i) => i % 3 !== 0), ids];
    for (const [n, order] of orders.entries()) {
      for (const id of order) {
        const wave = n === 4 && random() < 0.5 ? 2 : 1;
        const key = `${wave}/${id}`;
        const known = reference.get(key);
        const slot = index.get(wave, id);
        expect(slot).toBe(known);
        if (slot === undefined) reference.set(key, index.getOrCreate(wave, id));
        expect(index.get(wave, id)?.taskId).toBe(id);
        if (random() < 0.1) expect(index.get(wave, `missing_${id}`)).toBeUndefined();
      }
    }
    expect(index.byWave.get(1)?.size).toBe(300);
  });

  it('keeps the task fields pass 1 needs: longest time, first row lists, agents, and a tie as chooseSuggested finds it', () => {
    const random = mulberry32(11);
    const int = (n: number): number => Math.floor(random() * n);
    let ties = 0;
    for (let round = 0; round < 3000; round++) {
      const slot = new TaskSlot('t', 0, true);
      const agents = ['a', 'b', 'c', 'd', 'e'].filter(() => random() < 0.7);
      const predictions: PredictionRecord[] = [];
      for (const [i, agentId] of agents.entries()) {
        const record: PredictionRecord = { wave: 1, taskId: 't', agentId, p: [0.5, 0.9][int(2)] ?? 0.5, predictedTimeS: 1 + int(50), risk: 'LOW', confidenceDelta: null, priority: null, dependsOn: [], requiredCapabilities: [] };
        if (i === 0) slot.setAgreed(['x', 'y'], ['gpu']);
        slot.addPrediction(agentId, record.p, record.predictedTimeS, i + 1, record);
        predictions.push(record);
      }
      const schedule: ScheduleRecord[] = [];
      for (const agentId of agents.filter(() => random() < 0.8)) {
        const row: ScheduleRecord = { wave: 1, taskId: 't', agentId, startS: 0, endS: [5, 10][int(2)] ?? 5, p: random() < 0.5 ? null : ([0.5, 0.9][int(2)] ?? 0.5), priority: null };
        slot.addSchedule(agentId, row.p, row.endS, 100 + schedule.length, row);
        schedule.push(row);
      }
      const chosen = chooseSuggested({ taskId: 't', predictions, schedule }, new AgentRanks(agents));
      expect(slot.suggestionTied).toBe(chosen?.tied ?? false);
      if (slot.suggestionTied) ties++;
      expect(slot.longestTimeS).toBe(Math.max(0, ...predictions.map((q) => q.predictedTimeS)));
      expect(slot.predictionAgents).toEqual(agents);
      expect(slot.rows).toEqual({ taskId: 't', predictions, schedule });
      if (agents.length > 0) {
        expect([slot.firstAgentId, slot.dependsOn, slot.requiredCapabilities, slot.firstLocation()]).toEqual([agents[0], ['x', 'y'], ['gpu'], 1]);
        expect(slot.predictionLine(agents.at(-1) ?? '')).toBe(agents.length);
      }
      expect(slot.locations()).toEqual([...agents.map((_, i) => i + 1), ...schedule.map((_, i) => 100 + i)]);
    }
    expect(ties).toBeGreaterThan(300);
  });
});
