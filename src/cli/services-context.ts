// Runs an operator command against the configured installation (same config and services as the server).
import { loadConfig } from '../config.ts';
import { migrateToLatest } from '../db/database.ts';
import { createServices, type Services } from '../services.ts';

export async function withServices<T>(fn: (services: Services) => Promise<T>, options = { migrate: true }): Promise<T> {
  const services = await createServices(loadConfig());
  try {
    if (options.migrate) await migrateToLatest(services.db);
    return await fn(services);
  } finally {
    await services.close();
  }
}
