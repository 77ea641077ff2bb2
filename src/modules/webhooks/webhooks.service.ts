// Webhook subscriptions of one app on one customer account (the token's client and account): create with
// a signing secret shown once, read, change, re-enable, rotate the secret, delete; the delivery log, and
// resend / replay, which only move what the deliverer reads next.
import type { WebhookConfig } from '../../config.ts';
import type { Db } from '../../db/database.ts';
import { AppError, invalidFields } from '../../errors.ts';
import type { Clock } from '../../shared/clock.ts';
import { newId } from '../../shared/crypto.ts';
import { checkEndpoint, type Resolver } from './endpoint-guard.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { CONTACT_EVENTS, eventId, eventTypeOf, readPage, seqOfEventId, toEvents } from './webhook-events.ts';
import { newWebhookSecret, type SecretBox } from './webhook-signing.ts';
import * as repo from './webhooks.repository.ts';
import * as changeLog from './webhook-log.repository.ts';

/** How often a waiting `listen` call looks at the log again. */
const LISTEN_POLL_MS = 200;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type WebhookScope = { accountId: string; clientId: string };
export type WebhookInput = { url?: string; events?: string[]; list_ids?: string[]; description?: string | null; status?: 'active' | 'disabled' };

export type WebhooksService = ReturnType<typeof createWebhooksService>;

export function createWebhooksService(deps: { db: Db; clock: Clock; config: WebhookConfig; resolve: Resolver; secrets: SecretBox }) {
  const { db, clock, config, secrets } = deps;
  const now = () => clock.now().toISOString();
  const notFound = () => new AppError('NOT_FOUND', 'Webhook subscription not found');

  async function view(row: repo.SubscriptionRow, head?: number) {
    const accountHead = head ?? (await changeLog.accountHead(db, row.account_id));
    const rotated = row.previous_secret_expires_at && row.previous_secret_expires_at > now() ? row.previous_secret_expires_at : undefined;
    return {
      webhook_id: row.subscription_id,
      url: row.url,
      ...(row.description ? { description: row.description } : {}),
      events: JSON.parse(row.events) as string[],
      list_ids: JSON.parse(row.list_ids) as string[],
      status: row.status,
      ...(row.disabled_reason ? { disabled_reason: row.disabled_reason as 'user' | 'receiver_gone' | 'failing' | 'access_revoked' } : {}),
      backlog: Math.max(0, accountHead - row.cursor_seq),
      failed_attempts: row.failed_attempts,
      ...(row.next_attempt_at && row.status === 'active' ? { next_attempt_at: row.next_attempt_at } : {}),
      ...(rotated ? { secret_rotated_until: rotated } : {}),
      created_at: row.created_at,
      updated_at: row.updated_at,
    };
  }

  /** The checks a body needs beyond its schema: the endpoint after DNS resolution, and the lists. */
  async function validate(scope: WebhookScope, input: WebhookInput): Promise<void> {
    const errors: Record<string, string> = {};
    if (input.url !== undefined) {
      const check = await checkEndpoint(input.url, config, deps.resolve);
      if (!check.ok) errors.url = `url ${check.reason}`;
    }
    if (input.list_ids?.length) {
      const live = await changeLog.findLiveListIds(db, scope.accountId, input.list_ids.map((id) => id.toLowerCase()));
      const unknown = input.list_ids.filter((id) => !live.has(id.toLowerCase()));
      if (unknown.length) errors.list_ids = `list_ids names lists that do not exist in this account: ${unknown.join(', ')}`;
    }
    if (Object.keys(errors).length) throw invalidFields(errors);
  }

  async function find(scope: WebhookScope, id: string): Promise<repo.SubscriptionRow> {
    const row = await repo.findSubscription(db, scope, id);
    if (!row) throw notFound();
    return row;
  }

  async function createWebhook(scope: WebhookScope, input: Required<Pick<WebhookInput, 'url' | 'events'>> & WebhookInput) {
    await validate(scope, input);
    const secret = newWebhookSecret();
    const at = now();
    const row: repo.SubscriptionRow = {
      subscription_id: newId(),
      account_id: scope.accountId,
      client_id: scope.clientId,
      url: input.url,
      description: input.description ?? null,
      events: JSON.stringify(input.events),
      list_ids: JSON.stringify((input.list_ids ?? []).map((id) => id.toLowerCase())),
      status: 'active',
      disabled_reason: null,
      secret_sealed: secrets.seal(secret),
      previous_secret_sealed: null,
      previous_secret_expires_at: null,
      // Starts at the log's head: changes recorded from now on are delivered.
      cursor_seq: await changeLog.accountHead(db, scope.accountId),
      failed_attempts: 0,
      failing_since: null,
      next_attempt_at: null,
      lease_owner: null,
      lease_until: null,
      delivered_count: 0,
      created_at: at,
      updated_at: at,
    };
    await repo.insertSubscription(db, row);
    return { ...(await view(row)), secret };
  }

  async function listWebhooks(scope: WebhookScope) {
    const head = await changeLog.accountHead(db, scope.accountId);
    const rows = await repo.listSubscriptions(db, scope);
    return { webhooks: await Promise.all(rows.map((row) => view(row, head))) };
  }

  async function getWebhook(scope: WebhookScope, id: string) {
    return view(await find(scope, id));
  }

  async function updateWebhook(scope: WebhookScope, id: string, input: WebhookInput) {
    const row = await find(scope, id);
    await validate(scope, input);
    const fields: Partial<repo.SubscriptionRow> = { updated_at: now() };
    if (input.url !== undefined) fields.url = input.url;
    if (input.events !== undefined) fields.events = JSON.stringify(input.events);
    if (input.list_ids !== undefined) fields.list_ids = JSON.stringify(input.list_ids.map((l) => l.toLowerCase()));
    if (input.description !== undefined) fields.description = input.description;
    if (input.status === 'disabled' && row.status === 'active') Object.assign(fields, { status: 'disabled', disabled_reason: 'user' });
    // Re-enabling resumes from the cursor, with a fresh retry schedule.
    if (input.status === 'active' && row.status === 'disabled')
      Object.assign(fields, { status: 'active', disabled_reason: null, failed_attempts: 0, failing_since: null, next_attempt_at: null });
    await repo.updateSubscription(db, id, fields);
    return getWebhook(scope, id);
  }

  async function deleteWebhook(scope: WebhookScope, id: string): Promise<void> {
    if (!(await repo.deleteSubscription(db, scope, id))) throw notFound();
  }

  /** A new secret; the previous one keeps signing (a second signature) for the overlap period. */
  async function rotateSecret(scope: WebhookScope, id: string) {
    const row = await find(scope, id);
    const secret = newWebhookSecret();
    const until = new Date(clock.now().getTime() + config.secretOverlapHours * 3_600_000).toISOString();
    await repo.updateSubscription(db, id, {
      secret_sealed: secrets.seal(secret),
      previous_secret_sealed: row.secret_sealed,
      previous_secret_expires_at: until,
      updated_at: now(),
    });
    return { ...(await getWebhook(scope, id)), secret };
  }

  async function listAttempts(scope: WebhookScope, id: string) {
    const row = await find(scope, id);
    const attempts = await repo.listAttempts(db, id, 50);
    return {
      attempts: attempts.map((a) => ({
        attempt_id: a.attempt_id,
        message_id: a.message_id,
        event_ids: [...new Set([a.first_seq, a.last_seq])].map((seq) => eventId(row.account_id, seq)),
        event_count: a.event_count,
        outcome: a.outcome as 'delivered' | 'failed',
        ...(a.status_code !== null ? { status_code: a.status_code } : {}),
        ...(a.error ? { error: a.error } : {}),
        latency_ms: a.latency_ms,
        ...(a.response_excerpt ? { response_excerpt: a.response_excerpt } : {}),
        attempted_at: a.attempted_at,
      })),
    };
  }

  async function resendEvent(scope: WebhookScope, id: string, event: string) {
    await find(scope, id);
    const seq = seqOfEventId(scope.accountId, event);
    const exists = seq !== null && (await changeLog.findChangesBySeq(db, scope.accountId, [seq])).length === 1;
    if (!exists) throw invalidFields({ event_id: 'event_id names no event of this account that is still in the change history' });
    await repo.insertResend(db, id, seq, now());
  }

  /** Moves the cursor back to just before `since` (never forward): the deliverer sends everything again. */
  async function replaySince(scope: WebhookScope, id: string, since: string) {
    const row = await find(scope, id);
    const at = Date.parse(since);
    if (!/^\d{4}-\d{2}-\d{2}T/.test(since) || Number.isNaN(at)) throw invalidFields({ since: 'since must be a date-time such as 2026-11-29T03:00:00Z' });
    if (at > clock.now().getTime()) throw invalidFields({ since: 'since must not be in the future' });
    since = new Date(at).toISOString();
    const from = Math.min(row.cursor_seq, await changeLog.findSeqBefore(db, scope.accountId, since));
    await repo.updateSubscription(db, id, { cursor_seq: from, next_attempt_at: null, updated_at: now() });
    return { webhook_id: id, replay_from_seq: from };
  }

  /** One app's subscriptions across the accounts that granted it, each with its account (developer portal). */
  async function listForClient(clientId: string) {
    const rows = await repo.listSubscriptionsOfClient(db, clientId);
    return Promise.all(rows.map(async (row) => ({ account_id: row.account_id, ...(await view(row)) })));
  }

  /** The scope (app and account) of one of the app's subscriptions, for listAttempts, resendEvent and replaySince. */
  async function scopeForClient(clientId: string, id: string): Promise<WebhookScope> {
    const row = UUID.test(id) ? await repo.findSubscriptionOfClient(db, clientId, id) : undefined;
    if (!row) throw notFound();
    return { accountId: row.account_id, clientId };
  }

  /**
   * `listgate listen`: the events after `cursor` (filtered by type), waiting up to `wait` seconds while there
   * are none. Reads the log as a subscription does, without storing anything: the caller keeps the cursor.
   */
  async function listen(scope: WebhookScope, query: { cursor?: string; events?: string; wait?: number }, signal: AbortSignal) {
    const types = query.events ? query.events.split(',').map((t) => t.trim()) : [...CONTACT_EVENTS];
    const unknown = types.filter((t) => !(CONTACT_EVENTS as readonly string[]).includes(t));
    if (unknown.length) throw invalidFields({ events: `events names unknown event types: ${unknown.join(', ')}` });
    if (query.cursor === undefined) return { events: [], cursor: String(await changeLog.accountHead(db, scope.accountId)) };
    const after = Number(query.cursor);
    const deadline = Date.now() + (query.wait ?? 25) * 1000;
    for (;;) {
      const page = await readPage(db, scope.accountId, after, config.batchSize, []);
      const rows = page.rows.filter((row) => types.includes(eventTypeOf(row.kind)));
      if (page.end > after || Date.now() >= deadline || signal.aborted)
        return { events: rows.length ? await toEvents(db, scope.accountId, rows) : [], cursor: String(page.end) };
      await sleep(Math.min(LISTEN_POLL_MS, Math.max(0, deadline - Date.now())), undefined, { signal }).catch(() => undefined);
    }
  }

  return { createWebhook, listen, listForClient, scopeForClient, listWebhooks, getWebhook, updateWebhook, deleteWebhook, rotateSecret, listAttempts, resendEvent, replaySince };
}
