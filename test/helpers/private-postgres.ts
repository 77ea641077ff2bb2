// A private PostgreSQL cluster (initdb + pg_ctl in a temporary directory, on a free port) for tests that
// stop or restart the database. The shared instance on 5432 is never touched.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export type PrivatePostgres = {
  url: string;
  /** `pg_ctl stop -m immediate`: every backend is killed at once, as in a crash. */
  stop(): Promise<void>;
  start(): Promise<void>;
  restartImmediate(): Promise<void>;
  destroy(): void;
};

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** The bin directory of the newest PostgreSQL installed, or null. */
export function postgresBin(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  for (const v of versions) if (existsSync(path.join(root, v, 'bin', 'pg_ctl'))) return path.join(root, v, 'bin');
  return null;
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = postgresBin();
  if (!bin) throw new Error('no PostgreSQL server binaries under /usr/lib/postgresql');
  const dir = mkdtempSync(path.join(tmpdir(), 'listgate-pg-'));
  const data = path.join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  // initdb and the server refuse to run as root: run them as the postgres user then.
  if (asRoot) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString()), Number(execFileSync('id', ['-g', 'postgres']).toString()));
  const argv = (tool: string, args: string[]): [string, string[]] =>
    asRoot ? ['runuser', ['-u', 'postgres', '--', path.join(bin, tool), ...args]] : [path.join(bin, tool), args];
  // Asynchronous, so that the load a test puts on the server goes on while the database stops or starts.
  // The server inherits pg_ctl's standard streams: they are not pipes, or waiting for them would never end.
  const run = (tool: string, args: string[]) =>
    new Promise<void>((resolve, reject) => {
      const [command, list] = argv(tool, args);
      const child = spawn(command, list, { stdio: 'ignore', timeout: 60_000 });
      child.once('error', reject);
      child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${tool} ${args.join(' ')} exited with ${code}; see ${dir}/log`))));
    });
  await run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=40 -c shared_buffers=16MB`;
  const start = () => run('pg_ctl', ['-D', data, '-o', options, '-l', path.join(dir, 'log'), '-w', '-t', '30', 'start']);
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: () => run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']),
    start,
    restartImmediate: () => run('pg_ctl', ['-D', data, '-m', 'immediate', '-l', path.join(dir, 'log'), '-w', '-t', '30', 'restart']),
    destroy() {
      spawnSync(...argv('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']), { timeout: 30_000 });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
