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
 * - streams ({@link StreamFile}): files that grow wave by wave (`task_outcomes.jsonl`,
 *   `events.jsonl`, the signals). They stay at their temporary name until the run ends;
 *   {@link OutputFolder.commit} (or {@link StreamFile.checkpoint}) gives their length and
 *   SHA-256 so far, and
 *   {@link OutputFolder.reopenStream} cuts a stream back to a checkpoint on `--resume`.
 *
 * Every SHA-256 is computed from the bytes as they are written (no second read).
 */
import { createHash, type Hash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { OutputFs } from './output-fs.ts';
import { allInOrder, asOutputError, asOutputErrorAsync } from './output-errors.ts';
import { OutputError } from '../errors.ts';
import { hashPrefix, tempPathOf, TEMP_SUFFIX } from './read-back.ts';

export { asOutputError, environmentProblem } from './output-errors.ts';
export { checkStreamPrefix, digestOf, readStreamPrefix, tempPathOf, TEMP_SUFFIX } from './read-back.ts';

/** A file's length and SHA-256, as recorded in checkpoint.json. */
export interface FileDigest {
  /** Path relative to the folder's root, `/`-separated. */
  readonly path: string;
  readonly bytes: number;
  /** Lowercase hex. */
  readonly sha256: string;
}

/** Bytes (as UTF-16 length, approximately) buffered before a write. */
export const FLUSH_THRESHOLD = 1 << 20;

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

/** Bytes a stream's buffer starts with; it doubles as needed (to a little over {@link FLUSH_THRESHOLD} for lines). */
const INITIAL_BUFFER_BYTES = 1 << 14;

/**
 * Where text lines go: a {@link StreamFile}. Besides {@link append}, a writer that encodes its own
 * bytes (events.jsonl's task lines, issue 10) may write straight into the buffer: `reserve(n)`,
 * then bytes from `end`, then `wrote(k)` with k at most n.
 */
export interface LineSink {
  /** Appends text (UTF-8). */
  append(text: string): void;
  /** The buffer, with room for at least `bytes` more bytes from {@link end}; valid until the next call. */
  reserve(bytes: number): Uint8Array;
  /** Where the next byte goes in the buffer {@link reserve} returned. */
  readonly end: number;
  /** The next `bytes` bytes from {@link end} are written (at most what was reserved); as {@link append} of them. */
  wrote(bytes: number): void;
}

/**
 * A file being written at its temporary name; see {@link OutputFolder.openStream}.
 *
 * Appended text is encoded into one reused buffer as it comes and written (and hashed) from it
 * in batches of about {@link FLUSH_THRESHOLD}: no joined string or new buffer per batch (issue 10:
 * at 10^6 rows the streams take 1.3 GB of lines).
 */
export class StreamFile implements LineSink {
  #bytes: Buffer = Buffer.allocUnsafe(0);
  /** Bytes buffered. */
  #used = 0;
  /** UTF-16 units buffered (ASCII bytes written through {@link wrote} count one each): what the flush threshold counts. */
  #buffered = 0;
  /** Whether anything was appended since the last flush (an empty text too: it still makes a write). */
  #pending = false;
  #open = true;

  /** @internal use {@link OutputFolder.openStream} or {@link OutputFolder.reopenStream} */
  constructor(
    private readonly folder: OutputFolder,
    /** Final path, relative to the folder. */
    readonly path: string,
    private readonly fd: number,
    private position: number,
    private readonly hash: Hash,
  ) {}

  /**
   * Appends text, UTF-8 encoded (each text on its own: a lone surrogate becomes U+FFFD, as with
   * `Buffer.from`); buffered, and written once about {@link FLUSH_THRESHOLD} UTF-16 units wait.
   */
  append(text: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 unit (4 per surrogate pair).
    this.reserve(3 * text.length);
    this.#used += this.#bytes.write(text, this.#used);
    this.#buffered += text.length;
    this.#pending = true;
    if (this.#buffered >= FLUSH_THRESHOLD) this.flush();
  }

  reserve(bytes: number): Uint8Array {
    if (this.#used + bytes > this.#bytes.length) {
      const larger = Buffer.allocUnsafe(Math.max(2 * this.#bytes.length, INITIAL_BUFFER_BYTES, this.#used + bytes));
      this.#bytes.copy(larger, 0, 0, this.#used);
      this.#bytes = larger;
    }
    return this.#bytes;
  }

  get end(): number {
    return this.#used;
  }

  wrote(bytes: number): void {
    this.#used += bytes;
    this.#buffered += bytes;
    this.#pending = true;
    if (this.#buffered >= FLUSH_THRESHOLD) this.flush();
  }

  /** Appends bytes: the buffered text first, then these, written at once. @throws OutputError on a fault of the environment */
  appendBytes(data: Uint8Array): void {
    this.flush();
    this.#write(data);
  }

  /** Writes the buffered text. @throws OutputError on a fault of the environment */
  flush(): void {
    if (!this.#pending) return;
    // write(2) and the hash are done with the bytes when they return: the buffer is reused.
    const data = this.#bytes.subarray(0, this.#used);
    this.#used = 0;
    this.#buffered = 0;
    this.#pending = false;
    this.#write(data);
  }

  #write(data: Uint8Array): void {
    const at = this.position;
    asOutputError(this.folder.label, `write ${tempPathOf(this.path)}`, () => {
      this.folder.fs.write(this.fd, data, at);
    });
    this.hash.update(data);
    this.position += data.length;
  }

  /** Flushes and fsyncs; the bytes and SHA-256 of everything appended so far. */
  checkpoint(): FileDigest {
    const digest = this.flushed();
    asOutputError(this.folder.label, `sync ${tempPathOf(this.path)}`, () => {
      this.folder.fs.fsync(this.fd);
    });
    return digest;
  }

  /** Flushes (no fsync); the bytes and SHA-256 of everything appended so far. @throws OutputError on a fault of the environment */
  flushed(): FileDigest {
    this.flush();
    return { path: this.path, bytes: this.position, sha256: this.hash.copy().digest('hex') };
  }

  /** fsyncs the bytes written so far on libuv's thread pool ({@link OutputFs.fsyncAsync}). @throws OutputError on a fault of the environment */
  syncAsync(): Promise<void> {
    return asOutputErrorAsync(this.folder.label, `sync ${tempPathOf(this.path)}`, () => this.folder.fs.fsyncAsync(this.fd));
  }

  /** Flushes, fsyncs, closes and renames the file to its final name. */
  finish(): FileDigest {
    const digest = this.checkpoint();
    this.closeAndRename();
    return digest;
  }

  /** Closes the file and renames it to its final name (written and synced already). @throws OutputError on a fault of the environment */
  closeAndRename(): void {
    this.#open = false;
    asOutputError(this.folder.label, `close ${tempPathOf(this.path)}`, () => {
      this.folder.fs.close(this.fd);
    });
    this.folder.rename(tempPathOf(this.path), this.path);
  }

  /** Closes the file without renaming it (a failed or canceled run); errors are ignored. */
  abandon(): void {
    if (!this.#open) return;
    this.#open = false;
    try {
      this.folder.fs.close(this.fd);
    } catch {
      // The run is failing already; its first error is the one to report.
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
