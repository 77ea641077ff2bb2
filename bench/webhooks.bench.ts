// Webhook delivery: the delay from a contact write to its delivery (p50/p99) while contacts are written
// at a steady rate through the API, and the delivery throughput when a receiver takes a backlog at once.
// The server has the shipped webhook settings (WEBHOOK_POLL_MS=100, batches of 100);
// the receiver runs here on 127.0.0.1 and verifies every signature with standardwebhooks.
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Webhook } from 'standardwebhooks';
import { percentile } from './http-load.ts';
import { loadConfig } from '../src/config.ts';
import { startServer } from '../src/main.ts';
import { createServices } from '../src/services.ts';
import { writeSection } from './report.ts';
import { benchEnv, clientToken, createBenchAccount, freshDatabase, startServerProcess, stopServer } from './server-process.ts';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '10' },
    backlog: { type: 'string', default: '20000' },
    dialects: { type: 'string', default: 'sqlite' },
    // in-process: the server runs in this process and contacts are written through its contacts service;
    // service: the same from a second process on the same database; api: POST /v3/contacts per contact
    via: { type: 'string', default: 'in-process' },
    write: { type: 'boolean', default: false },
  },
});
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const backlog = Number(values.backlog);

type Receiver = { url: string; secret: string; delays: number[]; count: number; last: number; close(): void };

async function startReceiver(): Promise<Receiver> {
  const receiver: Receiver = { url: '', secret: '', delays: [], count: 0, last: 0, close: () => server.close() };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      const { events } = new Webhook(receiver.secret).verify(body, headers) as { events: { timestamp: string }[] };
      const now = Date.now();
      for (const e of events) receiver.delays.push(now - Date.parse(e.timestamp));
      receiver.count += events.length;
      receiver.last = now;
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`;
  return receiver;
}

function post(agent: http.Agent, url: string, token: string, method: string, body: unknown): Promise<number> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, agent, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode ?? 0));
    });
    req.once('error', reject);
    req.end(payload);
  });
}

type Write = (i: number) => Promise<boolean>;

/** One contact through the API (a POST per contact). */
function apiWriter(base: string, token: string, prefix: string): { write: Write; close(): void } {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  return {
    write: async (i) => (await post(agent, `${base}/v3/contacts`, token, 'POST', { create_source: 'Account', email_address: { address: `${prefix}${i}@example.com` } })) === 201,
    close: () => agent.destroy(),
  };
}

/** Writes `total` contacts at `perSecond` (open loop, 16 at a time); returns the achieved rate. */
async function writeContacts(write: Write, total: number, perSecond: number): Promise<{ rate: number; failures: number }> {
  const started = performance.now();
  let next = 0;
  let failures = 0;
  const loop = async () => {
    for (;;) {
      const i = next++;
      if (i >= total) return;
      const due = started + (i * 1000) / perSecond;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      if (!(await write(i).catch(() => false))) failures++;
    }
  };
  await Promise.all(Array.from({ length: 16 }, loop));
  return { rate: total / ((performance.now() - started) / 1000), failures };
}

async function waitFor(predicate: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

const rows: string[][] = [];
const loadBefore = loadavg()[0]!;
for (const dialect of values.dialects.split(',')) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'listgate-bench-webhooks-'));
  const database = await freshDatabase(dialect, dataDir);
  const env = { ...benchEnv(database.url, dataDir), WEBHOOK_ALLOW_HTTP_LOOPBACK: 'true' };
  const account = await createBenchAccount(env);
  const inProcess = values.via === 'in-process' ? await startServer(loadConfig({ ...env, NODE_ENV: 'development', HOST: '127.0.0.1', PORT: '0' })) : null;
  const server = inProcess ? { url: inProcess.url, child: undefined } : await startServerProcess(env);
  const receiver = await startReceiver();
  try {
    const token = await clientToken(server.url, account.clientId, account.clientSecret);
    const created = await fetch(`${server.url}/v3/webhooks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: receiver.url, events: ['contact.created'] }),
    });
    const hook = (await created.json()) as { webhook_id: string; secret: string };
    receiver.secret = hook.secret;

    const total = rate * seconds;
    const own = values.via === 'service' ? await createServices(loadConfig({ ...env, NODE_ENV: 'development' })) : null;
    const services = inProcess?.services ?? own;
    const writer = (prefix: string) =>
      services
        ? { write: async (i: number) => Boolean(await services.contacts.createContact(account.accountId, { create_source: 'Account', email_address: { address: `${prefix}${i}@example.com` } })), close() {} }
        : apiWriter(server.url, token, prefix);
    const steadyWriter = writer('steady');
    const steady = await writeContacts(steadyWriter.write, total, rate);
    steadyWriter.close();
    const allSteady = await waitFor(() => receiver.count >= total - steady.failures, 60_000);
    const delays = [...receiver.delays].sort((a, b) => a - b);

    // Backlog: written while the subscription is disabled, then delivered at once after re-enabling.
    const hookUrl = `${server.url}/v3/webhooks/${hook.webhook_id}`;
    const agent = new http.Agent({ keepAlive: true });
    await post(agent, hookUrl, token, 'PATCH', { status: 'disabled' });
    const backlogWriter = writer('backlog');
    const queued = await writeContacts(backlogWriter.write, backlog, 100_000);
    backlogWriter.close();
    await own?.close();
    const before = receiver.count;
    const enabledAt = Date.now();
    await post(agent, hookUrl, token, 'PATCH', { status: 'active' });
    const drained = await waitFor(() => receiver.count - before >= backlog - queued.failures, 120_000);
    const drainSeconds = (receiver.last - enabledAt) / 1000;
    agent.destroy();

    rows.push([
      dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL',
      `${Math.round(steady.rate)}/s (${total} contacts, ${steady.failures} failed)`,
      `${percentile(delays, 50)} ms / ${percentile(delays, 99)} ms / ${delays[delays.length - 1]} ms${allSteady ? '' : ' (not all delivered)'}`,
      `${Math.round((backlog - queued.failures) / drainSeconds).toLocaleString('en-US')} events/s (${backlog} in ${drainSeconds.toFixed(1)} s${drained ? '' : ', incomplete'})`,
    ]);
    process.stderr.write(`${rows[rows.length - 1]!.join(' | ')}\n`);
  } finally {
    receiver.close();
    await stopServer(server.child);
    await inProcess?.close();
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const body = [
  '| | Writes (achieved) | Write → delivery: p50 / p99 / max | Backlog delivery |',
  '|---|---|---|---|',
  ...rows.map((r) => `| ${r.join(' | ')} |`),
].join('\n');
process.stdout.write(`${body}\n`);
if (values.write)
  writeSection('Webhook delivery', {
    command: `npm exec -- node --import tsx bench/webhooks.bench.ts --rate ${rate} --seconds ${seconds} --backlog ${backlog} --dialects ${values.dialects} --via ${values.via} --write`,
    loadBefore,
    body,
    notes:
      'One subscription (`contact.created`) to a receiver on 127.0.0.1 that verifies each signature; the server has the default webhook settings (`WEBHOOK_POLL_MS=100`, `WEBHOOK_BATCH_SIZE=100`). Writes are paced, 16 at a time. With `--via in-process` (the default) the server runs inside the benchmark\'s process and each write is one call of its contacts service (the code behind `POST /v3/contacts`), since this machine\'s HTTP API alone does not take 1,000 creates/s; `--via service` makes the same calls from a second process on the same database (on SQLite the two processes then wait for each other\'s write lock), and `--via api` sends one `POST /v3/contacts` per contact. The delay is the receiver\'s arrival time minus the event\'s `timestamp` (the write\'s commit time). For the backlog, contacts are written while the subscription is disabled; the figure is events delivered per second from re-enabling to the last arrival. Goal (issue 15): p99 under 1 s at 1,000 writes/s on SQLite.',
  });
