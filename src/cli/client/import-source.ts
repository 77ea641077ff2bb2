// The file an import sends: a CSV as it is, standard input spooled to a temporary file, or JSON lines turned
// into a CSV (two passes: the columns, then the rows), so the upload is always a file-backed, retryable CSV.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { CliError, EXIT } from '../exit-codes.ts';

export type ImportSource = { csv: string; name: string; cleanup(): Promise<void> };

function cell(value: unknown): string {
  const text = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

async function* jsonLines(file: string): AsyncGenerator<Record<string, unknown>> {
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY });
  let n = 0;
  for await (const line of lines) {
    n++;
    if (!line.trim()) continue;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch {
      throw new CliError(`line ${n} of the JSON lines file is not valid JSON; fix the file`, EXIT.USAGE);
    }
    if (!row || typeof row !== 'object' || Array.isArray(row)) throw new CliError(`line ${n} of the JSON lines file is not an object`, EXIT.USAGE);
    yield row as Record<string, unknown>;
  }
}

async function jsonlToCsv(file: string, target: string): Promise<void> {
  const columns = new Set<string>();
  for await (const row of jsonLines(file)) for (const key of Object.keys(row)) columns.add(key);
  const names = [...columns];
  async function* csv() {
    yield `${names.map(cell).join(',')}\n`;
    for await (const row of jsonLines(file)) yield `${names.map((n) => cell(row[n])).join(',')}\n`;
  }
  await pipeline(csv, createWriteStream(target));
}

/** Opens FILE (or `-`, standard input) as a CSV file on disk; `format` from the flag or the extension. */
export async function openImportSource(file: string, format: string | undefined): Promise<ImportSource> {
  const kind = format ?? (/\.(jsonl|ndjson)$/i.test(file) ? 'jsonl' : 'csv');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'listgate-import-'));
  const cleanup = () => rm(dir, { recursive: true, force: true });
  try {
    let input = file;
    if (file === '-') {
      input = path.join(dir, 'stdin');
      await pipeline(process.stdin, createWriteStream(input));
    } else {
      await new Promise<void>((resolve, reject) => {
        const probe = createReadStream(file, { start: 0, end: 0 });
        probe.once('error', () => reject(new CliError(`cannot read ${file}; check the path`, EXIT.USAGE)));
        probe.once('close', () => resolve());
        probe.resume();
      });
    }
    const name = file === '-' ? 'stdin.csv' : `${path.basename(file).replace(/\.(jsonl|ndjson)$/i, '')}${kind === 'jsonl' ? '.csv' : ''}`;
    if (kind === 'csv') return { csv: input, name, cleanup };
    const csv = path.join(dir, 'converted.csv');
    await jsonlToCsv(input, csv);
    return { csv, name, cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
