// The streamed multipart upload of `listgate import`: the body a real HTTP server receives, a retry that
// sends the whole file again, and a server that refuses before reading the file.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { postFile } from './file-upload.ts';
import { defaultRetryPolicy, fetchWithRetry } from './http-client.ts';

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/upload` };
}

async function bodyOf(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('postFile', () => {
  let dir: string;
  let file: string;
  const csv = `email,first_name\n${Array.from({ length: 20_000 }, (_, i) => `p${i}@example.com,Ann "${i}"`).join('\n')}\n`;

  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'listgate-upload-'));
    file = path.join(dir, 'contacts.csv');
    writeFileSync(file, csv);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const upload = () => ({ fields: { list_ids: 'a,b' }, file: { field: 'file', path: file, name: 'my "list".csv', type: 'text/csv' } });

  it('sends the fields and the whole file as multipart/form-data with its exact length', async () => {
    let received: { type: string; length: string; auth: string; body: string } | null = null;
    const { server, url } = await listen(async (req, res) => {
      const body = (await bodyOf(req)).toString();
      received = { type: req.headers['content-type'] ?? '', length: req.headers['content-length'] ?? '', auth: req.headers.authorization ?? '', body };
      res.writeHead(201, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    try {
      const response = await postFile(url, { headers: { authorization: 'Bearer t' } }, upload());
      assert.equal(response.status, 201);
      assert.deepEqual(await response.json(), { ok: true });
      const got = received!;
      const boundary = /^multipart\/form-data; boundary=(.+)$/.exec(got.type)?.[1];
      assert.ok(boundary, got.type);
      assert.equal(Number(got.length), Buffer.byteLength(got.body));
      assert.equal(got.auth, 'Bearer t');
      assert.equal(
        got.body,
        `--${boundary}\r\nContent-Disposition: form-data; name="list_ids"\r\n\r\na,b\r\n` +
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="my %22list%22.csv"\r\nContent-Type: text/csv\r\n\r\n${csv}\r\n--${boundary}--\r\n`,
      );
    } finally {
      server.close();
    }
  });

  it('sends the whole file again when a retry follows a 503', async () => {
    const sizes: number[] = [];
    const { server, url } = await listen(async (req, res) => {
      sizes.push((await bodyOf(req)).length);
      if (sizes.length === 1) res.writeHead(503, { 'retry-after': '0' }).end();
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    try {
      const policy = { ...defaultRetryPolicy, sleep: async () => {} };
      const response = await fetchWithRetry(url, { headers: {} }, policy, (target, init) => postFile(target, { headers: init.headers as Record<string, string> }, upload()));
      assert.equal(response.status, 200);
      assert.equal(sizes.length, 2);
      assert.equal(sizes[0], sizes[1]);
      assert.ok(sizes[0]! > csv.length);
    } finally {
      server.close();
    }
  });

  it("returns a refusal the server sends before it reads the file, and the server's message with it", async () => {
    const { server, url } = await listen((_req, res) => {
      res.writeHead(413, { 'content-type': 'application/json', connection: 'close' }).end('[{"error_key":"payload_too_large"}]');
    });
    try {
      const response = await postFile(url, { headers: {} }, upload());
      assert.equal(response.status, 413);
      assert.deepEqual(await response.json(), [{ error_key: 'payload_too_large' }]);
    } finally {
      server.close();
    }
  });
});
