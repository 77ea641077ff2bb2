// Runs the real `listgate` binary as a separate process, the way a person or cron does: either with the
// test's environment, or under `env -i` with only PATH (the node binary's directory), HOME and the config dir.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { TestServer } from './server.ts';

export const BIN = path.resolve('bin/listgate.js');
/** The same CLI with faults installed from LISTGATE_TEST_* variables (crash and wait points). */
const FAULTY_BIN = path.resolve('test/fixtures/faulty-cli.mjs');

export type CliResult = {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
};

export type CliEnv = { home: string; configDir: string; extra?: Record<string, string> };

/** `env -i PATH=<node dir> HOME=… LISTGATE_CONFIG_DIR=… node bin/listgate.js ARGS`: cron's environment. */
export function startCli(args: string[], env: CliEnv): ChildProcessWithoutNullStreams {
  const vars = [
    `PATH=${path.dirname(process.execPath)}`,
    `HOME=${env.home}`,
    `LISTGATE_CONFIG_DIR=${env.configDir}`,
    ...Object.entries(env.extra ?? {}).map(([k, v]) => `${k}=${v}`),
  ];
  const faulty = Object.keys(env.extra ?? {}).some((k) => k.startsWith('LISTGATE_TEST_'));
  return spawn('env', ['-i', ...vars, 'node', faulty ? FAULTY_BIN : BIN, ...args], { stdio: 'pipe' });
}

export function finished(child: ChildProcessWithoutNullStreams): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d;
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d;
  });
  return new Promise((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
}

export function runCli(args: string[], env: CliEnv): Promise<CliResult> {
  return finished(startCli(args, env));
}

/** Resolves with the first JSON line the process prints on stdout. */
export function firstJsonLine<T>(child: ChildProcessWithoutNullStreams): Promise<T> {
  const lines = createInterface({ input: child.stdout });
  return new Promise((resolve, reject) => {
    lines.once('line', (line) => {
      try {
        resolve(JSON.parse(line) as T);
      } catch (error) {
        reject(error);
      }
    });
    child.once('close', () => reject(new Error('the process ended before printing a line')));
  });
}

/**
 * Registers a native app named `appName` and starts `listgate login --browser --json` for it into `profile`;
 * resolves with the app's client id once the CLI has printed where to sign in; `done` settles when it exits.
 */
export async function startBrowserLogin(
  server: TestServer,
  env: CliEnv,
  appName: string,
  profile: string,
): Promise<{ clientId: string; done: Promise<CliResult>; authorization_url: string; redirect_uri: string }> {
  const { app } = await server.services.apps.createApp({
    name: appName,
    kind: 'native',
    redirectUris: ['http://127.0.0.1/callback'],
  });
  const child = startCli(
    ['login', '--server', server.url, '--api-key', app.client_id, '--browser', '--profile', profile, '--json'],
    env,
  );
  const done = finished(child);
  const prompt = await firstJsonLine<{ authorization_url: string; redirect_uri: string }>(child);
  return { clientId: app.client_id, done, ...prompt };
}

/** Parses the one JSON summary line of a successful `sync`. */
export function summaryOf(result: CliResult): Record<string, number> {
  if (result.code !== 0) throw new Error(`sync exited ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout.trim()) as Record<string, number>;
}
