// RFC 8628 §3.5 on the token endpoint, before oidc-provider runs: `slow_down` for a device that polls
// faster than its interval (which then grows by 5 s for that device code), `expired_token` after expiry.
import type { Db } from '../db/database.ts';
import type { Clock } from '../shared/clock.ts';
import { sha256 } from '../shared/crypto.ts';
import { findArtifactState, findSideRow, insertPollRow, updatePollRow } from '../provider-storage/tokens.repository.ts';

export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
/** Seconds a device waits between polls, as the device authorization response says. */
export const POLL_INTERVAL = 5;
const SLOW_DOWN_STEP = 5;

export type PollVerdict = { error: 'slow_down'; interval: number } | { error: 'expired_token' } | null;

export type DevicePolling = ReturnType<typeof createDevicePolling>;

/**
 * The poll state lives in the database (a `DevicePoll` row per device code: the interval in the payload,
 * the last poll in milliseconds in last_used_at) so that every node sees the same device.
 */
export function createDevicePolling(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;

  /** null lets the request through; unknown and already used codes are the provider's to answer. */
  async function check(deviceCode: string): Promise<PollVerdict> {
    if (deviceCode.length > 512) return null;
    const id = sha256(deviceCode);
    const code = await findArtifactState(db, 'DeviceCode', id);
    if (!code || code.consumed_at !== null) return null;
    const nowMs = clock.now().getTime();
    if (code.expires_at !== null && code.expires_at * 1000 <= nowMs) return { error: 'expired_token' };

    const row = await findSideRow(db, 'DevicePoll', id, Math.floor(nowMs / 1000));
    if (!row) {
      const first = await insertPollRow(db, {
        id,
        payload: JSON.stringify({ interval: POLL_INTERVAL }),
        client_id: code.client_id,
        expires_at: code.expires_at,
        last_used_at: nowMs,
      });
      // two first polls at once: the one that lost the insert was too fast
      return first ? null : { error: 'slow_down', interval: POLL_INTERVAL + SLOW_DOWN_STEP };
    }
    const { interval } = JSON.parse(row.payload) as { interval: number };
    const tooSoon = row.last_used_at !== null && nowMs - row.last_used_at < interval * 1000;
    const next = tooSoon ? interval + SLOW_DOWN_STEP : interval;
    const recorded = await updatePollRow(db, id, row.last_used_at, { payload: JSON.stringify({ interval: next }), last_used_at: nowMs });
    if (!recorded) return { error: 'slow_down', interval: next + SLOW_DOWN_STEP };
    return tooSoon ? { error: 'slow_down', interval: next } : null;
  }

  return { check };
}
