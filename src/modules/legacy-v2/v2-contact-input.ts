// A v2 Contact as sent (often the object read back, read-only fields and PHP's nulls included) → the v3 body
// that POST/PUT /v3/contacts validate and write. Read-only fields are ignored; null means "not given".
// On PUT, whatever v2 cannot express (birthday, anniversary, tags, other custom fields, an `other` address)
// is carried over from the current contact, so a v2 full replace never wipes v3-only data.
import { AppError, invalidFields } from '../../errors.ts';
import type { FieldErrors } from '../../http/schema-check.ts';
import { hasControlChars } from '../../shared/validate.ts';
import type { ContactView } from '../contacts/contact-view.ts';
import { ADDRESS_SLOTS, CUSTOM_FIELD_SLOTS, PHONE_SLOTS, toV3Address, V2_ONLY_FIELDS } from './v2-mapping.ts';

export const ACTION_BY = ['ACTION_BY_OWNER', 'ACTION_BY_VISITOR'] as const;
export type ActionBy = (typeof ACTION_BY)[number];

/** `action_by` of the query string: absent means the owner (RB sends nothing for the owner case). */
export function parseActionBy(value: string | undefined): ActionBy {
  if (value === undefined || value === '') return 'ACTION_BY_OWNER';
  const upper = value.toUpperCase();
  if (!(ACTION_BY as readonly string[]).includes(upper)) {
    throw invalidFields({ action_by: `action_by must be ${ACTION_BY.join(' or ')}` });
  }
  return upper as ActionBy;
}

type Body = Record<string, unknown>;
/** What the translation needs to know about the account: list numbers → ids, slot names → field ids. */
export type V2WriteContext = {
  listIds: ReadonlyMap<number, string>;
  slotIds: ReadonlyMap<string, string>;
};

const given = (v: unknown) => v !== undefined && v !== null;
const objects = (v: unknown): Body[] | undefined =>
  Array.isArray(v) ? v.filter((x): x is Body => typeof x === 'object' && x !== null && !Array.isArray(x)) : undefined;

/** `CustomField3` or `custom_field_3` (the bulk files' spelling) → `CustomField3`; null otherwise. */
export function slotName(name: unknown): string | null {
  const m = typeof name === 'string' ? /^(?:customfield|custom_field_)([0-9]{1,2})$/i.exec(name.trim()) : null;
  const slot = m ? `CustomField${Number(m[1])}` : null;
  return slot && CUSTOM_FIELD_SLOTS.includes(slot) ? slot : null;
}

/** The slot names a body writes; a name that is not CustomField1–15 is a problem in `errors` and left out. */
export function customFieldSlots(body: Body, errors: FieldErrors): { name: string; value: string }[] | undefined {
  const list = objects(body.custom_fields);
  if (!list) return undefined;
  return list.flatMap((c, i) => {
    const name = slotName(c.name);
    if (!name) errors[`custom_fields[${i}].name`] = `custom_fields[${i}].name must be CustomField1 to CustomField15`;
    return name ? [{ name, value: typeof c.value === 'string' ? c.value : given(c.value) ? String(c.value) : '' }] : [];
  });
}

function listIds(body: Body, ctx: V2WriteContext, errors: FieldErrors): string[] | undefined {
  const list = objects(body.lists);
  if (!list) return undefined;
  const ids = list.flatMap((l, i) => {
    const id = ctx.listIds.get(Number(l.id));
    if (!id || !/^[0-9]+$/.test(String(l.id))) errors[`lists[${i}].id`] = `lists[${i}].id: ${String(l.id)} does not exist`;
    return id ? [id] : [];
  });
  return [...new Set(ids)];
}

/**
 * The v3 rules over a translated body (`parse` throws their 400) joined with the problems of the translation
 * itself (`errors`): one 400 with all of them. A missing address is said once, in v2's words.
 */
export function checkTranslated<T>(parse: (body: Body) => T, v3: Body, errors: FieldErrors): T {
  try {
    const input = parse(v3);
    if (!Object.keys(errors).length) return input;
  } catch (error) {
    if (!(error instanceof AppError) || !Object.keys(error.fields).length) throw error;
    for (const [field, message] of Object.entries(error.fields)) {
      if (!(errors.email_addresses && field.startsWith('email_address'))) errors[field] ??= message;
    }
  }
  throw invalidFields(errors);
}

function emailAddress(body: Body): string | undefined {
  const first = objects(body.email_addresses)?.[0];
  return typeof first?.email_address === 'string' ? first.email_address : undefined;
}

/** The v3 body of POST /v3/contacts for a v2 POST; problems of the translation go to `errors`. */
export function toV3CreateBody(body: Body, actionBy: ActionBy, ctx: V2WriteContext, errors: FieldErrors = {}): Body {
  const address = emailAddress(body);
  if (address === undefined) errors.email_addresses = 'email_addresses[0].email_address is required';
  const visitor = actionBy === 'ACTION_BY_VISITOR';
  const v3 = toV3Fields(body, undefined, ctx, errors);
  return {
    ...v3,
    create_source: visitor ? 'Contact' : 'Account',
    ...(address === undefined ? {} : { email_address: { address, permission_to_send: visitor ? 'explicit' : 'implicit' } }),
  };
}

/** The v3 body of PUT /v3/contacts/{id} for a v2 PUT over the `current` contact (every part included). */
export function toV3ReplaceBody(body: Body, actionBy: ActionBy, current: ContactView, ctx: V2WriteContext, errors: FieldErrors = {}): Body {
  const visitor = actionBy === 'ACTION_BY_VISITOR';
  const address = emailAddress(body) ?? current.email_address?.address;
  const email = address
    ? {
        address,
        // The person's own action re-subscribes; the owner's never overrides an opt-out (v3's rule).
        ...(visitor ? { permission_to_send: 'explicit' } : {}),
      }
    : undefined;
  const keep = (key: 'birthday_month' | 'birthday_day' | 'anniversary') => current[key] ?? null;
  return {
    ...toV3Fields(body, current, ctx, errors),
    update_source: visitor ? 'Contact' : 'Account',
    ...(email ? { email_address: email } : {}),
    birthday_month: keep('birthday_month'),
    birthday_day: keep('birthday_day'),
    anniversary: keep('anniversary'),
    taggings: current.taggings ?? [],
  };
}

function toV3Fields(body: Body, current: ContactView | undefined, ctx: V2WriteContext, errors: FieldErrors): Body {
  const out: Body = {};
  for (const key of ['first_name', 'last_name', 'job_title', 'company_name'] as const) {
    out[key] = given(body[key]) ? body[key] : (current?.[key] ?? null);
  }
  // Phones: each flat field fills its kind's slot; a field not given keeps the current number of that kind.
  const phones = PHONE_SLOTS.flatMap(({ field, kind }) => {
    const value = given(body[field]) ? String(body[field]).trim() : current?.phone_numbers?.find((p) => p.kind === kind)?.phone_number;
    return value ? [{ phone_number: value, kind }] : [];
  });
  if (phones.length || current) out.phone_numbers = phones;
  // Addresses: the PERSONAL and BUSINESS slots when `addresses` is given; an `other` address is always kept.
  const sent = objects(body.addresses);
  const slotKinds: readonly string[] = ADDRESS_SLOTS.map((s) => s.kind);
  const kept = (current?.street_addresses ?? [])
    .filter((a) => !sent || !slotKinds.includes(a.kind))
    .map(({ kind, street, city, state, postal_code, country }) => ({ kind, street, city, state, postal_code, country }));
  const fromV2 = ADDRESS_SLOTS.flatMap((slot) => {
    const a = sent?.find((x) => String(x.address_type ?? '').toUpperCase() === slot.type);
    return a ? [toV3Address(a, slot.kind)] : [];
  });
  if (sent) {
    const bad = sent.findIndex((x) => !ADDRESS_SLOTS.some((s) => s.type === String(x.address_type ?? '').toUpperCase()));
    if (bad >= 0) errors[`addresses[${bad}].address_type`] = `addresses[${bad}].address_type must be PERSONAL or BUSINESS`;
  }
  if (sent || current) out.street_addresses = [...fromV2, ...kept];
  // Custom fields: the slots when given; values of fields that are not slots are always kept.
  const slots = customFieldSlots(body, errors);
  const slotIds = new Set(ctx.slotIds.values());
  const otherValues = (current?.custom_fields ?? []).filter((c) => !slots || !slotIds.has(c.custom_field_id));
  const slotValues = (slots ?? [])
    .filter((s) => s.value !== '')
    .map((s) => ({ custom_field_id: ctx.slotIds.get(s.name)!, value: s.value }));
  if (slots || current) out.custom_fields = [...slotValues, ...otherValues];
  const notes = objects(body.notes);
  if (notes) {
    const ids = new Set((current?.notes ?? []).map((n) => n.note_id));
    out.notes = notes
      .filter((n) => typeof n.note === 'string' && n.note.trim())
      .map((n) => ({ content: n.note, ...(typeof n.id === 'string' && ids.has(n.id) ? { note_id: n.id } : {}) }));
  } else if (current) out.notes = current.notes ?? [];
  const lists = listIds(body, ctx, errors);
  if (lists) out.list_memberships = lists;
  else if (current) out.list_memberships = current.list_memberships ?? [];
  return out;
}

type V2OnlyFields = Record<(typeof V2_ONLY_FIELDS)[number], string | null>;

/**
 * The v2-only fields a write leaves on the contact: a field given replaces (`""` clears), one that is null
 * or absent keeps its `current` value; null when the body gives none of them (nothing to write). Problems go
 * to `errors`, reported with the others of the body.
 */
export function parseV2Fields(body: Body, current: V2OnlyFields | null, errors: FieldErrors): V2OnlyFields | null {
  if (!V2_ONLY_FIELDS.some((key) => given(body[key]))) return null;
  const out = { prefix_name: null, middle_name: null, department_name: null, ...current } as V2OnlyFields;
  for (const key of V2_ONLY_FIELDS) {
    if (!given(body[key])) continue;
    const text = typeof body[key] === 'string' ? body[key].trim() : typeof body[key] === 'number' ? String(body[key]) : null;
    if (text === null || text.length > 255 || hasControlChars(text)) errors[key] = `${key} must be text of at most 255 characters`;
    else out[key] = text || null;
  }
  return out;
}
