// `listgate listen` through the real process, signed in with the saved login: it forwards the account's
// events to a local receiver that verifies every request with the standardwebhooks library, using the
// secret the command prints; Ctrl+C stops it cleanly; client code never loads server modules.
import assert from 'node:assert/strict';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { finished, runCli, startCli } from './helpers/cli.ts';
import { TEST_DIALECTS } from './helpers/databases.ts';
import { type SyncFixture, startSyncFixture } from './helpers/sync-fixture.ts';
import { startWebhookReceiver, type WebhookReceiver } from './helpers/webhook-receiver.ts';

const forbid = { NODE_OPTIONS: `--import=${path.resolve('test/fixtures/forbid-server-modules.mjs')}` };

/** Every stdout line of the process, and a wait for the first one matching `pattern`. */
function lines(child: ChildProcessWithoutNullStreams) {
  const seen: string[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => seen.push(line));
  return {
    seen,
    async waitFor(pattern: RegExp, timeoutMs = 10_000): Promise<RegExpMatchArray> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        for (const line of seen) {
          const match = line.match(pattern);
          if (match) return match;
        }
        if (Date.now() > deadline) throw new Error(`no line matching ${pattern}; got:\n${seen.join('\n')}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}

for (const dialect of TEST_DIALECTS) {
  describe(`listgate listen (${dialect})`, () => {
    let fx: SyncFixture;
    let receiver: WebhookReceiver;
    before(async () => {
      fx = await startSyncFixture(dialect);
      receiver = await startWebhookReceiver();
    });
    after(async () => {
      await receiver.close();
      await fx.close();
    });

    it('forwards created, updated and deleted, signed with the printed secret, and stops on Ctrl+C', async () => {
      const before = await fx.addContact(900, []); // made before listen starts: not forwarded
      const child = startCli(['listen', '--forward-to', receiver.url], { ...fx.env, extra: forbid });
      const done = finished(child);
      const out = lines(child);
      const secret = (await out.waitFor(/signing secret is (whsec_\S+)/))[1]!;
      receiver.secrets.push(secret);

      const id = await fx.addContact(901, [fx.listId]);
      await fx.replace(id, 901, { first_name: 'Renamed' });
      assert.equal((await fx.api('DELETE', `/v3/contacts/${id}`)).status, 204);
      await receiver.waitFor(() => receiver.events().some((e) => e.type === 'contact.deleted'));
      const events = receiver.events();
      assert.deepEqual(
        events.map((e) => e.type),
        // (the PUT leaves out list_memberships, so the contact also leaves the list)
        ['contact.created', 'contact.list_membership.added', 'contact.updated', 'contact.list_membership.removed', 'contact.deleted'],
      );
      assert.ok(events.every((e) => e.data.contact.contact_id === id && e.account_id === fx.owner.accountId));
      assert.deepEqual(events.map((e) => e.seq), [...events.map((e) => e.seq)].sort((a, b) => a - b), 'in log order');
      assert.ok(!events.some((e) => e.data.contact.contact_id === before));
      assert.equal(receiver.rejected.length, 0, 'every request verified');
      await out.waitFor(/contact\.deleted .*→ 204 \(\d+ ms\)/);
      for (const e of events) assert.ok(out.seen.some((l) => l.includes(`${e.type}  ${id}  [${e.id}]  → 204`)), e.type);

      child.kill('SIGINT');
      const result = await done;
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stderr, /stopped after forwarding 5 events/);
    });

    it('forwards only the --events asked for, and shows a failing receiver', async () => {
      const child = startCli(['listen', '--forward-to', receiver.url, '--events', 'contact.created, contact.deleted'], { ...fx.env, extra: forbid });
      const done = finished(child);
      const out = lines(child);
      receiver.secrets.push((await out.waitFor(/signing secret is (whsec_\S+)/))[1]!);
      receiver.respond = () => 500;
      const id = await fx.addContact(902, [fx.listId]);
      await fx.replace(id, 902, { first_name: 'Changed' });
      assert.equal((await fx.api('DELETE', `/v3/contacts/${id}`)).status, 204);
      await out.waitFor(new RegExp(`contact\\.deleted  ${id} .*→ 500`));
      assert.deepEqual(
        out.seen.filter((l) => l.includes(id)).map((l) => l.split('  ')[1]),
        ['contact.created', 'contact.deleted'],
      );
      receiver.respond = () => 204;
      child.kill('SIGINT');
      assert.equal((await done).code, 0);
    });

    it('refuses an unknown event type and a URL that is not http', async () => {
      const unknown = await runCli(['listen', '--forward-to', receiver.url, '--events', 'contact.nope'], { ...fx.env, extra: forbid });
      assert.equal(unknown.code, 6, unknown.stderr);
      assert.match(unknown.stderr, /events names unknown event types: contact\.nope/);
      const badUrl = await runCli(['listen', '--forward-to', 'ftp://localhost/x'], { ...fx.env, extra: forbid });
      assert.equal(badUrl.code, 2);
      assert.match(badUrl.stderr, /--forward-to must be an http or https URL/);
      const help = await runCli(['listen', '--help'], fx.env);
      assert.match(help.stdout, /--forward-to <url>/);
      assert.match(help.stdout, /Standard Webhooks headers/);
    });
  });
}
