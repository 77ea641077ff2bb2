// Opens a Redis connection. ioredis is loaded on the first call, so an install without REDIS_URL (one node,
// the embedded default) starts without it.
import { createRequire } from 'node:module';
import type { Redis, RedisOptions } from 'ioredis';

const requireModule = createRequire(import.meta.url);

export function openRedis(url: string, options: RedisOptions): Redis {
  const { Redis: Client } = requireModule('ioredis') as typeof import('ioredis');
  return new Client(url, options);
}
