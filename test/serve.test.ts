// `listgate serve` as an operator runs it: a real process on the embedded default, health and readiness,
// metrics, and a graceful stop on SIGTERM.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';

const bin = path.resolve(import.meta.dirname, '../bin/listgate.js');

const modeOf = (file: string) => (statSync(file).mode & 0o777).toString(8);

describe('listgate serve', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'listgate-serve-'));
  // Not created yet: serve creates it.
  const dataDir = path.join(root, 'data');
  after(() => rmSync(root, { recursive: true, force: true }));

  it('starts on SQLite in DATA_DIR, answers health, readiness and metrics, and stops cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, [bin, 'serve', '--port', '0'], {
      env: { PATH: process.env.PATH, DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        const match = stderr.match(/Listgate is running at (http:\/\/\S+)/);
        if (match) resolve(match[1]!);
      });
      child.once('exit', (code) => reject(new Error(`serve exited early with ${code}: ${stderr}`)));
    });
    assert.match(stderr, /Developer portal: +http:\/\/127\.0\.0\.1:\d+\/developer/);
    assert.ok(statSync(path.join(dataDir, 'listgate.db')).isFile());
    assert.equal(modeOf(path.join(dataDir, 'secret.key')), '600');
    // Contact data is personal data: owner-only, although the usual umask (022) would leave it readable.
    assert.equal(modeOf(dataDir), '700');
    for (const file of ['listgate.db', 'listgate.db-wal', 'listgate.db-shm']) assert.equal(modeOf(path.join(dataDir, file)), '600', file);

    assert.deepEqual(await (await fetch(`${url}/health`)).json(), { status: 'ok' });
    assert.deepEqual(await (await fetch(`${url}/ready`)).json(), { status: 'ready' });
    const metrics = await (await fetch(`${url}/metrics`)).text();
    assert.match(metrics, /listgate_http_request_duration_seconds_count\{method="GET",route="\/ready",status_code="200"\} 1/);

    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  });

  it('runs `listgate worker` for bulk jobs alone and stops it cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, [bin, 'worker', '--interval', '200'], {
      env: { PATH: process.env.PATH, DATA_DIR: dataDir, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('listgate worker running bulk jobs')) resolve();
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      child.once('exit', (code) => reject(new Error(`worker exited early with ${code}: ${stderr}`)));
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  });
});
