// The messages a new user meets in the first hour with `listgate`, one test per message: each names the
// problem and the fix once, in the `listgate:` style, and comes back fast.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type CliEnv, finished, runCli, startCli } from './helpers/cli.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { createAccountWithToken, type TestToken } from './helpers/tokens.ts';

/** A port nothing listens on: taken, then released. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe('listgate messages', () => {
  let server: TestServer;
  let owner: TestToken;
  let env: CliEnv;
  let home: string;

  before(async () => {
    server = await startTestServer('sqlite');
    owner = await createAccountWithToken(server);
    home = mkdtempSync(path.join(os.tmpdir(), 'listgate-messages-'));
    env = { home, configDir: path.join(home, 'config') };
  });
  after(async () => {
    await server.close();
    rmSync(home, { recursive: true, force: true });
  });

  /** Saves a profile by hand, as a login would have, with the given refresh token and an expired access token. */
  function saveProfile(name: string, overrides: Record<string, unknown>) {
    mkdirSync(path.join(env.configDir, 'profiles'), { recursive: true });
    const profile = {
      version: 1,
      server: server.url,
      issuer: `${server.url}/oauth2`,
      token_endpoint: `${server.url}/oauth2/token`,
      api_key: owner.clientId,
      grant: 'device',
      scope: 'contact_data offline_access',
      access_token: 'expired-token',
      expires_at: '2001-01-01T00:00:00.000Z',
      refresh_token: 'a-refresh-token-the-server-never-issued',
      updated_at: '2000-12-31T00:00:00.000Z',
      ...overrides,
    };
    writeFileSync(path.join(env.configDir, 'profiles', `${name}.json`), JSON.stringify(profile), { mode: 0o600 });
  }

  it('login with the key of a web app says which setting to change, with the settings URL', async () => {
    const { app } = await server.services.apps.createApp({ name: 'Web app', kind: 'web' });
    const result = await runCli(['login', '--server', server.url, '--api-key', app.client_id, '--profile', 'web'], env);
    assert.equal(result.code, 3, result.stderr);
    assert.ok(result.stderr.startsWith('listgate: the app with API key'), result.stderr);
    assert.ok(result.stderr.includes(`${server.url}/developer/apps/${app.client_id}`), result.stderr);
    assert.match(result.stderr, /choose "Native app or script" under "Application kind"/);
    assert.doesNotMatch(result.stderr, /device or native/);
  });

  it('login with a key the server does not know says "unknown API key"', async () => {
    const result = await runCli(['login', '--server', server.url, '--api-key', 'NoSuchKey0123456789abcdef', '--profile', 'unknown'], env);
    assert.equal(result.code, 3, result.stderr);
    assert.match(result.stderr, /^listgate: unknown API key NoSuchKey0123456789abcdef: /);
    assert.ok(result.stderr.includes(`${server.url}/developer/apps`));
  });

  it('login of a private integration with a key the server does not know says "unknown API key"', async () => {
    const secret = path.join(home, 'unknown-secret');
    writeFileSync(secret, 'not-a-secret', { mode: 0o600 });
    const args = ['login', '--server', server.url, '--client-id', 'NoSuchKey0123456789abcdef', '--client-secret-file', secret, '--profile', 'cc-unknown'];
    const unknown = await runCli(args, env);
    assert.equal(unknown.code, 3, unknown.stderr);
    assert.match(unknown.stderr, /^listgate: unknown API key NoSuchKey0123456789abcdef: /);
    // A known key with a wrong secret is about the secret, not the key.
    const wrongSecret = await runCli(args.map((a) => (a === 'NoSuchKey0123456789abcdef' ? owner.clientId : a)), env);
    assert.equal(wrongSecret.code, 3, wrongSecret.stderr);
    assert.match(wrongSecret.stderr, /does not accept this API key or client secret .*check the client id and the secret in the file/);
  });

  it('a revoked sign-in gives its hint once, not nested', async () => {
    saveProfile('revoked', {});
    const result = await runCli(['whoami', '--profile', 'revoked'], env);
    assert.equal(result.code, 3, result.stderr);
    assert.match(result.stderr, /was revoked or has expired/);
    assert.equal(result.stderr.split('sign in again').length - 1, 1, result.stderr);
  });

  it('sync echoes a --list value as typed', async () => {
    const secret = path.join(home, 'secret');
    writeFileSync(secret, owner.clientSecret, { mode: 0o600 });
    const login = await runCli(['login', '--server', server.url, '--client-id', owner.clientId, '--client-secret-file', secret, '--profile', 'cc'], env);
    assert.equal(login.code, 0, login.stderr);
    const out = path.join(home, 'out.csv');
    const result = await runCli(['sync', '--profile', 'cc', '--list', 'LIST_ID', '--out', out], env);
    assert.equal(result.code, 6, result.stderr);
    assert.match(result.stderr, /^listgate: the list LIST_ID does not exist in this account/);
  });

  it('a missing required option reads like every other error', async () => {
    const result = await runCli(['sync', '--list', 'x'], env);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /^listgate: required option '--out <file>' not specified/);
    assert.doesNotMatch(result.stderr, /^error:/m);
  });

  it('--help shows numeric defaults without quotes, and no empty list default', async () => {
    const sync = await runCli(['sync', '--help'], env);
    assert.match(sync.stdout, /\(default: 5\)/);
    assert.match(sync.stdout, /\(default: 1000\)/);
    assert.doesNotMatch(sync.stdout, /default: "\d+"|default: \[\]/);
    const worker = await runCli(['worker', '--help'], env);
    assert.match(worker.stdout, /\(default: 2000\)/);
  });

  it('whoami fails at once when the server is down', async () => {
    saveProfile('down', { server: `http://127.0.0.1:${await closedPort()}`, access_token: 'x', expires_at: null });
    const started = Date.now();
    const result = await runCli(['whoami', '--profile', 'down'], env);
    const seconds = (Date.now() - started) / 1000;
    assert.equal(result.code, 5, result.stderr);
    assert.match(result.stderr, /^listgate: cannot reach http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\) after 1 attempt/);
    assert.ok(seconds < 5, `whoami took ${seconds} s`);
  });

  it('ends quietly when its reader closes the pipe early (`listgate --help | head -1`)', async () => {
    const child = startCli(['--help'], env);
    // The reader takes one chunk and goes away, as head does.
    child.stdout.once('data', () => child.stdout.destroy());
    const result = await finished(child);
    assert.equal(result.code, 0, result.stderr);
    assert.doesNotMatch(result.stderr, /EPIPE|Error|at /);
  });
});
