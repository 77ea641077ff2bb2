// The wording of the mails sent to whoever signs in with a password (customers, developers). Plain text:
// every mail client shows it, and the link is the only thing the reader needs.
import type { MailMessage } from '../../shared/mailer.ts';

/** How a realm names itself in mails. */
export type RealmWording = {
  /** "Listgate" or "the Listgate developer portal". */
  product: string;
  /** "Listgate account" or "Listgate developer account". */
  account: string;
  /** What to do once verified: "sign in to register your first application and get an API key". */
  afterVerify: string;
};

export function verificationMail(w: RealmWording, to: string, link: string, hours: number): MailMessage {
  return {
    to,
    subject: `Verify your email address for ${w.product}`,
    link,
    text: `Welcome to ${w.product}.

Open this link to verify your email address, then ${w.afterVerify}:

${link}

The link works once and expires in ${hours} hours. If you did not create a ${w.account}, ignore this message.
`,
  };
}

export function resetMail(w: RealmWording, to: string, link: string, minutes: number): MailMessage {
  return {
    to,
    subject: `Reset your ${w.account} password`,
    link,
    text: `Someone (hopefully you) asked to reset the password of your ${w.account}.

Open this link to choose a new password:

${link}

The link works once and expires in ${minutes} minutes. If you did not ask for it, ignore this message; your password stays as it is.
`,
  };
}

/** Sent instead of a verification mail when someone signs up with an address that already has an account. */
export function alreadyRegisteredMail(w: RealmWording, to: string, signInLink: string, resetLink: string): MailMessage {
  return {
    to,
    subject: `You already have a ${w.account}`,
    link: signInLink,
    text: `Someone (hopefully you) tried to create a ${w.account} with this email address, but you already have one.
Nothing was changed.

Sign in here:

${signInLink}

Forgot your password? Choose a new one here:

${resetLink}

If it was not you, ignore this message.
`,
  };
}
