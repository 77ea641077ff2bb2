// Request bodies of the bulk activities (the dialect's field names); the services check ids and counts.
import { Type } from '@sinclair/typebox';
import { Body } from '../../http/api-schemas.ts';

const Ids = (description: string) => Type.Optional(Type.Array(Type.String(), { description }));
const Exclude = Type.Optional(Type.Object({ contact_ids: Ids('Contacts left out') }, { additionalProperties: false }));
const Source = Type.Object(
  {
    contact_ids: Ids('These contacts (up to 500)'),
    list_ids: Ids('Members of these lists (up to 50)'),
    tag_ids: Ids('Contacts with these tags (up to 50)'),
    all_active_contacts: Type.Optional(Type.Boolean({ description: 'Every contact that is not deleted nor unsubscribed' })),
  },
  { additionalProperties: false, description: 'Exactly one of the four' },
);

export const JsonImportBody = Body(
  {
    import_data: Type.Array(Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Null()])), {
      description: 'Contacts: email, first_name, last_name, …, "cf:<custom field name>"',
    }),
    list_ids: Type.Array(Type.String(), { description: 'Lists every imported contact joins (1 to 50)' }),
    sms_permission_to_send: Type.Optional(
      Type.String({ description: 'explicit or not_set; accepted, with no effect: sms_* columns are refused (Listgate sends no SMS)' }),
    ),
  },
  'Contacts to create or update by email address',
);

export const ListsActivityBody = Body(
  { source: Source, list_ids: Type.Array(Type.String(), { description: 'Target lists (1 to 50)' }), exclude: Exclude },
  'Adds the source contacts to (or removes them from) the lists',
);

export const TagsActivityBody = Body(
  { source: Source, tag_ids: Type.Array(Type.String(), { description: 'Target tags (1 to 50)' }), exclude: Exclude },
  'Tags (or untags) the source contacts',
);

export const ContactDeleteBody = Body(
  { contact_ids: Ids('These contacts (up to 500)'), list_ids: Ids('Every member of these lists (up to 50)') },
  'Deletes contacts: contact_ids or list_ids',
);

export const TagsDeleteBody = Body({ tag_ids: Type.Array(Type.String()) }, 'Tags to delete (their taggings first)');

export const CustomFieldsDeleteBody = Body({ custom_field_ids: Type.Array(Type.String()) }, 'Custom fields to delete (their values first)');

export const ExportBody = Body(
  {
    contact_ids: Ids('These contacts (up to 500)'),
    list_ids: Ids('Members of these lists'),
    tag_ids: Ids('Contacts with these tags'),
    status: Type.Optional(Type.String({ description: 'all (default), active, deleted, or a permission_to_send value' })),
    fields: Type.Optional(Type.Array(Type.String(), { description: 'Columns: email, first_name, … or cf:<name>' })),
    exclude: Exclude,
  },
  'Which contacts to export, and which columns',
);

export const ExportParams = Type.Object({ file_export_id: Type.String({ description: 'The export activity id' }) });
