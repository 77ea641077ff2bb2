// Writes the new sync output to a temporary file through one reused 1 MiB buffer (rows are copied in, so
// no reader buffer is held and nothing per row is left for the garbage collector); long stretches copied
// from the previous file go straight to disk. The caller renames the file into place only on success.
import { type FileHandle, open, rm } from 'node:fs/promises';

const BUFFER_BYTES = 1 << 20;
/** Ranges at least this long skip the buffer. */
const DIRECT_BYTES = 256 * 1024;

export class OutputWriter {
  private readonly buffer = Buffer.allocUnsafe(BUFFER_BYTES);
  private used = 0;
  bytesWritten = 0;

  readonly path: string;
  private readonly handle: FileHandle;

  private constructor(path: string, handle: FileHandle) {
    this.path = path;
    this.handle = handle;
  }

  /** Creates `path` exclusively; fails if it exists (a temporary name is unique per run). */
  static async create(path: string, mode = 0o600): Promise<OutputWriter> {
    const handle = await open(path, 'wx', mode);
    // Exactly `mode`, whatever the umask: an output keeps the mode its owner gave it.
    await handle.chmod(mode);
    return new OutputWriter(path, handle);
  }

  private async writeAll(buf: Buffer, start: number, end: number): Promise<void> {
    // write() may write less than asked; continue from where it stopped.
    for (let at = start; at < end; ) {
      const { bytesWritten } = await this.handle.write(buf, at, end - at);
      at += bytesWritten;
      this.bytesWritten += bytesWritten;
    }
  }

  /** Appends bytes [start, end) of `buf`; `buf` may be reused as soon as this resolves. */
  async append(buf: Buffer, start = 0, end = buf.length): Promise<void> {
    const length = end - start;
    if (length >= DIRECT_BYTES) {
      await this.flush();
      await this.writeAll(buf, start, end);
      return;
    }
    if (this.used + length > this.buffer.length) await this.flush();
    buf.copy(this.buffer, this.used, start, end);
    this.used += length;
  }

  async flush(): Promise<void> {
    if (!this.used) return;
    const used = this.used;
    this.used = 0;
    await this.writeAll(this.buffer, 0, used);
  }

  /** Flushes, fsyncs and closes; the file is complete on disk when this resolves. */
  async finish(): Promise<void> {
    await this.flush();
    await this.handle.sync();
    await this.handle.close();
  }

  /** Closes and deletes the partial file. */
  async abort(): Promise<void> {
    await this.handle.close().catch(() => undefined);
    await rm(this.path, { force: true });
  }
}
