// Request and response schemas of /v2 (the legacy dialect's Contact, ContactList and collection envelope),
// for validation of the query strings and for /openapi.json. Bodies are taken loosely (SDKs send read-only
// fields and nulls back); the services check what they use.
import { Type } from '@sinclair/typebox';
import { StringEnum } from '../../http/api-schemas.ts';
import { ACTION_BY } from './v2-contact-input.ts';
import { V2_ACTIVITY_STATUSES, V2_ACTIVITY_TYPES, V2_STATUSES } from './v2-mapping.ts';

const Str = (description?: string) => Type.String(description ? { description } : {});
const When = (description: string) => Type.String({ description: `${description} (ISO-8601, UTC, milliseconds)` });
const Flag = (description: string) => Type.Optional(Type.String({ description, enum: ['true', 'false'] }));
const ApiKey = Type.Optional(Type.String({ description: "The app's API key (client_id); required on every /v2 call" }));

export const V2Contact = Type.Object(
  {
    id: Str('The contact\'s number in the account (digits)'),
    status: StringEnum(V2_STATUSES, { description: 'Derived from permission, deletion and lists (docs/api-v2.md)' }),
    first_name: Str(), middle_name: Str('Kept for v2 only (no v3 field)'), last_name: Str(), prefix_name: Str('Kept for v2 only (no v3 field)'),
    job_title: Str(), company_name: Str(), department_name: Str('Kept for v2 only (no v3 field)'),
    home_phone: Str(), work_phone: Str(), cell_phone: Str(), fax: Str(),
    confirmed: Type.Boolean(), source: Str(), source_details: Str('Not kept: always ""'),
    created_date: When('When the contact was created'), modified_date: When('When the contact last changed'),
    email_addresses: Type.Array(Type.Object({
      id: Str(), email_address: Str(), status: StringEnum(V2_STATUSES),
      confirm_status: StringEnum(['CONFIRMED', 'NO_CONFIRMATION_REQUIRED', 'UNCONFIRMED'] as const),
      opt_in_source: StringEnum(ACTION_BY), opt_in_date: Type.Optional(Str()), opt_out_date: Type.Optional(Str()),
    })),
    lists: Type.Array(Type.Object({ id: Str('List number'), status: StringEnum(['ACTIVE', 'HIDDEN'] as const) })),
    addresses: Type.Array(Type.Object({
      id: Str(), address_type: StringEnum(['PERSONAL', 'BUSINESS'] as const), line1: Str(), line2: Str(), line3: Str(),
      city: Str(), state: Str(), state_code: Str(), country_code: Str(), postal_code: Str(), sub_postal_code: Str(),
    })),
    custom_fields: Type.Array(Type.Object({ name: Str('CustomField1 … CustomField15'), value: Str() })),
    notes: Type.Array(Type.Object({ id: Str(), note: Str(), created_date: Str(), modified_date: Str() })),
    contact_id: Type.Optional(Type.String({ format: 'uuid', description: 'The v3 id, with include_contact_id=true' })),
  },
  { description: 'A contact in the legacy v2 shape' },
);

export const V2ContactPage = Type.Object({
  meta: Type.Object({ pagination: Type.Object({ next_link: Type.Optional(Str('/v2/…?next=<token>; absent on the last page')) }) }),
  results: Type.Array(V2Contact),
});

export const V2List = Type.Object(
  {
    id: Str('The list\'s number in the account (digits)'),
    name: Str(),
    status: StringEnum(['ACTIVE', 'HIDDEN'] as const),
    contact_count: Type.Integer({ description: 'Members that are not deleted' }),
    created_date: When('When the list was created'),
    modified_date: When('When the list last changed'),
    list_id: Type.Optional(Type.String({ format: 'uuid', description: 'The v3 id, with include_list_id=true' })),
  },
  { description: 'A contact list in the legacy v2 shape' },
);

export const ContactsQuery = Type.Object({
  api_key: ApiKey,
  email: Type.Optional(Str('Exact email address')),
  status: Type.Optional(Str(`ALL (default), ${V2_STATUSES.join(', ')}`)),
  limit: Type.Optional(Str('1–500, default 50')),
  modified_since: Type.Optional(Str('Contacts changed on or after this ISO-8601 instant')),
  next: Type.Optional(Str('The token of meta.pagination.next_link; sent alone, it carries every filter')),
  include_contact_id: Flag('Adds contact_id, the v3 id'),
});
export const MembersQuery = Type.Omit(ContactsQuery, ['email', 'status']);
export const WriteQuery = Type.Object({
  api_key: ApiKey,
  action_by: Type.Optional(StringEnum(ACTION_BY, { description: 'Who acts: the owner (default) or the person (visitor)' })),
  include_contact_id: Flag('Adds contact_id, the v3 id'),
});
export const ListsQuery = Type.Object({
  api_key: ApiKey,
  modified_since: Type.Optional(Str('Lists changed on or after this ISO-8601 instant')),
  include_list_id: Flag('Adds list_id, the v3 id'),
});
export const ApiKeyQuery = Type.Object({ api_key: ApiKey });
export const IdParams = Type.Object({ id: Str('A contact or list number') });
export const ListIdParams = Type.Object({ id: Str('The contact number'), listId: Str('The list number') });

export const V2ContactBody = Type.Object(
  {},
  {
    additionalProperties: true,
    description:
      'A Contact (§3 of the v2 reference): email_addresses[0].email_address, names, phones, addresses, custom_fields, notes, lists[{id}]; read-only fields and nulls are ignored',
  },
);
export const V2ListBody = Type.Object({}, { additionalProperties: true, description: 'A ContactList: name, status (ACTIVE, HIDDEN, or REMOVED which is kept as HIDDEN)' });

const ActivityError = Type.Object({ message: Str(), line_number: Type.Integer({ description: '0 when not about a row' }), email_address: Str() });
export const V2Activity = Type.Object(
  {
    id: Str('The activity id (32 lowercase alphanumerics)'),
    type: StringEnum(V2_ACTIVITY_TYPES),
    status: Type.Optional(StringEnum(V2_ACTIVITY_STATUSES)),
    created_date: Type.Optional(When('When the activity was created')),
    start_date: Type.Optional(When('When it started running')),
    finish_date: Type.Optional(When('When it finished')),
    error_count: Type.Integer({ description: 'Rows that could not be applied' }),
    contact_count: Type.Integer({ description: 'Contacts (rows) the activity works on' }),
    errors: Type.Optional(Type.Array(ActivityError)),
    warnings: Type.Optional(Type.Array(ActivityError)),
    file_name: Type.Optional(Str('Export: where its CSV is downloaded (GET, same token)')),
  },
  { description: 'A bulk activity in the legacy v2 shape; the POST answer holds only id, type, error_count, contact_count' },
);
export const ActivitiesQuery = Type.Object({
  api_key: ApiKey,
  status: Type.Optional(Str(V2_ACTIVITY_STATUSES.join(', '))),
  type: Type.Optional(Str(V2_ACTIVITY_TYPES.join(', '))),
});
export const V2BulkBody = Type.Object({}, { additionalProperties: true, description: 'The v2 bulk body (docs/api-v2.md)' });
