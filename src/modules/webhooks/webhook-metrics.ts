// Per-subscription webhook metrics for /metrics: attempts by outcome, events delivered and request latency
// counted on this node as deliveries happen; backlog and failing streak read from the database at scrape.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Db } from '../../db/database.ts';
import type { SendResult } from './webhook-sender.ts';
import { subscriptionGauges } from './webhooks.repository.ts';

export type DeliveryMetrics = ReturnType<typeof createDeliveryMetrics>;

export function createDeliveryMetrics(db: Db) {
  const registry = new Registry();
  const attempts = new Counter({
    name: 'listgate_webhook_attempts_total',
    help: 'Webhook delivery requests sent by this node, by subscription and outcome',
    labelNames: ['subscription', 'outcome'] as const,
    registers: [registry],
  });
  const events = new Counter({
    name: 'listgate_webhook_events_delivered_total',
    help: 'Webhook events acknowledged with a 2xx, sent by this node, by subscription',
    labelNames: ['subscription'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'listgate_webhook_request_duration_seconds',
    help: 'Webhook delivery request latency by subscription',
    labelNames: ['subscription'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const gauge = (name: string, help: string) => new Gauge({ name, help, labelNames: ['subscription'] as const, registers: [registry] });
  const backlog = gauge('listgate_webhook_backlog', 'Changes recorded after the last delivered one (an upper bound when filtered)');
  const failing = gauge('listgate_webhook_failed_attempts', 'Failed attempts in a row');
  const active = gauge('listgate_webhook_active', '1 when the subscription is active, 0 when disabled');

  return {
    recordAttempt(subscription: string, result: SendResult, delivered: number): void {
      attempts.inc({ subscription, outcome: result.ok ? 'delivered' : 'failed' });
      if (delivered) events.inc({ subscription }, delivered);
      if (result.status !== null) latency.observe({ subscription }, result.latencyMs / 1000);
    },
    async metrics(): Promise<string> {
      for (const g of [backlog, failing, active]) g.reset();
      for (const row of await subscriptionGauges(db)) {
        backlog.set({ subscription: row.id }, row.backlog);
        failing.set({ subscription: row.id }, row.failing);
        active.set({ subscription: row.id }, row.active ? 1 : 0);
      }
      return registry.metrics();
    },
  };
}
