// `listgate import` and `listgate export` through the real process, as cron runs them (no terminal: one
// JSON line), signed in with a private integration; client commands never load server code.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { finished, runCli, startCli } from './helpers/cli.ts';
import { TEST_DIALECTS } from './helpers/databases.ts';
import { type SyncFixture, startSyncFixture } from './helpers/sync-fixture.ts';

const forbid = { NODE_OPTIONS: `--import=${path.resolve('test/fixtures/forbid-server-modules.mjs')}` };

for (const dialect of TEST_DIALECTS) {
  describe(`listgate import and export (${dialect})`, () => {
    let fx: SyncFixture;
    before(async () => {
      fx = await startSyncFixture(dialect);
    });
    after(() => fx.close());

    it('imports a CSV, writes the refused rows beside it and exits 7', async () => {
      const file = path.join(fx.home, 'nightly.csv');
      writeFileSync(file, 'email,first_name\ncron1@example.com,"Cron, One"\nnot-an-email,Bad\ncron2@example.com,=2+2\n');
      const result = await runCli(['import', '--list', fx.listId, file], { ...fx.env, extra: forbid });
      assert.equal(result.code, 7, result.stderr);
      const summary = JSON.parse(result.stdout) as Record<string, unknown>;
      assert.equal(summary.state, 'completed');
      assert.equal(summary.rows, 3);
      assert.equal(summary.imported, 2);
      assert.equal(summary.errors, 1);
      assert.equal(summary.errors_file, `${file}.errors.csv`);
      assert.equal(readFileSync(`${file}.errors.csv`, 'utf8'), 'row,email,reason\r\n3,not-an-email,invalid email address\r\n');
      const found = await fx.api<{ contacts: { first_name: string }[] }>('GET', `/v3/contacts?lists=${fx.listId}&email=cron1@example.com`);
      assert.equal(found.body.contacts[0]?.first_name, 'Cron, One');
    });

    it('imports JSON lines from standard input and exits 0', async () => {
      const child = startCli(['import', '--list', fx.listId, '--format', 'jsonl', '-'], { ...fx.env, extra: forbid });
      child.stdin.end('{"email":"jsonl1@example.com","first_name":"Jay"}\n{"email":"jsonl2@example.com","last_name":"Ell"}\n');
      const result = await finished(child);
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(
        { ...JSON.parse(result.stdout), activity_id: 'x', duration_ms: 0 },
        { activity_id: 'x', state: 'completed', rows: 2, imported: 2, errors: 0, duration_ms: 0 },
      );
    });

    it('exports a list to a file written atomically, formulas neutralised', async () => {
      const out = path.join(fx.home, 'exports', 'list.csv');
      const missingDir = await runCli(['export', '--list', fx.listId, '--out', out], fx.env);
      assert.equal(missingDir.code, 2, missingDir.stderr);
      assert.equal(existsSync(out), false);
      const fine = path.join(fx.home, 'list.csv');
      const result = await runCli(['export', '--list', fx.listId, '--out', fine, '--fields', 'email,first_name'], { ...fx.env, extra: forbid });
      assert.equal(result.code, 0, result.stderr);
      const summary = JSON.parse(result.stdout) as { rows: number; bytes: number; out: string };
      assert.equal(summary.rows, 4);
      assert.equal(summary.out, fine);
      const text = readFileSync(fine, 'utf8');
      assert.equal(Buffer.byteLength(text), summary.bytes);
      assert.deepEqual(text.trim().split('\r\n').sort(), [
        'cron1@example.com,"Cron, One"',
        "cron2@example.com,'=2+2",
        'email,first_name',
        'jsonl1@example.com,Jay',
        'jsonl2@example.com,',
      ]);
      assert.deepEqual(readdirSync(fx.home).filter((f) => f.endsWith('.tmp')), [], 'no temporary file left');
    });

    it('answers bad input with its exit code and one line', async () => {
      const file = path.join(fx.home, 'nightly.csv');
      const cases: [string[], number, RegExp][] = [
        [['import', file], 2, /--list ID/],
        [['import', '--list', fx.listId, path.join(fx.home, 'nope.csv')], 2, /cannot read/],
        [['import', '--list', '0b9c5a4e-1111-4222-8333-444455556666', file], 6, /not one of this account's lists/],
        [['export', '--out', path.join(fx.home, 'x.csv')], 2, /--list ID/],
      ];
      for (const [args, code, pattern] of cases) {
        const result = await runCli(args, { ...fx.env, extra: forbid });
        assert.equal(result.code, code, `${args.join(' ')}: ${result.stderr}`);
        assert.match(result.stderr, pattern);
      }
      const noHeader = path.join(fx.home, 'semicolons.csv');
      writeFileSync(noHeader, 'email;first_name\na@example.com;A\n');
      const refused = await runCli(['import', '--list', fx.listId, noHeader], fx.env);
      assert.equal(refused.code, 6);
      assert.match(refused.stderr, /";" as delimiter/);
    });
  });
}
