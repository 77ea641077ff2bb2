import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type ApiCall, createOwnerAndOther, errorMessages } from '../../../test/helpers/api.ts';
import { TEST_DIALECTS } from '../../../test/helpers/databases.ts';
import { startTestServer, type TestServer } from '../../../test/helpers/server.ts';
import type { ApiActivity } from './activities.repository.ts';

type Page = { activities: ApiActivity[]; _links: { next?: { href: string } } };

for (const dialect of TEST_DIALECTS) {
  describe(`/v3/activities (${dialect})`, () => {
    let server: TestServer;
    let api: ApiCall;
    let other: ApiCall;
    const created: string[] = [];

    before(async () => {
      server = await startTestServer(dialect);
      ({ api, other } = await createOwnerAndOther(server));
      // Five activities: three list deletions and two tag deletions.
      for (let i = 0; i < 3; i++) {
        const list = await api<{ list_id: string }>('POST', '/v3/contact_lists', { name: `Doomed ${i}` });
        created.push((await api<ApiActivity>('DELETE', `/v3/contact_lists/${list.body.list_id}`)).body.activity_id);
      }
      for (let i = 0; i < 2; i++) {
        const tag = await api<{ tag_id: string }>('POST', '/v3/contact_tags', { name: `Doomed ${i}` });
        created.push((await api<ApiActivity>('DELETE', `/v3/contact_tags/${tag.body.tag_id}`)).body.activity_id);
      }
    });
    after(() => server.close());

    it('reports one activity in the dialect shape', async () => {
      const res = await api<ApiActivity>('GET', `/v3/activities/${created[0]}`);
      assert.equal(res.status, 200);
      const a = res.body;
      assert.deepEqual(Object.keys(a).sort(), [
        '_links',
        'activity_errors',
        'activity_id',
        'completed_at',
        'created_at',
        'percent_done',
        'started_at',
        'state',
        'status',
        'updated_at',
      ]);
      assert.equal(a.state, 'completed');
      assert.ok(a.created_at <= a.started_at! && a.started_at! <= a.completed_at!);
      assert.deepEqual(a._links, { self: { href: `/v3/activities/${created[0]}` } });
    });

    it('lists activities newest first, filters by state and pages with cursors', async () => {
      const all = await api<Page>('GET', '/v3/activities');
      assert.equal(all.status, 200);
      const ids = all.body.activities.map((a) => a.activity_id);
      assert.deepEqual([...ids].sort(), [...created].sort());
      const times = all.body.activities.map((a) => a.created_at);
      assert.deepEqual(times, [...times].sort().reverse());

      const walked: string[] = [];
      let path: string | undefined = '/v3/activities?limit=2&state=completed';
      while (path) {
        const res: { status: number; body: Page } = await api<Page>('GET', path);
        assert.equal(res.status, 200, errorMessages(res.body));
        walked.push(...res.body.activities.map((a) => a.activity_id));
        path = res.body._links.next?.href;
      }
      assert.deepEqual(walked, ids);
      const first = await api<Page>('GET', '/v3/activities?limit=1');
      const cursor = first.body._links.next!.href.split('cursor=')[1]!;
      assert.equal((await api('GET', `/v3/activities?cursor=${cursor}&state=failed`)).status, 400);
      assert.equal((await api('GET', `/v3/activities?cursor=${cursor.replace(/^./, (c) => (c === 'e' ? 'f' : 'e'))}`)).status, 400);
      assert.equal((await api('GET', `/v3/contact_lists?cursor=${cursor}`)).status, 400);
      assert.equal((await other('GET', `/v3/activities?cursor=${cursor}`)).status, 400);
      assert.equal((await api<Page>('GET', '/v3/activities?state=processing')).body.activities.length, 0);
      assert.equal((await api<Page>('GET', '/v3/activities?state=failed')).body.activities.length, 0);
    });

    it('refuses bad parameters with 400 and hides other accounts\' activities (404)', async () => {
      for (const path of ['/v3/activities?limit=0', '/v3/activities?limit=501', '/v3/activities?state=done', '/v3/activities/xyz']) {
        const res = await api('GET', path);
        assert.equal(res.status, 400, path);
      }
      assert.match(errorMessages((await api('GET', '/v3/activities?state=done')).body), /completed/);
      assert.equal((await other('GET', `/v3/activities/${created[0]}`)).status, 404);
      assert.equal((await other<Page>('GET', '/v3/activities')).body.activities.length, 0);
      assert.equal((await api('GET', '/v3/activities/6f1c2b1e-0a4e-4c57-9d83-1b3f3c1d2e4f')).status, 404);
    });
  });
}
