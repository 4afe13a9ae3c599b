import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadInput } from '../../src/io/load.ts';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
const fixture = resolve(projectRoot, '../shared/fixtures/phase20-upstream/varied-10k');
const present = existsSync(fixture);

describe.skipIf(!present)(`real Phase 20 output (skipped when ${fixture} is absent, as on a fresh clone)`, () => {
  it('loads varied-10k: 3 waves, 4 agents, 2502 tasks, 10008 prediction rows', async () => {
    const result = await loadInput({ input: fixture, agentsFile: null, waves: null, onInvalid: 'fail' });
    const tasks = result.plan.waves.flatMap((w) => w.tasks);
    expect(result.layout).toBe('tree');
    expect(result.plan.waves.map((w) => w.wave)).toEqual([1, 2, 3]);
    expect(result.plan.agents.map((a) => a.agentId)).toEqual(['agent_0', 'agent_1', 'agent_2', 'agent_3']);
    expect(tasks).toHaveLength(2502);
    expect(tasks.reduce((n, t) => n + t.predictions.length, 0)).toBe(10008);
    expect(result.files).toHaveLength(24);
    expect(result.files.every((f) => f.lines === 834 && f.acceptedRows === 834 && f.rejectedRows === 0)).toBe(true);
    // Phase 20 lists every task in every agent's schedule with identical values: the rows give
    // priority and planned times, but no single agent is suggested, and the loader says so once.
    expect(tasks.every((t) => t.suggested !== null && t.suggested.agentId === null)).toBe(true);
    expect(result.warnings.map((w) => [w.field, w.problem])).toEqual([
      [
        'predicted_schedule',
        '2502 tasks are scheduled on several agents with identical rows, so Phase 20 suggests no single agent for them (the schedule strategy places them by least work)',
      ],
    ]);
    // 267 tasks of wave 1 have schedule priority 1 (grep '"priority": 1' wave_1/agent_0/predicted_schedule.jsonl).
    expect(result.plan.waves[0]?.tasks.filter((t) => t.priority === 1)).toHaveLength(267);
    expect(result.plan.latestTimestamp).toBe('2026-11-21T23:05:01.772Z');
    expect(result.plan.waves[0]?.tasks[0]).toEqual({
      wave: 1,
      taskId: 'task_1_1',
      priority: 2,
      predictions: [
        { agentId: 'agent_0', p: 0.7474, predictedTimeS: 25.26, risk: 'MEDIUM', confidenceDelta: 0.0266 },
        { agentId: 'agent_1', p: 0.7474, predictedTimeS: 25.26, risk: 'MEDIUM', confidenceDelta: 0.0204 },
        { agentId: 'agent_2', p: 0.7474, predictedTimeS: 25.26, risk: 'MEDIUM', confidenceDelta: 0.0182 },
        { agentId: 'agent_3', p: 0.7474, predictedTimeS: 25.26, risk: 'MEDIUM', confidenceDelta: 0.029 },
      ],
      suggested: { agentId: null, plannedStartS: 0, plannedEndS: 25.26 },
      dependsOn: [],
      requiredCapabilities: [],
    });
  });
});
