/**
 * Atomic artifact files (contract section 12): every file is written under a temporary name
 * in its own folder (`.<name>.tmp`) and renamed into place, so a file at its final name is
 * always whole; a temporary file is created with O_EXCL, so nothing is ever written through an
 * existing file or link.
 *
 * Two kinds of file:
 * - whole files ({@link OutputFolder.writeFile}): written, fsynced and renamed in one call, or,
 *   after {@link OutputFolder.deferSyncs}, fsynced together and renamed by
 *   {@link OutputFolder.commit};
 * - streams ({@link StreamFile}, src/io/stream-file.ts): files that grow wave by wave (`task_outcomes.jsonl`,
 *   `events.jsonl`, the signals). They stay at their temporary name until the run ends;
 *   {@link OutputFolder.commit} (or {@link StreamFile.checkpoint}) gives their length and
 *   SHA-256 so far, and
 *   {@link OutputFolder.reopenStream} cuts a stream back to a checkpoint on `--resume`.
 *
 * Every SHA-256 is computed from the bytes as they are written (no second read).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { OutputFs } from './output-fs.ts';
import { allInOrder, asOutputError, asOutputErrorAsync } from './output-errors.ts';
import { OutputError } from '../errors.ts';
import { hashPrefix, tempPathOf, TEMP_SUFFIX } from './read-back.ts';
import { StreamFile } from './stream-file.ts';

export { asOutputError, environmentProblem } from './output-errors.ts';
export { checkStreamPrefix, digestOf, readStreamPrefix, tempPathOf, TEMP_SUFFIX } from './read-back.ts';
export { FLUSH_THRESHOLD, StreamFile, type LineSink } from './stream-file.ts';

/** A file's length and SHA-256, as recorded in checkpoint.json. */
export interface FileDigest {
  /** Path relative to the folder's root, `/`-separated. */
  readonly path: string;
  readonly bytes: number;
  /** Lowercase hex. */
  readonly sha256: string;
}

/** The writing end of one folder (the output folder, or the report folder). */
export class OutputFolder {
  readonly #ensured = new Set<string>();
  readonly #dirty = new Set<string>();
  /** Whole files written since {@link deferSyncs}, at their temporary names, awaiting {@link commit}. */
  #deferred: StreamFile[] | null = null;

  /**
   * @param root - the folder, as the user gave it; it exists (the caller created it)
   * @param label - the option that names it in messages: `--out`, `--report-dir`
   */
  constructor(
    readonly root: string,
    readonly fs: OutputFs,
    readonly label: string,
  ) {}

  /** The absolute-or-as-given path of `relative`. */
  resolve(relative: string): string {
    return path.join(this.root, relative);
  }

  /**
   * Creates the folders of `relativeDir` below the root that are missing.
   * @throws OutputError when a part exists and is not a folder, or is a symbolic link
   */
  ensureDir(relativeDir: string): void {
    if (relativeDir === '' || relativeDir === '.' || this.#ensured.has(relativeDir)) return;
    let current = '';
    for (const part of relativeDir.split('/')) {
      current = current === '' ? part : `${current}/${part}`;
      if (this.#ensured.has(current)) continue;
      const full = this.resolve(current);
      const stat = fs.lstatSync(full, { throwIfNoEntry: false });
      if (stat === undefined) {
        asOutputError(this.label, `create the folder ${current}`, () => {
          this.fs.mkdir(full);
        });
        this.#dirty.add(parentOf(current));
      } else if (stat.isSymbolicLink()) {
        throw new OutputError(`${this.label}: ${current} is a symbolic link; refusing to write through it (remove it)`);
      } else if (!stat.isDirectory()) {
        throw new OutputError(`${this.label}: ${current} exists and is not a folder`);
      }
      this.#ensured.add(current);
    }
  }

  /**
   * Writes `chunks` (joined) to `relative` atomically: a new temporary file, written, fsynced,
   * closed and renamed over the final name (which may be absent, a file, or a link: the link
   * itself is replaced, never what it points to). After {@link deferSyncs}, the file is written
   * and left at its temporary name; {@link commit} fsyncs, closes and renames it.
   * @throws OutputError on a fault of the environment (disk full, read-only, ...)
   */
  writeFile(relative: string, chunks: Iterable<string>): FileDigest {
    const stream = this.openStream(relative);
    try {
      for (const chunk of chunks) stream.append(chunk);
      if (this.#deferred === null) return stream.finish();
      const digest = stream.flushed();
      this.#deferred.push(stream);
      return digest;
    } catch (error: unknown) {
      stream.abandon();
      try {
        this.removeFile(tempPathOf(relative));
      } catch {
        // Freeing the space is a courtesy; the first error is the one to report.
      }
      throw error;
    }
  }

  /**
   * Opens a stream at the temporary name of `relative` (a stale temporary file is removed first).
   * @throws OutputError on a fault of the environment
   */
  openStream(relative: string): StreamFile {
    this.ensureDir(parentOf(relative));
    const temp = tempPathOf(relative);
    this.removeFile(temp);
    const fd = asOutputError(this.label, `create ${temp}`, () => this.fs.create(this.resolve(temp)));
    return new StreamFile(this, relative, fd, 0, createHash('sha256'));
  }

  /**
   * Reopens the stream `relative` of an interrupted run and cuts it back to `expected`: the
   * temporary file, or else the final one (renamed back to the temporary name first), must
   * begin with `expected.bytes` bytes whose SHA-256 is `expected.sha256`.
   * @returns the stream, positioned at `expected.bytes`, or a reason why it cannot be reused
   */
  reopenStream(relative: string, expected: FileDigest): StreamFile | { readonly problem: string } {
    const temp = tempPathOf(relative);
    const tempStat = fs.lstatSync(this.resolve(temp), { throwIfNoEntry: false });
    const finalStat = fs.lstatSync(this.resolve(relative), { throwIfNoEntry: false });
    if (tempStat === undefined) {
      if (finalStat === undefined) return { problem: `${relative} is missing` };
      if (!finalStat.isFile()) return { problem: `${relative} is not a regular file` };
      asOutputError(this.label, `rename ${relative}`, () => {
        this.fs.rename(this.resolve(relative), this.resolve(temp));
      });
    } else {
      if (!tempStat.isFile()) return { problem: `${temp} is not a regular file` };
      if (finalStat !== undefined) this.removeFile(relative);
    }
    const hash = createHash('sha256');
    const read = hashPrefix(this.resolve(temp), expected.bytes, hash);
    if (read < expected.bytes) return { problem: `${relative} is shorter (${read} bytes) than at the checkpoint (${expected.bytes} bytes)` };
    const sha = hash.copy().digest('hex');
    if (sha !== expected.sha256) return { problem: `${relative} differs from the checkpoint (sha256 of its first ${expected.bytes} bytes)` };
    const fd = asOutputError(this.label, `open ${temp}`, () => this.fs.openExisting(this.resolve(temp)));
    asOutputError(this.label, `truncate ${temp}`, () => {
      this.fs.truncate(fd, expected.bytes);
    });
    return new StreamFile(this, relative, fd, expected.bytes, hash);
  }

  /** Removes the file or link `relative` if present. @throws OutputError on a fault of the environment */
  removeFile(relative: string): void {
    const full = this.resolve(relative);
    if (fs.lstatSync(full, { throwIfNoEntry: false }) === undefined) return;
    asOutputError(this.label, `remove ${relative}`, () => {
      this.fs.unlink(full);
    });
    this.#dirty.add(parentOf(relative));
  }

  /** Removes the empty folder `relative`. @throws OutputError on a fault of the environment */
  removeDir(relative: string): void {
    asOutputError(this.label, `remove the folder ${relative}`, () => {
      this.fs.rmdir(this.resolve(relative));
    });
    for (const dir of [...this.#ensured]) if (dir === relative || dir.startsWith(`${relative}/`)) this.#ensured.delete(dir);
    this.#dirty.delete(relative);
    this.#dirty.add(parentOf(relative));
  }

  /** Renames `from` to `to` (both relative) and marks the folder for {@link syncDirs}. */
  rename(from: string, to: string): void {
    asOutputError(this.label, `rename ${from} to ${to}`, () => {
      this.fs.rename(this.resolve(from), this.resolve(to));
    });
    this.#dirty.add(parentOf(to));
  }

  /** fsyncs every folder in which files were created, renamed or removed since the last call. */
  syncDirs(): void {
    const dirs = [...this.#dirty].sort();
    this.#dirty.clear();
    for (const dir of dirs) {
      asOutputError(this.label, `sync the folder ${dir}`, () => {
        this.fs.syncDir(this.resolve(dir));
      });
    }
  }

  /**
   * {@link syncDirs} with the folders' fsyncs issued together (in sorted order) on libuv's
   * thread pool, so the file system commits them at once.
   * @throws OutputError (the first failing folder in sorted order) on a fault of the environment
   */
  async syncDirsTogether(): Promise<void> {
    const dirs = [...this.#dirty].sort();
    this.#dirty.clear();
    await allInOrder(dirs.map((dir) => asOutputErrorAsync(this.label, `sync the folder ${dir}`, () => this.fs.syncDirAsync(this.resolve(dir)))));
  }

  /**
   * From now until {@link commit}, {@link writeFile} leaves each file written but unsynced at
   * its temporary name (its descriptor open), so that `commit` can fsync them all at once.
   */
  deferSyncs(): void {
    this.#deferred ??= [];
  }

  /**
   * Makes durable together the files written since {@link deferSyncs} and `streams` (flushed):
   * one fsync each, issued at once in a fixed order (the deferred files in writing order, then
   * the streams) on libuv's thread pool; once all have returned, each deferred file is closed
   * and renamed to its final name, in writing order. Ends the deferral.
   * @returns the streams' lengths and SHA-256 (as {@link StreamFile.flushed})
   * @throws OutputError on a fault of the environment (the deferred files are then closed and
   *   left at their temporary names, for the caller's clean-up)
   */
  async commit(streams: readonly StreamFile[] = []): Promise<FileDigest[]> {
    const files = this.#deferred ?? [];
    this.#deferred = null;
    try {
      const digests = streams.map((stream) => stream.flushed());
      await allInOrder([...files, ...streams].map((file) => file.syncAsync()));
      for (const file of files) file.closeAndRename();
      return digests;
    } catch (error: unknown) {
      for (const file of files) file.abandon();
      throw error;
    }
  }

  /**
   * Flushes `streams`, fsyncs them together (as {@link commit}), then closes and renames each
   * to its final name in the given order.
   * @returns their final lengths and SHA-256
   * @throws OutputError on a fault of the environment
   */
  async finishTogether(streams: readonly StreamFile[]): Promise<FileDigest[]> {
    const digests = streams.map((stream) => stream.flushed());
    await allInOrder(streams.map((stream) => stream.syncAsync()));
    for (const stream of streams) stream.closeAndRename();
    return digests;
  }

  /** Closes the files deferred by {@link deferSyncs} without renaming them (a failing run); errors are ignored. */
  abandonDeferred(): void {
    for (const file of this.#deferred ?? []) file.abandon();
    this.#deferred = null;
  }

  /** {@link abandonDeferred}, then removes their temporary files (best effort: errors are ignored). */
  discardDeferred(): void {
    const files = this.#deferred ?? [];
    this.abandonDeferred();
    for (const file of files) {
      try {
        this.removeFile(tempPathOf(file.path));
      } catch {
        // Freeing the space is a courtesy; the run is failing already.
      }
    }
  }
}

function parentOf(relative: string): string {
  const dir = path.posix.dirname(relative);
  return dir === '.' ? '' : dir;
}

/**
 * Writes `text` (UTF-8) as `name` in the existing folder `dir`: first under `.NAME.tmp`, then
 * renamed into place, so a file at its final name is always whole (contract section 12). For the
 * small documents of `compare` and `tournament`; a run's artifacts go through {@link OutputFolder}.
 * @returns the final path
 * @throws the `fs` error (ENOSPC, EACCES, ...) of the write or the rename
 */
export function writeFileAtomically(dir: string, name: string, text: string): string {
  const target = path.join(dir, name);
  const temporary = path.join(dir, `.${name}${TEMP_SUFFIX}`);
  fs.writeFileSync(temporary, text);
  fs.renameSync(temporary, target);
  return target;
}
