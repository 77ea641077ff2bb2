import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type ContactsTestDb, openContactsTestDb } from '../../../test/helpers/contacts-db.ts';
import { TEST_DIALECTS } from '../../../test/helpers/databases.ts';
import { AppError } from '../../errors.ts';
import type { FeedPage } from './contact-changes.service.ts';

const cursorOf = (href: string | undefined) =>
  href ? new URL(href, 'http://x').searchParams.get('cursor')! : undefined;
const status = (code: number) => (e: unknown) => e instanceof AppError && e.status === code;

for (const dialect of TEST_DIALECTS) {
  describe(`contact pages and change feed (${dialect})`, () => {
    let t: ContactsTestDb;
    let account: string;
    const ids: string[] = [];
    before(async () => {
      t = await openContactsTestDb(dialect);
      account = await t.addAccount();
      for (let i = 0; i < 7; i++) {
        t.clock.advance(1000);
        const c = await t.contacts.createContact(account, {
          create_source: 'Account',
          email_address: { address: `p${i}@example.com` },
        });
        ids.push(c.contact_id);
      }
    });
    after(() => t.close());

    async function walk(query: Record<string, string | number>): Promise<string[]> {
      const seen: string[] = [];
      let page = await t.contacts.listContacts(account, query);
      for (;;) {
        seen.push(...page.contacts.map((c) => c.contact_id));
        const cursor = cursorOf(page._links?.next.href);
        if (!cursor) return seen;
        page = await t.contacts.listContacts(account, { cursor });
      }
    }

    it('pages in creation order with no next link on the last page', async () => {
      assert.deepEqual(await walk({ limit: 3 }), ids);
      const last = await t.contacts.listContacts(account, { limit: 7 });
      assert.equal(last._links, undefined);
      const counted = await t.contacts.listContacts(account, { limit: 2, include_count: 'true' });
      assert.equal(counted.contacts_count, 7);
    });

    it('refuses altered, foreign and mismatched cursors with 400', async () => {
      const page = await t.contacts.listContacts(account, { limit: 2, status: 'all' });
      const cursor = cursorOf(page._links?.next.href)!;
      const [body, mac] = cursor.split('.');
      const forged = `${Buffer.from(JSON.stringify({ v: 1, q: { filter: { statuses: 'all' }, include: [], includeCount: false, limit: 2 }, o: 'created', p: 0 })).toString('base64url')}.${mac}`;
      await assert.rejects(t.contacts.listContacts(account, { cursor: forged }), status(400));
      await assert.rejects(t.contacts.listContacts(account, { cursor: `${body}x.${mac}` }), status(400));
      await assert.rejects(t.contacts.listContacts(await t.addAccount(), { cursor }), status(400));
      await assert.rejects(t.contacts.listContacts(account, { cursor, status: 'deleted' }), status(400));
      const same = await t.contacts.listContacts(account, { cursor, status: 'all', limit: 2 });
      assert.equal(same.contacts.length, 2);
    });

    it('rejects bad filters, naming them', async () => {
      for (const [query, field] of [
        [{ limit: 501 }, /limit/],
        [{ limit: 0 }, /limit/],
        [{ include: 'notes,sms_channel' }, /include/],
        [{ updated_after: 'yesterday' }, /updated_after/],
        [{ lists: 'abc' }, /lists/],
        [{ status: 'happy' }, /status/],
        [{ email: 'nope' }, /email/],
      ] as const) {
        await assert.rejects(
          t.contacts.listContacts(account, query),
          (e: unknown) => e instanceof AppError && e.status === 400 && field.test(e.message),
        );
      }
    });

    it('walks updated_after in change order and meets a contact changed mid-walk again', async () => {
      const since = new Date(t.clock.now().getTime() - 2500).toISOString();
      const first = await t.contacts.listContacts(account, { updated_after: since, limit: 2 });
      assert.deepEqual(
        first.contacts.map((c) => c.contact_id),
        ids.slice(4, 6),
      );
      t.clock.advance(1000);
      await t.contacts.replaceContact(account, ids[4]!, { update_source: 'Account', first_name: 'Moved' });
      const rest = await t.contacts.listContacts(account, { cursor: cursorOf(first._links?.next.href)! });
      assert.deepEqual(
        rest.contacts.map((c) => c.contact_id),
        [ids[6], ids[4]],
      );
      assert.equal(rest.contacts[1]?.first_name, 'Moved');
      const none = await t.contacts.listContacts(account, { updated_after: t.clock.now().toISOString() });
      assert.deepEqual(none.contacts, []);
    });

    it('filters by status, list and tag, and shows deleted contacts only when asked', async () => {
      const own = await t.addAccount();
      const list = await t.addList(own);
      const tag = await t.addTag(own);
      const a = await t.contacts.createContact(own, {
        create_source: 'Contact',
        email_address: { address: 'a@example.com' },
        list_memberships: [list],
      });
      const b = await t.contacts.createContact(own, {
        create_source: 'Contact',
        email_address: { address: 'b@example.com', permission_to_send: 'unsubscribed' },
        taggings: [tag],
      });
      const c = await t.contacts.createContact(own, { create_source: 'Contact', first_name: 'C' });
      await t.contacts.deleteContact(own, c.contact_id);
      const idsOf = async (q: Record<string, string>) =>
        (await t.contacts.listContacts(own, q)).contacts.map((x) => x.contact_id);
      assert.deepEqual(await idsOf({}), [a.contact_id, b.contact_id]);
      assert.deepEqual(await idsOf({ status: 'all' }), [a.contact_id, b.contact_id, c.contact_id]);
      assert.deepEqual(await idsOf({ status: 'deleted' }), [c.contact_id]);
      assert.deepEqual(await idsOf({ status: 'unsubscribed,active' }), [a.contact_id, b.contact_id]);
      assert.deepEqual(await idsOf({ lists: list }), [a.contact_id]);
      assert.deepEqual(await idsOf({ tags: tag }), [b.contact_id]);
      assert.deepEqual(await idsOf({ email: 'B@example.com' }), [b.contact_id]);
      assert.deepEqual(await idsOf({ optout_after: '2000-01-01' }), [b.contact_id]);
    });

    it('starts a full sync with a snapshot, then feeds every change in order with current state', async () => {
      const own = await t.addAccount();
      const list = await t.addList(own);
      const a = await t.contacts.createContact(own, {
        create_source: 'Contact',
        first_name: 'A',
        list_memberships: [list],
      });
      const b = await t.contacts.createContact(own, { create_source: 'Contact', first_name: 'B' });
      const c = await t.contacts.createContact(own, { create_source: 'Contact', first_name: 'C' });
      await t.contacts.replaceContact(own, a.contact_id, {
        update_source: 'Account',
        first_name: 'A1',
        list_memberships: [list],
      });
      // Snapshot: each contact once, in change order (a moved last), however many changes it had.
      const page1 = await t.contacts.readFeed(own, { limit: 2 });
      assert.deepEqual(
        page1.changes.map((x) => [x.change, x.contact.contact_id, x.seq]),
        [
          ['created', b.contact_id, 3],
          ['created', c.contact_id, 4],
        ],
      );
      assert.equal(page1.more, true);
      assert.ok(page1._links?.next.href.startsWith('/v3/contacts/changes?sync_token='));
      await t.contacts.replaceContact(own, a.contact_id, {
        update_source: 'Account',
        first_name: 'A2',
        list_memberships: [],
      });
      await t.contacts.deleteContact(own, b.contact_id);
      const listedStart = await t.contacts.readFeed(own, { lists: list });
      const page2 = await t.contacts.readFeed(own, { sync_token: page1.next_sync_token });
      // a changed during the snapshot: it left the snapshot's range and comes with the log phase.
      assert.deepEqual(page2.changes, []);
      assert.equal(page2.more, true);
      const page3 = await t.contacts.readFeed(own, { sync_token: page2.next_sync_token });
      assert.deepEqual(
        page3.changes.map((x) => [x.change, x.contact.contact_id, x.seq]),
        [
          ['updated', a.contact_id, 6],
          ['removed_from_list', a.contact_id, 7],
          ['deleted', b.contact_id, 8],
        ],
      );
      assert.equal((page3.changes[0]!.contact as { first_name?: string }).first_name, 'A2');
      assert.deepEqual(page3.changes[2]?.contact, {
        contact_id: b.contact_id,
        status: 'deleted',
        deleted_at: t.clock.now().toISOString(),
      });
      assert.equal(page3.more, false);
      const idle = await t.contacts.readFeed(own, { sync_token: page3.next_sync_token });
      assert.deepEqual(idle.changes, []);

      // A list's feed: its members only, and a removal once a member leaves.
      assert.deepEqual(listedStart.changes, []);
      const d = await t.contacts.createContact(own, {
        create_source: 'Contact',
        first_name: 'D',
        list_memberships: [list],
      });
      await t.contacts.replaceContact(own, d.contact_id, {
        update_source: 'Account',
        first_name: 'D',
        list_memberships: [],
      });
      await t.contacts.createContact(own, { create_source: 'Contact', first_name: 'E' });
      const listed = await t.contacts.readFeed(own, { sync_token: listedStart.next_sync_token });
      assert.deepEqual(
        listed.changes.map((x) => [x.change, x.contact.contact_id]),
        [
          ['added_to_list', d.contact_id],
          ['removed_from_list', d.contact_id],
        ],
      );
      await assert.rejects(
        t.contacts.readFeed(own, { sync_token: listed.next_sync_token, lists: await t.addList(own) }),
        status(400),
      );
      await assert.rejects(t.contacts.readFeed(account, { sync_token: page2.next_sync_token }), status(400));
      await assert.rejects(t.contacts.readFeed(own, { sync_token: 'garbage' }), status(400));
    });

    it('answers 410 for a token older than the compacted log, while a full sync still sees everyone', async () => {
      const own = await t.addAccount();
      const a = await t.contacts.createContact(own, { create_source: 'Contact', first_name: 'A' });
      const early: FeedPage = await t.contacts.readFeed(own, {});
      await t.contacts.replaceContact(own, a.contact_id, { update_source: 'Account', first_name: 'A2' });
      const b = await t.contacts.createContact(own, { create_source: 'Contact', first_name: 'B' });
      const result = await t.contacts.compact(own, 3);
      assert.deepEqual(result, { deleted: 1, horizon: 3 });
      await assert.rejects(
        t.contacts.readFeed(own, { sync_token: early.next_sync_token }),
        (e: unknown) => e instanceof AppError && e.status === 410 && /full sync/.test(e.message),
      );
      const full = await t.contacts.readFeed(own, {});
      assert.deepEqual(
        full.changes.map((c) => c.contact.contact_id),
        [a.contact_id, b.contact_id],
      );
      const after = await t.contacts.readFeed(own, { sync_token: full.next_sync_token });
      assert.deepEqual(after.changes, []);
    });
  });
}
