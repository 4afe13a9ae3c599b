import { describe, expect, it } from 'vitest';
import { flipCause, OutcomeTable, Pairing, type OutcomeRow } from '../../src/compare/outcomes.ts';
import { row, type TaskRow } from './helpers.ts';

/** A TaskRow as the comparison reads it. */
function outcome(r: TaskRow): OutcomeRow {
  return {
    wave: r.wave,
    task_id: r.task_id,
    agent_id: r.agent_id ?? null,
    first_agent_id: r.first_agent_id ?? null,
    status: r.status,
    attempts: r.attempts ?? 0,
    first_attempt_success: r.first_attempt_success ?? null,
    gate: r.gate ?? null,
  };
}

function pair(a: readonly TaskRow[], b: readonly TaskRow[]): ReturnType<Pairing['finish']> {
  const table = new OutcomeTable();
  for (const r of a) expect(table.add(outcome(r))).not.toBeNull();
  const pairing = new Pairing(table);
  for (const r of b) expect(pairing.add(outcome(r))).toBe(true);
  return pairing.finish();
}

describe('flipCause: one hand-made pair per cause', () => {
  it('dependency: B refused by the dependencies gate', () => {
    const a = outcome(row(1, 't', 'succeeded'));
    const b = outcome(row(1, 't', 'blocked', { gate: 'dependencies' }));
    expect(flipCause(a, b)).toBe('dependency');
    expect(flipCause(b, a)).toBe('dependency');
  });

  it('gate: A refused by high_risk, B ran the task on the same agent', () => {
    const a = outcome(row(1, 't', 'blocked', { gate: 'high_risk' }));
    const b = outcome(row(1, 't', 'failed'));
    expect(flipCause(a, b)).toBe('gate');
  });

  it('other agent: the first attempt ran elsewhere', () => {
    const a = outcome(row(1, 't', 'succeeded', { first_agent_id: 'agent_0', agent_id: 'agent_0' }));
    const b = outcome(row(1, 't', 'failed', { first_agent_id: 'agent_1', agent_id: 'agent_1' }));
    expect(flipCause(a, b)).toBe('other_agent');
  });

  it('other agent: same first agent, but the task ended on another (a reroute)', () => {
    const a = outcome(row(1, 't', 'failed', { first_agent_id: 'agent_0', agent_id: 'agent_0' }));
    const b = outcome(row(1, 't', 'succeeded', { first_agent_id: 'agent_0', agent_id: 'agent_2', attempts: 3 }));
    expect(flipCause(a, b)).toBe('other_agent');
  });

  it('other attempt count: B stopped after 2 attempts, A succeeded on its third', () => {
    const a = outcome(row(1, 't', 'succeeded', { attempts: 3, first_attempt_success: false }));
    const b = outcome(row(1, 't', 'failed', { attempts: 2 }));
    expect(flipCause(a, b)).toBe('other_attempt_count');
    expect(flipCause(b, a)).toBe('other_attempt_count');
  });

  it('another draw: B made 4 attempts, more than the 1 A needed, and still failed', () => {
    const a = outcome(row(1, 't', 'succeeded', { attempts: 1 }));
    const b = outcome(row(1, 't', 'failed', { attempts: 4 }));
    expect(flipCause(a, b)).toBe('another_draw');
  });

  it('another draw: equal attempt counts (A succeeded on its 4th, B failed all 4)', () => {
    const a = outcome(row(1, 't', 'succeeded', { attempts: 4, first_attempt_success: false }));
    const b = outcome(row(1, 't', 'failed', { attempts: 4 }));
    expect(flipCause(a, b)).toBe('another_draw');
  });

  it('precedence: a gate beats another agent; another agent beats the attempt count', () => {
    const blockedOn1 = outcome(row(1, 't', 'blocked', { gate: 'min_probability', agent_id: 'agent_1', first_agent_id: null }));
    expect(flipCause(outcome(row(1, 't', 'succeeded')), blockedOn1)).toBe('gate');
    const fewerElsewhere = outcome(row(1, 't', 'failed', { attempts: 1, first_agent_id: 'agent_1', agent_id: 'agent_1' }));
    expect(flipCause(outcome(row(1, 't', 'succeeded', { attempts: 3 })), fewerElsewhere)).toBe('other_agent');
  });
});

describe('OutcomeTable', () => {
  it('gives back every column as added, nulls included, and refuses a duplicate key', () => {
    const table = new OutcomeTable();
    const rows = [
      outcome(row(1, 'a', 'succeeded', { agent_id: 'agent_2', first_agent_id: 'agent_1', attempts: 2, first_attempt_success: false })),
      outcome(row(1, 'b', 'blocked', { agent_id: null, gate: 'dependencies' })),
      outcome(row(2, 'a', 'failed', { agent_id: 'agent_2', first_agent_id: 'agent_2' })),
    ];
    expect(rows.map((r) => table.add(r))).toEqual([0, 1, 2]);
    expect([0, 1, 2].map((i) => table.row(i))).toEqual(rows);
    expect(table.add(rows[0] as OutcomeRow)).toBeNull();
    expect(table.size).toBe(3);
    expect(table.indexOf(2, 'a')).toBe(2);
    expect(table.indexOf(3, 'a')).toBeUndefined();
    expect(() => table.row(3)).toThrow(RangeError);
  });
});

describe('Pairing', () => {
  it('counts the 2x2 tables, per wave too, and lists flips and one-run tasks in natural order', () => {
    const a = [
      row(1, 't10', 'succeeded'),
      row(1, 't2', 'succeeded'),
      row(1, 't3', 'failed'),
      row(1, 't4', 'blocked'),
      row(2, 't1', 'succeeded', { attempts: 2, first_attempt_success: false }),
      row(2, 'gone', 'succeeded'),
    ];
    const b = [
      row(2, 't1', 'succeeded'),
      row(1, 't10', 'failed'),
      row(1, 't2', 'succeeded'),
      row(1, 't3', 'succeeded'),
      row(1, 't4', 'blocked'),
      row(3, 'new', 'failed'),
    ];
    const result = pair(a, b);
    // Task outcomes over the 5 paired tasks: both = t2, t1; b (A only) = t10; c (B only) = t3; neither = t4.
    expect(result.taskOutcome).toEqual({ pairs: 5, both: 2, b: 1, c: 1, neither: 1 });
    // First attempts over tasks attempted in both (t4 never was): t10 1/0, t2 1/1, t3 0/1, t1 0/1.
    expect(result.firstAttempt).toEqual({ pairs: 4, both: 1, b: 1, c: 2, neither: 0 });
    expect([...result.perWave.keys()]).toEqual([1, 2]);
    expect(result.perWave.get(1)?.taskOutcome).toEqual({ pairs: 4, both: 1, b: 1, c: 1, neither: 1 });
    expect(result.perWave.get(2)?.firstAttempt).toEqual({ pairs: 1, both: 0, b: 0, c: 1, neither: 0 });
    expect(result.flips.map((f) => [f.wave, f.task_id, f.status_a, f.status_b, f.cause])).toEqual([
      [1, 't3', 'failed', 'succeeded', 'another_draw'],
      [1, 't10', 'succeeded', 'failed', 'another_draw'],
    ]);
    expect(result.oneRunOnly).toEqual([
      { wave: 2, task_id: 'gone', run: 'a', status: 'succeeded' },
      { wave: 3, task_id: 'new', run: 'b', status: 'failed' },
    ]);
    expect([result.onlyInA, result.onlyInB, result.tasksB]).toEqual([1, 1, 6]);
  });

  it('refuses a task B lists twice, paired or not', () => {
    const table = new OutcomeTable();
    table.add(outcome(row(1, 'x', 'succeeded')));
    const pairing = new Pairing(table);
    expect(pairing.add(outcome(row(1, 'x', 'succeeded')))).toBe(true);
    expect(pairing.add(outcome(row(1, 'x', 'failed')))).toBe(false);
    expect(pairing.add(outcome(row(1, 'y', 'failed')))).toBe(true);
    expect(pairing.add(outcome(row(1, 'y', 'failed')))).toBe(false);
    expect(pairing.finish().tasksB).toBe(2);
  });
});
