// `listgate sync` killed with SIGKILL at random points of a run that spills sorted runs to its work
// directory, again and again: every next run cleans or reuses what the killed one left (half-written runs,
// temporary outputs of dead processes), and the run that finally completes writes exactly the file a fresh
// full sync writes. The server's dialect plays no part here, so one (SQLite) is enough.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { finished, runCli, startCli } from './helpers/cli.ts';
import { type SyncFixture, startSyncFixture } from './helpers/sync-fixture.ts';

const CONTACTS = 240;
const KILLS = 20;
/** Small pages and batches: a run spills a sorted run file every page or two, and consolidates them. */
const SPILL = ['--page-size', '8', '--batch-bytes', '1500'];

describe('listgate sync killed at random points while spilling', () => {
  let fx: SyncFixture;
  before(async () => {
    fx = await startSyncFixture('sqlite');
    for (let i = 0; i < CONTACTS; i += 10) await Promise.all(Array.from({ length: 10 }, (_, j) => fx.addContact(i + j, [fx.listId])));
  });
  after(() => fx?.close());

  it(`resumes after ${KILLS} SIGKILLs and ends with the file of a fresh full sync`, async () => {
    const { env, home, listId } = fx;
    const reference = path.join(home, 'reference.csv');
    const started = Date.now();
    const fresh = await runCli(['sync', '--list', listId, '--out', reference, ...SPILL, '--json'], env);
    assert.equal(fresh.code, 0, fresh.stderr);
    const runMs = Date.now() - started;

    const out = path.join(home, 'killed.csv');
    const args = ['sync', '--list', listId, '--out', out, ...SPILL, '--json'];
    const workDir = `${out}.state.json.work`;
    let kills = 0;
    let midSpill = 0;
    for (let attempt = 0; kills < KILLS && attempt < KILLS * 5; attempt++) {
      const child = startCli(args, env);
      const result = finished(child);
      await new Promise((r) => setTimeout(r, Math.floor(runMs * (0.1 + Math.random() * 0.8))));
      if (child.exitCode === null && child.signalCode === null) {
        if (existsSync(workDir) && readdirSync(workDir).some((f) => f.startsWith('run-') || f.startsWith('merged-'))) midSpill++;
        child.kill('SIGKILL');
        kills++;
      }
      const { code, signal, stderr } = await result;
      assert.ok(signal === 'SIGKILL' || code === 0, `a run after a kill failed (${code}): ${stderr}`);
      // A run that completed leaves nothing to resume: start the next one from scratch again.
      if (code === 0) for (const f of [out, `${out}.state.json`]) rmSync(f, { force: true });
    }
    assert.equal(kills, KILLS);
    assert.ok(midSpill >= KILLS / 4, `only ${midSpill} of ${kills} kills landed while runs were spilled`);

    const last = await runCli(args, env);
    assert.equal(last.code, 0, last.stderr);
    assert.ok(readFileSync(out).equals(readFileSync(reference)), 'the output equals a fresh full sync');
    assert.equal(readFileSync(out).toString().trim().split('\n').length, CONTACTS + 1);
    // Nothing is left behind: no work directory, no temporary output of a killed run.
    assert.deepEqual(readdirSync(home).filter((f) => f.includes('killed.csv')).sort(), ['killed.csv', 'killed.csv.state.json']);
    assert.equal((statSync(`${out}.state.json`).mode & 0o777).toString(8), '600');
  });
});
