// Writes the new sync output to a temporary file in large vectored writes, coalescing adjacent slices of
// the previous file, then fsyncs it; the caller renames it into place only when the whole run succeeded.
import { type FileHandle, open, rm } from 'node:fs/promises';

const FLUSH_BYTES = 4 << 20;

export class OutputWriter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private last: { buf: Buffer; start: number; end: number } | null = null;
  bytesWritten = 0;

  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
  ) {}

  /** Creates `path` exclusively; fails if it exists (a temporary name is unique per run). */
  static async create(path: string, mode = 0o644): Promise<OutputWriter> {
    return new OutputWriter(path, await open(path, 'wx', mode));
  }

  private seal(): void {
    if (!this.last) return;
    this.pending.push(this.last.buf.subarray(this.last.start, this.last.end));
    this.last = null;
  }

  /** Queues bytes [start, end) of `buf`; consecutive ranges of the same buffer become one write. */
  async append(buf: Buffer, start = 0, end = buf.length): Promise<void> {
    if (this.last && this.last.buf === buf && this.last.end === start) this.last.end = end;
    else {
      this.seal();
      this.last = { buf, start, end };
    }
    this.pendingBytes += end - start;
    if (this.pendingBytes >= FLUSH_BYTES) await this.flush();
  }

  async flush(): Promise<void> {
    this.seal();
    if (!this.pending.length) return;
    const buffers = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    let remaining = buffers;
    // writev may write less than asked; continue from where it stopped.
    while (remaining.length) {
      const { bytesWritten } = await this.handle.writev(remaining);
      this.bytesWritten += bytesWritten;
      let skip = bytesWritten;
      const rest: Buffer[] = [];
      for (const b of remaining) {
        if (skip >= b.length) skip -= b.length;
        else {
          rest.push(skip ? b.subarray(skip) : b);
          skip = 0;
        }
      }
      remaining = rest;
    }
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
