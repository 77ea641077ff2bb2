// `listgate sync` as cron runs it (`env -i`, no terminal) against the real server: the first run exports,
// the second applies exactly what changed; one run per state file; crashes during a refresh and a walk.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { approveInBrowser } from './helpers/approve.ts';
import { finished, runCli, startBrowserLogin, startCli, summaryOf } from './helpers/cli.ts';
import { TEST_DIALECTS } from './helpers/databases.ts';
import { rowsOf, type SyncFixture, startSyncFixture, statusOf } from './helpers/sync-fixture.ts';
import { WebClient } from './helpers/web-client.ts';

for (const dialect of TEST_DIALECTS) {
  describe(`listgate sync (${dialect})`, () => {
    let fx: SyncFixture;
    before(async () => {
      fx = await startSyncFixture(dialect);
    });
    after(() => fx.close());

    it('exports a list, then picks up exactly what changed: edits, an unsubscribe, a delete, a removal', async () => {
      const { api, env, home, listId, addContact, replace } = fx;
      const ids: string[] = [];
      for (let i = 0; i < 6; i++) ids.push(await addContact(i, [listId]));
      const outsider = await addContact(100, []);
      const out = path.join(home, 'newsletter.csv');

      const first = summaryOf(await runCli(['sync', '--list', listId, '--out', out], env));
      assert.deepEqual(
        { ...first, duration_ms: 0 },
        { added: 6, updated: 0, removed: 0, total: 6, duration_ms: 0 },
      );
      const before = rowsOf(out);
      assert.deepEqual([...before.keys()], [...ids].sort());
      assert.equal(statSync(out).mode & 0o777, 0o600, 'personal data: readable by its owner only');

      await replace(ids[0]!, 0, { first_name: 'Renamed', list_memberships: [listId] });
      await replace(ids[1]!, 1, {
        email_address: { address: 'person1@example.com', permission_to_send: 'unsubscribed' },
      });
      assert.equal((await api('DELETE', `/v3/contacts/${ids[2]}`)).status, 204);
      await replace(ids[3]!, 3, { list_memberships: [] });
      const newcomer = await addContact(6, [listId]);
      await replace(outsider, 100, { first_name: 'Not in the list' });

      const second = summaryOf(await runCli(['sync', '--list', listId, '--out', out], env));
      assert.deepEqual(
        { ...second, duration_ms: 0 },
        { added: 1, updated: 2, removed: 2, total: 5, duration_ms: 0 },
      );
      const rows = rowsOf(out);
      assert.match(rows.get(ids[0]!)!, /,active,.*Renamed/);
      assert.equal(statusOf(rows.get(ids[1]!)), 'unsubscribed');
      assert.equal(statusOf(rows.get(ids[2]!)), 'deleted');
      assert.match(rows.get(ids[2]!)!, /person2@example\.com/, 'a tombstone keeps the last known address');
      assert.equal(statusOf(rows.get(ids[3]!)), 'removed');
      assert.equal(statusOf(rows.get(newcomer)), 'active');
      assert.equal(rows.has(outsider), false);
      for (const id of [ids[4]!, ids[5]!])
        assert.equal(rows.get(id), before.get(id), 'untouched rows are unchanged');

      const third = summaryOf(await runCli(['sync', '--list', listId, '--out', out], env));
      assert.deepEqual(
        { ...third, duration_ms: 0 },
        { added: 0, updated: 0, removed: 0, total: 5, duration_ms: 0 },
      );
    });

    it('writes JSON lines with tombstones for --all', async () => {
      const { api, env, home, addContact } = fx;
      const out = path.join(home, 'all.jsonl');
      const id = await addContact(200, []);
      summaryOf(await runCli(['sync', '--all', '--out', out], env));
      assert.equal((await api('DELETE', `/v3/contacts/${id}`)).status, 204);
      const run = summaryOf(await runCli(['sync', '--all', '--out', out], env));
      assert.equal(run.removed, 1);
      const lines = readFileSync(out, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      const tombstone = lines.find((l) => l.contact_id === id);
      assert.equal(tombstone.status, 'deleted');
      assert.equal(tombstone.email_address.address, 'person200@example.com');
      assert.deepEqual(Object.keys(lines[0]).slice(0, 2), ['contact_id', 'status']);
    });

    it('runs one of two syncs of the same state file; the other exits with the lock code', async () => {
      const { env, home, listId } = fx;
      const out = path.join(home, 'locked.csv');
      const release = path.join(home, 'release-first-run');
      const first = startCli(['sync', '--list', listId, '--out', out], {
        ...env,
        extra: { LISTGATE_TEST_WAIT_AFTER_LOCK: release },
      });
      const firstDone = finished(first);
      await new Promise<void>((resolve) =>
        first.stderr.on('data', (d: Buffer) => d.includes('test hook') && resolve()),
      );
      const second = await runCli(['sync', '--list', listId, '--out', out], env);
      assert.equal(second.code, 4);
      assert.match(second.stderr, /another sync of .*locked\.csv\.state\.json is running \(process \d+/);
      writeFileSync(release, '');
      const done = await firstDone;
      assert.equal(done.code, 0, done.stderr);
      assert.ok(existsSync(out));
    });

    it('stops cleanly on SIGTERM: exit 143, lock released, no output', async () => {
      const { env, home, listId } = fx;
      const out = path.join(home, 'stopped.csv');
      const hold = path.join(home, 'never-created');
      const run = startCli(['sync', '--list', listId, '--out', out], {
        ...env,
        extra: { LISTGATE_TEST_WAIT_AFTER_LOCK: hold },
      });
      const done = finished(run);
      await new Promise<void>((resolve) =>
        run.stderr.on('data', (d: Buffer) => d.includes('test hook') && resolve()),
      );
      run.kill('SIGTERM');
      const result = await done;
      assert.equal(result.code, 143);
      assert.match(result.stderr, /interrupted by SIGTERM; the output file is unchanged/);
      assert.equal(existsSync(`${out}.state.json.lock`), false);
      assert.equal(existsSync(out), false);
    });

    it('leaves the previous file intact when a run is killed mid-walk, and the next run resumes', async () => {
      const { env, home, listId, addContact } = fx;
      const out = path.join(home, 'crash.csv');
      summaryOf(await runCli(['sync', '--list', listId, '--out', out], env));
      const before = readFileSync(out);
      const state = readFileSync(`${out}.state.json`);
      for (let i = 300; i < 310; i++) await addContact(i, [listId]);
      const crashed = await runCli(
        ['sync', '--list', listId, '--out', out, '--page-size', '2', '--batch-bytes', '1'],
        {
          ...env,
          extra: { LISTGATE_TEST_CRASH_AFTER_PAGES: '3' },
        },
      );
      assert.equal(crashed.signal, 'SIGKILL');
      assert.deepEqual(readFileSync(out), before, 'FILE is untouched');
      assert.deepEqual(readFileSync(`${out}.state.json`), state, 'the state is untouched');
      assert.deepEqual(
        readdirSync(home).filter((f) => f.includes('crash.csv') && f.endsWith('.tmp')),
        [],
      );

      const resumed = await runCli(
        ['sync', '--list', listId, '--out', out, '--page-size', '2', '--batch-bytes', '1'],
        env,
      );
      assert.match(resumed.stderr, /resuming an interrupted sync: 6 changes were already fetched/);
      assert.equal(summaryOf(resumed).added, 10);
      assert.equal(rowsOf(out).size, before.toString().trim().split('\n').length - 1 + 10);
    });

    it('survives a crash between the refresh answer and the save, through the grace window (T13)', async () => {
      const { server, owner, env, home, listId } = fx;
      const { clientId, done, authorization_url } = await startBrowserLogin(server, env, 'Cron', 'rotating');
      const approval = await approveInBrowser(new WebClient(server.url), authorization_url, {
        email: owner.email,
        password: 'correct horse battery staple',
      });
      await fetch(approval.redirect!);
      assert.equal((await done).code, 0);

      // The access token is about to expire: the next run must refresh.
      const file = path.join(env.configDir, 'profiles', 'rotating.json');
      const expiring = {
        ...JSON.parse(readFileSync(file, 'utf8')),
        expires_at: new Date(Date.now() - 1000).toISOString(),
      };
      writeFileSync(file, JSON.stringify(expiring), { mode: 0o600 });
      const out = path.join(home, 'rotating.csv');
      const sync = ['sync', '--list', listId, '--out', out, '--profile', 'rotating'];
      const crashed = await runCli(sync, { ...env, extra: { LISTGATE_TEST_CRASH_AFTER_REFRESH: '1' } });
      assert.equal(crashed.signal, 'SIGKILL');
      assert.equal(
        JSON.parse(readFileSync(file, 'utf8')).refresh_token,
        expiring.refresh_token,
        'the new pair was never saved',
      );

      const next = await runCli(sync, env);
      assert.equal(next.code, 0, next.stderr);
      const saved = JSON.parse(readFileSync(file, 'utf8'));
      assert.notEqual(saved.refresh_token, expiring.refresh_token);
      assert.ok(Date.parse(saved.expires_at) > Date.now());
      // The rotated refresh token is the one the server now honours.
      assert.equal((await runCli(['whoami', '--profile', 'rotating'], env)).code, 0);

      // A refresh token the server no longer knows: a distinct code and the exact command to run.
      writeFileSync(
        file,
        JSON.stringify({ ...saved, refresh_token: 'revoked-long-ago', expires_at: expiring.expires_at }),
        { mode: 0o600 },
      );
      const refused = await runCli(sync, env);
      assert.equal(refused.code, 3);
      assert.match(
        refused.stderr,
        new RegExp(
          `sign in again: listgate login --server ${server.url} --api-key ${clientId} --profile rotating\n$`,
        ),
      );
    });
  });
}
