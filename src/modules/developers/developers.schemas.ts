// Route options for the developer pages: hidden from the OpenAPI document (they are pages, not API).
// Form bodies are read with formOf and validated by the service.
export const FORM_ROUTE = { schema: { hide: true } } as const;
