// `listgate sync` as cron runs it (`env -i`, no terminal) against the real server: the first run exports,
// the second applies exactly what changed; one run per state file; crashes during a refresh and a walk.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type ApiCall, apiClient } from './helpers/api.ts';
import { approveInBrowser } from './helpers/approve.ts';
import { type CliEnv, finished, firstJsonLine, runCli, startCli, summaryOf } from './helpers/cli.ts';
import { TEST_DIALECTS } from './helpers/databases.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { createAccountWithToken, type TestToken } from './helpers/tokens.ts';
import { WebClient } from './helpers/web-client.ts';

type Contact = { contact_id: string };

/** Rows of a CSV output by contact id (the sync never writes line breaks for these contacts). */
function rowsOf(file: string): Map<string, string> {
  const lines = readFileSync(file, 'utf8').trim().split('\n').slice(1);
  return new Map(lines.map((l) => [l.slice(0, l.indexOf(',')), l]));
}
const statusOf = (row: string | undefined) => row?.split(',')[1];

for (const dialect of TEST_DIALECTS) {
  describe(`listgate sync (${dialect})`, () => {
    let server: TestServer;
    let owner: TestToken;
    let api: ApiCall;
    let env: CliEnv;
    let home: string;
    let listId: string;

    async function addContact(i: number, lists: string[]): Promise<string> {
      const res = await api<Contact>('POST', '/v3/contacts', {
        email_address: { address: `person${i}@example.com`, permission_to_send: 'implicit' },
        first_name: `Person ${i}`,
        create_source: 'Account',
        list_memberships: lists,
      });
      assert.equal(res.status, 201, res.text);
      return res.body.contact_id;
    }

    async function replace(id: string, i: number, changes: Record<string, unknown>): Promise<void> {
      const res = await api('PUT', `/v3/contacts/${id}`, {
        email_address: { address: `person${i}@example.com` },
        first_name: `Person ${i}`,
        update_source: 'Account',
        ...changes,
      });
      assert.equal(res.status, 200, res.text);
    }

    before(async () => {
      server = await startTestServer(dialect);
      owner = await createAccountWithToken(server);
      api = apiClient(server.url, owner);
      home = mkdtempSync(path.join(os.tmpdir(), 'listgate-sync-'));
      env = { home, configDir: path.join(home, 'config') };
      const list = await api<{ list_id: string }>('POST', '/v3/contact_lists', { name: 'Newsletter' });
      listId = list.body.list_id;
      const secretFile = path.join(home, 'client-secret');
      writeFileSync(secretFile, owner.clientSecret, { mode: 0o600 });
      const login = await runCli(
        ['login', '--server', server.url, '--client-id', owner.clientId, '--client-secret-file', secretFile],
        env,
      );
      assert.equal(login.code, 0, login.stderr);
    });
    after(async () => {
      await server.close();
      rmSync(home, { recursive: true, force: true });
    });

    it('exports a list, then picks up exactly what changed: edits, an unsubscribe, a delete, a removal', async () => {
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

    it('leaves the previous file intact when a run is killed mid-walk, and the next run resumes', async () => {
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
      const { app } = await server.services.apps.createApp({
        name: 'Cron',
        kind: 'native',
        redirectUris: ['http://127.0.0.1/callback'],
      });
      const child = startCli(
        [
          'login',
          '--server',
          server.url,
          '--api-key',
          app.client_id,
          '--browser',
          '--profile',
          'rotating',
          '--json',
        ],
        env,
      );
      const done = finished(child);
      const { authorization_url } = await firstJsonLine<{ authorization_url: string }>(child);
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
          `sign in again: listgate login --server ${server.url} --api-key ${app.client_id} --profile rotating\n$`,
        ),
      );
    });

    it('answers bad input with one line naming the problem and the fix, and writes nothing', async () => {
      const out = path.join(home, 'bad.csv');
      const expectFailure = async (
        args: string[],
        code: number,
        pattern: RegExp,
        extra?: Record<string, string>,
      ) => {
        const result = await runCli(args, { ...env, extra });
        assert.equal(result.code, code, `${args.join(' ')}: ${result.stderr}`);
        assert.match(result.stderr, pattern);
        assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
        assert.equal(existsSync(out), false);
      };
      // Client commands never load the server's modules or node:sqlite.
      const forbid = { NODE_OPTIONS: `--import=${path.resolve('test/fixtures/forbid-server-modules.mjs')}` };
      await expectFailure(
        ['sync', '--list', listId, '--out', out, '--profile', 'nobody'],
        3,
        /no saved sign-in for profile "nobody".*run: listgate login --server URL --api-key KEY --profile nobody/,
        forbid,
      );
      await expectFailure(
        ['sync', '--list', '0b9c5a4e-1111-4222-8333-444455556666', '--out', out],
        6,
        /list 0b9c5a4e-1111-4222-8333-444455556666 does not exist.*listgate lists/,
        forbid,
      );
      await expectFailure(
        ['sync', '--list', listId, '--out', path.join(home, 'missing-dir', 'x.csv')],
        2,
        /directory .*missing-dir does not exist; choose a writable path/,
      );
      await expectFailure(
        ['sync', '--list', listId, '--all', '--out', out],
        2,
        /either --list ID .* or --all/,
      );
      await expectFailure(
        ['sync', '--list', listId, '--out', out, '--page-size', 'many'],
        2,
        /--page-size must be a whole number/,
      );

      writeFileSync(`${out}.state.json`, '{"version":1,"server":');
      await expectFailure(['sync', '--list', listId, '--out', out], 2, /state file .* is damaged; delete it/);
      rmSync(`${out}.state.json`);

      const profiles = path.join(env.configDir, 'profiles');
      writeFileSync(path.join(profiles, 'torn.json'), '{"version":1,"serv');
      await expectFailure(
        ['sync', '--list', listId, '--out', out, '--profile', 'torn'],
        3,
        /credentials file .*torn\.json is damaged \(not valid JSON\); sign in again: listgate login/,
      );

      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const port = (closed.address() as AddressInfo).port;
      await new Promise((resolve) => closed.close(resolve));
      const unreachable = {
        ...JSON.parse(readFileSync(path.join(profiles, 'default.json'), 'utf8')),
        server: `http://127.0.0.1:${port}`,
      };
      writeFileSync(path.join(profiles, 'offline.json'), JSON.stringify(unreachable), { mode: 0o600 });
      await expectFailure(
        ['sync', '--list', listId, '--out', out, '--profile', 'offline', '--retries', '1'],
        5,
        /cannot reach http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\) after 2 attempts; check that the server is running/,
      );

      const wrongKey = {
        ...JSON.parse(readFileSync(path.join(profiles, 'default.json'), 'utf8')),
        api_key: 'not-this-apps-key',
      };
      writeFileSync(path.join(profiles, 'wrongkey.json'), JSON.stringify(wrongKey), { mode: 0o600 });
      await expectFailure(['sync', '--list', listId, '--out', out, '--profile', 'wrongkey'], 3, /API key/);
    });
  });
}
