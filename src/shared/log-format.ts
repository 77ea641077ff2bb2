// Log lines for a person at a terminal: pino's JSON lines turned into one short line each, the request log's
// line (src/http/request-log.ts) as `GET /path 200 1 ms`. JSON stays the default elsewhere.
import { Writable } from 'node:stream';

type LogRecord = {
  level?: number;
  time?: number;
  msg?: string;
  reqId?: string;
  method?: string;
  url?: string;
  status?: number;
  ms?: number;
  err?: { message?: string; stack?: string };
  [key: string]: unknown;
};

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const SKIPPED = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'reqId', 'err']);

/** Formats lines of pino JSON. */
export function createCompactFormatter(): (line: string) => string | null {
  return (line) => {
    let record: LogRecord;
    try {
      record = JSON.parse(line) as LogRecord;
    } catch {
      return line;
    }
    const time = new Date(record.time ?? Date.now()).toISOString().slice(11, 19);
    const level = LEVELS[record.level ?? 30] ?? String(record.level);
    if (record.msg === 'request' && record.method) {
      return `${time} ${record.method} ${record.url ?? ''} ${record.status ?? ''} ${Math.round(record.ms ?? 0)} ms`;
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
