import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type ApiCall, createOwnerAndOther, errorMessages } from '../../../test/helpers/api.ts';
import { TEST_DIALECTS } from '../../../test/helpers/databases.ts';
import { startTestServer, type TestServer } from '../../../test/helpers/server.ts';

type Xrefs<K extends string> = { xrefs: ({ sequence_id: string } & Record<K, string>)[] };

for (const dialect of TEST_DIALECTS) {
  describe(`v3 xrefs of the legacy v2 ids (${dialect})`, () => {
    let server: TestServer;
    let api: ApiCall;
    let other: ApiCall;

    before(async () => {
      server = await startTestServer(dialect);
      ({ api, other } = await createOwnerAndOther(server));
    });
    after(() => server.close());

    it('GET /v3/contact_lists/list_id_xrefs maps per-account list numbers, ascending, never reused', async () => {
      const ids: string[] = [];
      for (const name of ['One', 'Two', 'Three']) {
        const res = await api<{ list_id: string }>('POST', '/v3/contact_lists', { name });
        ids.push(res.body.list_id);
      }
      // A refused duplicate name takes no number; a deleted list keeps its number and is still mapped.
      assert.equal((await api('POST', '/v3/contact_lists', { name: 'One' })).status, 409);
      assert.equal((await api('DELETE', `/v3/contact_lists/${ids[1]}`)).status, 202);
      const fourth = (await api<{ list_id: string }>('POST', '/v3/contact_lists', { name: 'Two' })).body.list_id;
      const res = await api<Xrefs<'list_id'>>('GET', '/v3/contact_lists/list_id_xrefs?sequence_ids=4,2,1,3,99');
      assert.equal(res.status, 200, errorMessages(res.body));
      assert.deepEqual(res.body, {
        xrefs: [
          { sequence_id: '1', list_id: ids[0] },
          { sequence_id: '2', list_id: ids[1] },
          { sequence_id: '3', list_id: ids[2] },
          { sequence_id: '4', list_id: fourth },
        ],
      });
      // Numbers are per account: another account's list 1 is its own.
      await other('POST', '/v3/contact_lists', { name: 'Elsewhere' });
      const theirs = await other<Xrefs<'list_id'>>('GET', '/v3/contact_lists/list_id_xrefs?sequence_ids=1,2');
      assert.equal(theirs.body.xrefs.length, 1);
      assert.notEqual(theirs.body.xrefs[0]!.list_id, ids[0]);
    });

    it('GET /v3/contacts/contact_id_xrefs maps contacts created by POST and by the sign-up form', async () => {
      const list = (await api<{ list_id: string }>('POST', '/v3/contact_lists', { name: 'Sign-ups' })).body.list_id;
      const a = await api<{ contact_id: string }>('POST', '/v3/contacts', {
        email_address: { address: 'xref-a@example.com' },
        create_source: 'Account',
      });
      const b = await api<{ contact_id: string }>('POST', '/v3/contacts/sign_up_form', {
        email_address: 'xref-b@example.com',
        list_memberships: [list],
      });
      assert.equal(b.status, 201, errorMessages(b.body));
      const page = await api<{ contacts: { contact_id: string }[] }>('GET', '/v3/contacts?limit=500');
      assert.equal(page.body.contacts.length, 2);
      const all = await api<Xrefs<'contact_id'>>('GET', `/v3/contacts/contact_id_xrefs?sequence_ids=${Array.from({ length: 40 }, (_, i) => i + 1).join(',')}`);
      assert.equal(all.status, 200, errorMessages(all.body));
      assert.deepEqual(all.body.xrefs.map((x) => x.contact_id), [a.body.contact_id, b.body.contact_id]);
      const [first, second] = all.body.xrefs.map((x) => Number(x.sequence_id));
      assert.ok(first! >= 1 && second! > first!, 'numbers ascend in creation order');
      // The number stays after updates and after a soft delete.
      await api('PUT', `/v3/contacts/${a.body.contact_id}`, { email_address: { address: 'xref-a2@example.com' }, first_name: 'A', update_source: 'Account' });
      await api('DELETE', `/v3/contacts/${a.body.contact_id}`);
      const again = await api<Xrefs<'contact_id'>>('GET', `/v3/contacts/contact_id_xrefs?sequence_ids=${first}`);
      assert.deepEqual(again.body.xrefs, [{ sequence_id: String(first), contact_id: a.body.contact_id }]);
      const theirs = await other<Xrefs<'contact_id'>>('GET', `/v3/contacts/contact_id_xrefs?sequence_ids=${first},${second}`);
      assert.deepEqual(theirs.body.xrefs, []);
    });

    it('answers 400 naming sequence_ids for missing, malformed or too many ids', async () => {
      for (const path of ['/v3/contacts/contact_id_xrefs', '/v3/contact_lists/list_id_xrefs']) {
        for (const query of ['', '?sequence_ids=', '?sequence_ids=1,x', '?sequence_ids=0', '?sequence_ids=-1', '?sequence_ids=1.5',
          `?sequence_ids=${Array.from({ length: 501 }, (_, i) => i + 1).join(',')}`]) {
          const res = await api('GET', `${path}${query}`);
          assert.equal(res.status, 400, `${path}${query}`);
          assert.match(errorMessages(res.body), /sequence_ids/);
        }
      }
      assert.equal((await api('GET', `/v3/contacts/contact_id_xrefs?sequence_ids=${Array.from({ length: 500 }, (_, i) => i + 1).join(',')}`)).status, 200);
    });

    it('needs a token like every /v3 call', async () => {
      const res = await fetch(`${server.url}/v3/contacts/contact_id_xrefs?sequence_ids=1`);
      assert.equal(res.status, 401);
    });
  });
}
