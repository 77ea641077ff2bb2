// Developers for page tests: a verified developer account made through the service (the verification
// mail itself is covered by the developer page tests) and a WebClient signed in to it.
import type { TestServer } from './server.ts';
import { WebClient } from './web-client.ts';

export const DEVELOPER_PASSWORD = 'a developer passphrase';

let counter = 0;

export async function createVerifiedDeveloper(server: TestServer, email = `dev${++counter}-${Date.now()}@example.com`) {
  await server.services.developers.signUp({ email, password: DEVELOPER_PASSWORD });
  const verifiedAt = new Date().toISOString();
  return server.services.db.updateTable('developers').set({ verified_at: verifiedAt }).where('email', '=', email).returning(['id', 'email']).executeTakeFirstOrThrow();
}

/** A browser signed in to the developer portal as a new verified developer. */
export async function signedInDeveloper(server: TestServer, email?: string) {
  const developer = await createVerifiedDeveloper(server, email);
  const browser = new WebClient(server.url);
  const res = await browser.submit(await browser.get('/developer/sign-in'), '/developer/sign-in', {
    email: developer.email,
    password: DEVELOPER_PASSWORD,
  });
  if (res.status !== 303) throw new Error(`developer sign-in failed: ${res.status}`);
  return { developer, browser };
}
