// The legacy v2 dialect's services, built over the /v3 contacts, lists and custom-fields services.
import type { Db } from '../../db/database.ts';
import type { Clock } from '../../shared/clock.ts';
import type { SignedTokenCodec } from '../../shared/signed-token.ts';
import type { ContactsService } from '../contacts/contacts.service.ts';
import type { CustomFieldsService } from '../custom-fields/custom-fields.service.ts';
import type { ListsService } from '../lists/lists.service.ts';
import { createV2ContactWrites } from './v2-contact-writes.service.ts';
import { createV2ContactsReader, type V2Page, type V2Query } from './v2-contacts.service.ts';
import { createV2ListsService } from './v2-lists.service.ts';

export function createLegacyV2Service(deps: {
  db: Db;
  clock: Clock;
  tokens: SignedTokenCodec;
  contacts: ContactsService;
  customFields: CustomFieldsService;
  lists: ListsService;
}) {
  const reader = createV2ContactsReader(deps);
  const lists = createV2ListsService(deps);
  return {
    reader,
    contacts: createV2ContactWrites({ ...deps, reader }),
    lists,
    /** GET /v2/lists/{id}/contacts: the members of a list that is not deleted (404 otherwise), paged. */
    async listMembers(accountId: string, id: string, query: V2Query): Promise<V2Page> {
      const list = await lists.findLive(accountId, id);
      return reader.readPage(accountId, `/v2/lists/${id}/contacts`, query, list.list_id);
    },
  };
}

export type LegacyV2Service = ReturnType<typeof createLegacyV2Service>;
