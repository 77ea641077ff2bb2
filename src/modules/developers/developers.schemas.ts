// Route options for the developer pages: hidden from the OpenAPI document (they are pages, not API), and
// the query of links sent by mail. Form bodies are read with formOf and validated by the service.
import { Type } from '@sinclair/typebox';

export const FORM_ROUTE = { schema: { hide: true } } as const;

export const TOKEN_QUERY_ROUTE = {
  schema: { hide: true, querystring: Type.Object({ token: Type.Optional(Type.String()) }) },
} as const;
