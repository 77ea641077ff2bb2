import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newClientId } from './apps.service.ts';

describe('newClientId', () => {
  it('gives 32-character URL-safe keys that never start with "-" or "_" (so a command line never takes them for options)', () => {
    const ids = new Set<string>();
    // With 1 in 32 random keys starting with "-" or "_", 3,000 draws meet that case about a hundred times.
    for (let i = 0; i < 3_000; i++) {
      const id = newClientId();
      assert.match(id, /^[A-Za-z0-9][A-Za-z0-9_-]{31}$/);
      ids.add(id);
    }
    assert.equal(ids.size, 3_000);
  });
});
