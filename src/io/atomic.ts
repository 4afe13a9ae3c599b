/**
 * Atomic artifact files (contract section 12): every file is written under a temporary name
 * in its own folder (`.<name>.tmp`) and renamed into place, so a file at its final name is
 * always whole; a temporary file is created with O_EXCL, so nothing is ever written through an
 * existing file or link.
 *
 * Two kinds of file:
 * - whole files ({@link OutputFolder.writeFile}): written, fsynced and renamed in one call;
 * - streams ({@link StreamFile}): files that grow wave by wave (`task_outcomes.jsonl`,
 *   `events.jsonl`, the signals). They stay at their temporary name until the run ends;
 *   {@link StreamFile.checkpoint} gives their length and SHA-256 so far, and
 *   {@link OutputFolder.reopenStream} cuts a stream back to a checkpoint on `--resume`.
 *
 * Every SHA-256 is computed from the bytes as they are written (no second read).
 */
import { createHash, type Hash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { OutputError } from '../errors.ts';
import type { OutputFs } from './output-fs.ts';

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

/** Suffix of temporary files: `dir/.name.tmp` is the temporary name of `dir/name`. */
export const TEMP_SUFFIX = '.tmp';

/** The temporary name of `relative` (same folder): `wave_1/.gate_decisions.jsonl.tmp`. */
export function tempPathOf(relative: string): string {
  const dir = path.posix.dirname(relative);
  const base = path.posix.basename(relative);
  return dir === '.' ? `.${base}${TEMP_SUFFIX}` : `${dir}/.${base}${TEMP_SUFFIX}`;
}

/** System-call error codes that mean the environment is at fault (not a bug), with their wording. */
const ENVIRONMENT_CODES: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'is a folder',
  EEXIST: 'already exists',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'name too long',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  EIO: 'input/output error',
  EFBIG: 'file too large',
  ENOENT: 'no such file or folder',
};

/** `no space left on device (ENOSPC)` for an error of the environment; null for anything else. */
export function environmentProblem(error: unknown): string | null {
  if (!(error instanceof Error)) return null;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === undefined) return null;
  const wording = ENVIRONMENT_CODES[code];
  return wording === undefined ? null : `${wording} (${code})`;
}

/**
 * Runs `action`; an error of the environment becomes an {@link OutputError}
 * `<label>: cannot <what>: <problem>`. Other errors pass unchanged.
 */
export function asOutputError<T>(label: string, what: string, action: () => T): T {
  try {
    return action();
  } catch (error: unknown) {
    const problem = environmentProblem(error);
    if (problem === null) throw error;
    throw new OutputError(`${label}: cannot ${what}: ${problem}`, { cause: error });
  }
}

/** The writing end of one folder (the output folder, or the report folder). */
export class OutputFolder {
  readonly #ensured = new Set<string>();
  readonly #dirty = new Set<string>();

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
        this.#dirty.add(path.posix.dirname(current));
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
   * itself is replaced, never what it points to).
   * @throws OutputError on a fault of the environment (disk full, read-only, ...)
   */
  writeFile(relative: string, chunks: Iterable<string>): FileDigest {
    const stream = this.openStream(relative);
    try {
      for (const chunk of chunks) stream.append(chunk);
      return stream.finish();
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
}

/** A file being written at its temporary name; see {@link OutputFolder.openStream}. */
export class StreamFile {
  #chunks: string[] = [];
  #buffered = 0;
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

  /** Appends text (buffered; written in batches of about {@link FLUSH_THRESHOLD}). */
  append(text: string): void {
    this.#chunks.push(text);
    this.#buffered += text.length;
    if (this.#buffered >= FLUSH_THRESHOLD) this.flush();
  }

  /** Appends bytes: the buffered text first, then these, written at once. @throws OutputError on a fault of the environment */
  appendBytes(data: Uint8Array): void {
    this.flush();
    const at = this.position;
    asOutputError(this.folder.label, `write ${tempPathOf(this.path)}`, () => {
      this.folder.fs.write(this.fd, data, at);
    });
    this.hash.update(data);
    this.position += data.length;
  }

  /** Writes the buffered text. @throws OutputError on a fault of the environment */
  flush(): void {
    if (this.#chunks.length === 0) return;
    const data = Buffer.from(this.#chunks.join(''), 'utf8');
    this.#chunks = [];
    this.#buffered = 0;
    const at = this.position;
    asOutputError(this.folder.label, `write ${tempPathOf(this.path)}`, () => {
      this.folder.fs.write(this.fd, data, at);
    });
    this.hash.update(data);
    this.position += data.length;
  }

  /** Flushes and fsyncs; the bytes and SHA-256 of everything appended so far. */
  checkpoint(): FileDigest {
    this.flush();
    asOutputError(this.folder.label, `sync ${tempPathOf(this.path)}`, () => {
      this.folder.fs.fsync(this.fd);
    });
    return { path: this.path, bytes: this.position, sha256: this.hash.copy().digest('hex') };
  }

  /** Flushes, fsyncs, closes and renames the file to its final name. */
  finish(): FileDigest {
    const digest = this.checkpoint();
    this.#open = false;
    asOutputError(this.folder.label, `close ${tempPathOf(this.path)}`, () => {
      this.folder.fs.close(this.fd);
    });
    this.folder.rename(tempPathOf(this.path), this.path);
    return digest;
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

/** Feeds the first `bytes` bytes of `file` to `hash`; returns how many there were. */
function hashPrefix(file: string, bytes: number, hash: Hash): number {
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.allocUnsafe(Math.min(FLUSH_THRESHOLD * 4, Math.max(1, bytes)));
    let done = 0;
    while (done < bytes) {
      const n = fs.readSync(fd, buffer, 0, Math.min(buffer.length, bytes - done), done);
      if (n === 0) break;
      hash.update(buffer.subarray(0, n));
      done += n;
    }
    return done;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The length and SHA-256 of the file `relative` under `root`, or null when it is missing or
 * not a regular file (links are not followed).
 */
export function digestOf(root: string, relative: string): FileDigest | null {
  const full = path.join(root, relative);
  const stat = fs.lstatSync(full, { throwIfNoEntry: false });
  if (stat === undefined || !stat.isFile()) return null;
  const hash = createHash('sha256');
  const bytes = hashPrefix(full, stat.size, hash);
  return { path: relative, bytes, sha256: hash.digest('hex') };
}

/** The stream file of `relative` an interrupted run left: its temporary name if present, else its final name. */
function streamFileOf(root: string, relative: string): { readonly file: string; readonly stat: fs.Stats | undefined } {
  const temp = path.join(root, tempPathOf(relative));
  const tempStat = fs.lstatSync(temp, { throwIfNoEntry: false });
  if (tempStat !== undefined) return { file: temp, stat: tempStat };
  const final = path.join(root, relative);
  return { file: final, stat: fs.lstatSync(final, { throwIfNoEntry: false }) };
}

/**
 * Checks, without changing anything, that the stream `relative` of an interrupted run (at its
 * temporary name, else its final one) begins with `expected.bytes` bytes of SHA-256
 * `expected.sha256`.
 * @returns null when it does, else the problem
 */
export function checkStreamPrefix(root: string, relative: string, expected: FileDigest): string | null {
  const { file, stat } = streamFileOf(root, relative);
  if (stat === undefined) return `${relative} is missing`;
  if (!stat.isFile()) return `${relative} is not a regular file`;
  if (stat.size < expected.bytes) return `${relative} is shorter (${stat.size} bytes) than at the checkpoint (${expected.bytes} bytes)`;
  const hash = createHash('sha256');
  hashPrefix(file, expected.bytes, hash);
  return hash.digest('hex') === expected.sha256 ? null : `${relative} differs from the checkpoint (sha256 of its first ${expected.bytes} bytes)`;
}

/** The first `bytes` bytes of the stream `relative` (see {@link checkStreamPrefix}) as UTF-8 text. */
export function readStreamPrefix(root: string, relative: string, bytes: number): string {
  const { file } = streamFileOf(root, relative);
  const buffer = Buffer.alloc(bytes);
  const fd = fs.openSync(file, 'r');
  try {
    let done = 0;
    while (done < bytes) {
      const n = fs.readSync(fd, buffer, done, bytes - done, done);
      if (n === 0) break;
      done += n;
    }
  } finally {
    fs.closeSync(fd);
  }
  return buffer.toString('utf8');
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
