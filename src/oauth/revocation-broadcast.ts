// Tells every node that a token or grant was revoked, so that per-node token caches drop it at once
// rather than after TOKEN_CACHE_SECONDS. One node: a direct call. Several nodes: Redis pub/sub. A lost
// message only falls back to the cache bound, which holds regardless.
import { openRedis } from '../shared/redis-client.ts';

const CHANNEL = 'listgate:revocations';

export type RevocationBroadcast = { announce(): void; close(): Promise<void> };

export function createRevocationBroadcast(redisUrl: string | null, onRevoked: () => void): RevocationBroadcast {
  if (!redisUrl) return { announce: onRevoked, close: async () => {} };
  const publisher = openRedis(redisUrl, { maxRetriesPerRequest: 2 });
  const subscriber = openRedis(redisUrl, { maxRetriesPerRequest: null });
  subscriber.subscribe(CHANNEL).catch(() => {});
  subscriber.on('message', (channel) => {
    if (channel === CHANNEL) onRevoked();
  });
  return {
    announce() {
      onRevoked();
      publisher.publish(CHANNEL, '1').catch(() => {});
    },
    async close() {
      await Promise.all([publisher.quit().catch(() => publisher.disconnect()), subscriber.quit().catch(() => subscriber.disconnect())]);
    },
  };
}
