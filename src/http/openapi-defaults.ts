// What the OpenAPI document assumes about a /v3 route when its schema is silent: the resource tag from the
// path and the error responses the scope and the bearer check produce.
import { Type } from '@sinclair/typebox';
import type { FastifySchema } from 'fastify';

export const ErrorArray = Type.Array(
  Type.Object({
    error_key: Type.String({ examples: ['contacts.api.validation.error'] }),
    error_message: Type.String({ examples: ['limit must be <= 500'] }),
  }),
  { description: 'One or more errors; the status code says which kind.' },
);

/** The dialect's 401 body: one error object, not an array (the SDK's AuthorizationErrorSchema). */
export const AuthorizationError = Type.Object(
  {
    error_key: Type.String({ examples: ['unauthorized'] }),
    error_message: Type.String({ examples: ['The access token used is invalid'] }),
  },
  { description: 'The access token is missing, invalid or expired, or the API key does not match it' },
);

const RESOURCE_TAGS: Record<string, { name: string; description: string }> = {
  contacts: { name: 'Contacts', description: 'Contacts, their sub-resources, counts and the change feed' },
  contact_lists: { name: 'Contact Lists', description: 'Lists that contacts belong to' },
  contact_tags: { name: 'Contact Tags', description: 'Tags applied to contacts' },
  contact_custom_fields: { name: 'Contact Custom Fields', description: 'Account-defined contact fields' },
  activities: { name: 'Bulk Activities', description: 'Asynchronous jobs and their status' },
  account: { name: 'Account Services', description: 'The account the token acts on' },
  usage: { name: 'Usage', description: "The calling app's own API usage per day or hour" },
  webhooks: { name: 'Webhooks', description: 'Contact-change subscriptions of the calling app, their delivery log, resend and replay' },
};

export const API_TAGS = Object.values(RESOURCE_TAGS);

/** `/v3/contact_lists/{list_id}` → `Contact Lists`; unknown resources keep their path segment as tag. */
export function defaultTag(url: string): string {
  const resource = url.split('/')[2] ?? '';
  return RESOURCE_TAGS[resource]?.name ?? resource;
}

const describe = (description: string) => ({ ...ErrorArray, description });

/** Error responses every /v3 operation can produce, so clients generated from the document expect them. */
export function apiErrorResponses(url: string, method: string, schema: FastifySchema | undefined): Record<string, unknown> {
  const responses: Record<string, unknown> = {
    400: describe('The request is not valid; each error names the field'),
    401: AuthorizationError,
    403: describe('The token lacks the scope this operation needs'),
    429: describe('Too many requests (throttled) or the daily quota is used up; see Retry-After'),
  };
  if (url.includes('{') || url.includes(':')) responses[404] = describe('Not found in the token\'s account');
  if (schema?.body || method === 'POST' || method === 'PUT' || method === 'PATCH') {
    responses[413] = describe('The request body is too large');
    responses[415] = describe('The request body is not application/json');
  }
  return responses;
}
