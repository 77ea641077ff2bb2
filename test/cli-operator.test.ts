// The operator commands as an operator runs them: `node bin/listgate.js …` as a separate process on a
// fresh database (DATA_DIR / DATABASE_URL), JSON on stdout, exit 2 and one line on stderr for bad input.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../src/config.ts';
import { createServices, type Services } from '../src/services.ts';
import { createTestDatabase, TEST_DIALECTS, type TestDatabase } from './helpers/databases.ts';

const bin = path.resolve(import.meta.dirname, '../bin/listgate.js');

type Run = { code: number | null; stdout: string; stderr: string };

function listgate(database: TestDatabase, args: string[]): Promise<Run> {
  const child = spawn(process.execPath, [bin, ...args], {
    env: { PATH: process.env.PATH, DATA_DIR: database.dataDir, DATABASE_URL: database.url, LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d;
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d;
  });
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

function json<T>(run: Run): T {
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout) as T;
}

type CreatedApp = { client_id: string; client_secret: string | null; kind: string; redirect_uris: string[]; owner_account_id: string | null; access_token_ttl: number; refresh_policy: string };

for (const dialect of TEST_DIALECTS) {
  describe(`listgate accounts / apps (${dialect})`, () => {
    let database: TestDatabase;
    let services: Services;
    const email = 'owner@cli.example';

    before(async () => {
      database = await createTestDatabase(dialect);
    });
    after(async () => {
      await services?.close();
      await database.drop();
    });

    it('creates a customer account and prints it as JSON', async () => {
      const created = json<{ account_id: string; user_id: string; email: string }>(
        await listgate(database, ['accounts', 'create', '--email', email, '--password', 'correct horse battery staple', '--name', 'CLI Books', '--json']),
      );
      assert.equal(created.email, email);
      assert.ok(created.account_id && created.user_id);
      // the same database, read in-process: the account is really there
      services = await createServices(loadConfig({ DATA_DIR: database.dataDir, DATABASE_URL: database.url, LOG_LEVEL: 'silent' }));
      assert.equal((await services.accounts.findUserByEmail(email))?.id, created.user_id);
    });

    it('creates an app of every kind, with a secret only for confidential kinds', async () => {
      const [web, native, device, owned] = await Promise.all([
        listgate(database, ['apps', 'create', '--name', 'Web', '--kind', 'web', '--redirect-uri', 'https://app.example/cb', '--redirect-uri', 'https://app.example/cb2', '--json']),
        listgate(database, ['apps', 'create', '--name', 'Native', '--kind', 'native', '--redirect-uri', 'http://127.0.0.1/cb', '--refresh', 'long-lived', '--json']),
        listgate(database, ['apps', 'create', '--name', 'Device', '--kind', 'device', '--token-ttl', '3600', '--json']),
        listgate(database, ['apps', 'create', '--name', 'Own', '--kind', 'private', '--account', email, '--json']),
      ]).then((runs) => runs.map((r) => json<CreatedApp>(r)));
      assert.equal(web!.kind, 'web');
      assert.deepEqual(web!.redirect_uris, ['https://app.example/cb', 'https://app.example/cb2']);
      assert.ok(web!.client_secret && (await services.apps.verifySecret(web!.client_id, web!.client_secret)));
      assert.equal(web!.access_token_ttl, 315359999);
      assert.equal(web!.refresh_policy, 'rotating');
      assert.equal(native!.client_secret, null);
      assert.equal(native!.refresh_policy, 'long-lived');
      assert.equal(device!.client_secret, null);
      assert.equal(device!.access_token_ttl, 3600);
      assert.ok(owned!.client_secret);
      assert.equal(owned!.owner_account_id, (await services.accounts.findUserByEmail(email))?.account_id);
      assert.match(web!.client_id, /^[A-Za-z0-9_-]{22,}$/, 'at least 128 bits, URL-safe');
    });

    it('refuses bad input with exit 2, one line on stderr and nothing on stdout', async () => {
      // checks that read the database run on both dialects; pure argument checks once (each process costs ~1 s)
      const databaseCases = [
        ['apps', 'create', '--name', 'X', '--kind', 'private', '--account', 'nobody@cli.example'],
        ['accounts', 'create', '--email', email, '--password', 'correct horse battery staple'],
        ['apps', 'rotate-secret', 'no-such-client'],
      ];
      const argumentCases = [
        ['apps', 'create', '--name', 'X', '--kind', 'weird'],
        ['apps', 'create', '--name', 'X', '--kind', 'web', '--redirect-uri', 'http://evil.example/cb'],
        ['apps', 'create', '--name', 'X', '--kind', 'private'],
        ['apps', 'create', '--name', 'X', '--token-ttl', '10'],
        ['apps', 'create', '--name', 'X', '--refresh', 'sometimes'],
        ['apps', 'create', '--name', '', '--kind', 'device'],
        ['apps', 'create', '--kind', 'web'],
        ['accounts', 'create', '--email', 'weak@cli.example', '--password', 'short'],
      ];
      const cases = dialect === 'sqlite' ? [...databaseCases, ...argumentCases] : databaseCases;
      const before = (await services.apps.listApps()).length;
      const runs = await Promise.all(cases.map((args) => listgate(database, [...args, '--json'])));
      runs.forEach((run, i) => {
        const label = cases[i]!.join(' ');
        assert.equal(run.code, 2, `${label}: ${run.stderr}`);
        assert.equal(run.stdout, '', label);
        assert.equal(run.stderr.trim().split('\n').filter((l) => !l.startsWith('(run with --help')).length, 1, `${label}: ${run.stderr}`);
      });
      assert.equal((await services.apps.listApps()).length, before, 'no app was created');
    });

    it('lists the apps as JSON without any secret', async () => {
      const run = await listgate(database, ['apps', 'list', '--json']);
      const list = json<{ client_id: string; name: string; kind: string }[]>(run);
      assert.deepEqual(list.map((a) => a.name).sort(), ['Device', 'Native', 'Own', 'Web']);
      assert.ok(!run.stdout.includes('client_secret'));
    });

    it('lists the apps as a table under a header row, like `listgate lists`', async () => {
      const run = await listgate(database, ['apps', 'list']);
      assert.equal(run.code, 0, run.stderr);
      const [header, ...rows] = run.stdout.trimEnd().split('\n');
      assert.match(header!, /^API KEY\s+KIND\s+STATUS\s+NAME$/);
      assert.equal(rows.length, 4);
      // every column starts where its heading does
      for (const row of rows) assert.match(row.slice(header!.indexOf('KIND')), /^(web|native|device|private)\s/);
    });

    it('rotates the secret of a confidential app: the new one works, the old one stops', async () => {
      const created = json<CreatedApp>(await listgate(database, ['apps', 'create', '--name', 'Rotating', '--kind', 'web', '--redirect-uri', 'https://app.example/cb', '--json']));
      const rotated = json<{ client_id: string; client_secret: string; previous_expires_at: string }>(
        await listgate(database, ['apps', 'rotate-secret', created.client_id, '--json']),
      );
      assert.equal(rotated.client_id, created.client_id);
      assert.notEqual(rotated.client_secret, created.client_secret);
      assert.equal(await services.apps.verifySecret(created.client_id, rotated.client_secret), true);
      assert.equal(await services.apps.verifySecret(created.client_id, created.client_secret!), false);
      const native = (await services.apps.listApps()).find((a) => a.kind === 'native')!;
      const refused = await listgate(database, ['apps', 'rotate-secret', native.client_id]);
      assert.equal(refused.code, 2, 'a public app has no secret to rotate');
    });
  });
}
