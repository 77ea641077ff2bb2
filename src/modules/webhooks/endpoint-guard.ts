// The SSRF guard: a webhook endpoint is checked after DNS resolution, at registration and again before each
// delivery (a name may change what it resolves to), and the connection goes to the checked address only.
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import type { WebhookConfig } from '../../config.ts';

export type ResolvedAddress = { address: string; family: 4 | 6 };
/** Resolves a host name to every address it has; injected so tests can fake DNS. */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: Resolver = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

// Private, loopback, link-local (cloud metadata 169.254.169.254 among them), shared, reserved, multicast.
const forbidden = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24],
  ['203.0.113.0', 24], ['224.0.0.0', 3],
] as const) forbidden.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['2001:db8::', 32]] as const)
  forbidden.addSubnet(net, prefix, 'ipv6');

/** The IPv4 address inside an IPv4-mapped (::ffff:a.b.c.d) or NAT64 (64:ff9b::a.b.c.d) IPv6 address. */
function embeddedIpv4(address: string): string | null {
  const match = /^(?:::ffff:|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (match) return match[1]!;
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (!hex) return null;
  const [hi, lo] = [Number.parseInt(hex[1]!, 16), Number.parseInt(hex[2]!, 16)];
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.');
}

function classify(address: string): 'public' | 'loopback' | 'private' {
  const v4 = isIP(address) === 6 ? embeddedIpv4(address) : address;
  const [ip, type] = v4 ? [v4, 'ipv4' as const] : [address, 'ipv6' as const];
  if (loopback.check(ip, type)) return 'loopback';
  return forbidden.check(ip, type) ? 'private' : 'public';
}

export type EndpointCheck = { ok: true; url: URL; addresses: ResolvedAddress[] } | { ok: false; reason: string };

/** Checks an endpoint URL and resolves it; the reason, when refused, completes "url …". */
export async function checkEndpoint(raw: string, config: WebhookConfig, resolve: Resolver): Promise<EndpointCheck> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'must be an absolute https URL' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, reason: 'must be an https URL' };
  if (url.username || url.password) return { ok: false, reason: 'must not carry credentials' };
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  let addresses: ResolvedAddress[];
  if (isIP(host)) addresses = [{ address: host, family: isIP(host) === 6 ? 6 : 4 }];
  else {
    try {
      addresses = await resolve(host);
    } catch {
      addresses = [];
    }
    if (!addresses.length) return { ok: false, reason: `host ${host} does not resolve` };
  }
  const kinds = addresses.map((a) => classify(a.address));
  const allLoopback = kinds.every((k) => k === 'loopback');
  if (url.protocol === 'http:' && !(config.allowHttpLoopback && allLoopback)) return { ok: false, reason: 'must be an https URL' };
  const refused = addresses.find((_, i) => {
    if (kinds[i] === 'public' || config.allowPrivateAddresses) return false;
    return !(kinds[i] === 'loopback' && config.allowHttpLoopback);
  });
  if (refused) return { ok: false, reason: `resolves to a private, loopback, link-local or metadata address (${refused.address})` };
  return { ok: true, url, addresses };
}
