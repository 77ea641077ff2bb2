// `listgate serve` as a separate process (the real binary, as an operator runs it) on a given database, with
// a customer account and a private integration seeded beforehand, for tests that signal or starve it.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { loadConfig } from '../../src/config.ts';
import { migrateToLatest } from '../../src/db/database.ts';
import { createServices } from '../../src/services.ts';
import { clientCredentialsToken } from './tokens.ts';

const BIN = path.resolve(import.meta.dirname, '../../bin/listgate.js');

export type ServeProcess = {
  child: ChildProcess;
  url: string;
  /** Everything the process wrote to stdout (its JSON log) and stderr so far. */
  output(): string;
  /** Its JSON log alone. */
  stdout(): string;
  exited: Promise<number | null>;
};

export type Seeded = { env: Record<string, string>; clientId: string; clientSecret: string };

/** Migrates the database and creates an account with a private integration, in this process. */
export async function seedDatabase(databaseUrl: string, dataDir: string): Promise<Seeded> {
  const env = {
    DATABASE_URL: databaseUrl,
    DATA_DIR: dataDir,
    SECRET_KEYS: randomBytes(32).toString('base64url'),
    RATE_LIMIT_PER_SECOND: '1000000',
    RATE_LIMIT_PER_DAY: '1000000000',
    ACCOUNT_RATE_LIMIT_PER_SECOND: '10000000',
    ACCOUNT_RATE_LIMIT_PER_DAY: '10000000000',
  };
  const services = await createServices(loadConfig({ ...env, NODE_ENV: 'test', LOG_LEVEL: 'silent' }));
  try {
    await migrateToLatest(services.db);
    const account = await services.accounts.signUp({ email: `faults-${Date.now()}@example.com`, password: 'correct horse battery staple' });
    const { app, client_secret } = await services.apps.createApp({ name: 'Fault test', kind: 'private', ownerAccountId: account.account_id });
    return { env, clientId: app.client_id, clientSecret: client_secret! };
  } finally {
    await services.close();
  }
}

export function startServe(env: Record<string, string>): Promise<ServeProcess> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0'], {
    env: { PATH: process.env.PATH, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let stdout = '';
  child.stdout?.on('data', (d: Buffer) => {
    output += d;
    stdout += d;
  });
  child.stderr?.on('data', (d: Buffer) => {
    output += d;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const poll = setInterval(() => {
      const match = output.match(/Listgate is running at (http:\/\/\S+)/);
      if (!match) return;
      clearInterval(poll);
      resolve({ child, url: match[1]!, output: () => output, stdout: () => stdout, exited });
    }, 50);
    exited.then((code) => {
      clearInterval(poll);
      reject(new Error(`serve exited early with ${code}: ${output}`));
    });
  });
}

export async function tokenHeaders(url: string, seeded: Seeded): Promise<Record<string, string>> {
  const token = await clientCredentialsToken({ url }, seeded.clientId, seeded.clientSecret);
  return { authorization: `Bearer ${token}`, 'x-api-key': seeded.clientId, 'content-type': 'application/json', accept: 'application/json' };
}
