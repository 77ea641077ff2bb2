// Outgoing mail (verification and password-reset links): nodemailer over SMTP_URL, or, with no SMTP server
// configured, .eml files in DATA_DIR/outbox/ plus one log line with the link so a local install needs nothing.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type nodemailerModule from 'nodemailer';
import type { Transporter } from 'nodemailer';
import { randomToken } from './crypto.ts';

export type MailMessage = {
  to: string;
  subject: string;
  text: string;
  /** The one link the message is about; logged by the outbox transport. */
  link?: string;
};

export type Mailer = {
  send(message: MailMessage): Promise<void>;
  /** 'smtp' or 'outbox', for the start-up banner and the operations guide. */
  readonly kind: 'smtp' | 'outbox';
  close(): void;
};

export type MailerOptions = {
  smtpUrl: string | null;
  from: string;
  dataDir: string;
  log: (line: string) => void;
};

// nodemailer is loaded when a mailer first needs it, not at start-up (it is a large module).
const requireModule = createRequire(import.meta.url);
const nodemailer = () => requireModule('nodemailer') as typeof nodemailerModule;

export function createMailer(options: MailerOptions): Mailer {
  return options.smtpUrl ? createSmtpMailer(options.smtpUrl, options.from) : createOutboxMailer(options);
}

function createSmtpMailer(smtpUrl: string, from: string): Mailer {
  // Short timeouts: a page waiting on a dead SMTP server should fail in seconds, not minutes.
  const transport: Transporter = nodemailer().createTransport({
    url: smtpUrl,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
  return {
    kind: 'smtp',
    async send(message) {
      await transport.sendMail({ from, to: message.to, subject: message.subject, text: message.text });
    },
    close: () => transport.close(),
  };
}

function createOutboxMailer(options: MailerOptions): Mailer {
  const outbox = path.join(options.dataDir, 'outbox');
  let transport: Transporter | null = null;
  return {
    kind: 'outbox',
    async send(message) {
      transport ??= nodemailer().createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
      const info = await transport.sendMail({ from: options.from, to: message.to, subject: message.subject, text: message.text });
      mkdirSync(outbox, { recursive: true, mode: 0o700 });
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      const base = path.join(outbox, `${stamp}-${randomToken(6)}`);
      // The links in these files are live credentials until used: readable by the owner only.
      writeFileSync(`${base}.eml`, info.message as Buffer, { mode: 0o600 });
      // The .eml is quoted-printable (a long link is split by `=` line ends); the .txt beside it is the text
      // as sent, so a link copied from it works.
      writeFileSync(`${base}.txt`, plainCopy(options.from, message), { mode: 0o600 });
      options.log(`mail to ${message.to}: "${message.subject}"${message.link ? ` ${message.link}` : ''} (saved in ${base}.txt)`);
    },
    close: () => transport?.close(),
  };
}

function plainCopy(from: string, message: MailMessage): string {
  return `From: ${from}\nTo: ${message.to}\nSubject: ${message.subject}\n\n${message.text}`;
}
