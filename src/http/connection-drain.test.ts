// The drain on a real HTTP server with raw keep-alive sockets, where the timing of each client is exact:
// a client that sends its next request well after the drain began is answered (with `Connection: close`),
// not reset; a half-sent request keeps its connection; a connection left idle is closed with a FIN.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { trackConnections } from './connection-drain.ts';

type RawClient = { socket: Socket; text(): string; events: string[]; ended: Promise<void> };

async function open(port: number): Promise<RawClient> {
  const socket = connect(port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  let text = '';
  const events: string[] = [];
  socket.setEncoding('utf8');
  socket.on('data', (d: string) => {
    text += d;
  });
  socket.on('error', (e: NodeJS.ErrnoException) => events.push(e.code ?? e.message));
  const ended = new Promise<void>((resolve) =>
    socket.once('end', () => {
      events.push('end');
      socket.end();
      resolve();
    }),
  );
  return { socket, text: () => text, events, ended };
}

async function responses(client: RawClient, count: number): Promise<string[]> {
  for (;;) {
    const parts = client.text().split('HTTP/1.1 ').slice(1);
    if (parts.length >= count && parts[count - 1]!.endsWith('ok')) return parts;
    if (client.events.length) assert.fail(`connection ended before answer ${count}: ${client.events.join(', ')}`);
    await sleep(10);
  }
}

const GET = 'GET / HTTP/1.1\r\nHost: localhost\r\n\r\n';

describe('trackConnections', () => {
  it('answers a late request on a kept-alive connection with Connection: close, keeps a half-sent one, and closes an idle one with a FIN', async () => {
    const server = createServer({ keepAliveTimeout: 65_000 });
    const drain = trackConnections(server);
    server.on('request', (_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;

    const [late, halfSent, idle] = await Promise.all([open(port), open(port), open(port)]);
    for (const client of [late, halfSent, idle]) client.socket.write(GET);
    for (const client of [late, halfSent, idle]) assert.match((await responses(client, 1))[0]!, /^200 OK[\s\S]*Connection: keep-alive/i);

    const drained = drain.drain(15_000, 5_000);
    assert.equal(drain.draining, true);
    halfSent.socket.write('GET / HTTP/1.1\r\n');
    // Longer than a client needs to send its next request, shorter than the idle grace.
    await sleep(1_500);
    late.socket.write(GET);
    const [, lateAnswer] = await responses(late, 2);
    assert.match(lateAnswer!, /^200 OK[\s\S]*Connection: close/i);
    assert.equal(idle.events.length, 0, 'the idle connection is still open while a client may be sending on it');

    await idle.ended;
    assert.deepEqual(idle.events, ['end'], 'closed with a FIN, not a reset');
    assert.equal(halfSent.events.length, 0, 'a connection holding part of a request is not closed');
    halfSent.socket.write('Host: localhost\r\n\r\n');
    const [, halfAnswer] = await responses(halfSent, 2);
    assert.match(halfAnswer!, /^200 OK[\s\S]*Connection: close/i);

    assert.deepEqual(await drained, { forced: 0 });
    await late.ended;
    await halfSent.ended;
    assert.deepEqual([late.events, halfSent.events], [['end'], ['end']]);
  });
});
