// Table types of the webhooks domain (migration 0006): subscriptions, queued resends, delivery attempts.
import type { Timestamp } from './identity.ts';

export type WebhookStatus = 'active' | 'disabled';

export interface WebhookSubscriptionsTable {
  subscription_id: string;
  account_id: string;
  client_id: string;
  url: string;
  description: string | null;
  /** JSON array of event types */
  events: string;
  /** JSON array of list ids; empty = every contact */
  list_ids: string;
  status: WebhookStatus;
  /** why a subscription is disabled: 'user', 'receiver_gone' (410), 'failing' */
  disabled_reason: string | null;
  secret_sealed: string;
  previous_secret_sealed: string | null;
  previous_secret_expires_at: Timestamp | null;
  cursor_seq: number;
  failed_attempts: number;
  failing_since: Timestamp | null;
  next_attempt_at: Timestamp | null;
  lease_owner: string | null;
  lease_until: Timestamp | null;
  delivered_count: number;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface WebhookResendsTable {
  subscription_id: string;
  seq: number;
  created_at: Timestamp;
}

export interface WebhookAttemptsTable {
  attempt_id: string;
  subscription_id: string;
  message_id: string;
  first_seq: number;
  last_seq: number;
  event_count: number;
  status_code: number | null;
  /** 'delivered' | 'failed' */
  outcome: string;
  error: string | null;
  latency_ms: number;
  response_excerpt: string | null;
  attempted_at: Timestamp;
}
