// Time-ordered ids: version 7 UUIDs whose first 48 bits are the moment given, so later ids sort after.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newTimeOrderedId } from './crypto.ts';

describe('newTimeOrderedId', () => {
  it('is a version 7 UUID of the RFC 9562 variant carrying the time in milliseconds', () => {
    const at = new Date('2026-11-29T09:30:00.123Z');
    const id = newTimeOrderedId(at);
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(Number.parseInt(id.replaceAll('-', '').slice(0, 12), 16), at.getTime());
  });

  it('sorts ids of later moments after earlier ones, and never repeats within one moment', () => {
    const start = Date.parse('2026-01-01T00:00:00.000Z');
    const ids = Array.from({ length: 1000 }, (_, i) => newTimeOrderedId(new Date(start + i)));
    assert.deepEqual([...ids].sort(), ids);
    const same = new Set(Array.from({ length: 1000 }, () => newTimeOrderedId(new Date(start))));
    assert.equal(same.size, 1000);
  });

  it('sorts the ids of one moment by their sequence number', () => {
    const at = new Date('2026-01-01T00:00:00.000Z');
    const ids = Array.from({ length: 5000 }, (_, i) => newTimeOrderedId(at, i));
    assert.deepEqual([...ids].sort(), ids);
    assert.ok(ids.every((id) => /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id)));
  });
});
