// Browser-facing hardening of the portal, tester and connection pages when served over HTTPS: not
// frameable, no caching of pages, and cookies that are __Host-, Secure, HttpOnly and SameSite.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { migrateToLatest } from '../src/db/database.ts';
import { createServices, type Services } from '../src/services.ts';
import { createTestDatabase, type TestDatabase } from './helpers/databases.ts';

const PAGES = [
  '/developer',
  '/developer/sign-up',
  '/developer/sign-in',
  '/developer/verify/resend',
  '/developer/forgot-password',
  '/developer/reset-password?token=x',
  '/developer/terms',
  '/explorer',
];

describe('page hardening over HTTPS', () => {
  let database: TestDatabase;
  let services: Services;
  let app: FastifyInstance;
  before(async () => {
    database = await createTestDatabase('sqlite');
    const config = loadConfig({
      NODE_ENV: 'test',
      PUBLIC_URL: 'https://lists.example',
      DATA_DIR: database.dataDir,
      DATABASE_URL: database.url,
      LOG_LEVEL: 'silent',
    });
    services = await createServices(config);
    await migrateToLatest(services.db);
    app = await buildApp(services);
    await app.ready();
  });
  after(async () => {
    await app.close();
    await services.close();
    await database.drop();
  });

  for (const url of PAGES) {
    it(`${url} cannot be framed, is not cached and sets only __Host- Secure HttpOnly SameSite cookies`, async () => {
      const res = await app.inject({ url, headers: { accept: 'text/html' } });
      assert.ok(res.statusCode < 500, `${url}: ${res.statusCode}`);
      assert.match(String(res.headers['content-security-policy']), /frame-ancestors 'none'/);
      assert.match(String(res.headers['content-security-policy']), /default-src 'self'/);
      assert.equal(res.headers['x-frame-options'], 'DENY');
      assert.match(String(res.headers['strict-transport-security']), /max-age=/);
      if (res.statusCode === 200) assert.equal(res.headers['cache-control'], 'no-store');
      const cookies = [res.headers['set-cookie'] ?? []].flat();
      for (const cookie of cookies) {
        assert.match(cookie, /^__Host-/, cookie);
        assert.match(cookie, /; Secure/i, cookie);
        assert.match(cookie, /; HttpOnly/i, cookie);
        assert.match(cookie, /; SameSite=Lax/i, cookie);
      }
      if (res.body.includes('name="_csrf"')) assert.ok(cookies.length > 0, 'form pages set the CSRF cookie');
    });
  }

  it('the API Tester keeps its sign-in state in a __Host- Secure HttpOnly cookie', async () => {
    await services.developers.signUp({ email: 'https-dev@example.com', password: 'a developer passphrase' });
    const developer = await services.db.updateTable('developers').set({ verified_at: new Date().toISOString() }).where('email', '=', 'https-dev@example.com').returning('id').executeTakeFirstOrThrow();
    const { app: created } = await services.apps.createApp({ name: 'HTTPS app', ownerDeveloperId: developer.id });
    const form = await app.inject({ url: '/developer/sign-in' });
    const csrfCookie = [form.headers['set-cookie'] ?? []].flat()[0]!.split(';')[0]!;
    const csrf = form.body.match(/name="_csrf" value="([^"]+)"/)![1]!;
    const signIn = await app.inject({
      method: 'POST',
      url: '/developer/sign-in',
      headers: { cookie: csrfCookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: csrf, email: 'https-dev@example.com', password: 'a developer passphrase' }).toString(),
    });
    assert.equal(signIn.statusCode, 303);
    const session = [signIn.headers['set-cookie'] ?? []].flat().find((c) => c.startsWith('__Host-lg_developer='))!;
    assert.match(session, /; Secure/i);
    const start = await app.inject({ url: `/explorer/authorize?client_id=${created.client_id}`, headers: { cookie: session.split(';')[0]! } });
    assert.equal(start.statusCode, 303);
    const flow = [start.headers['set-cookie'] ?? []].flat().find((c) => c.startsWith('__Host-lg_explorer='));
    assert.ok(flow);
    assert.match(flow, /; Secure/i);
    assert.match(flow, /; HttpOnly/i);
    assert.match(flow, /; SameSite=Lax/i);
    assert.match(flow, /Max-Age=600/i);
    assert.equal(start.headers['cache-control'], 'no-store');
  });
});
