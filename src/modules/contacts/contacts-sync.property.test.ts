// Property: whatever creates, updates, opt-outs, deletes, sign-ups and list membership changes run while a
// client pages through an `updated_after` walk or the change feed (concurrently with each page request),
// the client ends up with exactly the server's state, and no change reaches it twice.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { type ContactsTestDb, openContactsTestDb } from '../../../test/helpers/contacts-db.ts';
import { TEST_DIALECTS } from '../../../test/helpers/databases.ts';
import { AppError } from '../../errors.ts';
import type { ContactView } from './contact-view.ts';

type Op =
  | { kind: 'create'; n: number; list: number | null }
  | { kind: 'update'; n: number; lists: number[] }
  | { kind: 'unsubscribe'; n: number }
  | { kind: 'delete'; n: number }
  | { kind: 'signup'; n: number; list: number };
type Step = { ops: Op[]; fetch: boolean; at: number };

const SLOTS = 8;
const n = fc.integer({ min: 0, max: SLOTS - 1 });
const list = fc.integer({ min: 0, max: 1 });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('create' as const), n, list: fc.option(list, { nil: null }) }),
  fc.record({ kind: fc.constant('update' as const), n, lists: fc.uniqueArray(list, { maxLength: 2 }) }),
  fc.record({ kind: fc.constant('unsubscribe' as const), n }),
  fc.record({ kind: fc.constant('delete' as const), n }),
  fc.record({ kind: fc.constant('signup' as const), n, list }),
);
const steps = fc.array(
  fc.record({ ops: fc.array(op, { maxLength: 3 }), fetch: fc.boolean(), at: fc.nat(3) }),
  {
    minLength: 1,
    maxLength: 12,
  },
);

const RUNS = Number(process.env.PROPERTY_RUNS ?? 25);

for (const dialect of TEST_DIALECTS) {
  describe(`sync walks under concurrent changes (${dialect})`, () => {
    let t: ContactsTestDb;
    before(async () => {
      t = await openContactsTestDb(dialect);
    });
    after(() => t.close());

    /** A fresh account with two lists and a few contacts, half of them older than the walk's start. */
    async function setUp() {
      const account = await t.addAccount();
      const lists = [await t.addList(account), await t.addList(account)];
      const email = (i: number) => `slot${i}@example.com`;
      const idOf = async (i: number) =>
        (await t.contacts.listContacts(account, { email: email(i), status: 'all' })).contacts[0]?.contact_id;
      for (let i = 0; i < 4; i++) {
        t.clock.advance(1);
        await t.contacts.createContact(account, {
          create_source: 'Account',
          email_address: { address: email(i) },
          list_memberships: [lists[i % 2]],
        });
      }
      const since = new Date(t.clock.now().getTime() - 2).toISOString();

      async function run(o: Op): Promise<void> {
        const id = o.kind === 'create' || o.kind === 'signup' ? undefined : await idOf(o.n);
        // Each service call reads the clock synchronously on entry, so every change gets its own instant.
        t.clock.advance(1);
        const address = { address: email(o.n) };
        try {
          if (o.kind === 'create') {
            await t.contacts.createContact(account, {
              create_source: 'Account',
              email_address: address,
              list_memberships: o.list === null ? [] : [lists[o.list]],
            });
          } else if (o.kind === 'signup') {
            await t.contacts.signUp(account, {
              email_address: email(o.n),
              list_memberships: [lists[o.list]],
            });
          } else if (id && o.kind === 'update') {
            await t.contacts.replaceContact(account, id, {
              update_source: 'Account',
              first_name: `v${t.clock.now().getTime()}`,
              email_address: address,
              list_memberships: o.lists.map((l) => lists[l]),
            });
          } else if (id && o.kind === 'unsubscribe') {
            await t.contacts.replaceContact(account, id, {
              update_source: 'Contact',
              email_address: { ...address, permission_to_send: 'unsubscribed' },
            });
          } else if (id && o.kind === 'delete') {
            await t.contacts.deleteContact(account, id);
          }
        } catch (error) {
          // Concurrent steps may race for one slot (409 duplicate, 404 already deleted): expected refusals.
          if (!(error instanceof AppError) || error.status >= 500) throw error;
        }
      }

      async function serverState(): Promise<Map<string, ContactView>> {
        const state = new Map<string, ContactView>();
        const page = await t.contacts.listContacts(account, {
          status: 'all',
          include: 'list_memberships',
          limit: 500,
        });
        for (const c of page.contacts) state.set(c.contact_id, c);
        assert.equal(page._links, undefined);
        return state;
      }
      return { account, lists, since, run, serverState };
    }

    /**
     * Runs each step's operations concurrently with one page request, then pages to the end with nothing
     * running. A walk that ends during the plan stops the plan there, and returns the operations that ran
     * alongside its last page: their effect may or may not be in that page, so the caller leaves them out.
     */
    async function interleave(
      plan: Step[],
      run: (o: Op) => Promise<void>,
      fetchNext: () => Promise<boolean>,
      walkEnds: boolean,
    ) {
      for (const step of plan) {
        // The page request starts before, between or after the step's operations.
        const work = step.ops.map((o) => () => run(o).then(() => true));
        if (step.fetch) work.splice(Math.min(step.at, work.length), 0, fetchNext);
        const results = await Promise.all(work.map((start) => start()));
        if (walkEnds && results.includes(false)) return step.ops;
      }
      while (await fetchNext()) {}
      return [];
    }

    it('an updated_after walk ends equal to the server, each change delivered once', async () => {
      await fc.assert(
        fc.asyncProperty(steps, async (plan) => {
          const { account, since, run, serverState } = await setUp();
          const replica = new Map<string, ContactView>();
          const delivered = new Set<string>();
          let cursor: string | undefined;
          let started = false;
          const fetchNext = async () => {
            const page = started
              ? cursor
                ? await t.contacts.listContacts(account, { cursor })
                : null
              : await t.contacts.listContacts(account, {
                  updated_after: since,
                  status: 'all',
                  include: 'list_memberships',
                  limit: 2,
                });
            started = true;
            for (const c of page?.contacts ?? []) {
              const version = `${c.contact_id}@${c.updated_at}`;
              assert.ok(!delivered.has(version), `delivered twice: ${version}`);
              delivered.add(version);
              replica.set(c.contact_id, c);
            }
            cursor = page?._links
              ? new URL(page._links.next.href, 'http://x').searchParams.get('cursor')!
              : undefined;
            return cursor !== undefined;
          };
          const unsettled = new Set(
            (await interleave(plan, run, fetchNext, true)).map((o) => `slot${o.n}@example.com`),
          );
          const settled = (c: ContactView) => !unsettled.has(c.email_address?.address ?? '');
          const expected = [...(await serverState()).values()].filter(
            (c) => c.updated_at > since && settled(c),
          );
          const got = [...replica.values()].filter(settled);
          assert.deepEqual(
            new Map(got.map((c) => [c.contact_id, c])),
            new Map(expected.map((c) => [c.contact_id, c])),
          );
        }),
        { numRuns: RUNS },
      );
    });

    it('a change-feed walk meets each change once, every logged one after its snapshot, and ends equal to the server', async () => {
      await fc.assert(
        fc.asyncProperty(steps, async (plan) => {
          const { account, lists, run, serverState } = await setUp();
          const replica = new Map<string, unknown>();
          const inList = new Map<string, unknown>();
          const seqs: number[] = [];
          let token: string | undefined;
          let listToken: string | undefined;
          let snapshotHead: number | undefined;
          const fetchNext = async () => {
            const [all, listed] = await Promise.all([
              t.contacts.readFeed(account, { sync_token: token, limit: 3, include: 'list_memberships' }),
              t.contacts.readFeed(
                account,
                listToken
                  ? { sync_token: listToken, limit: 2 }
                  : { lists: lists[0], limit: 2, include: 'list_memberships' },
              ),
            ]);
            for (const c of all.changes) {
              seqs.push(c.seq);
              replica.set(c.contact.contact_id, c.contact);
            }
            for (const c of listed.changes) {
              if (c.change === 'removed_from_list' || 'status' in c.contact)
                inList.delete(c.contact.contact_id);
              else inList.set(c.contact.contact_id, c.contact);
            }
            token = all.next_sync_token;
            // The test peeks into its own token: the log head the snapshot phase runs up to.
            const payload = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as {
              s: number;
              h?: number;
            };
            snapshotHead ??= payload.h ?? payload.s;
            listToken = listed.next_sync_token;
            return all.more || listed.more;
          };
          await interleave(plan, run, fetchNext, false);
          // Never twice: seq only grows along the walk (snapshot, then log).
          assert.deepEqual(
            seqs,
            [...new Set(seqs)].sort((x, y) => x - y),
          );
          const logged = await t.db
            .selectFrom('contact_changes')
            .select('seq')
            .where('account_id', '=', account)
            .execute();
          const loggedSeqs = new Set(logged.map((r) => Number(r.seq)));
          assert.ok(
            seqs.every((seq) => loggedSeqs.has(seq)),
            'every delivered seq names a logged change',
          );
          const logPhase = [...loggedSeqs].filter((seq) => seq > snapshotHead!).sort((x, y) => x - y);
          assert.deepEqual(
            seqs.filter((seq) => seq > snapshotHead!),
            logPhase,
          );
          const state = await serverState();
          const expected = new Map(
            [...state].map(([id, c]) => [
              id,
              c.deleted_at ? { contact_id: id, status: 'deleted', deleted_at: c.deleted_at } : c,
            ]),
          );
          assert.deepEqual(replica, expected);
          const members = [...state].filter(
            ([, c]) => !c.deleted_at && c.list_memberships?.includes(lists[0]!),
          );
          assert.deepEqual(inList, new Map(members));
        }),
        { numRuns: RUNS },
      );
    });
  });
}
