// The request log of a real `listgate serve`: one line per request, with method, path, status and time,
// and never a credential carried in the query string (such as a verification link's token).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';

const bin = path.resolve(import.meta.dirname, '../bin/listgate.js');

describe('request log of listgate serve', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'listgate-request-log-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('writes one line per request, with secrets of the query string redacted', async () => {
    const child = spawn(process.execPath, [bin, 'serve', '--port', '0'], {
      env: { PATH: process.env.PATH, DATA_DIR: dataDir, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        const match = stderr.match(/Listgate is running at (http:\/\/\S+)/);
        if (match) resolve(match[1]!);
      });
      child.once('exit', (code) => reject(new Error(`serve exited early with ${code}: ${stderr}`)));
    });
    const secret = 'verification-token-that-must-not-be-logged';
    assert.equal((await fetch(`${url}/health?token=${secret}`)).status, 200);
    assert.equal((await fetch(`${url}/no-such-page`)).status, 404);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;

    const lines = (stdout + stderr)
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
    assert.ok(!(stdout + stderr).includes(secret), 'a secret of the query string was logged');
  });
});
