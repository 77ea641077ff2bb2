// The stored parts of a page of v2 contacts (lists, phones, addresses, slot custom fields, notes): one query
// per kind for the whole page, the rows grouped by contact as they come, with no per-row mapping (the v2
// view reads the rows themselves). Taggings are not loaded: v2 has no tags.
import type { Db } from '../../db/database.ts';
import * as parts from '../contacts/contact-parts.repository.ts';
import type { V2Parts } from './v2-contact-view.ts';

/** The parts of the contacts `ids`, by contact; a contact with none has no entry. */
export async function loadV2Parts(db: Db, accountId: string, ids: readonly string[], withCustomFields: boolean): Promise<Map<string, V2Parts>> {
  const [memberships, phones, addresses, customValues, notes] = await Promise.all([
    parts.loadMemberships(db, accountId, ids),
    parts.loadPhones(db, accountId, ids),
    parts.loadAddresses(db, accountId, ids),
    withCustomFields ? parts.loadCustomValues(db, accountId, ids) : [],
    parts.loadNotes(db, accountId, ids),
  ]);
  const byContact = new Map<string, V2Parts>();
  const of = (contactId: string): V2Parts => {
    const found = byContact.get(contactId);
    if (found) return found;
    const created: V2Parts = {};
    byContact.set(contactId, created);
    return created;
  };
  const add = <K extends keyof V2Parts>(contactId: string, kind: K, item: NonNullable<V2Parts[K]>[number]) => {
    const entry = of(contactId);
    const list = entry[kind] as unknown[] | undefined;
    if (list) list.push(item);
    else entry[kind] = [item] as V2Parts[K];
  };
  for (const m of memberships) add(m.contact_id, 'listIds', m.list_id);
  for (const p of phones) add(p.contact_id, 'phones', p);
  for (const a of addresses) add(a.contact_id, 'addresses', a);
  for (const c of customValues) add(c.contact_id, 'customValues', c);
  for (const n of notes) add(n.contact_id, 'notes', n);
  return byContact;
}
