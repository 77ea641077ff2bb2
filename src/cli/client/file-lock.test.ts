import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { acquireLock, isStale, LockBusyError } from './file-lock.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'listgate-lock-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const holder = path.resolve('test/fixtures/lock-holder.ts');

/** A pid that certainly belonged to a process that has exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid!;
}

describe('file lock', () => {
  it('lets one holder in and refuses a second until the first releases', async () => {
    const file = path.join(dir, 'a.lock');
    const first = await acquireLock(file);
    await assert.rejects(
      acquireLock(file),
      (e: unknown) => e instanceof LockBusyError && e.owner?.pid === process.pid,
    );
    assert.equal(await first.isHeld(), true);
    await first.release();
    const second = await acquireLock(file);
    await second.release();
  });

  it('waits for a holder that releases within waitMs', async () => {
    const file = path.join(dir, 'b.lock');
    const first = await acquireLock(file);
    setTimeout(() => void first.release(), 150);
    const second = await acquireLock(file, { waitMs: 5000 });
    assert.equal(await second.isHeld(), true);
    await second.release();
  });

  it('takes over at once a lock left by a process that died on this host', async () => {
    const file = path.join(dir, 'c.lock');
    writeFileSync(
      file,
      JSON.stringify({ pid: deadPid(), host: os.hostname(), nonce: 'x', started_at: 'then' }),
    );
    const lock = await acquireLock(file);
    assert.equal(JSON.parse(readFileSync(file, 'utf8')).pid, process.pid);
    await lock.release();
  });

  it('treats a lock of another host as held until its heartbeat is older than staleMs', async () => {
    const file = path.join(dir, 'd.lock');
    writeFileSync(
      file,
      JSON.stringify({ pid: 1, host: 'elsewhere.example', nonce: 'y', started_at: 'then' }),
    );
    await assert.rejects(acquireLock(file, { staleMs: 60_000 }), LockBusyError);
    const old = new Date(Date.now() - 120_000);
    utimesSync(file, old, old);
    const lock = await acquireLock(file, { staleMs: 60_000 });
    await lock.release();
  });

  it('sees a reused pid as a different process (start time differs)', () => {
    const raw = JSON.stringify({
      pid: process.pid,
      host: os.hostname(),
      nonce: 'z',
      proc_start: '1',
      started_at: 'then',
    });
    const onLinux = process.platform === 'linux';
    assert.equal(isStale(raw, Date.now(), 60_000), onLinux);
  });

  it('gives a stale lock to exactly one of many processes racing for it', async () => {
    const file = path.join(dir, 'e.lock');
    writeFileSync(
      file,
      JSON.stringify({ pid: deadPid(), host: os.hostname(), nonce: 'w', started_at: 'then' }),
    );
    const run = promisify(execFile);
    const startAt = String(Date.now() + 3000);
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        run(process.execPath, ['--import', 'tsx', holder, file, '1500', startAt]),
      ),
    );
    const outcomes = results.map((r) => r.stdout.trim()).sort();
    assert.deepEqual(outcomes, ['busy', 'busy', 'busy', 'busy', 'busy', 'busy', 'busy', 'won']);
  });
  it('never shows an empty lock: the owner is written before the lock appears, and a killed writer\'s leftover is removed', async () => {
    const file = path.join(dir, 'e.lock');
    // What a process killed between writing its owner and linking it leaves behind.
    const leftover = `${file}.${deadPid()}.new`;
    writeFileSync(leftover, '{"pid":1}');
    const lock = await acquireLock(file);
    try {
      assert.equal((JSON.parse(readFileSync(file, 'utf8')) as { pid: number }).pid, process.pid);
      assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('e.lock')), ['e.lock']);
    } finally {
      await lock.release();
    }
  });
});
