import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { startTestSmtp } from '../../test/helpers/smtp.ts';
import { createMailer } from './mailer.ts';

const message = { to: 'dev@example.com', subject: 'Verify', text: 'Open https://lists.example/v?token=abc\n', link: 'https://lists.example/v?token=abc' };

describe('mailer', () => {
  it('writes an .eml file readable by the owner only and logs the link when no SMTP server is set', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'listgate-mail-'));
    const lines: string[] = [];
    try {
      const mailer = createMailer({ smtpUrl: null, from: 'Listgate <no-reply@example.com>', dataDir, log: (l) => lines.push(l) });
      assert.equal(mailer.kind, 'outbox');
      await mailer.send(message);
      const files = readdirSync(path.join(dataDir, 'outbox')).sort();
      assert.equal(files.length, 2);
      const file = path.join(dataDir, 'outbox', files[0]!);
      assert.match(files[0]!, /\.eml$/);
      assert.equal(files[1], files[0]!.replace(/\.eml$/, '.txt'));
      assert.equal(statSync(file).mode & 0o777, 0o600);
      const eml = readFileSync(file, 'utf8');
      assert.match(eml, /^To: dev@example\.com$/m);
      assert.match(eml, /^Subject: Verify$/m);
      assert.match(eml, /token=3Dabc|token=abc/);
      // A long link is split by quoted-printable in the .eml, and whole in the .txt copy.
      const text = path.join(dataDir, 'outbox', files[1]!);
      assert.equal(statSync(text).mode & 0o777, 0o600);
      assert.match(readFileSync(text, 'utf8'), /^To: dev@example\.com\nSubject: Verify\n\nOpen https:\/\/lists\.example\/v\?token=abc\n$/m);
      assert.equal(lines.length, 1);
      assert.match(lines[0]!, /mail to dev@example\.com: "Verify" https:\/\/lists\.example\/v\?token=abc/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('keeps a long link whole in the .txt copy, where the .eml splits it', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'listgate-mail-'));
    try {
      const link = `https://lists.example.com/developer/verify?token=${'x'.repeat(90)}`;
      const mailer = createMailer({ smtpUrl: null, from: 'Listgate <no-reply@example.com>', dataDir, log: () => {} });
      await mailer.send({ ...message, text: `Open ${link}\n`, link });
      const [eml, txt] = readdirSync(path.join(dataDir, 'outbox')).sort().map((f) => readFileSync(path.join(dataDir, 'outbox', f), 'utf8'));
      assert.ok(!eml!.includes(link), 'quoted-printable splits the link in the .eml');
      assert.ok(txt!.includes(link));
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('sends over SMTP when SMTP_URL is set', async () => {
    const smtp = await startTestSmtp();
    try {
      const mailer = createMailer({ smtpUrl: smtp.url, from: 'Listgate <no-reply@example.com>', dataDir: tmpdir(), log: () => {} });
      assert.equal(mailer.kind, 'smtp');
      await mailer.send(message);
      const mail = await smtp.waitFor('dev@example.com');
      assert.equal(mail.subject, 'Verify');
      assert.equal(mail.from, 'no-reply@example.com');
      assert.match(mail.text, /https:\/\/lists\.example\/v\?token=abc/);
      mailer.close();
    } finally {
      await smtp.close();
    }
  });

  it('fails when the SMTP server is unreachable, so the page can say so', async () => {
    const smtp = await startTestSmtp();
    await smtp.close();
    const mailer = createMailer({ smtpUrl: smtp.url, from: 'x@example.com', dataDir: tmpdir(), log: () => {} });
    await assert.rejects(mailer.send(message));
    mailer.close();
  });
});
