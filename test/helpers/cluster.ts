// Several real nodes behind one public URL, sharing one PostgreSQL database, one Redis and one set of
// keys: the scale-out mode, for tests of what must hold across nodes.
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../src/config.ts';
import { startServer } from '../../src/main.ts';
import type { Services } from '../../src/services.ts';
import { createTestDatabase } from './databases.ts';

export const redisUrl = process.env.TEST_REDIS_URL;

if (!redisUrl) {
  if (process.env.CI === 'true') throw new Error('CI=true but TEST_REDIS_URL is not set: the scale-out suite is required in CI');
  process.stderr.write('\n!!! TEST_REDIS_URL is not set: the scale-out (PostgreSQL + Redis, N nodes) suite is SKIPPED.\n\n');
}

export type ClusterNode = { url: string; services: Services };
export type Cluster = { publicUrl: string; nodes: ClusterNode[]; close(): Promise<void> };

export async function startCluster(size: number, env: Record<string, string> = {}): Promise<Cluster> {
  const database = await createTestDatabase('postgres');
  const publicUrl = 'http://listgate.cluster.test';
  const shared = {
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    PUBLIC_URL: publicUrl,
    DATABASE_URL: database.url,
    REDIS_URL: redisUrl!,
    SECRET_KEYS: randomBytes(32).toString('base64url'),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...env,
  };
  const nodes: (ClusterNode & { close(): Promise<void> })[] = [];
  for (let i = 0; i < size; i++) {
    const server = await startServer(loadConfig({ ...shared, DATA_DIR: `${database.dataDir}/node${i}` }));
    nodes.push({ url: server.url, services: server.services, close: server.close });
  }
  return {
    publicUrl,
    nodes,
    async close() {
      for (const node of nodes) await node.close();
      await database.drop();
    },
  };
}
