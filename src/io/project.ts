/**
 * Files of the project itself (package.json, the shared fixtures beside the checkout), found
 * from the running module's location. The same code runs from `src/` (tsx, tests) and from the
 * bundle in `dist/cli/` (scripts/build.ts), where every module lands in one folder, so a path
 * relative to a module's own URL would differ between the two; the project root does not.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/**
 * The project root: the nearest folder at or above `from` (default: this module's folder)
 * that holds a package.json. Cached after the first call with the default.
 * @throws Error when no folder up to the file-system root holds a package.json (exit 3)
 */
export function projectRoot(from?: string): string {
  if (from === undefined && root !== undefined) return root;
  let dir = from ?? path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, 'package.json'))) break;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json at or above ${from ?? fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
  if (from === undefined) root = dir;
  return dir;
}

/** `segments` joined onto {@link projectRoot}: `projectPath('package.json')`. */
export function projectPath(...segments: string[]): string {
  return path.join(projectRoot(), ...segments);
}
