// The database-written JSON of contact pages and of the change feed's snapshot is, byte for byte, what
// JSON.stringify writes for the objects of toContactView and buildContactViews: same field order, absent
// values omitted, every string escaped alike (quotes, backslashes, control characters, non-ASCII text).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type ContactsTestDb, openContactsTestDb } from '../../../test/helpers/contacts-db.ts';
import { TEST_DIALECTS } from '../../../test/helpers/databases.ts';
import { newId } from '../../shared/crypto.ts';
import { joinJsonChunks, jsonText } from '../../shared/json-chunks.ts';
import { buildContactViews, INCLUDES } from './contact-view.ts';
import type { ContactRow } from './contacts.repository.ts';

const AWKWARD = ['plain', 'quote " and \\ backslash', 'tab\tline\nfeed\r\u0001\u001f\u007f', 'é ü 中文 😀', '\u2028\u2029 </script>', ''];

/** A row with every optional column set or not by `n`'s bits, and awkward text in the set ones. */
function contactRow(accountId: string, n: number, seq: number): ContactRow {
  const bit = (i: number) => ((n >> i) & 1) === 1;
  const text = (i: number) => (bit(i) ? `${AWKWARD[(n + i) % AWKWARD.length]}${i}` : null);
  const at = `2026-01-0${1 + (n % 9)}T00:00:00.000Z`;
  return {
    contact_id: newId(),
    account_id: accountId,
    email_address: bit(0) ? null : `p${seq}@example.com`,
    first_name: text(1),
    last_name: text(2),
    job_title: text(3),
    company_name: text(4),
    birthday_month: bit(5) ? 1 + (n % 12) : null,
    birthday_day: bit(5) ? 1 + (n % 28) : null,
    anniversary: bit(6) ? '2020-02-29' : null,
    create_source: 'Account',
    update_source: bit(7) ? 'Contact' : null,
    permission_to_send: bit(8) ? 'unsubscribed' : 'implicit',
    opt_in_source: text(9),
    opt_in_date: bit(10) ? at : null,
    opt_out_source: text(11),
    opt_out_date: bit(11) ? at : null,
    opt_out_reason: text(12),
    confirm_status: bit(13) ? 'off' : null,
    email_created_at: bit(14) ? at : null,
    email_updated_at: bit(14) ? at : null,
    created_at: at,
    updated_at: at,
    deleted_at: bit(15) ? at : null,
    change_seq: seq,
    created_seq: seq,
    sms_channel: bit(16)
      ? JSON.stringify({ sms_channel_id: newId(), sms_address: '+15555550100', dial_code: '1', country_code: 'US', create_source: 'Account', update_source: text(17) ?? 'Account', sms_channel_consents: [{ sms_consent_permission: 'explicit', consent_type: 'promotional_sms', opt_in_date: at }] })
      : null,
  };
}

for (const dialect of TEST_DIALECTS) {
  describe(`contacts' JSON written by the database (${dialect})`, () => {
    let t: ContactsTestDb;
    let account: string;
    let rows: ContactRow[];
    before(async () => {
      t = await openContactsTestDb(dialect);
      account = await t.addAccount();
      const list = await t.addList(account);
      const tag = await t.addTag(account);
      const field = await t.addCustomField(account);
      rows = Array.from({ length: 150 }, (_, i) => contactRow(account, (i * 2654435761) % 262144, i + 1));
      await t.db.insertInto('contacts').values(rows).execute();
      // The service's own seqs start above the rows'.
      await t.db.updateTable('accounts').set({ change_seq: 1000 }).where('id', '=', account).execute();
      // Contacts written by the service, with every sub-resource and text that needs escaping.
      for (const [i, name] of [AWKWARD[0]!, AWKWARD[1]!, AWKWARD[3]!].entries()) {
        await t.contacts.createContact(account, {
          create_source: 'Account',
          email_address: { address: `parts-${i}@example.com` },
          first_name: name,
          phone_numbers: [{ phone_number: '+1 555 0100', kind: 'home' }],
          street_addresses: [{ kind: 'home', street: name, city: 'Ville "x"', postal_code: '12345' }],
          notes: [{ content: name }],
          custom_fields: [{ custom_field_id: field, value: name }],
          list_memberships: [list],
          taggings: [tag],
        });
      }
      rows = await t.db.selectFrom('contacts').selectAll().where('account_id', '=', account).orderBy('created_seq').execute();
    });
    after(() => t.close());

    for (const include of [[], [...INCLUDES]]) {
      it(`writes a page as JSON.stringify writes its objects (include: ${include.join(',') || 'none'})`, async () => {
        const views = await buildContactViews(t.db, account, rows, new Set(include));
        const query = { status: 'all', limit: 500, ...(include.length ? { include: include.join(',') } : {}) };
        const text = jsonText(await t.contacts.listContactsJson(account, query));
        assert.equal(text, JSON.stringify({ contacts: views }));
      });

      it(`writes the feed's snapshot entries as JSON.stringify writes them (include: ${include.join(',') || 'none'})`, async () => {
        const live = new Map(
          (await buildContactViews(t.db, account, rows.filter((r) => !r.deleted_at), new Set(include))).map((v) => [v.contact_id, v]),
        );
        const expected = [...rows]
          .sort((a, b) => a.change_seq - b.change_seq)
          .map((r) =>
            r.deleted_at
              ? { seq: r.change_seq, change: 'deleted', changed_at: r.deleted_at, contact: { contact_id: r.contact_id, status: 'deleted', deleted_at: r.deleted_at } }
              : { seq: r.change_seq, change: 'created', changed_at: r.updated_at, contact: live.get(r.contact_id) },
          );
        const query = { limit: 1000, ...(include.length ? { include: include.join(',') } : {}) };
        const text = jsonText(await t.contacts.readFeedJson(account, query));
        const changes = text.slice('{"changes":'.length, text.indexOf(',"next_sync_token":'));
        assert.equal(changes, JSON.stringify(expected));
      });
    }
  });
}

describe('joinJsonChunks', () => {
  it('joins items with commas between head and tail, in chunks of bounded size', () => {
    for (const count of [0, 1, 2, 99, 100, 101, 1000]) {
      const items = Array.from({ length: count }, (_, i) => JSON.stringify({ i, pad: 'x'.repeat(i % 700) }));
      const chunks = joinJsonChunks('{"a":[', items, ']}');
      assert.equal(jsonText(chunks), `{"a":[${items.join(',')}]}`);
      assert.ok(chunks.every((c) => c.length < 40 * 1024));
    }
  });
});
