// Canaries for every reach into oidc-provider's internals (one per file of this folder). Each names the
// upstream detail it relies on; when an upgrade of oidc-provider moves one, its canary fails here, by name,
// before any behaviour silently changes.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { CanBePromise, TokenEndpointGrantContext } from 'oidc-provider';
import Provider from 'oidc-provider';
import { deviceFormParts } from './device-form.ts';

const root = path.dirname(createRequire(import.meta.url).resolve('oidc-provider/package.json'));
const upstream = (file: string) => readFileSync(path.join(root, file), 'utf8');
type GrantTypeOptions = Parameters<Provider['registerGrantType']> extends [unknown, unknown, ...infer R] ? R : never;
type FormHelpers = { input(action: string, xsrf: string, code: undefined, charset: string): string; confirm(action: string, xsrf: string, code: string): string };
const { input, confirm } = (await import(path.join(root, 'lib/helpers/user_code_form.js'))) as FormHelpers;
const config = { clients: [{ client_id: 'canary', client_secret: 'secret', redirect_uris: ['https://canary.test/cb'] }] };

describe('oidc-provider internals we rely on', () => {
  it('replay-body.ts: the body reader (lib/shared/selective_body.js) checks req.readable, iterates req.iterator() and trusts content-length', () => {
    const source = upstream('lib/shared/selective_body.js');
    assert.match(source, /if \(ctx\.req\.readable\)/, 'selective_body no longer checks ctx.req.readable');
    assert.match(source, /req\.iterator\(/, 'selective_body no longer reads the body through req.iterator()');
    assert.match(source, /readBody\(ctx\.req, ctx\.request\.length/, 'selective_body no longer takes the length from content-length');
  });

  it('client-secret.ts: client authentication (lib/shared/client_auth.js) checks secrets through Client.prototype.compareClientSecret', () => {
    assert.equal(typeof new Provider('https://canary.test/oauth2', config).Client.prototype.compareClientSecret, 'function');
    assert.match(upstream('lib/shared/client_auth.js'), /ctx\.oidc\.client\.compareClientSecret\(/);
  });

  it('request-context.ts: Provider.ctx is the current request context, with oidc.route and oidc.entities', () => {
    assert.equal(typeof Object.getOwnPropertyDescriptor(Provider, 'ctx')?.get, 'function', 'Provider.ctx getter is gone');
    assert.equal(Provider.ctx, undefined, 'outside a request there is no context');
    const revocation = upstream('lib/actions/revocation.js');
    assert.match(revocation, /ctx\.oidc\.entity\(/, 'revocation no longer records the revoked token as an entity');
  });

  it('refresh-grace.ts: the constructor registers the refresh_token grant through registerGrantType, and the grant records RotatedRefreshToken', () => {
    const registered: string[] = [];
    class Spy extends Provider {
      override registerGrantType<P extends object>(
        name: string,
        handler: (ctx: TokenEndpointGrantContext<P>) => CanBePromise<void>,
        ...rest: GrantTypeOptions
      ): void {
        registered.push(name);
        super.registerGrantType(name, handler, ...rest);
      }
    }
    new Spy('https://canary.test/oauth2', config);
    assert.ok(registered.includes('refresh_token'), `registered during construction: ${registered.join(', ')}`);
    assert.match(upstream('lib/actions/grants/refresh_token.js'), /ctx\.oidc\.entity\('RotatedRefreshToken'/);
  });

  it('refresh-grace.ts: a consumed refresh token is recorded as the RefreshToken entity before the grant refuses it as reused', () => {
    const source = upstream('lib/actions/grants/refresh_token.js');
    const entity = source.indexOf("ctx.oidc.entity('RefreshToken', refreshToken)");
    const reused = source.search(/if \(refreshToken\.consumed\) \{[\s\S]{0,200}revoke\(ctx, refreshToken\.grantId\)[\s\S]{0,80}throw new InvalidGrant/);
    assert.ok(entity > 0, 'the grant no longer records the presented token as the RefreshToken entity');
    assert.ok(reused > entity, 'the grant no longer revokes and refuses a consumed refresh token after recording it');
  });

  it('device-form.ts: the device pages receive forms with action="…" and a hidden xsrf input (lib/helpers/user_code_form.js)', () => {
    assert.deepEqual(deviceFormParts(input('https://canary.test/oauth2/device', 'x5rf', undefined, 'base-20')), {
      action: 'https://canary.test/oauth2/device',
      xsrf: 'x5rf',
    });
    assert.deepEqual(deviceFormParts(confirm('https://canary.test/oauth2/device', 'x5rf', 'BCDF-GHJK')).xsrf, 'x5rf');
  });

  it('connection.ts: the provider is a Koa app whose proxy setting makes it read X-Forwarded-Proto and -For', () => {
    const provider = new Provider('https://canary.test/oauth2', config);
    provider.proxy = true;
    assert.equal(provider.proxy, true);
    const koa = upstream('../koa/lib/request.js');
    assert.match(koa, /X-Forwarded-Proto/i);
    assert.match(koa, /X-Forwarded-For/i);
  });

  it('preflight-cors.ts: the CORS middleware (lib/shared/cors.js) allows any origin on OPTIONS without asking clientBasedCORS', () => {
    const cors = upstream('lib/shared/cors.js');
    assert.match(cors, /if \(ctx\.method === 'OPTIONS' \|\| !clientBased/, 'preflights may now consult clientBasedCORS; the override may be unneeded');
    assert.match(cors, /ctx\.set\('Access-Control-Allow-Origin', origin\)/);
  });

  it('device-flow.ts: provider.use runs before the router, the session cookie is "_session", and device routes save the session after their error page', () => {
    const provider = new Provider('https://canary.test/oauth2', config);
    assert.equal(typeof provider.use, 'function');
    assert.equal((provider as unknown as { cookieName(kind: string): string }).cookieName('session'), '_session');
    const app = upstream('lib/helpers/initialize_app.js');
    assert.match(app, /async function ensureSessionSave[\s\S]*?finally[\s\S]*?session\.persist\(\)/, 'ensureSessionSave changed');
    assert.match(app, /get\('device_resume', `\$\{routes\.code_verification\}\/:uid`/, 'the device resume route moved');
    assert.match(upstream('lib/models/session.js'), /persist can only be called on previously persisted Sessions/);
  });
});
