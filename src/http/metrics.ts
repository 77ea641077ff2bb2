// Prometheus metrics at GET /metrics: request latencies (and, from the histogram, counts) per route and
// status, plus the process's own metrics. One registry per app instance, so servers can share a process.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** More metrics text appended to the app's own (e.g. per-subscription webhook figures). */
export type MetricsSource = { metrics(): Promise<string> };

async function metrics(app: FastifyInstance, opts: { sources?: readonly MetricsSource[] } = {}): Promise<void> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'listgate_' });
  const duration = new Histogram({
    name: 'listgate_http_request_duration_seconds',
    help: 'HTTP request latency by route template, method and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });

  app.addHook('onResponse', async (request, reply) => {
    // Route templates keep the label set small; unmatched URLs and the provider's routes share one label.
    const route = request.routeOptions.url ?? (request.url.startsWith('/oauth2') ? '/oauth2/*' : 'unmatched');
    const labels = { method: request.method, route, status_code: String(reply.statusCode) };
    duration.observe(labels, reply.elapsedTime / 1000);
  });

  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) =>
    reply.type(registry.contentType).send([await registry.metrics(), ...(await Promise.all((opts.sources ?? []).map((s) => s.metrics())))].join('\n')),
  );
}

export default fp(metrics, { name: 'metrics' });
