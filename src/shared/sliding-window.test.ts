// The sliding count weighs the previous window by the share of it still within one window of now, and the
// retry time is the first moment at which that count is below the limit again.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { slidingCount, slidingRetryAt } from './sliding-window.ts';

const W = 900_000;

describe('slidingCount and slidingRetryAt', () => {
  it('counts the whole previous window at the boundary and none of it one window later', () => {
    assert.equal(slidingCount({ current: 0, previous: 10, windowStart: 0 }, W, 0), 10);
    assert.equal(slidingCount({ current: 2, previous: 10, windowStart: 0 }, W, W / 2), 7);
    assert.equal(slidingCount({ current: 2, previous: 10, windowStart: 0 }, W, W), 2);
  });

  it('allows while the count is below the limit, and names the first allowed moment otherwise', () => {
    assert.equal(slidingRetryAt({ current: 9, previous: 0, windowStart: 0 }, W, 10, 100), 0);
    // 10 in this window: allowed again once the next window has weighed them below 10.
    const full = { current: 10, previous: 0, windowStart: 0 };
    assert.equal(slidingRetryAt(full, W, 10, 100), W + 1);
    // 20 in the previous window, 5 in this one: 20 × (1 − f) + 5 < 10 from f = 3/4 on.
    const spread = { current: 5, previous: 20, windowStart: W };
    const retryAt = slidingRetryAt(spread, W, 10, W + 1000);
    assert.equal(retryAt, W + (3 * W) / 4 + 1);
    assert.ok(slidingCount(spread, W, retryAt - 1) >= 10);
    assert.ok(slidingCount(spread, W, retryAt) < 10);
  });
});
