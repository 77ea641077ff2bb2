// A real webhook receiver for tests: node:http on 127.0.0.1, every request verified with the
// `standardwebhooks` library (the specification's own implementation) against the secrets it is given.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export type ReceivedEvent = { id: string; type: string; seq: number; timestamp: string; account_id: string; data: { contact: { contact_id: string } & Record<string, unknown>; list_id?: string } };
export type ReceivedRequest = { headers: IncomingMessage['headers']; events: ReceivedEvent[]; verified: boolean; at: number };

/** Server settings for delivery tests: http to 127.0.0.1, quick polls and retries (from the configuration). */
export const FAST_WEBHOOKS = {
  WEBHOOK_ALLOW_HTTP_LOOPBACK: 'true',
  WEBHOOK_POLL_MS: '30',
  WEBHOOK_TIMEOUT_MS: '800',
  WEBHOOK_RETRY_SCHEDULE: '0.05,0.05,0.1,0.1,0.2',
  WEBHOOK_BATCH_SIZE: '20',
};

/** Retries `check` until it stops throwing (the deliverer records its side just after the receiver answers). */
export async function eventually(check: () => Promise<void>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 30));
    }
  }
}

export type Answer = number | 'hang' | { status: number; headers?: Record<string, string>; body?: string | Buffer; delayMs?: number };

export type WebhookReceiver = {
  url: string;
  /** Requests whose signature verified, in arrival order. */
  requests: ReceivedRequest[];
  events(): ReceivedEvent[];
  /** Requests that failed verification (should stay empty). */
  rejected: string[];
  secrets: string[];
  /** Decides each verified request's answer; the default is 204. 'hang' never answers. */
  respond: (events: ReceivedEvent[]) => Answer;
  waitFor(predicate: () => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
};

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const receiver: WebhookReceiver = {
    url: '',
    requests: [],
    rejected: [],
    secrets: [],
    events: () => receiver.requests.flatMap((r) => r.events),
    respond: () => 204,
    async waitFor(predicate, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting; received ${receiver.events().length} events`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      const verified = receiver.secrets.some((secret) => {
        try {
          new Webhook(secret).verify(body, headers);
          return true;
        } catch {
          return false;
        }
      });
      if (!verified) {
        receiver.rejected.push(body);
        res.writeHead(401).end();
        return;
      }
      const events = (JSON.parse(body) as { events: ReceivedEvent[] }).events;
      const answer = receiver.respond(events);
      if (answer === 'hang') return;
      const { status, headers: extra, body: reply, delayMs = 0 } = typeof answer === 'number' ? { status: answer } : answer;
      setTimeout(() => {
        // Only requests answered 2xx count as received.
        if (status >= 200 && status < 300) receiver.requests.push({ headers: req.headers, events, verified, at: Date.now() });
        res.writeHead(status, extra).end(reply);
      }, delayMs);
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return receiver;
}
