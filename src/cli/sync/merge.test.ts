import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { ChangeBatch } from './change-runs.ts';
import {
  type ContactChange,
  CSV_HEADER,
  renderRow,
  type SyncFormat,
  type SyncStatus,
} from './contact-rows.ts';
import { memoryCursor, mergeRows } from './merge.ts';
import { OutputWriter } from './output-writer.ts';
import { openRecordFile, type RecordCursor, RecordFormatError } from './record-file.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'listgate-merge-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const tmp = (ext: string) => path.join(dir, `f${++n}.${ext}`);

const id = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
function change(i: number, status: SyncStatus = 'active', first = `Name ${i}`): ContactChange {
  return {
    contact_id: id(i),
    status,
    contact: {
      email_address: { address: `c${i}@example.com`, permission_to_send: 'implicit' },
      first_name: first,
    },
  };
}

async function writeRows(format: SyncFormat, changes: ContactChange[]): Promise<string> {
  const batch = new ChangeBatch(format);
  for (const c of changes) batch.add(renderRow(format, c));
  const file = tmp(format);
  await batch.writeRun(file);
  return file;
}

async function merge(
  format: SyncFormat,
  previous: string | null,
  runs: string[],
  last: ContactChange[],
  authoritative = false,
) {
  const out = tmp(format);
  const writer = await OutputWriter.create(out);
  if (format === 'csv') await writer.append(Buffer.from(CSV_HEADER));
  const prev = previous ? await openRecordFile(previous, format, 64) : null;
  const files: RecordCursor[] = [];
  for (const r of runs) files.push(await openRecordFile(r, format, 64));
  const cursors = [...files, memoryCursor(format, last.map((c) => renderRow(format, c)))];
  try {
    const counts = await mergeRows(writer, format, prev, cursors, authoritative);
    await writer.finish();
    return { counts, text: readFileSync(out, 'utf8'), out };
  } catch (error) {
    await writer.abort();
    throw error;
  } finally {
    await prev?.close();
    for (const c of files) await c.close();
  }
}

for (const format of ['csv', 'jsonl'] as const) {
  describe(`sync merge (${format})`, () => {
    it('keeps one row per contact, sorted, the newest change winning', async () => {
      const run1 = await writeRows(format, [change(3), change(1), change(2)]);
      const run2 = await writeRows(format, [change(2, 'active', 'Renamed'), change(4)]);
      const { counts, text } = await merge(format, null, [run1, run2], [change(1, 'unsubscribed')], true);
      assert.deepEqual(counts, { added: 4, updated: 0, removed: 0, total: 4 });
      const rows = text.split('\n').filter((l) => l && !l.startsWith('contact_id,'));
      assert.deepEqual(
        rows.map((r) => r.match(/8000-0*(\d+)/)![1]),
        ['1', '2', '3', '4'],
      );
      assert.match(rows[0]!, /unsubscribed/);
      assert.match(rows[1]!, /Renamed/);
    });

    it('applies changes to the previous output and counts what changed', async () => {
      const previous = (await merge(format, null, [], [change(1), change(2), change(3), change(4)], true))
        .out;
      const { counts, text } = await merge(
        format,
        previous,
        [],
        [change(2, 'active', 'Bob'), change(3, 'deleted'), change(4), change(5), change(6, 'removed')],
      );
      assert.deepEqual(counts, { added: 1, updated: 1, removed: 1, total: 4 });
      // The tombstone keeps the contact's last known data, with the new status.
      const tomb = text.split('\n').find((l) => l.includes(id(3)))!;
      assert.match(tomb, /deleted/);
      assert.match(tomb, /c3@example\.com/);
      assert.ok(!text.includes(id(6)), 'no tombstone for a contact the output never had');
    });

    it('marks contacts a full walk no longer returns as removed', async () => {
      const previous = (await merge(format, null, [], [change(1), change(2)], true)).out;
      const { counts, text } = await merge(format, previous, [], [change(2)], true);
      assert.deepEqual(counts, { added: 0, updated: 0, removed: 1, total: 1 });
      assert.match(text.split('\n').find((l) => l.includes(id(1)))!, /removed/);
    });

    it('refuses a previous output that is not sorted', async () => {
      const previous = (await merge(format, null, [], [change(1), change(2)], true)).out;
      const lines = readFileSync(previous, 'utf8').split('\n');
      const body = format === 'csv' ? [lines[0], lines[2], lines[1]] : [lines[1], lines[0]];
      writeFileSync(previous, `${body.join('\n')}\n`);
      await assert.rejects(merge(format, previous, [], [change(3)]), RecordFormatError);
    });
  });
}

describe('sync merge (csv fields)', () => {
  it('reads rows whose quoted fields hold commas, quotes and line breaks', async () => {
    const odd = change(2, 'active', 'Line one\nline "two", and more');
    const previous = (await merge('csv', null, [], [change(1), odd, change(3)], true)).out;
    const { counts, text } = await merge('csv', previous, [], [change(3, 'unsubscribed')]);
    assert.deepEqual(counts, { added: 0, updated: 1, removed: 0, total: 3 });
    assert.ok(text.includes('"Line one\nline ""two"", and more"'));
  });

  it('refuses a CSV whose header is not the sync header', async () => {
    const file = tmp('csv');
    writeFileSync(file, 'email,name\nx@example.com,X\n');
    await assert.rejects(openRecordFile(file, 'csv'), /header row differs/);
  });
});
