import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { CliError, EXIT } from '../exit-codes.ts';
import { configDir, type Profile, profilePath, readProfile, saveProfile } from './profile-store.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'listgate-profiles-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const env = { LISTGATE_CONFIG_DIR: dir };

const profile: Profile = {
  version: 1,
  server: 'https://lists.example.com',
  issuer: 'https://lists.example.com/oauth2',
  token_endpoint: 'https://lists.example.com/oauth2/token',
  api_key: 'app-key',
  grant: 'device',
  scope: 'contact_data offline_access',
  access_token: 'secret-access',
  expires_at: '2030-01-01T00:00:00.000Z',
  refresh_token: 'secret-refresh',
  updated_at: '2029-12-31T00:00:00.000Z',
};

const failsWith = (code: number, pattern: RegExp) => (e: unknown) =>
  e instanceof CliError && e.exitCode === code && pattern.test(e.message);

describe('credential store', () => {
  it('defaults to the XDG config directory', () => {
    assert.equal(configDir({ HOME: '/home/u', XDG_CONFIG_HOME: '/cfg' }), '/cfg/listgate');
    assert.equal(configDir({ LISTGATE_CONFIG_DIR: 'rel/dir' }), path.resolve('rel/dir'));
  });

  it('saves a profile readable only by its owner and reads it back', async () => {
    const file = await saveProfile('work', profile, env);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(statSync(path.dirname(file)).mode & 0o077, 0);
    assert.deepEqual(readProfile('work', env), profile);
  });

  it('names the command to run for an unknown profile', () => {
    assert.throws(
      () => readProfile('nightly', env),
      failsWith(
        EXIT.AUTH,
        /no saved sign-in for profile "nightly" \(saved profiles: work\); run: listgate login --server URL --api-key KEY --profile nightly/,
      ),
    );
  });

  it('reports a damaged file as a sign-in problem, with the command to fix it', () => {
    writeFileSync(profilePath('broken', env), '{"version":1,"server":');
    assert.throws(
      () => readProfile('broken', env),
      failsWith(EXIT.AUTH, /is damaged \(not valid JSON\); sign in again: listgate login/),
    );
    writeFileSync(profilePath('broken', env), JSON.stringify({ ...profile, access_token: 7 }));
    assert.throws(() => readProfile('broken', env), failsWith(EXIT.AUTH, /"access_token" is missing/));
  });

  it('refuses profile names that could escape the directory', () => {
    assert.throws(() => profilePath('../x', env), failsWith(EXIT.USAGE, /invalid profile name/));
  });

  it('leaves the old or the new file, never a torn one, when killed while writing (T13)', async () => {
    const writer = path.resolve('test/fixtures/profile-writer.ts');
    for (let round = 0; round < 5; round++) {
      const child = spawn(process.execPath, ['--import', 'tsx', writer], { env: { ...process.env, ...env } });
      await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
      await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 40)));
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      const saved = readProfile('crashy', env);
      assert.match(saved.access_token, /^at-\d+$/);
      assert.equal(statSync(profilePath('crashy', env)).mode & 0o777, 0o600);
    }
  });
});
