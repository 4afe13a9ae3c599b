/**
 * `import wfcommons`, the pure part: a parsed WfFormat 1.5 instance -> diagnostics -> a checked
 * workflow, whose rows `mapping.ts` makes (contract section 10, "WfCommons").
 *
 * Validation follows the harness's pattern: a schema (the official WfFormat JSON Schema, then
 * zod for the fields read), normalisation, then a list of rules (`rules.ts`). Failures are
 * values; the CLI turns them into one InputError.
 */
import type { Diagnostic } from '../errors.ts';
import { importStats, type ImportStats } from './mapping.ts';
import { checkWorkflow, type Workflow } from './rules.ts';
import { parseInstance, schemaDiagnostics, type WfFormatValidator } from './wfformat.ts';

/** The outcome of checking an instance. */
export type ImportOutcome =
  | {
      readonly kind: 'imported';
      readonly workflow: Workflow;
      readonly stats: ImportStats;
      /** Non-fatal problems (a parent listed twice, runtimes not recorded). */
      readonly warnings: readonly Diagnostic[];
    }
  | {
      readonly kind: 'invalid';
      /** At least one error; warnings found on the way are included. */
      readonly diagnostics: readonly Diagnostic[];
    };

/**
 * Checks `instance` (a parsed JSON value) against the WfFormat schema, then the importer's
 * rules. Rules run only on a schema-valid instance.
 * @param file - the instance's path as the user gave it; every Diagnostic names it.
 */
export function checkWfCommonsInstance(instance: unknown, validator: WfFormatValidator, file: string): ImportOutcome {
  const schemaProblems = schemaDiagnostics(validator, instance, file);
  if (schemaProblems.length > 0) return { kind: 'invalid', diagnostics: schemaProblems };
  const parsed = parseInstance(instance, file);
  if (!parsed.ok) return { kind: 'invalid', diagnostics: parsed.diagnostics };
  const { diagnostics, workflow } = checkWorkflow(parsed.value, file);
  if (workflow === null) return { kind: 'invalid', diagnostics };
  return { kind: 'imported', workflow, stats: importStats(workflow), warnings: diagnostics };
}
