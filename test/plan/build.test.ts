import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.ts';
import { buildPlan, groupRows } from '../../src/plan/build.ts';
import type { PredictionRecord, ScheduleRecord } from '../../src/plan/build.ts';
import type { AgentProfile } from '../../src/plan/model.ts';
import { sameWaveDependencies } from '../../src/plan/model.ts';

function p(wave: number, taskId: string, agentId: string, prob: number, extra: Partial<PredictionRecord> = {}): PredictionRecord {
  return { wave, taskId, agentId, p: prob, predictedTimeS: 30, risk: 'MEDIUM', confidenceDelta: null, priority: null, dependsOn: [], requiredCapabilities: [], ...extra };
}

function s(wave: number, taskId: string, agentId: string, startS: number, endS: number, extra: Partial<ScheduleRecord> = {}): ScheduleRecord {
  return { wave, taskId, agentId, startS, endS, p: null, priority: null, ...extra };
}

function plan(predictions: PredictionRecord[], schedule: ScheduleRecord[] = [], waves: number | null = null, latestTimestampMs: number | null = null, profiles = new Map<string, AgentProfile>()) {
  return buildPlan({ rows: groupRows(predictions, schedule), profiles, waves, latestTimestampMs });
}

describe('buildPlan', () => {
  it('orders waves ascending, tasks by natural task_id, predictions by natural agent_id', () => {
    const result = plan([p(3, 't10', 'a', 0.5), p(1, 't10', 'agent_10', 0.5), p(1, 't2', 'agent_10', 0.5), p(1, 't10', 'agent_2', 0.6), p(1, 't1', 'agent_2', 0.5)]);
    expect(result.waves.map((w) => [w.wave, w.tasks.map((t) => [t.taskId, t.predictions.map((q) => q.agentId)])])).toEqual([
      [1, [['t1', ['agent_2']], ['t2', ['agent_10']], ['t10', ['agent_2', 'agent_10']]]],
      [3, [['t10', ['a']]]],
    ]);
    expect(result.agents.map((a) => a.agentId)).toEqual(['a', 'agent_2', 'agent_10']);
  });

  it('keeps the N lowest waves but lists the agents of every wave', () => {
    const result = plan([p(2, 't', 'b', 0.5), p(1, 't', 'a', 0.5), p(7, 't', 'c', 0.5)], [], 2);
    expect(result.waves.map((w) => w.wave)).toEqual([1, 2]);
    expect(result.agents.map((a) => a.agentId)).toEqual(['a', 'b', 'c']);
  });

  it('refuses --waves beyond the waves present, and a --waves below 1', () => {
    expect(() => plan([p(1, 't', 'a', 0.5), p(2, 't', 'a', 0.5), p(3, 't', 'a', 0.5)], [], 5)).toThrow(new InputError('--waves 5 but the input has 3 waves (1, 2, 3)'));
    expect(() => plan([p(4, 't', 'a', 0.5)], [], 2)).toThrow('--waves 2 but the input has 1 wave (4)');
    expect(() => plan([p(1, 't', 'a', 0.5)], [], 0)).toThrow(InputError);
  });

  it('suggests the schedule row with the highest p (row p, else prediction p), then earliest end; a tie on both suggests no agent', () => {
    const predictions = [p(1, 'x', 'agent_10', 0.9), p(1, 'x', 'agent_2', 0.5), p(1, 'y', 'agent_10', 0.5), p(1, 'y', 'agent_2', 0.5), p(1, 'z', 'agent_10', 0.5), p(1, 'z', 'agent_2', 0.5)];
    const schedule = [
      // x: no row p: prediction p 0.9 beats 0.5 and its later end
      s(1, 'x', 'agent_2', 0, 1),
      s(1, 'x', 'agent_10', 0, 9),
      // y: a row p of 0.95 on agent_2 beats the earlier end of agent_10
      s(1, 'y', 'agent_10', 0, 1, { p: 0.6 }),
      s(1, 'y', 'agent_2', 0, 2, { p: 0.95 }),
      // z: all equal: no single agent; the planned times are the tied rows' (agent_2 first in natural order)
      s(1, 'z', 'agent_10', 5, 6, { p: 0.5 }),
      s(1, 'z', 'agent_2', 5, 6, { p: 0.5 }),
      // a schedule row without a prediction is ignored
      s(1, 'z', 'agent_1', 0, 0, { p: 1 }),
    ];
    const tasks = plan(predictions, schedule).waves[0]?.tasks ?? [];
    expect(tasks.map((t) => t.suggested)).toEqual([
      { agentId: 'agent_10', plannedStartS: 0, plannedEndS: 9 },
      { agentId: 'agent_2', plannedStartS: 0, plannedEndS: 2 },
      { agentId: null, plannedStartS: 5, plannedEndS: 6 },
    ]);
  });

  it('forgets a tie once a strictly better row comes, and takes priority from tied rows', () => {
    const predictions = [p(1, 't', 'a', 0.5), p(1, 't', 'b', 0.5), p(1, 't', 'c', 0.5), p(1, 'u', 'a', 0.5), p(1, 'u', 'b', 0.5)];
    const schedule = [
      s(1, 't', 'a', 0, 5, { p: 0.5 }),
      s(1, 't', 'b', 0, 5, { p: 0.5 }),
      s(1, 't', 'c', 0, 9, { p: 0.7 }),
      s(1, 'u', 'a', 0, 5, { p: 0.5, priority: 1 }),
      s(1, 'u', 'b', 0, 5, { p: 0.5, priority: 1 }),
    ];
    const tasks = plan(predictions, schedule).waves[0]?.tasks ?? [];
    expect(tasks.map((t) => [t.taskId, t.suggested?.agentId, t.priority])).toEqual([
      ['t', 'c', 2],
      ['u', null, 1],
    ]);
  });

  it('resolves priority: first prediction row with one in agent order, else the chosen schedule row, else 2', () => {
    const predictions = [
      p(1, 'a', 'agent_10', 0.5, { priority: 3 }),
      p(1, 'a', 'agent_2', 0.5),
      p(1, 'a', 'agent_3', 0.5, { priority: 1 }),
      p(1, 'b', 'agent_2', 0.5),
      p(1, 'b', 'agent_3', 0.6),
      p(1, 'c', 'agent_2', 0.5),
    ];
    const schedule = [s(1, 'a', 'agent_2', 0, 1, { priority: 2 }), s(1, 'b', 'agent_2', 0, 1, { priority: 1 }), s(1, 'b', 'agent_3', 0, 1, { priority: 3 })];
    const tasks = plan(predictions, schedule).waves[0]?.tasks ?? [];
    expect(tasks.map((t) => [t.taskId, t.priority])).toEqual([
      ['a', 1],
      ['b', 3],
      ['c', 2],
    ]);
  });

  it('formats latestTimestamp as ISO-8601 UTC with milliseconds, or null', () => {
    expect(plan([p(1, 't', 'a', 0.5)], [], null, Date.UTC(2026, 10, 21, 23, 5, 1, 347)).latestTimestamp).toBe('2026-11-21T23:05:01.347Z');
    expect(plan([p(1, 't', 'a', 0.5)]).latestTimestamp).toBeNull();
  });

  it('uses the given profiles and the default profile for the rest', () => {
    const fast: AgentProfile = { agentId: 'b', maxConcurrency: 8, speed: 0.5, reliabilityOffset: 0.1, capabilities: ['x'] };
    const result = plan([p(1, 't', 'a', 0.5), p(1, 't', 'b', 0.5)], [], null, null, new Map([['b', fast]]));
    expect(result.agents).toEqual([{ agentId: 'a', maxConcurrency: 2, speed: 1, reliabilityOffset: 0, capabilities: [] }, fast]);
  });

  it('handles a task with many candidates (indexed path) like a task with few', () => {
    const agents = Array.from({ length: 12 }, (_, i) => `agent_${i}`);
    const predictions = agents.map((a, i) => p(1, 't', a, i === 7 ? 0.99 : 0.5));
    const schedule = agents.map((a) => s(1, 't', a, 0, 1));
    expect(plan(predictions, schedule).waves[0]?.tasks[0]?.suggested?.agentId).toBe('agent_7');
  });

  it('resolves depends_on (this wave first, else the nearest earlier wave) and orders each wave topologically', () => {
    // Wave 2: a diamond d -> {b, c} -> a (d depends on b and c, both on a), and "t" from wave 1.
    const predictions = [
      p(1, 't', 'x', 0.5),
      p(1, 'a', 'x', 0.5),
      p(2, 'd', 'x', 0.5, { dependsOn: ['b', 'c', 't'] }),
      p(2, 'c', 'x', 0.5, { dependsOn: ['a'] }),
      p(2, 'b', 'x', 0.5, { dependsOn: ['a'] }),
      p(2, 'a', 'x', 0.5),
      p(3, 'e', 'x', 0.5, { dependsOn: ['a', 't'] }),
    ];
    const result = plan(predictions, []);
    const wave2 = result.waves[1];
    expect(wave2?.tasks.map((t) => t.taskId)).toEqual(['a', 'b', 'c', 'd']);
    expect(wave2?.tasks[3]?.dependsOn).toEqual([{ wave: 2, taskId: 'b' }, { wave: 2, taskId: 'c' }, { wave: 1, taskId: 't' }]);
    expect(wave2?.topologicalOrder).toEqual([0, 1, 2, 3]);
    expect(wave2 === undefined ? null : sameWaveDependencies(wave2)).toEqual([[], [0], [0], [1, 2]]);
    expect(result.waves[2]?.tasks[0]?.dependsOn).toEqual([{ wave: 2, taskId: 'a' }, { wave: 1, taskId: 't' }]);
    expect(result.waves[0]?.topologicalOrder).toEqual([0, 1]);
  });

  it('puts a task after its same-wave dependencies even when it comes first in natural order', () => {
    const result = plan([p(1, 't1', 'x', 0.5, { dependsOn: ['t3'] }), p(1, 't2', 'x', 0.5), p(1, 't3', 'x', 0.5, { dependsOn: ['t2'] })], []);
    expect(result.waves[0]?.topologicalOrder).toEqual([1, 2, 0]);
  });

  it("takes required capabilities from the rows", () => {
    const result = plan([p(1, 't', 'x', 0.5, { requiredCapabilities: ['gpu', 'python'] }), p(1, 't', 'y', 0.5, { requiredCapabilities: ['gpu', 'python'] })], []);
    expect(result.waves[0]?.tasks[0]?.requiredCapabilities).toEqual(['gpu', 'python']);
  });
});
