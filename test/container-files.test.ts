// The Dockerfile and compose.yaml, checked as far as a machine without a container engine allows: the
// Dockerfile's syntax (a small checker), that the image runs the same
// `listgate serve`, and that compose.yaml wires Listgate to its PostgreSQL and Redis.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse } from 'yaml';

const INSTRUCTIONS = new Set([
  'FROM', 'RUN', 'CMD', 'LABEL', 'EXPOSE', 'ENV', 'ADD', 'COPY', 'ENTRYPOINT', 'VOLUME', 'USER', 'WORKDIR',
  'ARG', 'ONBUILD', 'STOPSIGNAL', 'HEALTHCHECK', 'SHELL',
]);

type Instruction = { name: string; args: string; line: number };

/** The Dockerfile's instructions, continuation lines joined and comments dropped; throws on what is not one. */
function parseDockerfile(text: string): Instruction[] {
  const out: Instruction[] = [];
  let pending: { text: string; line: number } | null = null;
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!pending && (line === '' || line.startsWith('#'))) return;
    if (pending && line.startsWith('#')) return;
    const current: { text: string; line: number } = pending ?? { text: '', line: i + 1 };
    current.text += ` ${line.replace(/\\$/, '')}`;
    if (line.endsWith('\\')) {
      pending = current;
      return;
    }
    pending = null;
    const match = current.text.trim().match(/^([A-Za-z]+)\s+([\s\S]+)$/);
    if (!match || !INSTRUCTIONS.has(match[1]!.toUpperCase())) throw new Error(`line ${current.line}: not an instruction: ${current.text.trim()}`);
    if (match[1] !== match[1]!.toUpperCase()) throw new Error(`line ${current.line}: write ${match[1]} in capitals`);
    out.push({ name: match[1]!, args: match[2]!.trim(), line: current.line });
  });
  if (pending) throw new Error('the Dockerfile ends inside a continued line');
  return out;
}

/** An exec-form argument (`["listgate", "serve"]`); HEALTHCHECK's options come before CMD. */
function execForm(args: string): string[] {
  const json = args.slice(args.indexOf('['));
  const value = JSON.parse(json) as unknown;
  assert.ok(Array.isArray(value) && value.every((v) => typeof v === 'string'), `not an exec form: ${args}`);
  return value as string[];
}

describe('Dockerfile', () => {
  const text = readFileSync('Dockerfile', 'utf8');
  const steps = parseDockerfile(text);
  const find = (name: string) => steps.filter((s) => s.name === name);

  it('is made of instructions only, starting with FROM on Node.js 24', () => {
    assert.equal(steps[0]?.name, 'FROM');
    assert.match(steps[0]!.args, /^node:24[-\w.]*$/);
    assert.throws(() => parseDockerfile('FROM node:24\nRUNN true\n'), /not an instruction/);
    assert.throws(() => parseDockerfile('FROM node:24\nRUN true \\'), /ends inside/);
  });

  it('copies only files that exist, and installs exactly the locked dependencies', () => {
    for (const copy of find('COPY')) {
      const parts = copy.args.split(/\s+/).filter((p) => !p.startsWith('--'));
      for (const source of parts.slice(0, -1)) assert.ok(existsSync(source), `COPY ${source}: no such file`);
    }
    assert.ok(find('RUN').some((r) => /\bnpm ci\b/.test(r.args)));
  });

  it('runs the same `listgate serve` as a plain install, on the port it exposes, and checks /ready', () => {
    assert.deepEqual(execForm(find('ENTRYPOINT').at(-1)!.args), ['listgate']);
    assert.deepEqual(execForm(find('CMD').at(-1)!.args), ['serve']);
    // The command is installed the way README.md tells a person to install it.
    const link = find('RUN').map((r) => r.args.match(/ln -sf (\S+) (\S+)/)).find(Boolean)!;
    assert.deepEqual([link[1], link[2]], ['/opt/listgate/bin/listgate.js', '/usr/local/bin/listgate']);
    assert.match(readFileSync('README.md', 'utf8'), /ln -sf "\$PWD\/bin\/listgate\.js" \/usr\/local\/bin\/listgate/);
    const port = find('ENV').map((e) => e.args.match(/\bPORT=(\d+)/)?.[1]).find(Boolean);
    assert.equal(find('EXPOSE').at(-1)?.args, port);
    assert.match(find('HEALTHCHECK').at(-1)!.args, /127\.0\.0\.1:3000\/ready/);
    assert.equal(find('USER').at(-1)?.args, 'node', 'the server does not run as root');
  });
});

describe('compose.yaml', () => {
  type Service = {
    build?: string;
    image?: string;
    command?: string[];
    ports?: string[];
    environment?: Record<string, string>;
    depends_on?: Record<string, { condition: string }>;
    healthcheck?: { test: string[] };
  };
  const compose = parse(readFileSync('compose.yaml', 'utf8')) as { services: Record<string, Service> };
  const { listgate, postgres, redis } = compose.services;

  it('runs Listgate built from this Dockerfile with PostgreSQL and Redis', () => {
    assert.deepEqual(Object.keys(compose.services).sort(), ['listgate', 'postgres', 'redis']);
    assert.equal(listgate?.build, '.');
    assert.deepEqual(listgate?.command, ['serve']);
    assert.deepEqual(listgate?.ports, ['3000:3000']);
    assert.match(postgres?.image ?? '', /^postgres:\d+/);
    assert.match(redis?.image ?? '', /^redis:\d+/);
  });

  it('points DATABASE_URL and REDIS_URL at those services, and starts Listgate once they are healthy', () => {
    const env = listgate!.environment!;
    const db = new URL(env.DATABASE_URL!);
    assert.equal(db.hostname, 'postgres');
    assert.equal(db.username, postgres!.environment!.POSTGRES_USER);
    assert.equal(db.password, postgres!.environment!.POSTGRES_PASSWORD);
    assert.equal(db.pathname, `/${postgres!.environment!.POSTGRES_DB}`);
    assert.equal(new URL(env.REDIS_URL!).hostname, 'redis');
    for (const name of ['postgres', 'redis']) {
      assert.equal(listgate!.depends_on?.[name]?.condition, 'service_healthy');
      assert.ok(compose.services[name]!.healthcheck?.test.length);
    }
    const config = readFileSync('src/config.ts', 'utf8');
    assert.deepEqual(Object.keys(env).filter((name) => !config.includes(name)), []);
    assert.match(env.SECRET_KEYS!, /:\?/, 'SECRET_KEYS must be set, not defaulted');
  });

  it('is documented in docs/operations.md', () => {
    const doc = readFileSync('docs/operations.md', 'utf8');
    assert.match(doc, /docker compose up -d/);
    assert.match(doc, /`compose\.yaml`/);
    assert.match(doc, /`Dockerfile`/);
  });
});
