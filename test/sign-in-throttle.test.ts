// Finding 1 of the security review: a successful sign-in must clear only its own address's failures, on
// both counter stores. With Redis, `*@*.test` once cleared every `…@….test` counter through KEYS.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { createMemoryCounterStore, createRedisCounterStore, type CounterStore } from '../src/shared/counter-store.ts';
import { randomToken } from '../src/shared/crypto.ts';
import { createSignInThrottle } from '../src/shared/sign-in-throttle.ts';
import { TEST_DIALECTS } from './helpers/databases.ts';
import { startTestServer } from './helpers/server.ts';
import { WebClient } from './helpers/web-client.ts';

const redisUrl = process.env.TEST_REDIS_URL;
if (!redisUrl && process.env.CI === 'true') throw new Error('CI=true but TEST_REDIS_URL is not set: the Redis throttle suite is required in CI');
const redisSkip = redisUrl ? false : 'TEST_REDIS_URL is not set: the Redis-backed sign-in throttle is NOT tested';

async function bypassAttempt(counters: CounterStore) {
  const throttle = createSignInThrottle(counters, `t${randomToken(6)}`);
  const victim = `victim-${randomToken(4)}@bank.test`;
  for (let i = 0; i < 10; i++) await assert.rejects(throttle.fail(victim, '10.0.0.1', null));
  await assert.rejects(throttle.check(victim, '10.0.0.2', null), /Too many failed sign-in attempts/);
  // The attacker's own account, named like a glob, signs in successfully.
  await throttle.succeed('*@*.test', '10.0.0.2', null);
  await throttle.succeed('*', '10.0.0.2', null);
  await assert.rejects(throttle.check(victim, '10.0.0.3', null), (e: { status: number; headers: Record<string, string> }) => {
    assert.equal(e.status, 429);
    assert.ok(Number(e.headers['Retry-After']) > 0);
    return true;
  });
  // The victim's own success still clears the victim's counter (exact key).
  await throttle.succeed(victim, '10.0.0.1', null);
  await throttle.check(victim, '10.0.0.3', null);
}

/**
 * Ten failures just before a window ends are not followed by ten more just after it: the window slides, so
 * one more try comes back at the boundary and the next after a tenth of the window, as Retry-After says.
 */
async function noBurstAtTheBoundary(makeStore: (now: () => number) => CounterStore) {
  const windowMs = 15 * 60_000;
  const t = { now: Math.floor(Date.now() / windowMs) * windowMs + windowMs - 1_000 };
  const throttle = createSignInThrottle(makeStore(() => t.now), `b${randomToken(6)}`, { failuresPerEmail: 10, failuresPerIp: 100, failuresPerDevice: 10, windowMs }, () => t.now);
  const victim = `victim-${randomToken(4)}@bank.test`;
  const guesses = async () => {
    let allowed = 0;
    for (let i = 0; i < 20; i++) {
      try {
        await throttle.check(victim, '10.0.0.9', null);
      } catch (e) {
        return { allowed, retryAfter: Number((e as { headers: Record<string, string> }).headers['Retry-After']) };
      }
      allowed++;
      await assert.rejects(throttle.fail(victim, '10.0.0.9', null), /not correct/);
    }
    return { allowed, retryAfter: 0 };
  };
  assert.deepEqual(await guesses(), { allowed: 10, retryAfter: 2 });
  t.now += 2_000;
  // 1 s into the window, 10 × (1 − 1/900) < 10 lets one guess through; then 10 × (1 − f) + 1 < 10 waits for
  // f > 1/10, 90.001 s into the window; then 10 × (1 − f) + 2 < 10 for f > 2/10.
  assert.deepEqual(await guesses(), { allowed: 1, retryAfter: 90 });
  t.now += 90_000;
  assert.deepEqual(await guesses(), { allowed: 1, retryAfter: 90 });
}

describe('sign-in throttle (memory)', () => {
  it('a success with a glob-like email clears no other address', () => bypassAttempt(createMemoryCounterStore()));
  it('gives no fresh budget at a window boundary', () => noBurstAtTheBoundary((now) => createMemoryCounterStore(now)));
});

describe('sign-in throttle (Redis)', { skip: redisSkip }, () => {
  const redis = redisUrl ? new Redis(redisUrl) : null;
  after(() => redis?.quit());

  it('a success with a glob-like email clears no other address, and runs no KEYS', async () => {
    const monitor = await redis!.monitor();
    const commands: string[] = [];
    monitor.on('monitor', (_time: string, args: string[]) => commands.push(String(args[0]).toLowerCase()));
    try {
      await bypassAttempt(createRedisCounterStore(redis!));
    } finally {
      monitor.disconnect();
    }
    assert.ok(!commands.includes('keys') && !commands.includes('scan'), commands.join(' '));
  });

  it('gives no fresh budget at a window boundary', () => noBurstAtTheBoundary((now) => createRedisCounterStore(redis!, now)));

  for (const dialect of TEST_DIALECTS) {
    it(`through the pages on ${dialect}: an unverified glob account signing in does not clear a victim's lock`, async () => {
      const server = await startTestServer(dialect, { REDIS_URL: redisUrl! });
      try {
        const domain = `${randomToken(6).toLowerCase().replace(/[^a-z0-9]/g, 'x')}.test`;
        const victim = `victim@${domain}`;
        await server.services.accounts.signUp({ email: victim, password: 'correct horse battery' });
        const attacker = new WebClient(server.url);
        const attempt = async (email: string, password: string) =>
          attacker.submit(await attacker.get('/account/sign-in'), '/account/sign-in', { email, password });
        for (let i = 0; i < 10; i++) assert.equal((await attempt(victim, `guess ${i}`)).status, 401);
        // Registered through the form, so unverified: the correct password is told to verify first.
        const glob = `*@*.${domain}`;
        const form = new WebClient(server.url);
        await form.submit(await form.get('/account/sign-up'), '/account/sign-up', { email: glob, password: 'an attacker passphrase' });
        await server.services.accounts.signUp({ email: `x${glob.slice(1)}`, password: 'an attacker passphrase' });
        assert.equal((await attempt(`x${glob.slice(1)}`, 'an attacker passphrase')).status, 303);
        const locked = await attempt(victim, 'correct horse battery');
        assert.equal(locked.status, 429);
        assert.ok(Number(locked.headers.get('retry-after')) > 0);
      } finally {
        await server.close();
      }
    });
  }
});
