// `listgate login` as a separate process against the real server: device flow approved on the device
// page, browser sign-in with the test as the browser, client credentials, and a token from elsewhere.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { approveInBrowser } from './helpers/approve.ts';
import { type CliEnv, finished, firstJsonLine, runCli, startBrowserLogin, startCli } from './helpers/cli.ts';
import { TEST_DIALECTS } from './helpers/databases.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { createAccountWithToken, type TestToken } from './helpers/tokens.ts';
import { WebClient } from './helpers/web-client.ts';

const PASSWORD = 'correct horse battery staple';

for (const dialect of TEST_DIALECTS) {
  describe(`listgate login (${dialect})`, () => {
    let server: TestServer;
    let owner: TestToken;
    let env: CliEnv;
    let home: string;

    before(async () => {
      server = await startTestServer(dialect);
      owner = await createAccountWithToken(server);
      home = mkdtempSync(path.join(os.tmpdir(), 'listgate-login-'));
      env = { home, configDir: path.join(home, 'config') };
    });
    after(async () => {
      await server.close();
      rmSync(home, { recursive: true, force: true });
    });

    const profileFile = (name: string) => path.join(env.configDir, 'profiles', `${name}.json`);

    it('signs in with the device flow, approved by a person on the device page', async () => {
      const { app } = await server.services.apps.createApp({ name: 'Nightly sync', kind: 'device' });
      const child = startCli(
        ['login', '--server', server.url, '--api-key', app.client_id, '--profile', 'device', '--json'],
        env,
      );
      const done = finished(child);
      const prompt = await firstJsonLine<Record<string, unknown>>(child);
      assert.deepEqual(Object.keys(prompt).slice(0, 4), [
        'verification_uri',
        'verification_uri_complete',
        'user_code',
        'expires_in',
      ]);
      assert.match(String(prompt.user_code), /^[A-Z]{4}-[A-Z]{4}$/);
      const approval = await approveInBrowser(
        new WebClient(server.url),
        String(prompt.verification_uri_complete),
        {
          email: owner.email,
          password: PASSWORD,
        },
      );
      assert.equal(approval.final.status, 200);
      const result = await done;
      assert.equal(result.code, 0, result.stderr);
      const signedIn = JSON.parse(result.stdout.trim().split('\n').at(-1)!);
      assert.equal(signedIn.user_name, owner.email);
      assert.equal(signedIn.refresh, true);
      // Tokens go to the 0600 file, never to the output.
      const saved = JSON.parse(readFileSync(profileFile('device'), 'utf8'));
      assert.equal(statSync(profileFile('device')).mode & 0o777, 0o600);
      assert.ok(!result.stdout.includes(saved.access_token) && !result.stdout.includes(saved.refresh_token));
    });

    it('signs in with a browser: code + PKCE through a loopback redirect, state and iss checked', async () => {
      const { done, authorization_url, redirect_uri } = await startBrowserLogin(server, env, 'Desktop sync', 'desk');
      assert.match(redirect_uri, /^http:\/\/127\.0\.0\.1:\d+\/callback$/);
      const auth = new URL(authorization_url);
      assert.equal(auth.searchParams.get('code_challenge_method'), 'S256');
      // A response that is not this sign-in's (another state) is refused, and the CLI keeps waiting.
      const forged = await fetch(
        `${redirect_uri}?code=x&state=forged&iss=${encodeURIComponent(`${server.url}/oauth2`)}`,
      );
      assert.equal(forged.status, 400);

      const approval = await approveInBrowser(new WebClient(server.url), authorization_url, {
        email: owner.email,
        password: PASSWORD,
      });
      const callback = new URL(approval.redirect!);
      assert.equal(callback.searchParams.get('iss'), `${server.url}/oauth2`);
      const landing = await fetch(callback);
      assert.equal(landing.status, 200);
      const result = await done;
      assert.equal(result.code, 0, result.stderr);
      const whoami = await runCli(['whoami', '--profile', 'desk', '--json'], env);
      assert.equal(JSON.parse(whoami.stdout).user_name, owner.email);
    });

    it('refuses an authorization response from another issuer (RFC 9207 mix-up defence)', async () => {
      const { done, authorization_url, redirect_uri } = await startBrowserLogin(server, env, 'Desktop sync 2', 'mixup');
      const state = new URL(authorization_url).searchParams.get('state')!;
      const reply = await fetch(
        `${redirect_uri}?code=stolen&state=${state}&iss=${encodeURIComponent('https://evil.example/oauth2')}`,
      );
      assert.equal(reply.status, 400);
      const result = await done;
      assert.equal(result.code, 3);
      assert.match(result.stderr, /not http:\/\/127\.0\.0\.1:\d+\/oauth2/);
    });

    it('signs in a private integration with client credentials, and refuses a wrong secret', async () => {
      const secretFile = path.join(home, 'client-secret');
      writeFileSync(secretFile, `${owner.clientSecret}\n`, { mode: 0o600 });
      const ok = await runCli(
        [
          'login',
          '--server',
          server.url,
          '--client-id',
          owner.clientId,
          '--client-secret-file',
          secretFile,
          '--profile',
          'robot',
        ],
        env,
      );
      assert.equal(ok.code, 0, ok.stderr);
      const saved = JSON.parse(readFileSync(profileFile('robot'), 'utf8'));
      assert.equal(saved.client_secret_file, secretFile);
      assert.ok(!JSON.stringify(saved).includes(owner.clientSecret), 'the secret stays in its own file');
      const info = await runCli(['token', 'info', '--profile', 'robot', '--json'], env);
      assert.equal(JSON.parse(info.stdout).client_id, owner.clientId);

      writeFileSync(secretFile, 'not-the-secret\n');
      const bad = await runCli(
        [
          'login',
          '--server',
          server.url,
          '--client-id',
          owner.clientId,
          '--client-secret-file',
          secretFile,
          '--profile',
          'bad',
        ],
        env,
      );
      assert.equal(bad.code, 3);
      assert.match(bad.stderr, /invalid_client/);
      assert.equal(bad.stderr.trim().split('\n').length, 1);
    });

    it('stores a token obtained elsewhere, after checking it belongs to the API key', async () => {
      // `--token -` reads it from stdin, so it shows in no process list.
      const child = startCli(['login', '--server', server.url, '--api-key', owner.clientId, '--token', '-', '--profile', 'pasted'], env);
      const pasted = finished(child);
      child.stdin.end(`${owner.accessToken}\n`);
      const ok = await pasted;
      assert.equal(ok.code, 0, ok.stderr);
      const who = await runCli(['whoami', '--profile', 'pasted', '--json'], env);
      assert.equal(JSON.parse(who.stdout).client_id, owner.clientId);
      const out = await runCli(['logout', '--profile', 'pasted'], env);
      assert.equal(out.code, 0, out.stderr);
      assert.equal(existsSync(profileFile('pasted')), false);
      const other = await runCli(
        [
          'login',
          '--server',
          server.url,
          '--api-key',
          'some-other-key',
          '--token',
          owner.accessToken,
          '--profile',
          'x',
        ],
        env,
      );
      assert.equal(other.code, 2);
      assert.match(other.stderr, /belongs to the app/);
      const unknown = await runCli(
        [
          'login',
          '--server',
          server.url,
          '--api-key',
          owner.clientId,
          '--token',
          'nonsense',
          '--profile',
          'y',
        ],
        env,
      );
      assert.equal(unknown.code, 3);
      assert.match(unknown.stderr, /does not recognise this access token/);
    });
  });
}
