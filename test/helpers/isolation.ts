// Helpers of the tenant-isolation test: every row an account owns, read from every table with an
// account_id column (so tables added later are covered), and sample request bodies built from schemas.
import { sql } from 'kysely';
import type { Db } from '../../src/db/database.ts';

export type Schema = {
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  anyOf?: Schema[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  minimum?: number;
};

/** A canonical dump of the account row and of every row carrying its account_id. */
export async function accountSnapshot(db: Db, accountId: string): Promise<string> {
  const tables = await db.introspection.getTables();
  const dump: Record<string, unknown[]> = {};
  const account = await sql`select * from accounts where id = ${accountId}`.execute(db);
  dump.accounts = account.rows;
  for (const table of tables.filter((t) => t.columns.some((c) => c.name === 'account_id')).sort((x, y) => x.name.localeCompare(y.name))) {
    const rows = await sql`select * from ${sql.table(table.name)} where account_id = ${accountId}`.execute(db);
    dump[table.name] = rows.rows.map((r) => JSON.stringify(r, Object.keys(r as object).sort())).sort();
  }
  return JSON.stringify(dump);
}

// Bodies a caller would send, pointing at the other account's resources wherever they name one.
const CURATED: Record<string, (ids: Record<string, string>) => unknown> = {
  'POST /v3/contacts': (ids) => ({
    email_address: { address: 'intruder@a.example' },
    create_source: 'Account',
    list_memberships: [ids.list_id],
    taggings: [ids.tag_id],
    custom_fields: [{ custom_field_id: ids.custom_field_id, value: 'x' }],
  }),
  'PUT /v3/contacts/{contact_id}': () => ({ email_address: { address: 'b0@b.example' }, update_source: 'Account', first_name: 'Intruder' }),
  'POST /v3/contacts/sign_up_form': (ids) => ({ email_address: 'b0@b.example', list_memberships: [ids.list_id] }),
  'POST /v3/contact_lists': () => ({ name: 'B list 0' }),
  'PUT /v3/contact_lists/{list_id}': () => ({ name: 'Intruder' }),
  'POST /v3/contact_tags': () => ({ name: 'b-tag-0' }),
  'PUT /v3/contact_tags/{tag_id}': () => ({ name: 'intruder' }),
  'POST /v3/contact_custom_fields': () => ({ label: 'B field 0', type: 'string' }),
  'PUT /v3/contact_custom_fields/{custom_field_id}': () => ({ label: 'Intruder' }),
  'PUT /v3/account/summary': () => ({ organization_name: 'Intruder' }),
};

/** The curated body of a known route, else one generated from its schema (B's ids for id-like fields). */
export function sampleBody(schema: Schema, ids: Record<string, string>, route: string): unknown {
  return CURATED[route]?.(ids) ?? sample(schema, '', ids);
}

function idFor(name: string, ids: Record<string, string>): string {
  const key = Object.keys(ids).find((k) => name.includes(k.replace(/_id$/, '')));
  return ids[key ?? 'contact_id'] ?? '00000000-0000-4000-8000-000000000000';
}

function sample(schema: Schema, name: string, ids: Record<string, string>): unknown {
  if (schema.enum) return schema.enum[0];
  if (schema.anyOf?.length) return sample(schema.anyOf[0]!, name, ids);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'object':
      return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([key, value]) => [key, sample(value, key, ids)]));
    case 'array':
      return schema.items ? [sample(schema.items, name, ids)] : [];
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return true;
    case 'string':
      if (schema.format === 'uuid' || /(^|_)ids?$|lists|tags|memberships|taggings/.test(name)) return idFor(name, ids);
      if (schema.format === 'email' || name.includes('email')) return 'intruder@a.example';
      if (schema.format === 'date-time') return new Date(0).toISOString();
      return 'intruder';
    default:
      return {};
  }
}
