import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { createCompactFormatter, createCompactLogStream } from './log-format.ts';

const at = Date.parse('2026-01-02T03:04:05.000Z');

describe('compact log lines for a terminal', () => {
  it('writes the request log line as method, URL, status and time', () => {
    const format = createCompactFormatter();
    const request = { level: 30, time: at, pid: 1, hostname: 'h', reqId: 'req-1', method: 'GET', url: '/v3/contacts', status: 200, ms: 12.7, msg: 'request' };
    assert.equal(format(JSON.stringify(request)), '03:04:05 GET /v3/contacts 200 13 ms');
  });

  it('keeps the level, the message and the fields of other lines, and an error stack', () => {
    const format = createCompactFormatter();
    assert.equal(format(JSON.stringify({ level: 40, time: at, pid: 1, hostname: 'h', msg: 'slow job', job: 'import', ms: 900 })), '03:04:05 WARN  slow job job=import ms=900');
    const failed = format(JSON.stringify({ level: 50, time: at, msg: 'boom', err: { message: 'x', stack: 'Error: x\n    at f' } }));
    assert.equal(failed, '03:04:05 ERROR boom\nError: x\n    at f');
    assert.equal(format('not json'), 'not json');
  });

  it('is a pino destination that writes whole lines', async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (d: Buffer) => {
      text += d;
    });
    const log = pino({ level: 'info' }, createCompactLogStream(out));
    log.info({ list: 'Newsletter' }, 'sync done');
    await new Promise((resolve) => setImmediate(resolve));
    assert.match(text, /^\d\d:\d\d:\d\d INFO {2}sync done list=Newsletter\n$/);
  });
});
