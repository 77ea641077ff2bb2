// Query parameters a /v3 route does not declare are refused with a 400 that names each of them, never
// ignored: a client filtering by a segment must not get every contact back. Registered in the /v3 scope.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError, ERRORS } from '../errors.ts';

/** Accepted on every /v3 route: the API key (see the bearer check). */
const ALWAYS_ALLOWED = new Set(['api_key']);

/** Parameters of the dialect that Listgate knows and deliberately does not serve, with the reason. */
export const UNSERVED_PARAMETERS: Readonly<Record<string, string>> = {
  segment_id: 'Listgate does not serve segments',
  sms_status: 'Listgate does not serve SMS',
  channel_type: 'Listgate serves email lists only and does not filter by channel',
  include_sms_membership_count: 'Listgate does not serve SMS',
  blanks_enabled: 'a v2 import never erases a value with a blank cell; send the contact through PUT /v2/contacts/{id} to clear a field',
};

const declared = new WeakMap<object, Set<string>>();

function declaredParams(schema: unknown): Set<string> {
  if (!schema || typeof schema !== 'object') return ALWAYS_ALLOWED;
  let names = declared.get(schema);
  if (!names) {
    const properties = (schema as { properties?: Record<string, unknown> }).properties ?? {};
    names = new Set([...ALWAYS_ALLOWED, ...Object.keys(properties)]);
    declared.set(schema, names);
  }
  return names;
}

/** One error item per parameter the route does not serve, in the order of the query string. */
export function unservedParameterErrors(query: Record<string, unknown>, allowed: ReadonlySet<string>) {
  const key = ERRORS.UNSUPPORTED_PARAMETER[1];
  return Object.keys(query)
    .filter((name) => !allowed.has(name))
    .map((name) => ({
      error_key: key,
      error_message: UNSERVED_PARAMETERS[name]
        ? `${name} is not supported: ${UNSERVED_PARAMETERS[name]}`
        : `${name} is not a parameter of this operation`,
    }));
}

async function queryParams(app: FastifyInstance): Promise<void> {
  app.addHook('preValidation', async (request: FastifyRequest) => {
    const query = request.query as Record<string, unknown> | undefined;
    if (!query || Object.keys(query).length === 0) return;
    const items = unservedParameterErrors(query, declaredParams(request.routeOptions.schema?.querystring));
    if (items.length) throw new AppError('UNSUPPORTED_PARAMETER', items[0]!.error_message, { items });
  });
}

export default fp(queryParams, { name: 'query-params' });
