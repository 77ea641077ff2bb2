// Request and response schemas of /v3/contact_custom_fields (the dialect's CustomField and its collection).
import { Type } from '@sinclair/typebox';
import { Body, Cursor, Limit, PageLinks, StringEnum, Timestamp, Uuid } from '../../http/api-schemas.ts';
import { FIELD_TYPES } from './custom-field-input.ts';

const Metadata = Type.Object(
  {
    display_type: Type.Optional(Type.String({ maxLength: 32 })),
    allow_negative: Type.Optional(Type.Boolean()),
    decimal_places: Type.Optional(Type.Integer({ minimum: 0, maximum: 10 })),
    currency_code: Type.Optional(Type.String({ maxLength: 32 })),
    integer: Type.Optional(Type.Boolean()),
    display_format: Type.Optional(Type.String({ maxLength: 32 })),
  },
  { description: 'Display metadata, kept as given; allow_negative, integer and decimal_places also check values' },
);

const Choice = Type.Object({
  choice_id: Type.Integer({ minimum: 1 }),
  choice_label: Type.String(),
  display_order: Type.Integer(),
});

export const CustomField = Type.Object(
  {
    custom_field_id: Uuid('Unique ID of the custom field'),
    label: Type.String({ description: 'Label shown to people' }),
    name: Type.String({ description: 'Unique name, built from the label with blanks replaced by underscores' }),
    type: StringEnum(FIELD_TYPES),
    choices: Type.Optional(Type.Array(Choice, { description: 'Choices of single_select and multi_select fields' })),
    metadata: Type.Optional(Metadata),
    version: Type.Optional(Type.Integer()),
    created_at: Timestamp('When the field was created'),
    updated_at: Timestamp('When the field last changed'),
  },
  { description: 'A custom contact field' },
);

export const CustomFieldParams = Type.Object({ custom_field_id: Uuid('The ID of the custom field') });

export const CustomFieldsQuery = Type.Object({ limit: Limit(100), cursor: Cursor });

const ChoiceInput = Type.Object(
  {
    choice_id: Type.Optional(Type.Integer({ minimum: 1, description: 'Keeps an existing choice (PUT)' })),
    choice_label: Type.String({ maxLength: 255 }),
    display_order: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
  },
  { additionalProperties: false },
);

export const CustomFieldPostBody = Body(
  {
    label: Type.String({ description: 'Label (1–50 characters)' }),
    type: StringEnum(FIELD_TYPES, { description: 'The kind of value the field holds' }),
    choices: Type.Optional(Type.Array(ChoiceInput, { maxItems: 100 })),
    metadata: Type.Optional(Metadata),
    version: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'Kept as given' })),
  },
  'A new custom field (at most 100 per account)',
);

export const CustomFieldPutBody = Body(
  {
    label: Type.String({ description: 'Label (1–50 characters)' }),
    choices: Type.Optional(Type.Array(ChoiceInput, { maxItems: 100 })),
  },
  'The label and choices; the type and name cannot change',
);

export const CustomFieldPage = Type.Object({ custom_fields: Type.Array(CustomField), _links: PageLinks });
