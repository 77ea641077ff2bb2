// One delivery request: POST to the checked address only (the connection's DNS lookup answers with it),
// an overall timeout, no redirect followed (a 3xx is a failure), and at most RESPONSE_CAP bytes read back.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { ResolvedAddress } from './endpoint-guard.ts';

export const RESPONSE_CAP = 64 * 1024;
const EXCERPT = 512;

export type SendResult = {
  status: number | null;
  ok: boolean;
  error: string | null;
  latencyMs: number;
  excerpt: string | null;
  /** Retry-After in milliseconds, when the receiver sent one. */
  retryAfterMs: number | null;
};

function pinnedLookup(addresses: readonly ResolvedAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all) callback(null, addresses.map((a) => ({ address: a.address, family: a.family })));
    else callback(null, addresses[0]!.address, addresses[0]!.family);
  };
}

export function parseRetryAfter(value: string | undefined, now: number): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

export function sendWebhook(
  url: URL,
  addresses: readonly ResolvedAddress[],
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<SendResult> {
  const started = performance.now();
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: Omit<SendResult, 'latencyMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve({ ...result, latencyMs: Math.round(performance.now() - started) });
    };
    const failed = (error: string) => finish({ status: null, ok: false, error, excerpt: null, retryAfterMs: null });
    const req = request(url, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'user-agent': 'Listgate-Webhooks/1' },
      lookup: pinnedLookup(addresses),
      agent: false,
    });
    const timer = setTimeout(() => failed(`timed out after ${timeoutMs} ms`), timeoutMs);
    req.on('error', (err) => failed(err.message.slice(0, 200)));
    req.on('response', (res: IncomingMessage) => {
      const status = res.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let size = 0;
      const done = () => {
        const ok = status >= 200 && status < 300;
        const excerpt = Buffer.concat(chunks).toString('utf8').slice(0, EXCERPT);
        const error = ok ? null : status >= 300 && status < 400 ? `redirect (${status}) not followed` : `HTTP ${status}`;
        const retryAfter = parseRetryAfter(res.headers['retry-after'], Date.now());
        finish({ status, ok, error, excerpt: excerpt || null, retryAfterMs: retryAfter });
      };
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= RESPONSE_CAP) chunks.push(chunk);
        else done(); // the rest is never read: a huge answer costs no memory
      });
      res.on('end', done);
      res.on('error', (err) => failed(err.message.slice(0, 200)));
    });
    req.end(body);
  });
}
