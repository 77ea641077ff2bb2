// The OpenAPI 3.1 document, generated from the route schemas at GET /openapi.json: security schemes that
// point at our authorization server, and defaults (tag, scope, error responses) for every /v3 operation.
import swagger from '@fastify/swagger';
import type { FastifyInstance, FastifySchema } from 'fastify';
import fp from 'fastify-plugin';
import { scopeAllowances } from '../api-auth/scopes.ts';
import { API_TAGS, apiErrorResponses, defaultTag } from './openapi-defaults.ts';

const SCOPES = scopeAllowances(['api', 'oauth']);

const DESCRIPTION = `The Listgate developer API speaks the Constant Contact v3 contacts dialect: snake_case JSON,
opaque cursors in \`_links.next.href\` and errors as an array of \`{"error_key", "error_message"}\`.

Every call carries \`Authorization: Bearer <access token>\`. The API key (the app's \`client_id\`) may be sent as the
\`x-api-key\` header or the \`api_key\` query parameter; when present it must match the token's app.

Tokens come from the OAuth 2.0 server under \`/oauth2\`: authorization code with PKCE (S256, always required),
the device authorization grant (RFC 8628) for command-line tools, and client credentials for private
integrations acting on their own account. Discovery: \`/oauth2/.well-known/openid-configuration\`.`;

type SwaggerRoute = { schema: FastifySchema; url: string; route: { method: string | string[]; config?: { scope?: string } } };

/** Fills in what a /v3 route schema leaves out, so that every operation of the API is documented alike. */
export function withApiDefaults({ schema, url, route }: SwaggerRoute): { schema: FastifySchema; url: string } {
  if (!url.startsWith('/v3/') || schema?.hide) return { schema, url };
  const method = (Array.isArray(route.method) ? route.method[0] : route.method) ?? 'GET';
  // the scope the route declares (config.scope), which the api-auth plugin enforces
  const scope = route.config?.scope ?? 'undeclared';
  return {
    url,
    schema: {
      ...schema,
      tags: schema?.tags ?? [defaultTag(url)],
      security: schema?.security ?? [{ oauth2: [scope] }, { oauth2: [scope], api_key: [] }],
      response: { ...apiErrorResponses(url, method, schema), ...(schema?.response as object | undefined) },
    },
  };
}

/** OAuth 2.0 flows of our authorization server; a variable, as the 3.1 types have no device flow. */
function oauth2Scheme(base: string) {
  const scheme = {
    type: 'oauth2' as const,
    description: 'PKCE (S256) is required with the authorization code flow.',
    flows: {
      authorizationCode: {
        authorizationUrl: `${base}/auth`,
        tokenUrl: `${base}/token`,
        refreshUrl: `${base}/token`,
        scopes: SCOPES,
      },
      clientCredentials: { tokenUrl: `${base}/token`, scopes: SCOPES },
    },
    // OpenAPI 3.1 has no device flow; this mirrors the deviceAuthorization flow of OpenAPI 3.2 (RFC 8628).
    'x-deviceAuthorization': { deviceAuthorizationUrl: `${base}/device/auth`, tokenUrl: `${base}/token`, scopes: SCOPES },
  };
  return scheme;
}

async function openapi(app: FastifyInstance, opts: { publicUrl: string }): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Listgate API', version: '3.0.0', description: DESCRIPTION },
      servers: [{ url: opts.publicUrl }],
      tags: [
        ...API_TAGS,
        { name: 'Token Info', description: 'What an access token is (the legacy tokeninfo.htm contract)' },
        { name: 'Legacy v2', description: 'The Constant Contact v2 contacts dialect (docs/api-v2.md): numeric ids, `api_key` required' },
      ],
      components: {
        securitySchemes: {
          oauth2: oauth2Scheme(`${opts.publicUrl}/oauth2`),
          api_key: { type: 'apiKey', in: 'header', name: 'x-api-key', description: 'The app\'s API key (client_id)' },
          api_key_query: { type: 'apiKey', in: 'query', name: 'api_key', description: 'The app\'s API key, as v2 clients send it' },
        },
      },
    },
    transform: withApiDefaults,
  });

  app.get('/openapi.json', { schema: { hide: true } }, async (_request, reply) => {
    return reply.header('Cache-Control', 'no-cache').send(app.swagger());
  });
}

export default fp(openapi, { name: 'openapi' });
