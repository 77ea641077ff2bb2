// `listgate listen --forward-to URL`: for development. Long-polls GET /v3/webhooks/listen with the saved
// login (no public endpoint needed), signs each event with a local whsec_ secret as Standard Webhooks says,
// POSTs it to the local URL and prints one line per event with the receiver's answer. Ctrl+C stops it.
import { createHmac, randomBytes } from 'node:crypto';
import { CliError, EXIT } from '../exit-codes.ts';
import { createApiClient } from './api-client.ts';
import { checkProfileName } from './profile-store.ts';
import { retryPolicy } from './run-options.ts';
import { createTokenManager } from './token-manager.ts';

type ListenEvent = { id: string; type: string; seq: number; data: { contact: { contact_id: string } } };
type ListenBatch = { events: ListenEvent[]; cursor: string };

const FORWARD_TIMEOUT_MS = 10_000;

function forwardUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CliError(`--forward-to must be a URL such as http://localhost:8080/hook, not "${value}"`, EXIT.USAGE);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CliError('--forward-to must be an http or https URL', EXIT.USAGE);
  return url;
}

/** Standard Webhooks: `v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>` with the key after `whsec_`. */
export function sign(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

/** POSTs one event as a webhook request; the receiver's status, or what went wrong. */
async function forward(url: URL, secret: string, event: ListenEvent): Promise<string> {
  const id = `msg_${event.id}`;
  const timestamp = Math.floor(Date.now() / 1000);
  const body = JSON.stringify({ events: [event] });
  const headers = { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': sign(secret, id, timestamp, body) };
  const started = Date.now();
  try {
    const response = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(FORWARD_TIMEOUT_MS) });
    await response.body?.cancel();
    return `${response.status} (${Date.now() - started} ms)`;
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return `failed: ${cause ?? (error as Error).name} (${Date.now() - started} ms)`;
  }
}

export async function listen(opts: { forwardTo: string; events?: string; profile: string; retries?: string }): Promise<void> {
  const target = forwardUrl(opts.forwardTo);
  const policy = retryPolicy(opts.retries);
  const api = createApiClient(createTokenManager(checkProfileName(opts.profile), policy), policy);
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const query = (cursor?: string) => {
    const params = new URLSearchParams(opts.events ? { events: opts.events.replace(/\s+/g, '') } : {});
    if (cursor !== undefined) params.set('cursor', cursor);
    return `/v3/webhooks/listen?${params}`;
  };
  let forwarded = 0;
  try {
    let { cursor } = await api.get<ListenBatch>(query(), stop.signal);
    const secret = `whsec_${randomBytes(24).toString('base64')}`;
    process.stdout.write(`Ready. Forwarding events to ${target.href}\nYour webhook signing secret is ${secret} (Ctrl+C to quit)\n`);
    while (!stop.signal.aborted) {
      const batch = await api.get<ListenBatch>(query(cursor), stop.signal);
      for (const event of batch.events) {
        const answer = await forward(target, secret, event);
        process.stdout.write(`${new Date().toISOString()}  ${event.type}  ${event.data.contact.contact_id}  [${event.id}]  → ${answer}\n`);
        forwarded++;
      }
      cursor = batch.cursor;
    }
  } catch (error) {
    if (!stop.signal.aborted) throw error;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  process.stderr.write(`listgate: stopped after forwarding ${forwarded} event${forwarded === 1 ? '' : 's'}\n`);
}
