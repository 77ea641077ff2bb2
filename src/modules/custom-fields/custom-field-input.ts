// Validation of custom-field bodies: label, type, the name derived from the label, and the choices of
// select types (ids kept across updates so that stored values keep pointing at the same choice).
import { invalidFields } from '../../errors.ts';
import { cleanText } from '../../shared/validate.ts';
import type { Choice } from './custom-fields.repository.ts';

export const FIELD_TYPES = [
  'string',
  'text_area',
  'number',
  'currency',
  'date',
  'datetime',
  'boolean',
  'single_select',
  'multi_select',
] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export const MAX_FIELDS = 100;
const MAX_CHOICES = 100;

export type ChoiceInput = { choice_id?: number; choice_label?: unknown; display_order?: number };

export const isSelect = (type: string) => type === 'single_select' || type === 'multi_select';

export function parseLabel(value: unknown): string {
  const label = cleanText(value, 50);
  if (!label) throw invalidFields({ label: 'label is required: 1 to 50 characters on one line' });
  return label;
}

export function parseType(value: unknown): FieldType {
  if (!FIELD_TYPES.includes(value as FieldType)) throw invalidFields({ type: `type must be one of ${FIELD_TYPES.join(', ')}` });
  return value as FieldType;
}

/** The dialect's display metadata: kept as given (known keys only); number rules come from it. */
export type FieldMetadata = {
  display_type?: string;
  allow_negative?: boolean;
  decimal_places?: number;
  currency_code?: string;
  integer?: boolean;
  display_format?: string;
};

export function parseMetadata(value: unknown): FieldMetadata | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidFields({ metadata: 'metadata must be an object' });
  const m = value as Record<string, unknown>;
  const out: FieldMetadata = {};
  const errors: Record<string, string> = {};
  for (const key of ['display_type', 'currency_code', 'display_format'] as const) {
    if (m[key] === undefined) continue;
    const text = cleanText(m[key], 32);
    if (text) out[key] = text;
    else errors[`metadata.${key}`] = `metadata.${key} must be a string of 1 to 32 characters`;
  }
  for (const key of ['allow_negative', 'integer'] as const) {
    if (m[key] === undefined) continue;
    if (typeof m[key] === 'boolean') out[key] = m[key];
    else errors[`metadata.${key}`] = `metadata.${key} must be true or false`;
  }
  if (m.decimal_places !== undefined) {
    const n = m.decimal_places;
    if (typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 10) out.decimal_places = n;
    else errors['metadata.decimal_places'] = 'metadata.decimal_places must be an integer from 0 to 10';
  }
  if (Object.keys(errors).length) throw invalidFields(errors);
  return out;
}

/** The dialect builds the unique name from the label by replacing blanks with underscores. */
export function nameFromLabel(label: string): string {
  return label.replace(/\s+/g, '_');
}

/**
 * Choices as stored: select types need 1–100 with distinct labels, other types take none. Given ids must
 * name existing choices (`previous`); new choices get the next free ids.
 */
export function parseChoices(type: string, input: ChoiceInput[] | undefined, previous: Choice[] = []): Choice[] | null {
  if (!isSelect(type)) {
    if (input?.length) throw invalidFields({ choices: 'choices apply only to single_select and multi_select fields' });
    return null;
  }
  if (!input?.length || input.length > MAX_CHOICES) {
    throw invalidFields({ choices: `a ${type} field needs 1 to ${MAX_CHOICES} choices` });
  }
  const known = new Set(previous.map((c) => c.choice_id));
  let nextId = Math.max(0, ...known) + 1;
  const labels = new Set<string>();
  const ids = new Set<number>();
  return input.map((choice, i) => {
    const label = cleanText(choice.choice_label, 255);
    if (!label) throw invalidFields({ [`choices[${i}].choice_label`]: `choices[${i}].choice_label must be 1 to 255 characters` });
    if (labels.has(label.toLowerCase())) throw invalidFields({ choices: `choice "${label}" appears twice` });
    labels.add(label.toLowerCase());
    if (choice.choice_id !== undefined && !known.has(choice.choice_id)) {
      throw invalidFields({ [`choices[${i}].choice_id`]: `choices[${i}].choice_id ${choice.choice_id} is not a choice of this field` });
    }
    const id = choice.choice_id ?? nextId++;
    if (ids.has(id)) throw invalidFields({ choices: `choice_id ${id} appears twice` });
    ids.add(id);
    return { choice_id: id, choice_label: label, display_order: choice.display_order ?? i + 1 };
  });
}
