// Collects the rows of fetched changes in memory (the newest row of a contact wins) and, when the batch
// grows large, writes it as a sorted run file: the external sort that keeps a million-contact sync small.
import { rename } from 'node:fs/promises';
import { CSV_HEADER, type Row, type SyncFormat } from './contact-rows.ts';
import { OutputWriter } from './output-writer.ts';

export class ChangeBatch {
  private rows = new Map<string, Row>();
  private bytes = 0;

  constructor(
    readonly format: SyncFormat,
    /** Flush to a run file once the batch holds this many bytes of rows. */
    readonly maxBytes = 16 << 20,
  ) {}

  add(row: Row): void {
    const old = this.rows.get(row.key);
    if (old) this.bytes -= old.text.length;
    this.rows.set(row.key, row);
    this.bytes += row.text.length;
  }

  get size(): number {
    return this.rows.size;
  }

  get full(): boolean {
    return this.bytes >= this.maxBytes;
  }

  /** Hands over the rows and empties the batch. */
  take(): Row[] {
    const rows = [...this.rows.values()];
    this.rows = new Map();
    this.bytes = 0;
    return rows;
  }

  /** Writes the batch sorted by key to `file` (complete and fsynced once this resolves) and empties it. */
  async writeRun(file: string): Promise<number> {
    const rows = this.take().sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const temp = `${file}.partial`;
    const writer = await OutputWriter.create(temp, 0o600);
    try {
      if (this.format === 'csv') await writer.append(Buffer.from(CSV_HEADER));
      for (const row of rows) await writer.append(Buffer.from(row.text));
      await writer.finish();
    } catch (error) {
      await writer.abort();
      throw error;
    }
    await rename(temp, file);
    return rows.length;
  }
}
