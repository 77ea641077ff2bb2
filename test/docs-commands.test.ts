// The commands of README.md, docs/cron.md and docs/console.md, run as written: install the `listgate` command, the
// operator's first steps, sign in once with the device flow, then the crontab line and the systemd
// service under `env -i`, as cron and systemd start them. Only addresses and placeholders are replaced
// (the server's URL, the API key, the list id, and /usr/local/bin, /var/lib, /var/log by temporary ones).
import assert from 'node:assert/strict';
import { type SpawnOptions, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { apiClient } from './helpers/api.ts';
import { approveInBrowser } from './helpers/approve.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { createAccountWithToken, type TestToken } from './helpers/tokens.ts';
import { WebClient } from './helpers/web-client.ts';

const REPO = path.resolve(import.meta.dirname, '..');
const readme = readFileSync(path.join(REPO, 'README.md'), 'utf8');
const cron = readFileSync(path.join(REPO, 'docs/cron.md'), 'utf8');
const consoleDoc = readFileSync(path.join(REPO, 'docs/console.md'), 'utf8');

/** The fenced blocks of a Markdown file, with their language. */
function blocks(markdown: string, lang: string): string[] {
  return [...markdown.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].filter((m) => m[1] === lang).map((m) => m[2]!);
}

/** The one line of `markdown`'s `lang` blocks that starts with `prefix`. */
function documented(markdown: string, lang: string, prefix: string): string {
  const lines = blocks(markdown, lang).flatMap((b) => b.split('\n')).filter((l) => l.startsWith(prefix));
  assert.equal(lines.length >= 1, true, `no ${lang} line starting with ${prefix}`);
  return lines[0]!;
}

type Run = { code: number | null; stdout: string; stderr: string };

function sh(command: string, env: Record<string, string>, options: SpawnOptions = {}, onStderr?: (text: string) => void): Promise<Run> {
  // `env -i`: nothing of the test's environment leaks in, as under cron.
  const vars = Object.entries(env).map(([k, v]) => `${k}=${v}`);
  const child = spawn('env', ['-i', ...vars, '/bin/sh', '-c', command], { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => {
    stdout += d;
  });
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d;
    onStderr?.(stderr);
  });
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

describe('README.md and docs/cron.md, run as written', () => {
  let server: TestServer;
  let owner: TestToken;
  let tmp: string;
  let home: string;
  let bin: string;
  let listId: string;
  let apiKey: string;
  let replace: (line: string) => string;
  let userEnv: Record<string, string>;

  before(async () => {
    server = await startTestServer('sqlite');
    owner = await createAccountWithToken(server);
    const api = apiClient(server.url, owner);
    listId = (await api<{ list_id: string }>('POST', '/v3/contact_lists', { name: 'Newsletter' })).body.list_id;
    for (let i = 0; i < 3; i++) {
      await api('POST', '/v3/contacts', { email_address: { address: `reader${i}@example.com` }, create_source: 'Account', list_memberships: [listId] });
    }
    // A native app, as the register form recommends for a cron job.
    apiKey = (await server.services.apps.createApp({ name: 'Nightly sync', kind: 'native' })).app.client_id;
    tmp = mkdtempSync(path.join(os.tmpdir(), 'listgate-docs-'));
    home = path.join(tmp, 'home');
    bin = path.join(tmp, 'usr-local-bin');
    for (const dir of [home, bin, path.join(tmp, 'var-lib/newsletter'), path.join(tmp, 'var-log'), path.join(tmp, 'work')]) mkdirSync(dir, { recursive: true });
    replace = (line) =>
      line
        .replaceAll('/usr/local/bin', bin)
        .replaceAll('/var/lib/', `${tmp}/var-lib/`)
        .replaceAll('/var/log/', `${tmp}/var-log/`)
        .replaceAll('https://lists.example.com', server.url)
        .replaceAll('YOUR_API_KEY', apiKey)
        .replaceAll('LIST_ID', listId);
    // A person at a shell: the system's PATH (whose `node` may be older than 22.12) and a fresh HOME.
    userEnv = { HOME: home, PATH: `${bin}:/usr/bin:/bin` };
  });
  after(async () => {
    await server.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('installs the command as README.md says, and it runs with the system PATH', async () => {
    const install = replace(documented(readme, 'sh', 'ln -sf'));
    assert.equal(install, documented(cron, 'sh', 'ln -sf').replaceAll('/usr/local/bin', bin), 'README.md and cron.md install it the same way');
    assert.equal((await sh(install, userEnv, { cwd: REPO })).code, 0);
    const version = await sh(documented(readme, 'sh', 'listgate --version'), userEnv);
    assert.equal(version.code, 0, version.stderr);
    assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
  });

  it('refuses clearly on an older Node.js when the pinned one is missing', async (t) => {
    const old = await sh('node -p process.versions.node', userEnv);
    const [major, minor] = old.stdout.trim().split('.').map(Number);
    if (old.code !== 0 || major! > 22 || (major === 22 && minor! >= 12)) return t.skip('no Node.js older than 22.12 on PATH');
    const lonely = path.join(tmp, 'lonely/bin');
    mkdirSync(lonely, { recursive: true });
    copyFileSync(path.join(REPO, 'bin/listgate.js'), path.join(lonely, 'listgate.js'));
    const run = await sh(`node ${lonely}/listgate.js --version`, userEnv);
    assert.equal(run.code, 1);
    assert.match(run.stderr, new RegExp(`^listgate: needs Node\\.js 22\\.12 or newer, but \\S+ is Node\\.js ${old.stdout.trim().replaceAll('.', '\\.')}; run \`npm install\``));
  });

  it("runs README.md's first steps from the command line", async () => {
    const work = path.join(tmp, 'work');
    for (const prefix of ['listgate accounts create', 'listgate apps create', 'listgate apps list', 'listgate operators create']) {
      const run = await sh(replace(documented(readme, 'sh', prefix)), userEnv, { cwd: work });
      assert.equal(run.code, 0, `${prefix}: ${run.stderr}`);
      if (prefix === 'listgate apps list') assert.match(run.stdout, /^API KEY\s+KIND\s+STATUS\s+NAME\n\S+\s+web\s+active\s+My integration\n$/);
      if (prefix === 'listgate operators create') {
        assert.match(run.stdout, /^Created operator ops@example\.com\./);
        // docs/console.md gives the same command; its verification mail lands in the outbox
        assert.equal(documented(consoleDoc, 'sh', 'listgate operators create'), documented(readme, 'sh', 'listgate operators create'));
        assert.ok(readdirSync(path.join(work, 'data/outbox')).some((f) => readFileSync(path.join(work, 'data/outbox', f), 'utf8').includes('/admin/verify?token=')));
      }
    }
  });

  it('signs in once with the device flow of cron.md, approved in a browser', async () => {
    const login = replace(documented(cron, 'sh', 'listgate login --server https://lists.example.com --api-key YOUR_API_KEY'));
    assert.equal(login, replace(documented(readme, 'sh', 'listgate login')), 'README.md and cron.md sign in the same way');
    let approving: Promise<unknown> | null = null;
    const run = await sh(login, userEnv, {}, (stderr) => {
      const url = stderr.match(/\(or open (\S+)\)/)?.[1];
      if (url && !approving) approving = approveInBrowser(new WebClient(server.url), url, { email: owner.email, password: 'correct horse battery staple' });
    });
    await approving;
    assert.equal(run.code, 0, run.stderr);
    const whoami = await sh('listgate whoami', userEnv);
    assert.equal(whoami.code, 0, whoami.stderr);
    assert.ok(whoami.stdout.startsWith(`${owner.email} on ${server.url}`), whoami.stdout);
    const lists = await sh('listgate lists', userEnv);
    assert.match(lists.stdout, new RegExp(`^${listId}\\s+3\\s+Newsletter$`, 'm'));
  });

  it('runs the sync by hand as cron.md step 3 writes it', async () => {
    const run = await sh(replace(documented(cron, 'sh', 'listgate sync')), userEnv);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(JSON.parse(run.stdout).total, 3);
    assert.equal(replace(documented(readme, 'sh', 'listgate sync')), replace(documented(cron, 'sh', 'listgate sync')));
  });

  it('runs the crontab line under env -i with only the crontab PATH, HOME and SHELL', async () => {
    const pathLine = documented(cron, 'cron', 'PATH=');
    const entry = documented(cron, 'cron', '0 0 * * *');
    const command = replace(entry.replace(/^(\S+\s+){5}/, ''));
    const cronEnv = { HOME: home, LOGNAME: 'newsletter', SHELL: '/bin/sh', PATH: replace(pathLine.slice('PATH='.length)) };
    const run = await sh(command, cronEnv);
    assert.equal(run.code, 0, `${run.stdout}${run.stderr}`);
    const log = readFileSync(path.join(tmp, 'var-log/newsletter-sync.log'), 'utf8').trim().split('\n');
    assert.deepEqual(Object.keys(JSON.parse(log.at(-1)!)), ['added', 'updated', 'removed', 'total', 'duration_ms']);
    assert.equal(JSON.parse(log.at(-1)!).total, 3);
  });

  it('runs the systemd service as written, with systemd’s default PATH', async () => {
    const unit = blocks(cron, 'ini').find((b) => b.includes('ExecStart='))!;
    const exec = replace(unit.match(/^ExecStart=(.+)$/m)![1]!);
    assert.doesNotMatch(unit, /NODE_OPTIONS/, 'the CLI sizes its heap itself');
    const systemdPath = replace('/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin');
    const run = await sh(exec, { HOME: home, PATH: systemdPath });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(JSON.parse(run.stdout).total, 3);
  });
});
