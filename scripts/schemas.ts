/**
 * `npm run schemas [-- --check] [--dir DIR]`
 *
 * Writes one JSON Schema per registered artifact (src/schema/artifacts.ts), and the config
 * file's (src/schema/config.ts), into `schemas/`
 * (`<artifact base name>.schema.json`, two-space JSON with a final newline) and removes any
 * `*.schema.json` there that it did not write. Other files in the folder are left alone.
 *
 * `--check` writes nothing: it compares the folder with what would be written and exits 1,
 * listing every file that is missing, differs or is stale (for CI). Exit 2 on a usage error.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { ARTIFACTS, artifactJsonSchema, type ArtifactEntry } from '../src/schema/artifacts.ts';
import { COMPARISON_DOCUMENT } from '../src/schema/comparison.ts';
import { CONFIG_SCHEMA_FILE, configJsonSchema } from '../src/schema/config.ts';
import { TOURNAMENT_DOCUMENT } from '../src/tournament/schema.ts';
import { jsonDocument } from '../src/util/json.ts';

/** The committed schema folder: `schemas/` at the repository root (independent of the cwd). */
export const SCHEMAS_DIR = fileURLToPath(new URL('../schemas/', import.meta.url));

/** Every published schema: the run's artifacts, then documents written elsewhere (comparison.json, tournament.json). */
export const SCHEMA_DOCUMENTS: readonly ArtifactEntry[] = [...ARTIFACTS, COMPARISON_DOCUMENT, TOURNAMENT_DOCUMENT];

/** Suffix of the files this script owns inside the schema folder. */
export const SCHEMA_SUFFIX = '.schema.json';

/** One generated schema file: its name inside the schema folder and its full text. */
export interface SchemaFile {
  readonly file: string;
  readonly text: string;
}

/** How a schema folder differs from what the generator produces. Each list is sorted. */
export interface SchemaDiff {
  /** Generated files absent from the folder. */
  readonly missing: readonly string[];
  /** Files present whose text differs. */
  readonly changed: readonly string[];
  /** `*.schema.json` files in the folder that the generator does not produce. */
  readonly stale: readonly string[];
}

/**
 * Every schema file: each artifact's in registry order ({@link artifactJsonSchema}), then the
 * config file's (`config.schema.json`, src/schema/config.ts), serialized as two-space JSON with
 * a final newline (src/util/json.ts `jsonDocument`).
 * @throws Error when two schemas claim one file name, or zod cannot express a schema
 */
export function renderSchemaFiles(): SchemaFile[] {
  const files = SCHEMA_DOCUMENTS.map((artifact) => ({ file: artifact.schemaFile, text: jsonDocument(artifactJsonSchema(artifact)) }));
  files.push({ file: CONFIG_SCHEMA_FILE, text: jsonDocument(configJsonSchema()) });
  const names = new Set(files.map((f) => f.file));
  if (names.size !== files.length) throw new Error('two schemas share a file name; make schemaFile unique in src/schema/artifacts.ts');
  return files;
}

function existingSchemaFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isFile() && d.name.endsWith(SCHEMA_SUFFIX))
    .map((d) => d.name)
    .sort();
}

/** Compares `dir` with `files` without changing anything; a missing folder counts as empty. */
export function diffSchemas(dir: string, files: readonly SchemaFile[]): SchemaDiff {
  const missing: string[] = [];
  const changed: string[] = [];
  for (const { file, text } of files) {
    const target = path.join(dir, file);
    if (!fs.existsSync(target)) missing.push(file);
    else if (fs.readFileSync(target, 'utf8') !== text) changed.push(file);
  }
  const wanted = new Set(files.map((f) => f.file));
  const stale = existingSchemaFiles(dir).filter((name) => !wanted.has(name));
  return { missing: missing.sort(), changed: changed.sort(), stale };
}

/** True when {@link diffSchemas} found nothing. */
export function isClean(diff: SchemaDiff): boolean {
  return diff.missing.length + diff.changed.length + diff.stale.length === 0;
}

/** One line per differing file: `missing: x`, `differs: y`, `stale: z`. */
export function describeDiff(diff: SchemaDiff): string[] {
  return [...diff.missing.map((f) => `missing: ${f}`), ...diff.changed.map((f) => `differs: ${f}`), ...diff.stale.map((f) => `stale: ${f}`)];
}

/**
 * Brings `dir` in line with `files`: creates the folder, writes the missing and changed files
 * (unchanged ones are not touched), deletes stale `*.schema.json`. Returns what it did.
 */
export function writeSchemas(dir: string, files: readonly SchemaFile[]): SchemaDiff {
  const diff = diffSchemas(dir, files);
  fs.mkdirSync(dir, { recursive: true });
  const toWrite = new Set([...diff.missing, ...diff.changed]);
  for (const { file, text } of files) if (toWrite.has(file)) fs.writeFileSync(path.join(dir, file), text);
  for (const file of diff.stale) fs.rmSync(path.join(dir, file));
  return diff;
}

/** Command-line streams, injectable for tests. */
export interface SchemasIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

const USAGE = `Usage: npm run schemas [-- --check] [--dir DIR]

Generates schemas/<artifact>.schema.json (JSON Schema draft 2020-12) from the zod schemas
registered in src/schema/artifacts.ts (and comparison.json's, src/schema/comparison.ts),
schemas/config.schema.json from src/schema/config.ts, and removes stale *.schema.json files.

  --check    write nothing; exit 1 listing the files that differ from the generator
  --dir DIR  schema folder (default: schemas/ at the repository root)
  -h, --help show this help
`;

/** Runs the CLI; returns the exit code (0 ok, 1 check found differences, 2 usage error). */
export function main(argv: readonly string[], io: SchemasIo = process): number {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: { check: { type: 'boolean' }, dir: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (error: unknown) {
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`schemas: error: ${message.split('\n')[0] ?? message} (see --help)\n`);
    return 2;
  }
  if (values.help === true) {
    io.stdout.write(USAGE);
    return 0;
  }
  const dir = values.dir ?? SCHEMAS_DIR;
  const shown = path.relative(process.cwd(), dir) || '.';
  const files = renderSchemaFiles();
  if (values.check === true) {
    const diff = diffSchemas(dir, files);
    if (isClean(diff)) {
      io.stderr.write(`schemas: ${files.length} schemas in ${shown} are up to date\n`);
      return 0;
    }
    io.stderr.write(`schemas: ${shown} is out of date (run \`npm run schemas\`):\n${describeDiff(diff).map((l) => `  ${l}\n`).join('')}`);
    return 1;
  }
  const done = writeSchemas(dir, files);
  const wrote = done.missing.length + done.changed.length;
  io.stderr.write(`schemas: ${files.length} schemas in ${shown}: ${wrote} written, ${files.length - wrote} unchanged, ${done.stale.length} stale removed\n`);
  return 0;
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) process.exitCode = main(process.argv.slice(2));
