// Delivers each active subscription's part of its account's change log, in seq order (so in order per
// contact), one request at a time per subscription, batched when the receiver is behind. The cursor moves
// only after a 2xx, in the database, so a crash, a restart or another node resumes exactly there: every
// event arrives at least once. Subscriptions are claimed with a lease (FOR UPDATE SKIP LOCKED on
// PostgreSQL); a node that dies holding one loses it when the lease expires.
import type { Logger } from 'pino';
import type { WebhookConfig } from '../../config.ts';
import type { Db, Dialect } from '../../db/database.ts';
import type { Clock } from '../../shared/clock.ts';
import { newId } from '../../shared/crypto.ts';
import type { Mailer } from '../../shared/mailer.ts';
import { checkEndpoint, type Resolver } from './endpoint-guard.ts';
import { readPage, toEvents, type WebhookEvent } from './webhook-events.ts';
import { sendWebhook, type SendResult } from './webhook-sender.ts';
import { type SecretBox, signPayload } from './webhook-signing.ts';
import * as repo from './webhooks.repository.ts';
import * as changeLog from './webhook-log.repository.ts';
import type { DeliveryMetrics } from './webhook-metrics.ts';

/** Subscriptions one node works on at once; each has at most one request in flight. */
const PARALLEL = 16;
/** Batches sent in one claim before the subscription is released (fairness between subscriptions). */
const ROUNDS_PER_CLAIM = 50;
const MAX_RETRY_AFTER_MS = 86_400_000;

export function createWebhookDeliverer(deps: {
  db: Db;
  dialect: Dialect;
  clock: Clock;
  config: WebhookConfig;
  resolve: Resolver;
  secrets: SecretBox;
  mailer: Mailer;
  log: Logger;
  metrics: DeliveryMetrics;
}) {
  const { db, clock, config } = deps;
  const owner = newId();
  // Renewed after every batch; a batch is one request (at most timeoutMs) and a few queries.
  const leaseMs = config.timeoutMs * 2 + 1_000;
  const perHost = new Map<string, number>();
  const running = new Set<Promise<void>>();
  const iso = (offsetMs = 0) => new Date(clock.now().getTime() + offsetMs).toISOString();

  function signatures(sub: repo.SubscriptionRow, id: string, timestamp: number, body: string): string {
    const keys = [deps.secrets.open(sub.secret_sealed)];
    if (sub.previous_secret_sealed && sub.previous_secret_expires_at && sub.previous_secret_expires_at > iso())
      keys.push(deps.secrets.open(sub.previous_secret_sealed));
    return keys.map((key) => signPayload(key, id, timestamp, body)).join(' ');
  }

  /** One signed request with `events`; returns its outcome and the attempt to log (with what follows, in one transaction). */
  async function post(sub: repo.SubscriptionRow, events: WebhookEvent[]): Promise<{ result: SendResult; attempt: repo.AttemptRow }> {
    const first = events[0]!.seq;
    const last = events[events.length - 1]!.seq;
    const messageId = `msg_${sub.subscription_id}_${first}_${last}_${events.length}`;
    const body = JSON.stringify({ events });
    const timestamp = Math.floor(clock.now().getTime() / 1000);
    const check = await checkEndpoint(sub.url, config, deps.resolve);
    const headers = { 'webhook-id': messageId, 'webhook-timestamp': String(timestamp), 'webhook-signature': signatures(sub, messageId, timestamp, body) };
    const result: SendResult = check.ok
      ? await sendWebhook(check.url, check.addresses, headers, body, config.timeoutMs)
      : { status: null, ok: false, error: `refused: url ${check.reason}`, latencyMs: 0, excerpt: null, retryAfterMs: null };
    const attempt: repo.AttemptRow = {
      attempt_id: newId(),
      subscription_id: sub.subscription_id,
      message_id: messageId,
      first_seq: first,
      last_seq: last,
      event_count: events.length,
      status_code: result.status,
      outcome: result.ok ? 'delivered' : 'failed',
      error: result.error,
      latency_ms: result.latencyMs,
      response_excerpt: result.excerpt,
      attempted_at: iso(),
    };
    deps.metrics.recordAttempt(sub.subscription_id, result, result.ok ? events.length : 0);
    return { result, attempt };
  }

  async function disable(sub: repo.SubscriptionRow, reason: 'receiver_gone' | 'failing' | 'access_revoked'): Promise<void> {
    await repo.updateSubscription(db, sub.subscription_id, { status: 'disabled', disabled_reason: reason, next_attempt_at: null, updated_at: iso() });
    deps.log.warn({ subscription: sub.subscription_id, reason }, 'webhook subscription disabled');
    const developer = await repo.findAppDeveloperEmail(db, sub.client_id);
    if (!developer) return;
    const why = {
      receiver_gone: 'the endpoint answered 410 Gone',
      failing: 'every delivery attempt failed for about three days',
      access_revoked: 'the app is no longer connected to the customer account',
    }[reason];
    await deps.mailer
      .send({
        to: developer.email,
        subject: `Webhook disabled for ${developer.app}`,
        text: `The webhook subscription ${sub.subscription_id} of your app "${developer.app}" to ${sub.url} was disabled because ${why}.\n\nNo event is lost: re-enable it (PATCH /v3/webhooks/${sub.subscription_id} with {"status":"active"}) and delivery resumes where it stopped.\n`,
      })
      .catch((err: unknown) => deps.log.error({ err }, 'webhook disabled email failed'));
  }

  /** After a failed request: 410 ends the subscription; otherwise the next retry, or disabling at the end. */
  async function failed(sub: repo.SubscriptionRow, { result, attempt }: { result: SendResult; attempt: repo.AttemptRow }): Promise<false> {
    await repo.insertAttempt(db, attempt);
    await retryOrDisable(sub, result);
    return false;
  }

  async function retryOrDisable(sub: repo.SubscriptionRow, result: SendResult): Promise<void> {
    if (result.status === 410) return disable(sub, 'receiver_gone');
    const attempts = sub.failed_attempts + 1;
    if (attempts > config.retryScheduleMs.length) return disable(sub, 'failing');
    const base = config.retryScheduleMs[attempts - 1]!;
    const delay = result.retryAfterMs !== null ? Math.min(result.retryAfterMs, MAX_RETRY_AFTER_MS) : Math.round(base * (0.8 + Math.random() * 0.4));
    await repo.updateSubscription(db, sub.subscription_id, { failed_attempts: attempts, failing_since: sub.failing_since ?? iso(), next_attempt_at: iso(delay) }, owner);
  }

  /** One step: a queued resend, else the next batch after the cursor. Returns false when there is no more to do now. */
  async function step(sub: repo.SubscriptionRow): Promise<boolean> {
    const resends = await repo.findResendSeqs(db, sub.subscription_id, config.batchSize);
    if (resends.length) {
      const rows = await changeLog.findChangesBySeq(db, sub.account_id, resends);
      const sent = rows.length ? await post(sub, await toEvents(db, sub.account_id, rows)) : null;
      if (sent && !sent.result.ok) return failed(sub, sent);
      await db.transaction().execute(async (trx) => {
        if (sent) await repo.insertAttempt(trx, sent.attempt);
        await repo.deleteResends(trx, sub.subscription_id, resends);
      });
      return true;
    }
    const head = await changeLog.accountHead(db, sub.account_id);
    const lists = JSON.parse(sub.list_ids) as string[];
    const page = await readPage(db, sub.account_id, sub.cursor_seq, config.batchSize, lists);
    const end = page.rows.length ? page.end : Math.max(sub.cursor_seq, head);
    if (end <= sub.cursor_seq) return false;
    const wanted = new Set(JSON.parse(sub.events) as string[]);
    const events = (await toEvents(db, sub.account_id, page.rows)).filter((e) => wanted.has(e.type));
    const sent = events.length ? await post(sub, events) : null;
    if (sent && !sent.result.ok) return failed(sub, sent);
    const move = { owner, from: sub.cursor_seq, to: end, delivered: events.length, leaseUntil: iso(leaseMs), now: iso() };
    // The attempt and the cursor in one transaction: one write-lock acquisition per batch on SQLite.
    const moved = await db.transaction().execute(async (trx) => {
      if (sent) await repo.insertAttempt(trx, sent.attempt);
      return repo.advanceCursor(trx, sub.subscription_id, move);
    });
    if (!moved) return false;
    Object.assign(sub, { cursor_seq: end, failed_attempts: 0, failing_since: null });
    return true;
  }

  async function work(sub: repo.SubscriptionRow): Promise<void> {
    const host = new URL(sub.url).host;
    const busy = perHost.get(host) ?? 0;
    // A receiver host at its limit waits for the next pass; other receivers are not held up by it.
    if (busy >= config.hostConcurrency) return repo.releaseLease(db, sub.subscription_id, owner);
    perHost.set(host, busy + 1);
    try {
      // Nothing more leaves once the customer removed the app, or the app was disabled or deleted.
      if (!(await repo.appStillConnected(db, sub.client_id, sub.account_id, Math.floor(clock.now().getTime() / 1000))))
        return await disable(sub, 'access_revoked');
      for (let round = 0; round < ROUNDS_PER_CLAIM && !stopped; round++) if (!(await step(sub))) break;
    } catch (err) {
      deps.log.error({ err, subscription: sub.subscription_id }, 'webhook delivery step failed');
    } finally {
      perHost.set(host, (perHost.get(host) ?? 1) - 1);
      await db
        .transaction()
        .execute(async (trx) => {
          await repo.pruneAttempts(trx, sub.subscription_id);
          await repo.releaseLease(trx, sub.subscription_id, owner);
        })
        .catch((err: unknown) => deps.log.error({ err, subscription: sub.subscription_id }, 'webhook lease release failed'));
    }
  }

  let stopped = false;

  /** One pass: claims what is due (up to the free slots) and starts delivering it; returns how many. */
  async function deliverDue(): Promise<number> {
    const free = PARALLEL - running.size;
    if (free <= 0 || stopped) return 0;
    const claimed = await repo.claimDue(db, deps.dialect, { owner, now: iso(), leaseUntil: iso(leaseMs), limit: free });
    for (const sub of claimed) {
      const task = work(sub).finally(() => running.delete(task));
      running.add(task);
    }
    return claimed.length;
  }

  function start(): { stop(): Promise<void> } {
    let pass: Promise<unknown> | null = null;
    const tick = () => {
      if (pass || stopped) return;
      pass = deliverDue()
        .catch((err: unknown) => deps.log.error({ err }, 'webhook claim failed'))
        .finally(() => {
          pass = null;
        });
    };
    const timer = setInterval(tick, config.pollMs);
    timer.unref();
    tick();
    return {
      async stop() {
        stopped = true;
        clearInterval(timer);
        await pass;
        await Promise.all(running);
      },
    };
  }

  return { deliverDue, start, idle: () => Promise.all(running) };
}
