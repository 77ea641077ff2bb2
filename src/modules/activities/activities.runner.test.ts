import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type ContactsTestDb, openContactsTestDb } from '../../../test/helpers/contacts-db.ts';
import { TEST_DIALECTS } from '../../../test/helpers/databases.ts';
import { createListDeleteJob } from '../lists/list-delete.job.ts';
import { createListsService } from '../lists/lists.service.ts';
import { createAuditService } from '../audit/audit.service.ts';
import { type ActivityJob, createActivityRunner, STALE_AFTER_MS } from './activities.runner.ts';
import { createActivitiesService } from './activities.service.ts';

for (const dialect of TEST_DIALECTS) {
  describe(`activity runner (${dialect})`, () => {
    let t: ContactsTestDb;
    let accountId: string;
    let failOnStep = 0;
    let steps = 0;
    // A job that completes one item per step and can be told to fail at a given step.
    const countingJob: ActivityJob = {
      kind: 'counting',
      async step(trx, activity) {
        steps++;
        if (steps === failOnStep) throw new Error('disk on fire');
        await trx.updateTable('accounts').set({ first_name: `step ${steps}` }).where('id', '=', activity.account_id).execute();
        const completed = activity.items_completed_count + 1;
        return { completed: 1, done: completed >= activity.items_total_count };
      },
    };

    before(async () => {
      t = await openContactsTestDb(dialect);
      accountId = await t.addAccount();
    });
    after(() => t.close());

    function services(batchSize = 2) {
      const errors: unknown[] = [];
      const runner = createActivityRunner({
        db: t.db,
        clock: t.clock,
        jobs: [createListDeleteJob({ clock: t.clock, batchSize }), countingJob],
        onError: (error) => errors.push(error),
      });
      const activities = createActivitiesService({ db: t.db, clock: t.clock, cursors: t.tokens, runner });
      const lists = createListsService({ db: t.db, clock: t.clock, cursors: t.tokens, activities, audit: createAuditService({ db: t.db, clock: t.clock, retentionDays: 30 }) });
      return { runner, activities, lists, errors };
    }

    const enqueue = (activities: ReturnType<typeof services>['activities'], total: number) =>
      t.db.transaction().execute((trx) => activities.enqueue(trx, { accountId, kind: 'counting', payload: {}, itemsTotal: total }));

    it('deletes a list in batches, logging one list_removed change per member', async () => {
      const { lists } = services(2);
      const list = await lists.createList(accountId, { name: 'Batched' });
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const c = await t.contacts.createContact(accountId, {
          email_address: { address: `batch${i}@example.com` },
          create_source: 'Account',
          list_memberships: [list.list_id],
        });
        ids.push(c.contact_id);
      }
      const report = await lists.deleteList(accountId, list.list_id);
      assert.equal(report.state, 'completed');
      assert.equal(report.percent_done, 100);
      assert.deepEqual(report.status, { items_total_count: 1, items_completed_count: 1, error_count: 0, list_count: 1 });
      const changes = await t.db
        .selectFrom('contact_changes')
        .select(['contact_id', 'seq'])
        .where('account_id', '=', accountId)
        .where('kind', '=', 'list_removed')
        .execute();
      assert.deepEqual(changes.map((c) => c.contact_id).sort(), [...ids].sort());
      const contacts = await t.db.selectFrom('contacts').select(['contact_id', 'change_seq']).where('contact_id', 'in', ids).execute();
      for (const c of contacts) {
        const logged = changes.find((x) => x.contact_id === c.contact_id)!;
        assert.equal(Number(c.change_seq), Number(logged.seq), 'the contact carries the seq of its newest change');
      }
    });

    it('marks a job failed when a step throws, keeping the steps committed before it', async () => {
      const { activities, errors } = services();
      steps = 0;
      failOnStep = 2;
      const id = await enqueue(activities, 3);
      const report = await activities.runNow(accountId, id);
      assert.equal(report.state, 'failed');
      assert.equal(report.status.items_completed_count, 1);
      assert.equal(report.status.error_count, 1);
      assert.equal(report.activity_errors.length, 1);
      assert.doesNotMatch(report.activity_errors[0]!, /disk on fire/, 'internal errors stay in the log');
      assert.match(String(errors[0]), /disk on fire/);
      const account = await t.db.selectFrom('accounts').select('first_name').where('id', '=', accountId).executeTakeFirstOrThrow();
      assert.equal(account.first_name, 'step 1', 'the failed step rolled back');
      failOnStep = 0;
    });

    it('resumes a job abandoned by a runner that stopped, and leaves a live one alone', async () => {
      const { activities, runner } = services();
      const id = await enqueue(activities, 3);
      // A runner claimed the job, committed one step, then the process died.
      await t.db
        .updateTable('activities')
        .set({ state: 'processing', started_at: t.clock.now().toISOString(), items_completed_count: 1, percent_done: 33 })
        .where('activity_id', '=', id)
        .execute();
      assert.equal(await runner.run(id), false, 'a job with a fresh heartbeat belongs to its runner');
      assert.equal(await runner.runPending(), 0);
      t.clock.advance(STALE_AFTER_MS + 1000);
      steps = 0;
      assert.equal(await runner.runPending(), 1);
      const report = await activities.getActivity(accountId, id);
      assert.equal(report.state, 'completed');
      assert.equal(report.status.items_completed_count, 3);
      assert.equal(steps, 2, 'only the remaining steps ran');
      assert.equal(await runner.runPending(), 0);
    });

    it('lets exactly one of two concurrent runners take a job', async () => {
      const { activities, runner } = services();
      const id = await enqueue(activities, 4);
      steps = 0;
      const results = await Promise.all([runner.run(id), runner.run(id)]);
      assert.deepEqual(results.sort(), [false, true]);
      assert.equal(steps, 4);
      assert.equal((await activities.getActivity(accountId, id)).status.items_completed_count, 4);
    });

    it('keeps a checkpoint with each step, and lets a runner presumed dead commit nothing once another took over', async () => {
      const seen: (string | null)[] = [];
      let takeOver = false;
      const job: ActivityJob = {
        kind: 'checkpointed',
        async step(trx, activity) {
          seen.push(activity.checkpoint);
          if (takeOver) {
            // Another runner claims the job meanwhile (this one was presumed dead): its heartbeat moves
            // (written here through this transaction: SQLite has one connection).
            await trx.updateTable('activities').set({ updated_at: '2999-01-01T00:00:00.000Z' }).where('activity_id', '=', activity.activity_id).execute();
            await trx.updateTable('accounts').set({ first_name: 'zombie' }).where('id', '=', activity.account_id).execute();
          }
          const at = activity.checkpoint ? (JSON.parse(activity.checkpoint) as { n: number }).n : 0;
          return { completed: 1, done: at + 1 >= 2, checkpoint: { n: at + 1 }, errorCount: 1, errors: [{ message: `bad ${at}`, line_number: at + 2 }] };
        },
        cleanup: async () => {
          seen.push('cleaned');
        },
      };
      const runner = createActivityRunner({ db: t.db, clock: t.clock, jobs: [job] });
      const activities = createActivitiesService({ db: t.db, clock: t.clock, cursors: t.tokens, runner });
      const id = await t.db.transaction().execute((trx) => activities.enqueue(trx, { accountId, kind: 'checkpointed', payload: {}, itemsTotal: 2 }));
      const report = await activities.runNow(accountId, id);
      assert.deepEqual(seen, [null, '{"n":1}', 'cleaned']);
      assert.equal(report.state, 'completed');
      assert.equal(report.status.error_count, 2);
      assert.deepEqual(report.activity_errors, ['line 2: bad 0', 'line 3: bad 1']);

      const second = await t.db.transaction().execute((trx) => activities.enqueue(trx, { accountId, kind: 'checkpointed', payload: {}, itemsTotal: 2 }));
      takeOver = true;
      assert.equal(await runner.run(second), false, 'the fenced step is rolled back and the runner stops');
      const account = await t.db.selectFrom('accounts').select('first_name').where('id', '=', accountId).executeTakeFirstOrThrow();
      assert.notEqual(account.first_name, 'zombie');
      const row = await t.db.selectFrom('activities').selectAll().where('activity_id', '=', second).executeTakeFirstOrThrow();
      assert.equal(row.checkpoint, null);
      assert.equal(row.items_completed_count, 0);
    });

    it('fails jobs of an unknown kind with a readable error', async () => {
      const { activities } = services();
      const id = await t.db
        .transaction()
        .execute((trx) => activities.enqueue(trx, { accountId, kind: 'teleport', payload: {}, itemsTotal: 1 }));
      const report = await activities.runNow(accountId, id);
      assert.equal(report.state, 'failed');
      assert.match(report.activity_errors[0]!, /teleport/);
    });
  });
}
