import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { tempPathFor } from '../client/atomic-file.ts';
import type { ContactChange } from './contact-rows.ts';
import type { FeedPage } from './feed.ts';
import { createProgress } from './progress.ts';
import { readCheckpoint, type SyncScope } from './sync-state.ts';
import { walkAndMerge } from './sync-walk.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'listgate-walk-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const id = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
const change = (i: number, name = `N${i}`): ContactChange => ({
  contact_id: id(i),
  status: 'active',
  contact: { email_address: { address: `c${i}@example.com` }, first_name: name },
});

/** A change feed held in memory: pages of `size` changes, tokens are positions. */
function feed(changes: ContactChange[], size: number, failAt?: { token: string }) {
  const asked: (string | null)[] = [];
  const readPage = async (token: string | null): Promise<FeedPage> => {
    asked.push(token);
    if (failAt && token === failAt.token) throw new Error('connection reset');
    const from = token === null ? 0 : Number(token);
    const to = Math.min(changes.length, from + size);
    return { changes: changes.slice(from, to), next: String(to), more: to < changes.length };
  };
  return { readPage, asked };
}

function setup(name: string) {
  const out = path.join(dir, `${name}.csv`);
  const scope: SyncScope = { server: 'http://127.0.0.1:1', lists: 'all', format: 'csv', out };
  const workDir = path.join(dir, `${name}.work`);
  return { out, scope, workDir };
}

async function pass(
  s: ReturnType<typeof setup>,
  readPage: (t: string | null) => Promise<FeedPage>,
  baseToken: string | null,
) {
  const previous = existsSync(s.out) ? s.out : null;
  const result = await walkAndMerge(
    {
      scope: s.scope,
      workDir: s.workDir,
      readPage,
      baseToken,
      previous,
      batchBytes: 1,
      progress: createProgress(false),
    },
    tempPathFor,
    () => undefined,
  );
  if (result.temp) renameSync(result.temp, s.out);
  return result;
}

describe('sync walk', () => {
  it('resumes an interrupted walk from its checkpoint instead of starting over', async () => {
    const s = setup('resume');
    const changes = Array.from({ length: 10 }, (_, i) => change(10 - i));
    const failing = feed(changes, 2, { token: '6' });
    await assert.rejects(pass(s, failing.readPage, null), /connection reset/);
    assert.equal(existsSync(s.out), false, 'no output from a failed run');
    assert.equal(readCheckpoint(s.workDir)?.token, '6');

    const healthy = feed(changes, 2);
    const result = await pass(s, healthy.readPage, null);
    assert.deepEqual(healthy.asked, ['6', '8']);
    assert.equal(result.token, '10');
    assert.deepEqual(result.counts, { added: 10, updated: 0, removed: 0, total: 10 });
    const keys = readFileSync(s.out, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.slice(0, 36));
    assert.deepEqual(
      keys,
      Array.from({ length: 10 }, (_, i) => id(i + 1)),
    );
  });

  it('leaves the output alone when nothing changed', async () => {
    const s = setup('quiet');
    await pass(s, feed([change(1)], 5).readPage, null);
    const before = readFileSync(s.out, 'utf8');
    const result = await pass(s, async () => ({ changes: [], next: '1', more: false }), '1');
    assert.equal(result.temp, null);
    assert.equal(readFileSync(s.out, 'utf8'), before);
  });

  it('merges runs during a long walk and keeps the newest row of each contact, tombstones included', async () => {
    const s = setup('many');
    await pass(s, feed([change(5), change(7)], 5).readPage, null);
    const deleted: ContactChange = {
      contact_id: id(5),
      status: 'deleted',
      contact: { contact_id: id(5), status: 'deleted' },
    };
    const changes = [
      deleted,
      change(7, 'Renamed'),
      ...Array.from({ length: 40 }, (_, i) => change(i + 10)),
      change(12, 'Again'),
    ];
    const result = await pass(s, feed(changes, 1).readPage, '0');
    assert.deepEqual(result.counts, { added: 40, updated: 1, removed: 1, total: 41 });
    const rows = readFileSync(s.out, 'utf8').trim().split('\n').slice(1);
    assert.equal(rows.length, 42);
    assert.match(rows.find((r) => r.startsWith(id(5)))!, /,deleted,c5@example\.com/);
    assert.match(rows.find((r) => r.startsWith(id(7)))!, /Renamed/);
    assert.match(rows.find((r) => r.startsWith(id(12)))!, /Again/);
  });

  it('starts over when the checkpoint belongs to another base token', async () => {
    const s = setup('rebase');
    const changes = Array.from({ length: 6 }, (_, i) => change(i + 1));
    await assert.rejects(pass(s, feed(changes, 2, { token: '4' }).readPage, null), /connection reset/);
    const other = feed(changes, 2);
    await pass(s, other.readPage, '0');
    assert.deepEqual(other.asked, ['0', '2', '4']);
  });
});
