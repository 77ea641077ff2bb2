// Time-ordered ids: version 7 UUIDs whose first 48 bits are the time of making, strictly increasing within
// one process (so a batch of new contacts keeps its order in the key indexes).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newOrderedId } from './crypto.ts';

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('newOrderedId', () => {
  it('is a version 7 UUID of the RFC 9562 variant carrying the time in milliseconds', () => {
    const before = Date.now();
    const id = newOrderedId();
    const after = Date.now();
    assert.match(id, V7);
    const ms = Number.parseInt(id.replaceAll('-', '').slice(0, 12), 16);
    // A burst earlier in the process may have borrowed a few milliseconds ahead.
    assert.ok(ms >= before && ms <= after + 5, `${ms} not in [${before}, ${after}]`);
  });

  it('makes ids that sort in the order they were made and never repeat, past 4,096 in one millisecond', () => {
    const ids = Array.from({ length: 20_000 }, () => newOrderedId());
    assert.deepEqual([...ids].sort(), ids);
    assert.equal(new Set(ids).size, ids.length);
    assert.ok(ids.every((id) => V7.test(id)));
  });
});
