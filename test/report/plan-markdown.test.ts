import { describe, expect, it } from 'vitest';
import { PLAN_CLOSING_NOTE, PLAN_REPORT_TITLE, renderPlanReport } from '../../src/report/plan-markdown.ts';
import type { PlanBlockedTask, PlanReportInput } from '../../src/report/plan-markdown.ts';

function blocked(n: number, wave: number): PlanBlockedTask[] {
  return Array.from({ length: n }, (_, i) => ({ taskId: `w${wave}-t${i + 1}`, agentId: 'agent_2', gate: 'min_probability', reason: 'p 0.05 < 0.10' }));
}

/** No dependencies, no capabilities, a 60 s critical path. */
const NONE = { dependentTasks: 0, dependencies: 0, capabilityTasks: 0, capabilities: [], criticalPathS: 60, makespanLowerBoundS: 60 };

const PLAN: PlanReportInput = {
  strategy: 'load_balanced',
  seed: 21,
  epoch: '2025-01-01T00:00:00.000Z',
  agents: ['agent_2', 'agent_10'],
  waves: [
    {
      wave: 1,
      tasks: 3,
      perAgent: [{ agentId: 'agent_2', tasks: 2, workS: 45.06 }, { agentId: 'agent_10', tasks: 1, workS: 30 }],
      blocked: [{ taskId: 'task|7', agentId: 'agent_10', gate: 'high_risk', reason: 'risk HIGH and p 0.20 < 0.30' }],
      ...NONE,
      dependentTasks: 2,
      dependencies: 3,
      capabilityTasks: 1,
      capabilities: ['gpu', 'tpu'],
      criticalPathS: 75.06,
      makespanLowerBoundS: 75.06,
    },
    { wave: 2, tasks: 2, perAgent: [{ agentId: 'agent_2', tasks: 1, workS: 60 }, { agentId: 'agent_10', tasks: 1, workS: 60 }], blocked: [], ...NONE },
  ],
};

const MD = renderPlanReport(PLAN);

describe('renderPlanReport', () => {
  it('has the title, sections in order and the closing note last', () => {
    expect(MD.startsWith(`${PLAN_REPORT_TITLE}\n\n## Summary\n`)).toBe(true);
    expect(PLAN_REPORT_TITLE).toBe('# Phase 21 Execution Plan (dry run)');
    const headings = MD.split('\n').filter((l) => l.startsWith('## ')).map((l) => l.slice(3));
    expect(headings).toEqual(['Summary', 'Assignments', 'Gate Decisions']);
    expect(MD.endsWith(`\n\n${PLAN_CLOSING_NOTE}\n`)).toBe(true);
    expect(PLAN_CLOSING_NOTE).toContain('Nothing was executed');
    expect(PLAN_CLOSING_NOTE).toContain('Files named here are relative to the output folder');
    expect(MD).not.toContain('\n\n\n');
  });

  it('summarises the plan', () => {
    expect(MD).toContain(
      [
        '- Strategy: `load_balanced`',
        '- Seed: 21',
        '- Epoch: `2025-01-01T00:00:00.000Z`',
        '- Waves: 2',
        '- Tasks: 5',
        '- Agents: 2 (`agent_2`, `agent_10`)',
        '- Blocked at the first attempt: 1',
      ].join('\n'),
    );
  });

  it('tables the assignments per wave', () => {
    expect(MD).toContain('### Wave 1\n\n3 tasks assigned.\n\n2 tasks depend on others (3 dependencies); 1 task requires capabilities (`gpu`, `tpu`). Critical path 75.1 s; makespan lower bound 75.1 s.\n\n| agent | tasks | work s |\n| --- | ---: | ---: |\n| agent_2 | 2 | 45.1 |\n| agent_10 | 1 | 30.0 |');
    expect(MD).toContain('### Wave 2\n\n2 tasks assigned.\n\nNo task depends on another; none requires a capability. Critical path 60.0 s; makespan lower bound 60.0 s.\n\n| agent | tasks | work s |\n| --- | ---: | ---: |\n| agent_2 | 1 | 60.0 |\n| agent_10 | 1 | 60.0 |');
  });

  it('lists blocked tasks with pipes escaped and says when none were blocked', () => {
    const gates = MD.slice(MD.indexOf('## Gate Decisions'));
    expect(gates).toContain('### Wave 1\n\n1 task was blocked:\n\n| task | agent | gate | reason |\n| --- | --- | --- | --- |\n| task\\|7 | agent_10 | high_risk | risk HIGH and p 0.20 < 0.30 |');
    expect(gates).toContain('### Wave 2\n\nNo task was blocked.');
  });

  it('lists at most 50 blocked tasks per wave, then a count', () => {
    const md = renderPlanReport({ ...PLAN, waves: [{ wave: 3, tasks: 60, perAgent: [], blocked: blocked(53, 3), ...NONE }] });
    const rows = md.split('\n').filter((l) => l.startsWith('| w3-t'));
    expect(rows.length).toBe(50);
    expect(rows[49]).toBe('| w3-t50 | agent_2 | min_probability | p 0.05 < 0.10 |');
    expect(md).toContain('53 tasks were blocked:');
    expect(md).toContain('... and 3 more in `wave_3/gate_decisions.jsonl`.');
    expect(md).toContain('- Blocked at the first attempt: 53');
    const exactly50 = renderPlanReport({ ...PLAN, waves: [{ wave: 1, tasks: 50, perAgent: [], blocked: blocked(50, 1), ...NONE }] });
    expect(exactly50).not.toContain('more in');
  });

  it('names at most 20 agents', () => {
    const agents = Array.from({ length: 23 }, (_, i) => `a${i + 1}`);
    const md = renderPlanReport({ ...PLAN, agents });
    expect(md).toContain('- Agents: 23 (`a1`, `a2`,');
    expect(md).toContain('`a20` and 3 more)');
    expect(md).not.toContain('`a21`');
  });

  it('renders an empty plan', () => {
    const md = renderPlanReport({ ...PLAN, agents: [], waves: [] });
    expect(md).toContain('- Waves: 0\n- Tasks: 0\n- Agents: 0\n- Blocked at the first attempt: 0');
    expect(md).toContain('## Assignments\n\nNo waves were planned.\n\n## Gate Decisions\n\nNo waves were planned.');
  });

  it('is deterministic and ends with one newline', () => {
    expect(renderPlanReport(PLAN)).toBe(MD);
    expect(MD.endsWith('.\n')).toBe(true);
  });
});
