// The contact_exports job step by step, each step run twice as after a crash that lost its commit (the file
// already appended to): the file holds exactly the source's contacts, once each, in order, whatever the
// members filtered out (deleted, another status) and wherever the pages end.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type ContactsTestDb, openContactsTestDb } from '../../../test/helpers/contacts-db.ts';
import { TEST_DIALECTS } from '../../../test/helpers/databases.ts';
import type { PermissionToSend } from '../../db/schema.ts';
import { newId } from '../../shared/crypto.ts';
import type { ActivityRow } from './activities.repository.ts';
import { type BulkSource, softDeleteContacts } from './bulk-source.repository.ts';
import { CONTACT_EXPORTS, createExportJob, type ExportPayload } from './export.job.ts';

type Person = { id: string; email: string; status: PermissionToSend; deleted: boolean; member: boolean; tagged: boolean };

for (const dialect of TEST_DIALECTS) {
  describe(`contact_exports job (${dialect})`, () => {
    let t: ContactsTestDb;
    let dir: string;
    let accountId: string;
    let listId: string;
    let tagId: string;
    const people: Person[] = [];

    before(async () => {
      t = await openContactsTestDb(dialect);
      dir = mkdtempSync(path.join(tmpdir(), 'listgate-export-'));
      accountId = await t.addAccount();
      listId = await t.addList(accountId);
      tagId = await t.addTag(accountId);
      const shoe = await t.addCustomField(accountId, 'shoe');
      const statuses: PermissionToSend[] = ['implicit', 'explicit', 'unsubscribed', 'implicit', 'pending_confirmation'];
      for (let i = 0; i < 15; i++) {
        const member = i % 4 !== 3;
        const tagged = i % 3 === 0;
        const status = statuses[i % statuses.length]!;
        const created = await t.contacts.createContact(accountId, {
          email_address: { address: `p${i}@example.com`, permission_to_send: status },
          first_name: i === 4 ? '=SUM(A1)' : `First, ${i}`,
          create_source: 'Account',
          list_memberships: member ? [listId] : [],
          taggings: tagged ? [tagId] : [],
          custom_fields: [{ custom_field_id: shoe, value: String(30 + i) }],
        });
        people.push({ id: created.contact_id, email: `p${i}@example.com`, status, deleted: false, member, tagged });
      }
      // Deleted in bulk, as the contact_delete activity does: such contacts stay members of their lists.
      const gone = people.filter((_, i) => i % 5 === 1);
      await softDeleteContacts(t.db, accountId, gone.map((p) => p.id), t.clock.now().toISOString());
      for (const p of gone) p.deleted = true;
      // Another account's member of a list of its own, and a contact of this account in no list.
      const other = await t.addAccount();
      await t.contacts.createContact(other, { email_address: { address: 'other@example.com' }, create_source: 'Account', list_memberships: [await t.addList(other)] });
    });
    after(async () => {
      await t.close();
      rmSync(dir, { recursive: true, force: true });
    });

    /** Runs the job to its end, every step twice (the first's commit lost); returns the file's lines. */
    async function exportLines(source: BulkSource, extra: Partial<ExportPayload> = {}, batchSize = 2): Promise<string[]> {
      const job = createExportJob({ clock: t.clock, dir, batchSize });
      const payload: ExportPayload = { source, fields: ['email', 'first_name', 'cf:shoe'], custom_fields: { shoe: (await customFieldId()) }, ...extra };
      const now = t.clock.now().toISOString();
      let row: ActivityRow = {
        activity_id: newId(), account_id: accountId, kind: CONTACT_EXPORTS, state: 'processing', payload: JSON.stringify(payload),
        created_at: now, updated_at: now, started_at: now, completed_at: null, percent_done: 0, items_total_count: 0,
        items_completed_count: 0, error_count: 0, errors: '[]', result: null, result_file: null, checkpoint: null,
      };
      for (let steps = 0; steps < 100; steps++) {
        const current = row;
        await t.db.transaction().execute((trx) => job.step(trx, current));
        const result = await t.db.transaction().execute((trx) => job.step(trx, current));
        row = {
          ...row,
          items_completed_count: row.items_completed_count + result.completed,
          checkpoint: result.checkpoint === undefined ? row.checkpoint : JSON.stringify(result.checkpoint),
          result_file: result.resultFile ?? row.result_file,
        };
        if (result.done) return readFileSync(path.join(dir, row.result_file!), 'utf8').split('\r\n').slice(0, -1);
      }
      throw new Error('the export does not end');
    }

    const customFieldId = async () =>
      (await t.db.selectFrom('contact_custom_fields').select('custom_field_id').where('account_id', '=', accountId).executeTakeFirstOrThrow()).custom_field_id;

    const lineOf = (p: Person) => {
      const i = Number(p.email.slice(1, p.email.indexOf('@')));
      return `${p.email},${i === 4 ? "'=SUM(A1)" : `"First, ${i}"`},${30 + i}`;
    };
    /** The expected file: the header, then the people chosen, in contact id order. */
    const expected = (chosen: (p: Person) => boolean) => [
      'email,first_name,cf:shoe',
      ...people.filter(chosen).sort((a, b) => (a.id < b.id ? -1 : 1)).map(lineOf),
    ];

    it('exports the members of one list, leaving out deleted ones, across pages and lost commits', async () => {
      assert.deepEqual(await exportLines({ list_ids: [listId] }), expected((p) => p.member && !p.deleted));
    });

    it('exports one list by status, and with the deleted members when asked', async () => {
      const active: PermissionToSend[] = ['explicit', 'implicit', 'pending_confirmation'];
      assert.deepEqual(await exportLines({ list_ids: [listId], statuses: active }), expected((p) => p.member && !p.deleted && active.includes(p.status)));
      assert.deepEqual(await exportLines({ list_ids: [listId], include_deleted: true }), expected((p) => p.member));
      assert.deepEqual(await exportLines({ list_ids: [listId], statuses: ['unsubscribed'] }, {}, 1), expected((p) => p.member && !p.deleted && p.status === 'unsubscribed'));
    });

    it('exports a tag, a list and a tag, all active contacts, chosen ids, and a list minus excluded ids', async () => {
      assert.deepEqual(await exportLines({ tag_ids: [tagId] }), expected((p) => p.tagged && !p.deleted));
      assert.deepEqual(await exportLines({ list_ids: [listId], tag_ids: [tagId] }), expected((p) => p.member && p.tagged && !p.deleted));
      assert.deepEqual(await exportLines({ all_active_contacts: true }, {}, 3), expected((p) => !p.deleted && p.status !== 'unsubscribed'));
      const chosen = people.slice(2, 9).map((p) => p.id);
      assert.deepEqual(await exportLines({ contact_ids: chosen }), expected((p) => chosen.includes(p.id) && !p.deleted));
      const left = people.filter((p) => p.member).slice(0, 3).map((p) => p.id);
      assert.deepEqual(await exportLines({ list_ids: [listId], exclude_ids: left }), expected((p) => p.member && !p.deleted && !left.includes(p.id)));
    });

    it('exports a list by address as tab-separated values (the legacy v2 layout)', async () => {
      const members = people.filter((p) => p.member && !p.deleted).sort((a, b) => (a.email < b.email ? -1 : 1));
      const lines = await exportLines({ list_ids: [listId] }, { order: 'email', format: 'txt', fields: ['email', 'contact_id'] }, 3);
      assert.deepEqual(lines, ['email\tcontact_id', ...members.map((p) => `${p.email}\t${p.id}`)]);
    });
  });
}
