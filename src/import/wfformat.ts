/**
 * The WfFormat 1.5 workflow instance (WfCommons, github.com/wfcommons/WfFormat), as far as the
 * importer reads it, and its validation against the official WfFormat JSON Schema (pure: the
 * schema arrives as a parsed JSON value).
 *
 * Validation has two steps. First the instance is checked against the WfFormat JSON Schema
 * with Ajv (its default class: draft-07; the schema's `$schema` is
 * `http://json-schema.org/schema#`, which Ajv maps to the draft-07 meta-schema, and the
 * keywords it uses mean the same in drafts 4 to 2020-12), `ajv-formats` supplying the
 * `date-time`, `email`, `uri` and `hostname` formats. Then the part the importer reads is
 * parsed with zod ({@link WfInstanceSchema}), which gives it types and keeps the importer safe
 * when a different schema file is passed.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { z } from 'zod';
import type { Diagnostic } from '../errors.ts';

// ajv-formats is CommonJS with `module.exports = formatsPlugin` plus a `default` alias; under
// NodeNext the default import is the module object, typed as such. Its call signature is the
// plugin's.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** One task of `workflow.specification.tasks`. */
const SpecificationTaskSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  parents: z.array(z.string()),
  children: z.array(z.string()),
});

/** One task of `workflow.execution.tasks`: the recorded runtime, seconds. */
const ExecutionTaskSchema = z.object({
  id: z.string().min(1),
  runtimeInSeconds: z.number(),
});

/** The fields of a WfFormat 1.5 instance the importer reads; others are ignored. */
export const WfInstanceSchema = z.object({
  name: z.string(),
  schemaVersion: z.string(),
  workflow: z.object({
    specification: z.object({ tasks: z.array(SpecificationTaskSchema).min(1) }),
    execution: z.object({ tasks: z.array(ExecutionTaskSchema) }).optional(),
  }),
});
export type WfInstance = z.infer<typeof WfInstanceSchema>;
export type WfSpecificationTask = z.infer<typeof SpecificationTaskSchema>;

/** A compiled WfFormat JSON Schema. */
export interface WfFormatValidator {
  /** Ajv's compiled function; `errors` holds the last call's errors. */
  readonly validate: ValidateFunction;
}

/**
 * Compiles a WfFormat JSON Schema (the parsed `wfcommons-schema.json`) with Ajv in strict
 * mode, all errors collected.
 * @throws Error (Ajv's) when `schema` is not a valid JSON Schema; the CLI reports it as a bad
 *   `--schema` file.
 */
export function compileWfFormatSchema(schema: unknown): WfFormatValidator {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) throw new Error('a JSON Schema must be a JSON object');
  const ajv = new Ajv({ allErrors: true, strict: true });
  addFormats(ajv);
  return { validate: ajv.compile(schema) };
}

/**
 * Turns a JSON Pointer (Ajv's `instancePath`, RFC 6901) into the dotted field of a message:
 * `/workflow/specification/tasks/3/id` -> `workflow.specification.tasks.3.id`; the document
 * itself is `(root)`.
 */
export function pointerToField(pointer: string): string {
  if (pointer === '') return '(root)';
  return pointer
    .slice(1)
    .split('/')
    .map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'))
    .join('.');
}

/** The value at an Ajv instance path, or undefined. */
function valueAt(document: unknown, pointer: string): unknown {
  if (pointer === '') return document;
  let value: unknown = document;
  for (const raw of pointer.slice(1).split('/')) {
    const token = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[token];
  }
  return value;
}

/** A value as it appears in a message: JSON, cut to 60 characters. */
export function shortJson(value: unknown): string {
  // JSON.stringify gives undefined for undefined (a field that is absent).
  const text = (JSON.stringify(value) as string | undefined) ?? 'nothing';
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** One Ajv error as `field` and `problem`. */
function describeAjvError(error: ErrorObject, instance: unknown): { field: string; problem: string } {
  const field = pointerToField(error.instancePath);
  const got = (): string => `, got ${shortJson(valueAt(instance, error.instancePath))}`;
  switch (error.keyword) {
    case 'required': {
      const missing = String((error.params as { missingProperty?: unknown }).missingProperty);
      return { field: field === '(root)' ? missing : `${field}.${missing}`, problem: 'is required' };
    }
    case 'enum': {
      const allowed = (error.params as { allowedValues?: unknown[] }).allowedValues ?? [];
      return { field, problem: `must be one of ${allowed.map(shortJson).join(', ')}${got()}` };
    }
    case 'type':
    case 'pattern':
    case 'format':
    case 'minimum':
    case 'minLength':
      return { field, problem: `${error.message ?? error.keyword}${got()}` };
    default:
      return { field, problem: error.message ?? error.keyword };
  }
}

/**
 * Validates `instance` (a parsed JSON value) against the compiled WfFormat schema.
 * @param file - the instance's path as the user gave it, for the diagnostics.
 * @returns one error Diagnostic per schema violation (Ajv's order; no line numbers: `line`
 *   is null and `field` the dotted path), or `[]` when the instance is valid.
 */
export function schemaDiagnostics(validator: WfFormatValidator, instance: unknown, file: string): Diagnostic[] {
  if (validator.validate(instance)) return [];
  return (validator.validate.errors ?? []).map((error) => ({ severity: 'error' as const, file, line: null, ...describeAjvError(error, instance) }));
}

/**
 * Parses the fields the importer reads (after {@link schemaDiagnostics} passed). Succeeds on
 * every instance the WfFormat 1.5 schema accepts; fails only on a schema that checks less.
 * @returns the typed instance, or error Diagnostics with zod's issues as dotted fields.
 */
export function parseInstance(instance: unknown, file: string): { readonly ok: true; readonly value: WfInstance } | { readonly ok: false; readonly diagnostics: Diagnostic[] } {
  const parsed = WfInstanceSchema.safeParse(instance);
  if (parsed.success) return { ok: true, value: parsed.data };
  return {
    ok: false,
    diagnostics: parsed.error.issues.map((issue) => ({
      severity: 'error' as const,
      file,
      line: null,
      field: issue.path.length === 0 ? '(root)' : issue.path.map(String).join('.'),
      problem: issue.message,
    })),
  };
}
