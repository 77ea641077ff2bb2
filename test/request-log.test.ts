// The request log of a real `listgate serve`: one line per request, with method, URL, status and time, and
// never a credential carried in the query string (such as a verification link's token).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { startServe } from './helpers/serve-process.ts';

describe('request log of listgate serve', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'listgate-request-log-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('writes one line per request, with secrets of the query string redacted', async () => {
    const serve = await startServe({ DATA_DIR: dataDir, LOG_LEVEL: 'info' });
    const secret = 'verification-token-that-must-not-be-logged';
    assert.equal((await fetch(`${serve.url}/health?token=${secret}`)).status, 200);
    assert.equal((await fetch(`${serve.url}/no-such-page`)).status, 404);
    serve.child.kill('SIGTERM');
    await serve.exited;

    const lines = serve
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const requests = lines.filter((line) => line.msg === 'request');
    assert.deepEqual(
      requests.map(({ method, url, status }) => ({ method, url, status })),
      [
        { method: 'GET', url: '/health?token=[REDACTED]', status: 200 },
        { method: 'GET', url: '/no-such-page', status: 404 },
      ],
    );
    assert.ok(requests.every((line) => typeof line.ms === 'number'));
    assert.ok(!lines.some((line) => line.msg === 'incoming request' || line.msg === 'request completed'));
    assert.ok(!serve.output().includes(secret), 'a secret of the query string was logged');
  });
});
