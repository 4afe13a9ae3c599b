/**
 * Hand-made WfFormat 1.5 instances for the importer's tests, and where the real WfFormat
 * schema and instances are (../shared/fixtures/wfcommons/, beside the checkout; tests that need
 * them skip with a visible reason when it is absent).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const PROJECT_ROOT = path.resolve(import.meta.dirname, '..', '..');
export const WFCOMMONS_FIXTURES = path.resolve(PROJECT_ROOT, '..', 'shared', 'fixtures', 'wfcommons');
export const SCHEMA_PATH = path.join(WFCOMMONS_FIXTURES, 'wfcommons-schema.json');
export const schemaPresent = existsSync(SCHEMA_PATH);

/** The parsed WfFormat 1.5 JSON Schema (call only when {@link schemaPresent}). */
export function readSchema(): unknown {
  return JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as unknown;
}

/** A task of a test instance: runtime null = no execution record. */
export interface TestTask {
  readonly id: string;
  readonly parents?: readonly string[];
  /** Default: every task that lists this one as a parent. */
  readonly children?: readonly string[];
  readonly runtime?: number | null;
}

/**
 * A schema-valid WfFormat 1.5 instance named `name` with `tasks` (runtime default 1 s);
 * children are derived from the parents unless given.
 */
export function makeInstance(tasks: readonly TestTask[], name = 'tiny'): Record<string, unknown> {
  return {
    name,
    description: 'hand-made test instance',
    createdAt: '2024-01-02T03:04:05Z',
    schemaVersion: '1.5',
    workflow: {
      specification: {
        tasks: tasks.map((t) => ({
          name: t.id,
          id: t.id,
          parents: [...(t.parents ?? [])],
          children: [...(t.children ?? tasks.filter((c) => c.parents?.includes(t.id) === true).map((c) => c.id))],
        })),
      },
      execution: {
        makespanInSeconds: 100,
        executedAt: '2024-01-02T03:04:05Z',
        tasks: tasks.filter((t) => t.runtime !== null).map((t) => ({ id: t.id, runtimeInSeconds: t.runtime ?? 1 })),
      },
    },
  };
}

/**
 * The diamond: fetch (10 s) -> align.left_1 (5 s) and align.right_2 (0 s) -> merge (2.5 s).
 */
export const DIAMOND: readonly TestTask[] = [
  { id: 'fetch', runtime: 10 },
  { id: 'align.left_1', parents: ['fetch'], runtime: 5 },
  { id: 'align.right_2', parents: ['fetch'], runtime: 0 },
  { id: 'merge', parents: ['align.left_1', 'align.right_2'], runtime: 2.5 },
];

type Json = Record<string, unknown>;

/** Task `i` of `workflow.specification.tasks` of a {@link makeInstance} result, to edit. */
export function specTask(instance: Json, i: number): Json {
  const task = (instance.workflow as { specification: { tasks: Json[] } }).specification.tasks[i];
  if (task === undefined) throw new RangeError(`no task ${i}`);
  return task;
}

/** Record `i` of `workflow.execution.tasks` of a {@link makeInstance} result, to edit. */
export function executionRecord(instance: Json, i: number): Json {
  const record = (instance.workflow as { execution: { tasks: Json[] } }).execution.tasks[i];
  if (record === undefined) throw new RangeError(`no execution record ${i}`);
  return record;
}
