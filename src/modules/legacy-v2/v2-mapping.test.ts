// docs/api-v2.md prints the status table and the fields v2 cannot keep: it must say what the code decides.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { STATUS_TABLE, UNKEPT_FIELDS, V2_STATUSES } from './v2-mapping.ts';

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
});
