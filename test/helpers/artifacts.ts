/**
 * Checks a run's output folder against the artifact registry (`src/schema/artifacts.ts`): every
 * file must be registered, and every record must pass its zod schema (the source of the
 * published JSON Schemas in `schemas/`) key for key. Used by the schema tests and the fuzz test.
 */
import fs from 'node:fs';
import path from 'node:path';
import { artifactsMatching, BINARY_ARTIFACTS, type ArtifactEntry } from '../../src/schema/artifacts.ts';

/** Every file under `dir`, relative, with `/` separators, sorted. */
export function walk(dir: string, prefix = ''): string[] {
  return fs
    .readdirSync(path.join(dir, prefix), { withFileTypes: true })
    .flatMap((d) => {
      const rel = prefix === '' ? d.name : `${prefix}/${d.name}`;
      return d.isDirectory() ? walk(dir, rel) : [rel];
    })
    .sort();
}

/**
 * The first file/record of the output folder `out` failing its registered schema, as
 * `file:line: field: message`, or null when every one passes. Adds each artifact met to `covered`.
 */
export function firstFailure(out: string, covered: Set<ArtifactEntry> = new Set()): string | null {
  for (const file of walk(out)) {
    // Binary artifacts (task_outcomes.parquet) are registered apart; test/report/parquet.test.ts reads them.
    if (BINARY_ARTIFACTS.some((b) => b.pattern.test(file))) continue;
    const matches = artifactsMatching(file);
    if (matches.length !== 1) return `${file}: matches ${matches.length} registry entries (${matches.map((m) => m.artifact).join(', ')}); register it in src/schema/artifacts.ts`;
    const [artifact] = matches as [ArtifactEntry];
    covered.add(artifact);
    const text = fs.readFileSync(path.join(out, file), 'utf8');
    const docs = artifact.format === 'json' ? [text] : text.split('\n').slice(0, -1);
    if (artifact.format === 'jsonl' && text !== '' && !text.endsWith('\n')) return `${file}: no final newline`;
    for (const [index, doc] of docs.entries()) {
      const result = artifact.schema.safeParse(JSON.parse(doc));
      if (!result.success) {
        const issue = result.error.issues[0];
        return `${file}:${index + 1}: ${issue?.path.join('.') ?? '?'}: ${issue?.message ?? 'invalid'} (${artifact.schemaFile})`;
      }
      // Non-strict zod objects strip unknown keys where the published JSON Schema refuses them:
      // the parsed record must equal the line, key for key and in the same order.
      if (JSON.stringify(result.data) !== JSON.stringify(JSON.parse(doc))) return `${file}:${index + 1}: keys differ from the schema (unknown key or key order) (${artifact.schemaFile})`;
    }
  }
  return null;
}
