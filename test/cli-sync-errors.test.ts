// Bad input to `listgate sync`, each answered with one line that names the problem and the fix, a
// distinct exit code, and no file written; client commands never load server code or node:sqlite.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from './helpers/cli.ts';
import { TEST_DIALECTS } from './helpers/databases.ts';
import { type SyncFixture, startSyncFixture } from './helpers/sync-fixture.ts';

for (const dialect of TEST_DIALECTS) {
  describe(`listgate sync, bad input (${dialect})`, () => {
    let fx: SyncFixture;
    before(async () => {
      fx = await startSyncFixture(dialect);
    });
    after(() => fx.close());

    it('answers bad input with one line naming the problem and the fix, and writes nothing', async () => {
      const { env, home, listId } = fx;
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
