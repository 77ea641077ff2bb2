// Account-defined contact fields: create (at most 100 per account), read, page by name, relabel and edit
// choices, and delete together with every contact's value for the field, in one transaction.
import type { Db } from '../../db/database.ts';
import { isUniqueViolation } from '../../db/unique-violation.ts';
import { AppError } from '../../errors.ts';
import type { Clock } from '../../shared/clock.ts';
import { newId } from '../../shared/crypto.ts';
import { nextCursor, openPage, pageLinks } from '../../shared/page-cursor.ts';
import type { SignedTokenCodec } from '../../shared/signed-token.ts';
import { recordBulkChanges } from '../contacts/change-log.ts';
import { lockChangeSeq } from '../contacts/contact-changes.repository.ts';
import {
  type ChoiceInput,
  MAX_FIELDS,
  nameFromLabel,
  parseChoices,
  parseLabel,
  parseMetadata,
  parseType,
} from './custom-field-input.ts';
import * as repo from './custom-fields.repository.ts';
import type { ApiCustomField, Choice } from './custom-fields.repository.ts';

export type CustomFieldInput = { label?: unknown; type?: unknown; choices?: ChoiceInput[]; metadata?: unknown; version?: number };
export type CustomFieldsQuery = { limit?: number; cursor?: string };

export type CustomFieldsService = ReturnType<typeof createCustomFieldsService>;

export function createCustomFieldsService(deps: { db: Db; clock: Clock; cursors: SignedTokenCodec }) {
  const { db, clock, cursors } = deps;
  const notFound = () => new AppError('NOT_FOUND', 'Custom field not found');
  const duplicate = (name: string) => new AppError('CONFLICT', `A custom field named "${name}" already exists`);

  async function listCustomFields(accountId: string, input: CustomFieldsQuery) {
    const { cursor, ...given } = input;
    const scope = { resource: 'contact_custom_fields', accountId };
    const page = openPage<string>(cursors, scope, given, cursor);
    const limit = (page.query.limit as number | undefined) ?? 50;
    const rows = await repo.listCustomFields(db, accountId, page.position, limit);
    const shown = rows.slice(0, limit);
    const last = shown.at(-1);
    const next = rows.length > limit && last ? nextCursor(cursors, scope, page.query, last.name) : null;
    return { custom_fields: shown.map(repo.toApiCustomField), _links: pageLinks('/v3/contact_custom_fields', next) };
  }

  async function getCustomField(accountId: string, id: string): Promise<ApiCustomField> {
    const row = await repo.findCustomField(db, accountId, id);
    if (!row) throw notFound();
    return repo.toApiCustomField(row);
  }

  async function createCustomField(accountId: string, input: CustomFieldInput): Promise<ApiCustomField> {
    const label = parseLabel(input.label);
    const type = parseType(input.type);
    const choices = parseChoices(type, input.choices);
    const metadata = parseMetadata(input.metadata);
    const now = clock.now().toISOString();
    const row = {
      custom_field_id: newId(),
      account_id: accountId,
      label,
      name: nameFromLabel(label),
      type,
      choices: choices ? JSON.stringify(choices) : null,
      metadata: metadata ? JSON.stringify(metadata) : null,
      version: input.version ?? null,
      created_at: now,
      updated_at: now,
    };
    try {
      await db.transaction().execute(async (trx) => {
        // Counted and inserted in one transaction; two racing creators may still both pass (a soft cap).
        if ((await repo.countCustomFields(trx, accountId)) >= MAX_FIELDS) {
          throw new AppError('CONFLICT', `An account can have at most ${MAX_FIELDS} custom fields`);
        }
        await repo.insertCustomField(trx, row);
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw duplicate(row.name);
      throw error;
    }
    return repo.toApiCustomField(row);
  }

  /** PUT replaces the label and, for select types, the choices; the type and the name never change. */
  async function updateCustomField(accountId: string, id: string, input: CustomFieldInput): Promise<ApiCustomField> {
    const current = await repo.findCustomField(db, accountId, id);
    if (!current) throw notFound();
    const label = parseLabel(input.label);
    const previous = current.choices ? (JSON.parse(current.choices) as Choice[]) : [];
    const choices = parseChoices(current.type, input.choices, previous);
    const fields = { label, choices: choices ? JSON.stringify(choices) : null, updated_at: clock.now().toISOString() };
    if (!(await repo.updateCustomField(db, accountId, id, fields))) throw notFound();
    return repo.toApiCustomField({ ...current, ...fields });
  }

  /** Removes the field and every contact's value for it; each such contact counts as updated. */
  async function deleteCustomField(accountId: string, id: string): Promise<void> {
    await db.transaction().execute(async (trx) => {
      // The account's change sequence first, as every contact writer does, so writers cannot deadlock.
      await lockChangeSeq(trx, accountId);
      if (!(await repo.findCustomField(trx, accountId, id))) throw notFound();
      const contactIds = await repo.deleteValues(trx, accountId, id);
      const now = clock.now().toISOString();
      await recordBulkChanges(trx, accountId, now, contactIds.map((contactId) => ({ contactId, kind: 'updated' as const })));
      await repo.deleteCustomField(trx, accountId, id);
    });
  }

  return { listCustomFields, getCustomField, createCustomField, updateCustomField, deleteCustomField };
}
