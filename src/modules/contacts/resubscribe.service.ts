// PUT /v3/contacts/resubscribe/{contact_id}: an unsubscribed contact asks to come back. The account cannot
// re-subscribe anyone by itself: the contact gets a confirmation email, and only following its link (and
// pressing the button, so that a mail scanner's prefetch changes nothing) makes the contact subscribed again.
import type { Db } from '../../db/database.ts';
import { AppError, invalidFields } from '../../errors.ts';
import type { Clock } from '../../shared/clock.ts';
import type { Mailer } from '../../shared/mailer.ts';
import type { SignedTokenCodec } from '../../shared/signed-token.ts';
import { openChangeLog } from './change-log.ts';
import { assertReferences, changedEmailFields, writeMemberships } from './contact-writes.ts';
import * as refs from './contact-refs.repository.ts';
import * as repo from './contacts.repository.ts';
import { isUuid } from './formats.ts';

const CONTEXT = 'contact-resubscribe';
const LINK_DAYS = 7;

type LinkPayload = { a: string; c: string; l: string[]; x: number; o: string | null };

export type ResubscribeService = ReturnType<typeof createResubscribeService>;

export function createResubscribeService(deps: {
  db: Db;
  clock: Clock;
  tokens: SignedTokenCodec;
  mailer: Mailer;
  publicUrl: string;
}) {
  const { db, clock, tokens, mailer } = deps;
  const notFound = () => new AppError('NOT_FOUND', 'Contact not found');

  /** Sends the contact a confirmation link; nothing about the contact changes until it is followed. */
  async function requestResubscribe(accountId: string, contactId: string, body: { list_ids?: unknown }): Promise<void> {
    const given: unknown[] = Array.isArray(body.list_ids) ? body.list_ids : [];
    const lists = [...new Set(given.filter(isUuid).map((id) => id.toLowerCase()))];
    if (!lists.length || lists.length > 50 || given.some((id) => !isUuid(id))) {
      throw invalidFields({ list_ids: 'list_ids must hold 1 to 50 list ids (UUIDs)' });
    }
    const contact = isUuid(contactId) ? await repo.findContact(db, accountId, contactId.toLowerCase()) : undefined;
    if (!contact || contact.deleted_at) throw notFound();
    await assertReferences(db, accountId, { lists });
    if (!contact.email_address || contact.permission_to_send !== 'unsubscribed') {
      throw invalidFields({ contact_id: 'Only a contact whose email address is unsubscribed can be resubscribed' });
    }
    const payload: LinkPayload = {
      a: accountId,
      c: contact.contact_id,
      l: lists,
      x: clock.now().getTime() + LINK_DAYS * 86_400_000,
      o: contact.opt_out_date,
    };
    const link = `${deps.publicUrl}/contacts/resubscribe?token=${tokens.encode(CONTEXT, payload)}`;
    try {
      await mailer.send({
        to: contact.email_address,
        subject: 'Please confirm that you want to receive our emails again',
        link,
        text: `You asked to receive our emails again. Open this link and confirm to be subscribed:\n\n${link}\n\nThe link works for ${LINK_DAYS} days. If you did not ask for this, ignore this message: nothing changes.\n`,
      });
    } catch (error) {
      throw new AppError('UNAVAILABLE', 'The confirmation email could not be sent; try again in a minute', { cause: error });
    }
  }

  function readLink(token: unknown): LinkPayload | null {
    if (typeof token !== 'string') return null;
    const payload = tokens.decode(CONTEXT, token) as LinkPayload | null;
    return payload && typeof payload.x === 'number' && payload.x > clock.now().getTime() ? payload : null;
  }

  /** The contact followed the link: subscribed again (explicit, by the contact) and added to the lists. */
  async function confirmResubscribe(token: unknown): Promise<'subscribed' | 'invalid'> {
    const link = readLink(token);
    if (!link) return 'invalid';
    const now = clock.now().toISOString();
    return db.transaction().execute(async (trx) => {
      const log = await openChangeLog(trx, link.a, now);
      const contact = await repo.findContact(trx, link.a, link.c);
      if (!contact?.email_address || contact.deleted_at) return 'invalid';
      // A link is used once: after a later unsubscribe (another opt_out_date) it no longer applies.
      if (contact.permission_to_send !== 'unsubscribed' || contact.opt_out_date !== link.o) return 'subscribed';
      const email = { address: contact.email_address, permission: 'explicit' as const, optOutReason: null };
      const fields = { ...changedEmailFields(contact, email, 'Contact', now), confirm_status: 'confirmed' };
      log.add({ contactId: contact.contact_id, kind: 'updated' });
      const lists = [...(await refs.existingIds(trx, link.a, 'lists', link.l))];
      await writeMemberships(trx, { accountId: link.a, contactId: contact.contact_id, now, log }, lists, 'append');
      const seq = log.lastSeqOf(contact.contact_id)!;
      await repo.updateContact(trx, link.a, contact.contact_id, { ...fields, update_source: 'Contact', updated_at: now, change_seq: seq });
      await log.flush();
      return 'subscribed';
    });
  }

  return { requestResubscribe, readLink, confirmResubscribe };
}
