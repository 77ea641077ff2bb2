// docs/api-v2.md prints the status table and the fields v2 cannot keep: it must say what the code decides.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { STATUS_TABLE, UNKEPT_FIELDS, V2_ONLY_FIELDS, V2_STATUSES, v2Status } from './v2-mapping.ts';

const doc = readFileSync(new URL('../../../docs/api-v2.md', import.meta.url), 'utf8');

describe('v2 mapping in docs/api-v2.md', () => {
  it('lists the statuses in the order the status table decides them, then VISITOR', () => {
    const documented = [...doc.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]).filter((s) => (V2_STATUSES as readonly string[]).includes(s!));
    assert.deepEqual(documented, [...STATUS_TABLE.map((row) => row.status), 'VISITOR']);
  });

  it('names every field v2 cannot keep', () => {
    const row = doc.split('\n').find((line) => line.includes('no v3 field'));
    assert.ok(row);
    for (const field of UNKEPT_FIELDS) assert.ok(row.includes(`\`${field}\``), field);
  });

  it('names every field that only v2 has and Listgate keeps for it', () => {
    const row = doc.split('\n').find((line) => line.includes('kept for v2 only'));
    assert.ok(row);
    for (const field of V2_ONLY_FIELDS) assert.ok(row.includes(`\`${field}\``), field);
  });

  it('v2Status follows the table: deletion and opt-out first, then permission, then lists', () => {
    const row = (permission_to_send: 'explicit' | 'unsubscribed' | 'pending_confirmation' | 'not_set' | 'temp_hold', deleted = false) => ({
      permission_to_send,
      deleted_at: deleted ? '2026-01-01T00:00:00.000Z' : null,
    });
    assert.equal(v2Status(row('explicit', true), true), 'OPTOUT');
    assert.equal(v2Status(row('unsubscribed'), false), 'OPTOUT');
    assert.equal(v2Status(row('pending_confirmation'), true), 'UNCONFIRMED');
    assert.equal(v2Status(row('not_set'), true), 'NON_SUBSCRIBER');
    assert.equal(v2Status(row('temp_hold'), false), 'REMOVED');
    assert.equal(v2Status(row('explicit'), true), 'ACTIVE');
  });
});
