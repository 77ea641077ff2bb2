// What the sync journeys share: a real server with a customer account, its private integration (for
// API writes), a list, and a CLI config directory signed in with client credentials.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type ApiCall, apiClient } from './api.ts';
import { type CliEnv, runCli } from './cli.ts';
import type { TestDialect } from './databases.ts';
import { startTestServer, type TestServer } from './server.ts';
import { createAccountWithToken, type TestToken } from './tokens.ts';

export type SyncFixture = {
  server: TestServer;
  owner: TestToken;
  api: ApiCall;
  env: CliEnv;
  home: string;
  listId: string;
  /** Creates contact `i` (person{i}@example.com) in `lists`; returns its id. */
  addContact(i: number, lists: string[]): Promise<string>;
  /** PUTs contact `i` with `changes` over its usual fields. */
  replace(id: string, i: number, changes: Record<string, unknown>): Promise<void>;
  close(): Promise<void>;
};

export async function startSyncFixture(dialect: TestDialect): Promise<SyncFixture> {
  const server = await startTestServer(dialect);
  const owner = await createAccountWithToken(server);
  const api = apiClient(server.url, owner);
  const home = mkdtempSync(path.join(os.tmpdir(), 'listgate-sync-'));
  const env = { home, configDir: path.join(home, 'config') };
  const list = await api<{ list_id: string }>('POST', '/v3/contact_lists', { name: 'Newsletter' });
  const secretFile = path.join(home, 'client-secret');
  writeFileSync(secretFile, owner.clientSecret, { mode: 0o600 });
  const login = await runCli(
    ['login', '--server', server.url, '--client-id', owner.clientId, '--client-secret-file', secretFile],
    env,
  );
  assert.equal(login.code, 0, login.stderr);
  return {
    server,
    owner,
    api,
    env,
    home,
    listId: list.body.list_id,
    async addContact(i, lists) {
      const res = await api<{ contact_id: string }>('POST', '/v3/contacts', {
        email_address: { address: `person${i}@example.com`, permission_to_send: 'implicit' },
        first_name: `Person ${i}`,
        create_source: 'Account',
        list_memberships: lists,
      });
      assert.equal(res.status, 201, res.text);
      return res.body.contact_id;
    },
    async replace(id, i, changes) {
      const res = await api('PUT', `/v3/contacts/${id}`, {
        email_address: { address: `person${i}@example.com` },
        first_name: `Person ${i}`,
        update_source: 'Account',
        ...changes,
      });
      assert.equal(res.status, 200, res.text);
    },
    async close() {
      await server.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** Rows of a CSV output by contact id (the sync never writes line breaks for these contacts). */
export function rowsOf(file: string): Map<string, string> {
  const lines = readFileSync(file, 'utf8').trim().split('\n').slice(1);
  return new Map(lines.map((l) => [l.slice(0, l.indexOf(',')), l]));
}

export const statusOf = (row: string | undefined) => row?.split(',')[1];
