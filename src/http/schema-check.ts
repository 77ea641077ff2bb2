// How JSON-schema validation runs and speaks, for route schemas (Fastify's Ajv) and for values that never
// pass a route (file rows, translated bodies): the same Ajv options, formats and per-field messages.
import { Ajv, type ErrorObject, type Options, type SchemaValidateFunction } from 'ajv';

type DataValidationCxt = Parameters<SchemaValidateFunction>[3];

/** A string check for a `format` keyword; the caller (the domain) owns what each format means. */
export type Formats = Readonly<Record<string, (value: string) => boolean>>;

/** Field path (`phone_numbers[0].kind`) → one message; the error array renders one item per field. */
export type FieldErrors = Record<string, string>;

/**
 * Fastify's defaults (coercion, unknown properties removed where `additionalProperties: false`), every
 * problem at once, and `verbose` so that a failed keyword's schema (its `errorMessage`) is at hand.
 */
export const AJV_OPTIONS = {
  coerceTypes: 'array',
  useDefaults: true,
  removeAdditional: true,
  allErrors: true,
  verbose: true,
  // `['string', 'integer']` (an id sent either way) is a deliberate union
  allowUnionTypes: true,
} as const satisfies Options;

const given = (v: unknown) => v !== undefined && v !== null;
const filled = (v: unknown) => given(v) && (typeof v !== 'string' || v.trim() !== '');
const fail = (fn: SchemaValidateFunction, ctx: DataValidationCxt | undefined, field: string, message: string) => {
  fn.errors = [{ instancePath: `${ctx?.instancePath ?? ''}/${field}`, keyword: 'x-rule', message, params: {} }];
  return false;
};

/** `x-together: [[a, b]]`: the fields of a group are given together or not at all (null is not given). */
const together: SchemaValidateFunction = function together(groups: string[][], data: Record<string, unknown>, _p, ctx) {
  for (const group of groups) {
    if (group.some((f) => given(data[f])) && !group.every((f) => given(data[f])))
      return fail(together, ctx, group[0]!, `and ${group.slice(1).join(', ')} must be given together`);
  }
  return true;
};

/** `x-one-required: [a, b, c]`: at least one is given and not blank; the message names the first. */
const oneRequired: SchemaValidateFunction = function oneRequired(fields: string[], data: Record<string, unknown>, _p, ctx) {
  if (fields.some((f) => filled(data[f]))) return true;
  const others = fields.slice(1);
  const list = others.length > 1 ? `${others.slice(0, -1).join(', ')} or ${others.at(-1)}` : others[0];
  return fail(oneRequired, ctx, fields[0]!, `is required unless ${list} is given`);
};

/**
 * `errorMessage` (an annotation: the message of a field's rule), the rules between fields (`x-together`,
 * `x-one-required`: vendor extensions, so the OpenAPI document shows them too) and the domain's formats.
 */
export function extendAjv(ajv: Ajv, formats: Formats): Ajv {
  if (!ajv.getKeyword('errorMessage')) {
    ajv.addKeyword({ keyword: 'errorMessage', schemaType: 'string' });
    ajv.addKeyword({ keyword: 'x-together', type: 'object', schemaType: 'array', errors: true, validate: together });
    ajv.addKeyword({ keyword: 'x-one-required', type: 'object', schemaType: 'array', errors: true, validate: oneRequired });
  }
  for (const [name, check] of Object.entries(formats)) ajv.addFormat(name, check);
  return ajv;
}

/** `/phone_numbers/0/kind` → `phone_numbers[0].kind`. */
function fieldPath(instancePath: string, missing?: string): string {
  const parts = instancePath.split('/').slice(1);
  if (missing) parts.push(missing);
  return parts.reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part), '');
}

/**
 * Ajv's errors as one message per field: the rule's own `errorMessage` where it has one, else Ajv's words
 * with the allowed values named. `context` prefixes fields outside the body (`querystring.limit`).
 */
export function fieldErrors(errors: readonly ErrorObject[], context?: string): FieldErrors {
  const out: FieldErrors = {};
  for (const e of errors) {
    const missing = (e.params as { missingProperty?: string }).missingProperty;
    const path = [context, fieldPath(e.instancePath, missing)].filter(Boolean).join('.') || context || 'body';
    if (out[path]) continue;
    const own = missing ? undefined : (e.parentSchema as { errorMessage?: string } | undefined)?.errorMessage;
    const allowed = (e.params as { allowedValues?: unknown[] }).allowedValues;
    const message = missing ? 'is required' : (own ?? `${e.message ?? 'is invalid'}${allowed ? `: ${allowed.join(', ')}` : ''}`);
    out[path] = `${path} ${message}`;
  }
  return out;
}

/**
 * A checker for values that do not come through a route: `check(schema, value)` validates (and, like a
 * route, coerces and strips `value` in place) and answers the problems, `{}` when there are none.
 */
export function createSchemaCheck(formats: Formats): (schema: object, value: unknown) => FieldErrors {
  let ajv: Ajv | undefined;
  const compiled = new WeakMap<object, ReturnType<Ajv['compile']>>();
  return (schema, value) => {
    ajv ??= extendAjv(new Ajv(AJV_OPTIONS), formats);
    let validate = compiled.get(schema);
    if (!validate) {
      validate = ajv.compile(schema);
      compiled.set(schema, validate);
    }
    return validate(value) ? {} : fieldErrors(validate.errors ?? []);
  };
}
