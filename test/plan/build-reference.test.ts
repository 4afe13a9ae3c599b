/**
 * `buildPlan` (src/plan/build.ts) against a plain reference written from its TSDoc: tasks in
 * natural task_id order, predictions in natural agent order (`naturalCompare` per comparison),
 * priority from the first prediction with one, else the suggested row's, else 2; dependsOn the
 * union of the rows' lists in agent order (a `Set`), each resolved to this wave or the nearest
 * earlier one; the topological order from `sameWaveDependencies`. The rows are random: many or
 * few candidates (past the 16 that the build sorts by scanning), lists that agree or differ,
 * ties in the schedule.
 */
import { describe, expect, it } from 'vitest';
import { buildPlan, chooseSuggested, groupRows, resolveDependency, AgentRanks } from '../../src/plan/build.ts';
import type { PredictionRecord, RowsByWave, ScheduleRecord } from '../../src/plan/build.ts';
import type { Task, WavePlan } from '../../src/plan/model.ts';
import { sameWaveDependencies } from '../../src/plan/model.ts';
import { graphFromLists, topologicalOrder } from '../../src/util/dag.ts';
import { naturalCompare } from '../../src/util/natural.ts';
import { mulberry32 } from '../helpers/random.ts';

function referenceWave(rows: RowsByWave, waves: readonly number[], wave: number, ranks: AgentRanks): WavePlan {
  const groups = [...(rows.get(wave)?.values() ?? [])].filter((g) => g.predictions.length > 0).sort((a, b) => naturalCompare(a.taskId, b.taskId));
  const tasks: Task[] = groups.map((group) => {
    const sorted = [...group.predictions].sort((a, b) => naturalCompare(a.agentId, b.agentId));
    const chosen = chooseSuggested(group, ranks);
    const union = new Set<string>();
    for (const r of sorted) for (const id of r.dependsOn) union.add(id);
    const rowPriority = sorted.find((r) => r.priority !== null)?.priority ?? null;
    return {
      wave,
      taskId: group.taskId,
      priority: rowPriority ?? chosen?.row.priority ?? 2,
      predictions: sorted.map((r) => ({ agentId: r.agentId, p: r.p, predictedTimeS: r.predictedTimeS, risk: r.risk, confidenceDelta: r.confidenceDelta })),
      suggested: chosen === null ? null : { agentId: chosen.tied ? null : chosen.row.agentId, plannedStartS: chosen.row.startS, plannedEndS: chosen.row.endS },
      dependsOn: [...union].map((id) => resolveDependency(rows, waves, wave, id) ?? { wave: -1, taskId: id }),
      requiredCapabilities: sorted[0]?.requiredCapabilities ?? [],
    };
  });
  const order = topologicalOrder(graphFromLists(sameWaveDependencies({ wave, tasks }))) ?? [];
  return { wave, tasks, topologicalOrder: order };
}

describe('buildPlan against its reference', () => {
  it('builds the same plan from 300 random inputs', () => {
    const random = mulberry32(21);
    const int = (n: number): number => Math.floor(random() * n);
    for (let round = 0; round < 300; round++) {
      const agents = Array.from({ length: 1 + int(round % 10 === 0 ? 24 : 6) }, (_, i) => `agent_${(i * 7) % 25}`);
      const predictions: PredictionRecord[] = [];
      const schedule: ScheduleRecord[] = [];
      const waveNumbers = [1, 2, 3].slice(0, 1 + int(3));
      const idsOf = new Map<number, string[]>();
      for (const wave of waveNumbers) idsOf.set(wave, [...new Set(Array.from({ length: 1 + int(12) }, () => `t${int(13)}_${int(2)}`))]);
      for (const wave of waveNumbers) {
        const ids = idsOf.get(wave) ?? [];
        const earlierWaves = waveNumbers.filter((w) => w < wave).flatMap((w) => idsOf.get(w) ?? []).filter((id) => !ids.includes(id));
        ids.forEach((taskId, t) => {
          // Dependencies on tasks listed before it in this wave (no cycle) and on ids only earlier waves have.
          const pool = [...new Set([...ids.slice(0, t), ...earlierWaves])];
          const base = pool.filter(() => random() < 0.3);
          const mine = agents.filter(() => random() < 0.6);
          for (const agentId of mine.length === 0 ? [agents[0] ?? 'a'] : mine) {
            const how = int(4);
            // A record's dependsOn has no repeats (PredictionRecord); the rows' lists may differ.
            const dependsOn = how === 0 ? base : how === 1 ? [...base].reverse() : how === 2 ? [...new Set([...base, ...pool.slice(0, 1)])] : [];
            predictions.push({
              wave,
              taskId,
              agentId,
              p: [0.5, 0.7, 0.9][int(3)] ?? 0.5,
              predictedTimeS: 1 + int(60),
              risk: 'LOW',
              confidenceDelta: random() < 0.5 ? null : int(10) / 100,
              priority: random() < 0.7 ? null : ((1 + int(3)) as 1 | 2 | 3),
              dependsOn,
              requiredCapabilities: random() < 0.5 ? [] : ['gpu'],
            });
            if (random() < 0.6) {
              schedule.push({ wave, taskId, agentId, startS: 0, endS: [10, 20][int(2)] ?? 10, p: random() < 0.5 ? null : ([0.5, 0.9][int(2)] ?? 0.5), priority: random() < 0.5 ? null : ((1 + int(3)) as 1 | 2 | 3) });
            }
          }
        });
      }
      const rows = groupRows(predictions, schedule);
      const built = buildPlan({ rows, profiles: new Map(), waves: null, latestTimestampMs: null });
      const waves = [...rows.keys()].sort((a, b) => a - b);
      const ranks = new AgentRanks([...new Set(predictions.map((q) => q.agentId))].sort(naturalCompare));
      expect(built.waves).toEqual(waves.map((wave) => referenceWave(rows, waves, wave, ranks)));
    }
  });
});
