// Contacts as the dialect's JSON text, written by the database: a page of 500 contacts comes back as 500
// short rows (a seq, the contact's JSON) instead of 500 rows of 27 columns that would each become a JS
// string, then a view object, then JSON again. The text is byte for byte what JSON.stringify writes for
// toContactView's object (same field order, absent values omitted): SQLite's json_quote and PostgreSQL's
// to_json escape strings exactly as JSON.stringify does, and sms_channel is stored as JSON.stringify's text.
import { sql } from 'kysely';
import { isSqlite } from '../../db/planner.ts';
import {
  type ContactFilter,
  type Executor,
  type PageRange,
  selectContactsPage,
} from './contacts.repository.ts';

/** A contact's base JSON (no sub-resources) with what the pages need besides. */
export type ContactJsonRow = {
  /** created_seq or change_seq: the page's order key */
  seq: number;
  contact_id: string;
  updated_at: string;
  deleted_at: string | null;
  json: string;
};

/** [JSON name, column] in toContactView's order; `raw` columns hold JSON text already. */
type Field = readonly [name: string, column: string, raw?: 'raw'];
const HEAD: readonly Field[] = [
  ['contact_id', 'contact_id'],
  ['create_source', 'create_source'],
  ['created_at', 'created_at'],
  ['updated_at', 'updated_at'],
];
const EMAIL: readonly Field[] = [
  ['created_at', 'email_created_at'],
  ['updated_at', 'email_updated_at'],
  ['opt_in_source', 'opt_in_source'],
  ['opt_in_date', 'opt_in_date'],
  ['opt_out_source', 'opt_out_source'],
  ['opt_out_date', 'opt_out_date'],
  ['opt_out_reason', 'opt_out_reason'],
  ['confirm_status', 'confirm_status'],
];
const TAIL: readonly Field[] = [
  ['first_name', 'first_name'],
  ['last_name', 'last_name'],
  ['job_title', 'job_title'],
  ['company_name', 'company_name'],
  ['birthday_month', 'birthday_month'],
  ['birthday_day', 'birthday_day'],
  ['anniversary', 'anniversary'],
  ['update_source', 'update_source'],
  ['deleted_at', 'deleted_at'],
  ['sms_channel', 'sms_channel', 'raw'],
];

/** The SQL expression of a contact's JSON text, for one dialect (constant text: prepared once). */
function contactJsonSql(postgres: boolean): string {
  const quote = (column: string) => (postgres ? `to_json(contacts.${column})::text` : `json_quote(contacts.${column})`);
  const value = ([, column, raw]: Field) => (raw ? `contacts.${column}` : quote(column));
  const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;
  const always = (field: Field, first = false) => `${literal(`${first ? '' : ','}"${field[0]}":`)}, ${value(field)}`;
  // concat() skips NULLs in both dialects: an absent value is a NULL part.
  const optional = (field: Field) =>
    `CASE WHEN contacts.${field[1]} IS NOT NULL THEN ${literal(`,"${field[0]}":`)} || ${value(field)} END`;
  const email = `CASE WHEN contacts.email_address IS NOT NULL THEN concat(${[
    always(['address', 'email_address'], true),
    always(['permission_to_send', 'permission_to_send']),
    ...EMAIL.map(optional),
  ].join(', ')}) END`;
  const parts = [
    `'{'`,
    ...HEAD.map((field, i) => always(field, i === 0)),
    `CASE WHEN contacts.email_address IS NOT NULL THEN ',"email_address":{' END`,
    email,
    `CASE WHEN contacts.email_address IS NOT NULL THEN '}' END`,
    ...TAIL.map(optional),
    `'}'`,
  ];
  return `concat(${parts.join(', ')})`;
}

/**
 * The change feed's snapshot entry of a contact: `{seq, change: "created", changed_at, contact}`, or for a
 * deleted contact `{seq, change: "deleted", changed_at, contact: tombstone}`; the text changeJson and
 * tombstoneJson (feed-json.ts) write.
 */
function snapshotEntrySql(postgres: boolean): string {
  const quote = (column: string) => (postgres ? `to_json(contacts.${column})::text` : `json_quote(contacts.${column})`);
  const seq = `'{"seq":', contacts.change_seq`;
  const created = `concat(${seq}, ',"change":"created","changed_at":', ${quote('updated_at')}, ',"contact":', ${contactJsonSql(postgres)}, '}')`;
  const tombstone = `',"contact":{"contact_id":', ${quote('contact_id')}, ',"status":"deleted","deleted_at":', ${quote('deleted_at')}, '}}'`;
  const deleted = `concat(${seq}, ',"change":"deleted","changed_at":', ${quote('deleted_at')}, ${tombstone})`;
  return `CASE WHEN contacts.deleted_at IS NULL THEN ${created} ELSE ${deleted} END`;
}

const JSON_SQL = {
  contact: { sqlite: contactJsonSql(false), postgres: contactJsonSql(true) },
  snapshot: { sqlite: snapshotEntrySql(false), postgres: snapshotEntrySql(true) },
};

function jsonColumn(db: Executor, text: keyof typeof JSON_SQL = 'contact') {
  const dialect = isSqlite(db) ? 'sqlite' : 'postgres';
  return sql<string>`${sql.raw(JSON_SQL[text][dialect])}`.as('json');
}

const pageKey = (page: PageRange) =>
  sql<number>`contacts.${sql.raw(page.order === 'created' ? 'created_seq' : 'change_seq')}`.as('seq');

const COLUMNS = ['contacts.contact_id', 'contacts.updated_at', 'contacts.deleted_at'] as const;

/** One keyset page (see selectContactsPage) as JSON rows, in the page's order. */
export async function listContactJsonPage(
  db: Executor,
  accountId: string,
  filter: ContactFilter,
  page: PageRange,
): Promise<ContactJsonRow[]> {
  return selectContactsPage(db, accountId, filter, page)
    .select([pageKey(page), ...COLUMNS, jsonColumn(db)])
    .execute();
}

/**
 * One keyset page as its JSON texts alone, the least a page without sub-resources needs: each contact's
 * JSON, or with `text: 'snapshot'` each contact's entry in the change feed's snapshot.
 */
export async function listJsonTexts(
  db: Executor,
  accountId: string,
  filter: ContactFilter,
  page: PageRange,
  text: 'contact' | 'snapshot',
): Promise<{ seq: number; json: string }[]> {
  return selectContactsPage(db, accountId, filter, page).select([pageKey(page), jsonColumn(db, text)]).execute();
}

/** Contacts by id as JSON rows (seq: change_seq), in no particular order. */
export async function findContactJsonByIds(
  db: Executor,
  accountId: string,
  ids: readonly string[],
): Promise<ContactJsonRow[]> {
  if (!ids.length) return [];
  return db
    .selectFrom('contacts')
    .select([sql<number>`contacts.change_seq`.as('seq'), ...COLUMNS, jsonColumn(db)])
    .where('contacts.account_id', '=', accountId)
    .where('contacts.contact_id', 'in', ids)
    .execute();
}
