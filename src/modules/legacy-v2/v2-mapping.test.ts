// The status table and the unkept fields are decided once in v2-mapping.ts; docs/api-v2.md must print them.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { STATUS_TABLE, UNKEPT_FIELDS, v2Status } from './v2-mapping.ts';

const doc = readFileSync(new URL('../../../docs/api-v2.md', import.meta.url), 'utf8');

describe('the v2 status table and slots', () => {
  it('docs/api-v2.md lists the statuses of STATUS_TABLE in its order, and the fields v2 does not keep', () => {
    const rows = [...doc.matchAll(/^\| `([A-Z_]+)` \| /gm)].map((m) => m[1]);
    assert.deepEqual(rows.slice(0, STATUS_TABLE.length), STATUS_TABLE.map((r) => r.status));
    for (const field of UNKEPT_FIELDS) assert.match(doc, new RegExp(`\`${field}\``));
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
