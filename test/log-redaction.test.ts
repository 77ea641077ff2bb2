// Finding 7 of the security review: credentials sent in a query string never reach the request log. A real
// `listgate serve` process logs at info level; the test reads what it wrote.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { redactUrl } from '../src/shared/log-redaction.ts';

const bin = path.resolve(import.meta.dirname, '../bin/listgate.js');
const SECRETS = ['AT-secret-1', 'VT-secret-2', 'RT-secret-3', 'CODE-secret-4', 'CS-secret-5', 'REF-secret-6'];

describe('request log redaction', () => {
  it('redacts secret query parameters and keeps the rest', () => {
    assert.equal(redactUrl('/v3/contacts?limit=5&access_token=abc'), '/v3/contacts?limit=5&access_token=[REDACTED]');
    assert.equal(redactUrl('/cb?Code=x&state=y&keep=1'), '/cb?Code=[REDACTED]&state=[REDACTED]&keep=1');
    assert.equal(redactUrl('/x?access%5Ftoken=abc'), '/x?access%5Ftoken=[REDACTED]');
    assert.equal(redactUrl('/plain'), '/plain');
  });

  it('writes no token, code or secret of a real request to the log of `listgate serve`', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'listgate-logs-'));
    const child = spawn(process.execPath, [bin, 'serve', '--port', '0'], {
      env: { PATH: process.env.PATH, DATA_DIR: dataDir, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const read = (chunk: Buffer) => {
          output += chunk.toString();
          const match = output.match(/Listgate is running at (http:\/\/\S+)/);
          if (match) resolve(match[1]!);
        };
        child.stdout.on('data', read);
        child.stderr.on('data', read);
        child.once('exit', (code) => reject(new Error(`serve exited early with ${code}: ${output}`)));
      });
      const [at, vt, rt, code, cs, ref] = SECRETS;
      await fetch(`${url}/v3/contacts?access_token=${at}`);
      await fetch(`${url}/developer/verify?token=${vt}`);
      await fetch(`${url}/account/reset-password?token=${rt}`);
      await fetch(`${url}/oauth2/tokeninfo.htm?access_token=${at}`, { method: 'POST' });
      await fetch(`${url}/explorer/callback?code=${code}&state=s`);
      await fetch(`${url}/oauth2/token?client_secret=${cs}&refresh_token=${ref}`, { method: 'POST' });
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.match(output, /"url":"\/developer\/verify\?token=\[REDACTED\]"/, 'the request was logged');
      for (const secret of SECRETS) assert.ok(!output.includes(secret), `${secret} is in the log`);
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
