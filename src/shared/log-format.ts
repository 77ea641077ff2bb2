// Log lines for a person at a terminal: pino's JSON lines turned into one short line each, and Fastify's
// two lines per request ("incoming request", "request completed") into one. JSON stays the default elsewhere.
import { Writable } from 'node:stream';

type LogRecord = {
  level?: number;
  time?: number;
  msg?: string;
  reqId?: string;
  req?: { method?: string; url?: string };
  res?: { statusCode?: number };
  responseTime?: number;
  err?: { message?: string; stack?: string };
  [key: string]: unknown;
};

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const SKIPPED = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'reqId', 'req', 'res', 'responseTime', 'err']);

/** Formats lines of pino JSON; remembers each request's method and URL until its completion line. */
export function createCompactFormatter(): (line: string) => string | null {
  const pending = new Map<string, string>();
  return (line) => {
    let record: LogRecord;
    try {
      record = JSON.parse(line) as LogRecord;
    } catch {
      return line;
    }
    const time = new Date(record.time ?? Date.now()).toISOString().slice(11, 19);
    const level = LEVELS[record.level ?? 30] ?? String(record.level);
    if (record.msg === 'incoming request' && record.reqId) {
      if (pending.size > 1000) pending.clear();
      pending.set(record.reqId, `${record.req?.method ?? ''} ${record.req?.url ?? ''}`);
      return null;
    }
    if (record.msg === 'request completed' && record.reqId) {
      const what = pending.get(record.reqId) ?? record.reqId;
      pending.delete(record.reqId);
      return `${time} ${what} ${record.res?.statusCode ?? ''} ${Math.round(record.responseTime ?? 0)} ms`;
    }
    const extra = Object.entries(record)
      .filter(([key]) => !SKIPPED.has(key))
      .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
    const error = record.err?.stack ? `\n${record.err.stack}` : '';
    return `${time} ${level.padEnd(5)} ${record.msg ?? ''}${extra.length ? ` ${extra.join(' ')}` : ''}${error}`;
  };
}

/** A destination for pino that writes the compact lines to `out` (a terminal). */
export function createCompactLogStream(out: NodeJS.WritableStream): Writable {
  const format = createCompactFormatter();
  let rest = '';
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      const lines = (rest + chunk.toString('utf8')).split('\n');
      rest = lines.pop() ?? '';
      const text = lines.map(format).filter((l) => l !== null);
      if (text.length) out.write(`${text.join('\n')}\n`);
      done();
    },
  });
}
