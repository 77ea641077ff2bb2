// Operators for console tests: a verified operator signed in with its TOTP second factor, driven through
// the real pages (sign-in, authenticator set-up), with codes computed by the same `otpauth` library.
import { TOTP } from 'otpauth';
import type { TestServer } from './server.ts';
import { WebClient, type WebResponse } from './web-client.ts';

export const OPERATOR_PASSWORD = 'an operator passphrase';

let counter = 0;

/** The current code of a base32 TOTP secret, for a time step not used before in this process. */
const usedSteps = new Map<string, number>();
export async function totpCode(secret: string): Promise<string> {
  const totp = new TOTP({ secret, digits: 6, period: 30, algorithm: 'SHA1' });
  let step = Math.floor(Date.now() / 30_000);
  // a code is accepted once per step (no replay): wait for the next step when this one was used
  while ((usedSteps.get(secret) ?? -1) >= step) {
    await new Promise((r) => setTimeout(r, 1000));
    step = Math.floor(Date.now() / 30_000);
  }
  usedSteps.set(secret, step);
  return totp.generate({ timestamp: step * 30_000 + 1000 });
}

/** The base32 key shown on the set-up page. */
export function secretOn(page: WebResponse): string {
  const m = page.body.match(/<code id="totp-secret">([A-Z2-7]+)<\/code>/);
  if (!m) throw new Error('no TOTP key on the set-up page');
  return m[1]!;
}

export async function createVerifiedOperator(server: TestServer, email = `op${++counter}-${Date.now()}@example.com`) {
  await server.services.operators.createOperator({ email, password: OPERATOR_PASSWORD });
  await server.services.db.updateTable('operators').set({ verified_at: new Date().toISOString() }).where('email', '=', email).execute();
  return { email };
}

/** A browser signed in to the console as a new operator who enrolled TOTP; returns its TOTP secret too. */
export async function signedInOperator(server: TestServer) {
  const { email } = await createVerifiedOperator(server);
  const browser = new WebClient(server.url);
  const signIn = await browser.submit(await browser.get('/admin/sign-in'), '/admin/sign-in', { email, password: OPERATOR_PASSWORD });
  if (signIn.status !== 303) throw new Error(`operator sign-in failed: ${signIn.status}`);
  const enrol = await browser.follow(signIn.location!);
  const secret = secretOn(enrol);
  const done = await browser.submit(enrol, '/admin/enrol', { code: await totpCode(secret) });
  if (done.status !== 303) throw new Error(`TOTP enrolment failed: ${done.status}`);
  return { email, browser, secret, recoveryPage: await browser.follow(done.location!) };
}
