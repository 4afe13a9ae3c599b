/**
 * The rules a schema-valid WfFormat instance must also meet before it becomes Phase 20 rows
 * (pure), and the normalised workflow they produce.
 *
 * The WfFormat JSON Schema checks each value; these rules check what needs the whole instance
 * (contract sections 2 and 10): task ids that are unique and fit the harness's task_id rule
 * (1 to 128 characters), parents and children that exist and agree with each other, one
 * recorded runtime per task that is not negative, and no cycle. Every problem is a Diagnostic
 * whose field is the dotted path into the instance (`workflow.specification.tasks.3.parents.0`).
 */
import type { Diagnostic } from '../errors.ts';
import { TaskIdSchema } from '../schema/input.ts';
import { findCycles } from './graph.ts';
import { shortJson, type WfInstance } from './wfformat.ts';

const SPEC = 'workflow.specification.tasks';
const EXEC = 'workflow.execution.tasks';

/** One task of the normalised workflow. */
export interface WorkflowTask {
  readonly id: string;
  /** The runtime the instance records, seconds (>= 0), or null when it records none. */
  readonly runtimeS: number | null;
  /** Parent task ids, in listed order, each once. */
  readonly parents: readonly string[];
}

/** A workflow that passed every rule. */
export interface Workflow {
  /** The instance's `name`. */
  readonly name: string;
  /** Tasks in instance order. */
  readonly tasks: readonly WorkflowTask[];
}

/** What the rules see: the instance and its task index. */
interface RuleContext {
  readonly instance: WfInstance;
  readonly file: string;
  /** Task id -> index of its first occurrence in `workflow.specification.tasks`. */
  readonly indexOf: ReadonlyMap<string, number>;
}

type Rule = (ctx: RuleContext) => Diagnostic[];

const error = (file: string, field: string, problem: string): Diagnostic => ({ severity: 'error', file, line: null, field, problem });
const warning = (file: string, field: string, problem: string): Diagnostic => ({ severity: 'warning', file, line: null, field, problem });

const specTasks = (ctx: RuleContext): WfInstance['workflow']['specification']['tasks'] => ctx.instance.workflow.specification.tasks;

/** Task ids fit the harness's task_id (1 to 128 characters, contract section 2). */
const taskIdLength: Rule = (ctx) =>
  specTasks(ctx).flatMap((task, i) =>
    TaskIdSchema.safeParse(task.id).success ? [] : [error(ctx.file, `${SPEC}.${i}.id`, `task id has ${task.id.length} characters; a task_id has 1 to 128`)],
  );

/** Each task id appears once. */
const uniqueTaskIds: Rule = (ctx) =>
  specTasks(ctx).flatMap((task, i) => {
    const first = ctx.indexOf.get(task.id) ?? i;
    return first === i ? [] : [error(ctx.file, `${SPEC}.${i}.id`, `duplicate task id ${shortJson(task.id)} (first at ${SPEC}.${first})`)];
  });

/** Every parent and child names a task of the instance. */
const knownRelatives: Rule = (ctx) =>
  specTasks(ctx).flatMap((task, i) =>
    (['parents', 'children'] as const).flatMap((key) =>
      task[key].flatMap((id, k) => (ctx.indexOf.has(id) ? [] : [error(ctx.file, `${SPEC}.${i}.${key}.${k}`, `unknown task ${shortJson(id)}`)])),
    ),
  );

/** A parent or child listed twice is kept once, with a warning. */
const repeatedRelatives: Rule = (ctx) =>
  specTasks(ctx).flatMap((task, i) =>
    (['parents', 'children'] as const).flatMap((key) => {
      const seen = new Set<string>();
      return task[key].flatMap((id, k) => {
        if (!seen.has(id)) {
          seen.add(id);
          return [];
        }
        return [warning(ctx.file, `${SPEC}.${i}.${key}.${k}`, `${shortJson(id)} is listed twice; kept once`)];
      });
    }),
  );

/** A parent lists the task among its children, and a child lists it among its parents. */
const agreeingRelatives: Rule = (ctx) => {
  const tasks = specTasks(ctx);
  const parentSets = tasks.map((task) => new Set(task.parents));
  const childSets = tasks.map((task) => new Set(task.children));
  return tasks.flatMap((task, i) => {
    if (ctx.indexOf.get(task.id) !== i) return [];
    const problems: Diagnostic[] = [];
    task.parents.forEach((id, k) => {
      const parent = ctx.indexOf.get(id);
      if (parent !== undefined && childSets[parent]?.has(task.id) !== true) {
        problems.push(error(ctx.file, `${SPEC}.${i}.parents.${k}`, `parent ${shortJson(id)} does not list ${shortJson(task.id)} among its children`));
      }
    });
    task.children.forEach((id, k) => {
      const child = ctx.indexOf.get(id);
      if (child !== undefined && parentSets[child]?.has(task.id) !== true) {
        problems.push(error(ctx.file, `${SPEC}.${i}.children.${k}`, `child ${shortJson(id)} does not list ${shortJson(task.id)} among its parents`));
      }
    });
    return problems;
  });
};

/** Execution records name known tasks, once each, with a runtime >= 0. */
const executionRecords: Rule = (ctx) => {
  const seen = new Map<string, number>();
  return (ctx.instance.workflow.execution?.tasks ?? []).flatMap((record, j) => {
    const problems: Diagnostic[] = [];
    const first = seen.get(record.id);
    if (!ctx.indexOf.has(record.id)) problems.push(error(ctx.file, `${EXEC}.${j}.id`, `unknown task ${shortJson(record.id)}: not in ${SPEC}`));
    else if (first !== undefined) problems.push(error(ctx.file, `${EXEC}.${j}.id`, `second record of task ${shortJson(record.id)} (first at ${EXEC}.${first})`));
    else seen.set(record.id, j);
    if (record.runtimeInSeconds < 0) problems.push(error(ctx.file, `${EXEC}.${j}.runtimeInSeconds`, `must be >= 0, got ${record.runtimeInSeconds}`));
    return problems;
  });
};

/** Tasks without a recorded runtime get the default; one warning says how many. */
const missingRuntimes: Rule = (ctx) => {
  const execution = ctx.instance.workflow.execution;
  if (execution === undefined) return [warning(ctx.file, 'workflow.execution', `absent: no runtime is recorded; every task gets ${MISSING_RUNTIME_S} s`)];
  const recorded = new Set(execution.tasks.map((record) => record.id));
  const missing = specTasks(ctx).filter((task, i) => ctx.indexOf.get(task.id) === i && !recorded.has(task.id));
  const first = missing[0];
  if (first === undefined) return [];
  const text = missing.length === 1 ? `1 task has no runtime record (${shortJson(first.id)}); it gets` : `${missing.length} tasks have no runtime record (first: ${shortJson(first.id)}); they get`;
  return [warning(ctx.file, EXEC, `${text} ${MISSING_RUNTIME_S} s`)];
};

/**
 * No cycle among the known parent links. Each cycle is named once, in run order (each task a
 * parent of the next), at the parents of its first task in instance order.
 */
const noCycles: Rule = (ctx) => {
  const tasks = specTasks(ctx);
  const children: number[][] = tasks.map(() => []);
  tasks.forEach((task, i) => {
    if (ctx.indexOf.get(task.id) !== i) return;
    for (const id of new Set(task.parents)) {
      const parent = ctx.indexOf.get(id);
      if (parent !== undefined) children[parent]?.push(i);
    }
  });
  return findCycles(children).map((cycle) => {
    const names = cycle.map((t) => tasks[t]?.id ?? '?').join(' -> ');
    return error(ctx.file, `${SPEC}.${cycle[0] ?? 0}.parents`, `cycle: ${names}`);
  });
};

/** The rules, in the order their diagnostics are reported. */
export const WORKFLOW_RULES: readonly Rule[] = [
  taskIdLength,
  uniqueTaskIds,
  knownRelatives,
  repeatedRelatives,
  agreeingRelatives,
  executionRecords,
  missingRuntimes,
  noCycles,
];

/**
 * Predicted execution time, seconds, of a task whose instance records no runtime: the
 * contract's default `predicted_execution_time` (section 2).
 */
export const MISSING_RUNTIME_S = 30;

/**
 * Runs {@link WORKFLOW_RULES} on a schema-valid instance.
 * @param file - the instance's path as the user gave it, for the diagnostics.
 * @returns every diagnostic (errors and warnings, rule by rule) and, when there is no error,
 *   the normalised workflow: tasks in instance order, parents de-duplicated, runtimes from
 *   `workflow.execution.tasks` (null where none is recorded).
 */
export function checkWorkflow(instance: WfInstance, file: string): { readonly diagnostics: Diagnostic[]; readonly workflow: Workflow | null } {
  const indexOf = new Map<string, number>();
  instance.workflow.specification.tasks.forEach((task, i) => {
    if (!indexOf.has(task.id)) indexOf.set(task.id, i);
  });
  const ctx: RuleContext = { instance, file, indexOf };
  const diagnostics = WORKFLOW_RULES.flatMap((rule) => rule(ctx));
  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics, workflow: null };
  const runtimes = new Map((instance.workflow.execution?.tasks ?? []).map((record) => [record.id, record.runtimeInSeconds]));
  const tasks = instance.workflow.specification.tasks.map((task) => ({
    id: task.id,
    runtimeS: runtimes.get(task.id) ?? null,
    parents: [...new Set(task.parents)],
  }));
  return { diagnostics, workflow: { name: instance.name, tasks } };
}
