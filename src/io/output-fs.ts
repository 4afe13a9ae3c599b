/**
 * The output port: every call that changes the disk on the writing end of the harness (the
 * output folder and the report) goes through an {@link OutputFs}, one method per system call.
 * Reads (stat, readdir, reading files back on resume) use `node:fs` directly; they change
 * nothing.
 *
 * Keeping the mutating calls behind one port gives two things: a test (or the crash script,
 * through the CLI entry) can count them and stop the process at any one of them
 * ({@link crashingFs}), and a test can make any one of them fail like a full disk would
 * ({@link failingFs}).
 */
import fs from 'node:fs';

/** The mutating file-system calls of the writing layer, synchronous like the writer. */
export interface OutputFs {
  /** `mkdir(2)` of one folder (its parent exists). */
  mkdir(path: string): void;
  /** `open(2)` with O_CREAT | O_EXCL | O_WRONLY: a new file, never through an existing name or link. */
  create(path: string): number;
  /** `open(2)` of an existing regular file for writing (O_WRONLY | O_NOFOLLOW), at offset 0. */
  openExisting(path: string): number;
  /**
   * `write(2)` of all of `data` at `position` (bytes from the start of the file). The caller
   * reuses `data`'s memory once the call returns (a stream's buffer): keep a copy, not `data`.
   */
  write(fd: number, data: Uint8Array, position: number): void;
  /** `ftruncate(2)`. */
  truncate(fd: number, length: number): void;
  /** `fsync(2)`: the file's data and size reach the disk. */
  fsync(fd: number): void;
  close(fd: number): void;
  /** `rename(2)`: atomically replaces `to` (a file or a link, never what a link points to). */
  rename(from: string, to: string): void;
  /** `unlink(2)`: removes a file or a link (never what it points to). */
  unlink(path: string): void;
  /** `rmdir(2)` of an empty folder. */
  rmdir(path: string): void;
  /** `fsync(2)` of a folder, so renames and removals in it reach the disk. */
  syncDir(path: string): void;
  /**
   * {@link fsync} on libuv's thread pool: the call is made (and counted) when this is called;
   * several issued before awaiting any run in parallel, so the file system can commit them
   * together (ext4 joins concurrent fsyncs into one journal commit).
   */
  fsyncAsync(fd: number): Promise<void>;
  /** {@link syncDir} on libuv's thread pool, as {@link fsyncAsync}. */
  syncDirAsync(path: string): Promise<void>;
}

/**
 * The calls of {@link OutputFs}, as counted by {@link crashingFs}: the system calls, so an
 * `fsyncAsync` counts as an `fsync` and a `syncDirAsync` as a `syncDir`.
 */
export type OutputOp = Exclude<keyof OutputFs, 'fsyncAsync' | 'syncDirAsync'>;

/** `node:fs` behind the port. */
export const NODE_OUTPUT_FS: OutputFs = {
  mkdir: (path) => {
    fs.mkdirSync(path);
  },
  create: (path) => fs.openSync(path, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o666),
  openExisting: (path) => fs.openSync(path, fs.constants.O_WRONLY | fs.constants.O_NOFOLLOW),
  write: (fd, data, position) => {
    let done = 0;
    while (done < data.length) done += fs.writeSync(fd, data, done, data.length - done, position + done);
  },
  truncate: (fd, length) => {
    fs.ftruncateSync(fd, length);
  },
  fsync: (fd) => {
    fs.fsyncSync(fd);
  },
  close: (fd) => {
    fs.closeSync(fd);
  },
  rename: (from, to) => {
    fs.renameSync(from, to);
  },
  unlink: (path) => {
    fs.unlinkSync(path);
  },
  rmdir: (path) => {
    fs.rmdirSync(path);
  },
  syncDir: (path) => {
    const fd = fs.openSync(path, fs.constants.O_RDONLY);
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  },
  fsyncAsync: (fd) =>
    new Promise((resolve, reject) => {
      fs.fsync(fd, (error) => {
        if (error === null) resolve();
        else reject(error);
      });
    }),
  syncDirAsync: async (path) => {
    const handle = await fs.promises.open(path, fs.constants.O_RDONLY);
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
};

/**
 * Wraps `inner` so that `before(op, n, target)` runs before each call: n counts calls from 1,
 * `target` is the path (or `fd <n>`) the call acts on.
 */
export function countingFs(inner: OutputFs, before: (op: OutputOp, n: number, target: string) => void): OutputFs {
  let n = 0;
  const tick = (op: OutputOp, target: string | number): void => {
    n += 1;
    before(op, n, typeof target === 'number' ? `fd ${target}` : target);
  };
  return {
    mkdir: (path) => {
      tick('mkdir', path);
      inner.mkdir(path);
    },
    create: (path) => {
      tick('create', path);
      return inner.create(path);
    },
    openExisting: (path) => {
      tick('openExisting', path);
      return inner.openExisting(path);
    },
    write: (fd, data, position) => {
      tick('write', fd);
      inner.write(fd, data, position);
    },
    truncate: (fd, length) => {
      tick('truncate', fd);
      inner.truncate(fd, length);
    },
    fsync: (fd) => {
      tick('fsync', fd);
      inner.fsync(fd);
    },
    close: (fd) => {
      tick('close', fd);
      inner.close(fd);
    },
    rename: (from, to) => {
      tick('rename', from);
      inner.rename(from, to);
    },
    unlink: (path) => {
      tick('unlink', path);
      inner.unlink(path);
    },
    rmdir: (path) => {
      tick('rmdir', path);
      inner.rmdir(path);
    },
    syncDir: (path) => {
      tick('syncDir', path);
      inner.syncDir(path);
    },
    // Async, so a tick that throws (a simulated crash, a failing call) rejects like the call would.
    fsyncAsync: async (fd) => {
      tick('fsync', fd);
      await inner.fsyncAsync(fd);
    },
    syncDirAsync: async (path) => {
      tick('syncDir', path);
      await inner.syncDirAsync(path);
    },
  };
}

/**
 * A port that dies at its `at`-th call (from 1), as a process killed at that moment would:
 * the call does not happen, except a `write`, which writes the first half of its bytes (a
 * write cut short). `crash` is then called; it must not return normally (the CLI entry sends
 * itself SIGKILL; tests throw). Every later call throws too, so nothing reaches the disk after
 * the crash point, whatever error handling runs.
 */
export function crashingFs(inner: OutputFs, at: number, crash: (op: OutputOp, n: number) => never): OutputFs {
  let dead = false;
  let pending: { fd: number; data: Uint8Array; position: number } | null = null;
  const counted = countingFs(inner, (op, n) => {
    if (dead) crash(op, n);
    if (n !== at) return;
    dead = true;
    if (op === 'write' && pending !== null) inner.write(pending.fd, pending.data.subarray(0, Math.floor(pending.data.length / 2)), pending.position);
    crash(op, n);
  });
  return {
    ...counted,
    write: (fd, data, position) => {
      pending = { fd, data, position };
      counted.write(fd, data, position);
    },
  };
}

/** An error like the one Node's fs throws for `code` (e.g. `ENOSPC`). */
export function fsError(code: string, syscall: string, path: string): NodeJS.ErrnoException {
  const messages: Record<string, string> = {
    ENOSPC: 'no space left on device',
    EROFS: 'read-only file system',
    EACCES: 'permission denied',
    EIO: 'i/o error',
  };
  const error: NodeJS.ErrnoException = new Error(`${code}: ${messages[code] ?? code.toLowerCase()}, ${syscall} '${path}'`);
  error.code = code;
  error.syscall = syscall;
  error.path = path;
  return error;
}

/**
 * A port whose calls for which `fails(op, n)` holds throw {@link fsError} with `code`
 * instead of happening (tests: a disk that fills up at the n-th write).
 */
export function failingFs(inner: OutputFs, code: string, fails: (op: OutputOp, n: number) => boolean): OutputFs {
  return countingFs(inner, (op, n, target) => {
    if (fails(op, n)) throw fsError(code, op, target);
  });
}
