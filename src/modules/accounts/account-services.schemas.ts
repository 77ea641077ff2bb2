// Schemas of /v3/account/emails and /v3/account/user/privileges (the dialect's account services).
import { Type } from '@sinclair/typebox';

export const AccountEmail = Type.Object({
  email_address: Type.String(),
  email_id: Type.Integer(),
  confirm_status: Type.String({ description: 'CONFIRMED or UNCONFIRMED' }),
  confirm_time: Type.Optional(Type.String()),
  confirm_source_type: Type.Optional(Type.String()),
  roles: Type.Array(Type.String(), { description: 'CONTACT, BILLING, JOURNALING, REPLY_TO, OTHER' }),
  pending_roles: Type.Array(Type.String()),
});

export const EmailsQuery = Type.Object({
  confirm_status: Type.Optional(Type.String({ description: 'CONFIRMED (C) or UNCONFIRMED (U)' })),
  role_code: Type.Optional(Type.String({ description: 'CONTACT, BILLING, JOURNALING, REPLY_TO or OTHER (or its first letter)' })),
  email_address: Type.Optional(Type.String({ description: 'Only this address' })),
});

export const AddEmailBody = Type.Object(
  { email_address: Type.String({ maxLength: 320 }) },
  { additionalProperties: false, description: 'An address to add to the account, unconfirmed' },
);

export const AddedEmail = Type.Object({ email_address: Type.String(), email_id: Type.Integer(), confirm_status: Type.String() });

export const Privilege = Type.Object({ privilege_id: Type.Integer(), privilege_name: Type.String() });
