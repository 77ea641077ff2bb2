// A server process for bench/identity.bench.ts, printing its URL on stdout when it listens:
//   listgate         the real app (buildApp over createServices) on the configured database;
//   listgate-memory  the same, but the authorization server on oidc-provider's in-memory adapter;
//   bare             a bare Fastify route answering GET /v3/account/summary with the JSON in BENCH_JSON.
import type { Adapter } from 'oidc-provider';
import Fastify from 'fastify';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { createProvider, type StorageHooks } from '../src/oauth/provider.ts';
import { createServices } from '../src/services.ts';

type AdapterClass = new (model: string) => Adapter;

/** oidc-provider's own MemoryAdapter, except that clients still come from the apps table. */
async function memoryStorage(): Promise<(hooks: StorageHooks) => AdapterClass> {
  const path: string = 'oidc-provider/lib/adapters/memory_adapter.js';
  const { default: MemoryAdapter } = (await import(path)) as { default: AdapterClass };
  return ({ findClient }) =>
    class extends MemoryAdapter {
      readonly #model: string;
      constructor(model: string) {
        super(model);
        this.#model = model;
      }
      override find(id: string) {
        return this.#model === 'Client' ? findClient(id) : super.find(id);
      }
    };
}

async function listgate(memory: boolean): Promise<string> {
  const services = await createServices(loadConfig());
  const { db, clock, apps, accounts, config, secretKeys, counters } = services;
  const provider = memory
    ? createProvider({
        db,
        clock,
        apps,
        accounts,
        publicUrl: config.publicUrl,
        secretKeys,
        counters,
        refreshGraceSeconds: config.refreshGraceSeconds,
        storage: await memoryStorage(),
      })
    : services.provider;
  const app = await buildApp({ ...services, provider });
  return app.listen({ port: 0, host: '127.0.0.1' });
}

async function bare(): Promise<string> {
  const body = JSON.parse(process.env.BENCH_JSON ?? '{}') as object;
  const app = Fastify({ logger: false });
  app.get('/v3/account/summary', async () => body);
  return app.listen({ port: 0, host: '127.0.0.1' });
}

// a normal exit, so that --cpu-prof can write its profile
process.once('SIGTERM', () => process.exit(0));
const mode = process.argv[2];
const url = mode === 'bare' ? await bare() : await listgate(mode === 'listgate-memory');
process.stdout.write(`${url}\n`);
