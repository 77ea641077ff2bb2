// The wording of the mails sent to developers. Plain text: every mail client shows it, and the link is
// the only thing the reader needs.
import type { MailMessage } from '../../shared/mailer.ts';

export function verificationMail(to: string, link: string, hours: number): MailMessage {
  return {
    to,
    subject: 'Verify your email address for the Listgate developer portal',
    link,
    text: `Welcome to the Listgate developer portal.

Open this link to verify your email address, then sign in to register your first application and get an API key:

${link}

The link works once and expires in ${hours} hours. If you did not create a developer account, ignore this message.
`,
  };
}

export function resetMail(to: string, link: string, minutes: number): MailMessage {
  return {
    to,
    subject: 'Reset your Listgate developer password',
    link,
    text: `Someone (hopefully you) asked to reset the password of your Listgate developer account.

Open this link to choose a new password:

${link}

The link works once and expires in ${minutes} minutes. If you did not ask for it, ignore this message; your password stays as it is.
`,
  };
}
