// A contact's custom field values checked against their field: the type (number, currency, date, datetime,
// boolean, text lengths) and, for select types, the field's choices. Pure: the bulk import reuses it.
import { parseTimestamp } from './formats.ts';
import type { CustomValueInput } from './contact-input.ts';

export type FieldDefinition = {
  type: string;
  choices: { choice_id: number; choice_label: string }[];
  metadata: { integer?: boolean; allow_negative?: boolean; decimal_places?: number };
};

/** A value as stored: `value` for plain types, `choice_ids` (and an empty value) for select types. */
export type CheckedValue = { custom_field_id: string; value: string; choice_ids: number[] | null };

export const TEXT_LIMITS: Record<string, number> = { string: 255, text_area: 1000 };

type Errors = Record<string, string>;

function checkNumber(value: string, type: string, meta: FieldDefinition['metadata']): string | null {
  const m = /^(-?)(\d{1,15})(?:\.(\d+))?$/.exec(value);
  if (!m) return `must be a ${type === 'currency' ? 'currency amount' : 'number'}, such as 12.5`;
  if (m[1] && meta.allow_negative === false) return 'must not be negative';
  const decimals = m[3]?.length ?? 0;
  const allowed = type === 'currency' ? Math.min(meta.decimal_places ?? 2, 2) : meta.integer ? 0 : meta.decimal_places;
  if (allowed !== undefined && decimals > allowed) return `must have at most ${allowed} decimal places`;
  return null;
}

function isDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value) ?? /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(value);
  if (!m) return false;
  const [y, mo, d] = value.includes('/') ? [m[3], m[1], m[2]] : [m[1], m[2], m[3]];
  const date = new Date(`${y}-${mo}-${d}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === `${y}-${mo}-${d}`;
}

/** The choice ids a select value names: `choice_ids`, or a value naming choice labels (comma-separated). */
function selectIds(input: CustomValueInput, field: FieldDefinition): { ids: number[]; unknown: string[] } {
  const byLabel = new Map(field.choices.map((c) => [c.choice_label.toLowerCase(), c.choice_id]));
  const known = new Set(field.choices.map((c) => c.choice_id));
  const given = input.choice_ids ?? (input.value ? input.value.split(',').map((s) => s.trim()).filter(Boolean) : []);
  const ids: number[] = [];
  const unknown: string[] = [];
  for (const raw of given) {
    const id = input.choice_ids ? Number(raw) : byLabel.get(raw.toLowerCase());
    if (id !== undefined && known.has(id)) ids.push(id);
    else unknown.push(raw);
  }
  return { ids: [...new Set(ids)], unknown };
}

/** Checks each value against its field (`fields` holds the account's fields by id); errors name the item. */
export function checkCustomValues(
  errors: Errors,
  values: readonly CustomValueInput[],
  fields: ReadonlyMap<string, FieldDefinition>,
): CheckedValue[] {
  return values.flatMap((input, i): CheckedValue[] => {
    const name = `custom_fields[${i}]`;
    const field = fields.get(input.custom_field_id);
    if (!field) {
      errors[`${name}.custom_field_id`] = `${name}: ${input.custom_field_id} does not exist`;
      return [];
    }
    if (field.type === 'single_select' || field.type === 'multi_select') {
      const { ids, unknown } = selectIds(input, field);
      if (unknown.length) errors[`${name}.choice_ids`] = `${name}.choice_ids: ${unknown.join(', ')} is not a choice of the field`;
      else if (field.type === 'single_select' && ids.length > 1) errors[`${name}.choice_ids`] = `${name}.choice_ids: a single_select field takes one choice`;
      return [{ custom_field_id: input.custom_field_id, value: '', choice_ids: ids }];
    }
    if (input.choice_ids) errors[`${name}.choice_ids`] = `${name}.choice_ids apply only to single_select and multi_select fields`;
    const value = input.value;
    let problem: string | null = null;
    if (field.type === 'number' || field.type === 'currency') problem = value ? checkNumber(value, field.type, field.metadata) : null;
    else if (field.type === 'date') problem = value && !isDate(value) ? 'must be a date such as 2026-05-31 or 05/31/2026' : null;
    else if (field.type === 'datetime') problem = value && !parseTimestamp(value) ? 'must be an ISO-8601 date-time such as 2026-05-31T09:30:00Z' : null;
    else if (field.type === 'boolean') problem = value && !/^(true|false)$/i.test(value) ? 'must be true or false' : null;
    const max = TEXT_LIMITS[field.type] ?? 255;
    if (!problem && value.length > max) problem = `must be at most ${max} characters`;
    if (problem) errors[`${name}.value`] = `${name}.value ${problem}`;
    const stored = field.type === 'boolean' ? value.toLowerCase() : value;
    return [{ custom_field_id: input.custom_field_id, value: stored, choice_ids: null }];
  });
}
