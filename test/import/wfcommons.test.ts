/**
 * The importer's pure part on hand-made instances: rules, the mapping to rows (exact values)
 * and the official WfFormat schema's verdicts.
 *
 * The probabilities below were computed by a separate implementation of the documented formula
 * (cyrb53 of the length-prefixed key, in Python), not by this code.
 */
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/errors.ts';
import { agentIds, importedRows, MAX_AGENTS, predictedTime, successProbability } from '../../src/import/mapping.ts';
import { checkWfCommonsInstance, type ImportOutcome } from '../../src/import/wfcommons.ts';
import { compileWfFormatSchema, pointerToField } from '../../src/import/wfformat.ts';
import { PredictionRowSchema } from '../../src/schema/input.ts';
import { createKeyedRandom } from '../../src/simulate/rng.ts';
import { DIAMOND, executionRecord, makeInstance, readSchema, schemaPresent, specTask, type TestTask } from './helpers.ts';

/** Checks with a schema that accepts everything: only zod and the rules speak. */
const permissive = compileWfFormatSchema({});

function check(instance: unknown, validator = permissive): ImportOutcome {
  return checkWfCommonsInstance(instance, validator, 'w.json');
}

function problems(outcome: ImportOutcome): string[] {
  const list: readonly Diagnostic[] = outcome.kind === 'invalid' ? outcome.diagnostics : outcome.warnings;
  return list.map((d) => `${d.severity} ${d.field}: ${d.problem}`);
}

function imported(tasks: readonly TestTask[]): Extract<ImportOutcome, { kind: 'imported' }> {
  const outcome = check(makeInstance(tasks));
  if (outcome.kind !== 'imported') throw new Error(`expected an import: ${problems(outcome).join('; ')}`);
  return outcome;
}

describe('the diamond', () => {
  const outcome = imported(DIAMOND);

  it('becomes one row per (task, agent) with depends_on from the parents and the runtime floor', () => {
    const rows = importedRows(outcome.workflow, { agents: 2, seed: 20 });
    expect(rows).toEqual([
      {
        agentId: 'agent_0',
        rows: [
          { task_id: 'fetch', agent_id: 'agent_0', predicted_success_probability: 0.8827, predicted_execution_time: 10, depends_on: [] },
          { task_id: 'align.left_1', agent_id: 'agent_0', predicted_success_probability: 0.8228, predicted_execution_time: 5, depends_on: ['fetch'] },
          { task_id: 'align.right_2', agent_id: 'agent_0', predicted_success_probability: 0.8109, predicted_execution_time: 0.01, depends_on: ['fetch'] },
          { task_id: 'merge', agent_id: 'agent_0', predicted_success_probability: 0.7284, predicted_execution_time: 2.5, depends_on: ['align.left_1', 'align.right_2'] },
        ],
      },
      {
        agentId: 'agent_1',
        rows: [
          { task_id: 'fetch', agent_id: 'agent_1', predicted_success_probability: 0.8743, predicted_execution_time: 10, depends_on: [] },
          { task_id: 'align.left_1', agent_id: 'agent_1', predicted_success_probability: 0.8287, predicted_execution_time: 5, depends_on: ['fetch'] },
          { task_id: 'align.right_2', agent_id: 'agent_1', predicted_success_probability: 0.8104, predicted_execution_time: 0.01, depends_on: ['fetch'] },
          { task_id: 'merge', agent_id: 'agent_1', predicted_success_probability: 0.7457, predicted_execution_time: 2.5, depends_on: ['align.left_1', 'align.right_2'] },
        ],
      },
    ]);
  });

  it('counts tasks, dependencies, roots and floored runtimes, with no warning', () => {
    expect(outcome.stats).toEqual({ tasks: 4, dependencies: 4, roots: 1, raisedToFloor: 1, missingRuntime: 0 });
    expect(outcome.warnings).toEqual([]);
  });

  it('gives rows the harness schema accepts', () => {
    for (const { rows } of importedRows(outcome.workflow, { agents: 3, seed: 1 })) {
      for (const row of rows) expect(PredictionRowSchema.safeParse(row).success, JSON.stringify(row)).toBe(true);
    }
  });

  it('draws p from the seed: another seed, other values', () => {
    const [first] = importedRows(outcome.workflow, { agents: 1, seed: 7 });
    expect(first?.rows[0]?.predicted_success_probability).toBe(0.7498);
  });
});

describe('rules', () => {
  it('names a cycle in run order at its first task, and nothing is imported', () => {
    const outcome = check(
      makeInstance([
        { id: 'root' },
        { id: 'a', parents: ['root', 'c'] },
        { id: 'b', parents: ['a'] },
        { id: 'c', parents: ['b'] },
      ]),
    );
    expect(outcome.kind).toBe('invalid');
    expect(problems(outcome)).toEqual(['error workflow.specification.tasks.1.parents: cycle: a -> b -> c -> a']);
  });

  it('names a task that is its own parent as a cycle', () => {
    expect(problems(check(makeInstance([{ id: 'x', parents: ['x'] }])))).toEqual(['error workflow.specification.tasks.0.parents: cycle: x -> x']);
  });

  it('refuses an unknown parent and an unknown child', () => {
    const outcome = check(makeInstance([{ id: 'a', children: ['ghost'] }, { id: 'b', parents: ['zzz'] }]));
    expect(problems(outcome)).toEqual([
      'error workflow.specification.tasks.0.children.0: unknown task "ghost"',
      'error workflow.specification.tasks.1.parents.0: unknown task "zzz"',
    ]);
  });

  it('refuses parents and children that disagree', () => {
    const outcome = check(makeInstance([{ id: 'a', children: [] }, { id: 'b', parents: ['a'], children: ['c'] }, { id: 'c' }]));
    expect(problems(outcome)).toEqual([
      'error workflow.specification.tasks.1.parents.0: parent "a" does not list "b" among its children',
      'error workflow.specification.tasks.1.children.0: child "c" does not list "b" among its parents',
    ]);
  });

  it('refuses a duplicate task id, naming the first (and its second runtime record)', () => {
    const outcome = check(makeInstance([{ id: 'a' }, { id: 'b' }, { id: 'a' }]));
    expect(problems(outcome)).toEqual([
      'error workflow.specification.tasks.2.id: duplicate task id "a" (first at workflow.specification.tasks.0)',
      'error workflow.execution.tasks.2.id: second record of task "a" (first at workflow.execution.tasks.0)',
    ]);
  });

  it('accepts a task id of 128 characters and refuses one of 129', () => {
    const ok = 'x'.repeat(128);
    expect(check(makeInstance([{ id: ok }])).kind).toBe('imported');
    expect(problems(check(makeInstance([{ id: ok }, { id: `${ok}y` }])))).toEqual([
      'error workflow.specification.tasks.1.id: task id has 129 characters; a task_id has 1 to 128',
    ]);
  });

  it('keeps a parent listed twice once, with a warning', () => {
    const instance = makeInstance([{ id: 'a' }, { id: 'b', parents: ['a', 'a'] }]);
    const outcome = check(instance);
    expect(problems(outcome)).toEqual(['warning workflow.specification.tasks.1.parents.1: "a" is listed twice; kept once']);
    expect(outcome.kind === 'imported' ? outcome.workflow.tasks[1]?.parents : null).toEqual(['a']);
  });

  it('refuses a negative runtime, a second record of a task and a record of an unknown task', () => {
    const instance = makeInstance([{ id: 'a', runtime: -1 }, { id: 'b' }]);
    const execution = (instance.workflow as { execution: { tasks: { id: string; runtimeInSeconds: number }[] } }).execution;
    execution.tasks.push({ id: 'b', runtimeInSeconds: 2 }, { id: 'ghost', runtimeInSeconds: 2 });
    expect(problems(check(instance))).toEqual([
      'error workflow.execution.tasks.0.runtimeInSeconds: must be >= 0, got -1',
      'error workflow.execution.tasks.2.id: second record of task "b" (first at workflow.execution.tasks.1)',
      'error workflow.execution.tasks.3.id: unknown task "ghost": not in workflow.specification.tasks',
    ]);
  });

  it('gives a task without a runtime record 30 s, with one warning counting them', () => {
    const outcome = imported([{ id: 'a', runtime: null }, { id: 'b', runtime: 4 }, { id: 'c', runtime: null }]);
    expect(problems(outcome)).toEqual(['warning workflow.execution.tasks: 2 tasks have no runtime record (first: "a"); they get 30 s']);
    expect(outcome.stats).toMatchObject({ missingRuntime: 2, raisedToFloor: 0 });
    expect(importedRows(outcome.workflow, { agents: 1, seed: 0 })[0]?.rows.map((r) => r.predicted_execution_time)).toEqual([30, 4, 30]);
  });

  it('gives every task 30 s when the instance has no execution section, with one warning', () => {
    const instance = makeInstance([{ id: 'a' }]);
    delete (instance.workflow as { execution?: unknown }).execution;
    const outcome = check(instance);
    expect(problems(outcome)).toEqual(['warning workflow.execution: absent: no runtime is recorded; every task gets 30 s']);
    expect(outcome.kind === 'imported' ? outcome.workflow.tasks[0]?.runtimeS : 'invalid').toBeNull();
  });

  it('reports zod issues as dotted fields when the schema checks less', () => {
    const instance = makeInstance([{ id: 'a' }]);
    executionRecord(instance, 0).runtimeInSeconds = 'fast';
    expect(problems(check(instance))).toEqual(['error workflow.execution.tasks.0.runtimeInSeconds: Invalid input: expected number, received string']);
  });
});

describe('mapping', () => {
  it('raises runtimes below 0.01 s to 0.01 s and keeps the rest', () => {
    expect([0, 0.004, 0.01, 0.011, 809.301, null].map(predictedTime)).toEqual([0.01, 0.01, 0.01, 0.011, 809.301, 30]);
  });

  it('keeps p in [0.55, 0.95] with 4 decimals, and the same key gives the same p', () => {
    const random = createKeyedRandom(20);
    for (let t = 0; t < 500; t++) {
      const p = successProbability(random, `task_${t}`, `agent_${t % 7}`);
      expect(p).toBeGreaterThanOrEqual(0.55);
      expect(p).toBeLessThanOrEqual(0.95);
      expect(Math.round(p * 10_000) / 10_000).toBe(p);
      expect(successProbability(createKeyedRandom(20), `task_${t}`, `agent_${t % 7}`)).toBe(p);
    }
  });

  it('names agents agent_0..agent_<n-1> and refuses counts outside 1..1000', () => {
    expect(agentIds(3)).toEqual(['agent_0', 'agent_1', 'agent_2']);
    const workflow = imported([{ id: 'a' }]).workflow;
    expect(() => importedRows(workflow, { agents: 0, seed: 1 })).toThrow(RangeError);
    expect(() => importedRows(workflow, { agents: MAX_AGENTS + 1, seed: 1 })).toThrow(RangeError);
    expect(() => importedRows(workflow, { agents: 1, seed: 0.5 })).toThrow(RangeError);
  });
});

describe('pointerToField', () => {
  it('turns a JSON Pointer into a dotted field', () => {
    expect(pointerToField('')).toBe('(root)');
    expect(pointerToField('/workflow/specification/tasks/3/id')).toBe('workflow.specification.tasks.3.id');
    expect(pointerToField('/a~1b/c~0d')).toBe('a/b.c~d');
  });
});

if (!schemaPresent) it.skip('skipped: ../shared/fixtures/wfcommons/wfcommons-schema.json not found (the WfFormat schema)', () => undefined);

describe.skipIf(!schemaPresent)('against the WfFormat 1.5 JSON Schema', () => {
  const validator = schemaPresent ? compileWfFormatSchema(readSchema()) : permissive;

  it('accepts the hand-made diamond', () => {
    expect(check(makeInstance(DIAMOND), validator).kind).toBe('imported');
  });

  it('reports each schema violation at its dotted field, with the value found', () => {
    const instance = makeInstance(DIAMOND);
    instance.schemaVersion = '1.4';
    specTask(instance, 1).parents = ['fetch', 3];
    delete specTask(instance, 2).name;
    executionRecord(instance, 0).runtimeInSeconds = 'fast';
    instance.createdAt = 'yesterday';
    expect(problems(check(instance, validator))).toEqual([
      'error createdAt: must match format "date-time", got "yesterday"',
      'error schemaVersion: must be one of "1.5", got "1.4"',
      'error workflow.specification.tasks.1.parents.1: must be string, got 3',
      'error workflow.specification.tasks.2.name: is required',
      'error workflow.execution.tasks.0.runtimeInSeconds: must be number, got "fast"',
    ]);
  });

  it('reports a missing top-level field by name, and rules do not run on a schema-invalid instance', () => {
    const instance = makeInstance([{ id: 'x', parents: ['x'] }]);
    delete instance.name;
    expect(problems(check(instance, validator))).toEqual(['error name: is required']);
  });
});
