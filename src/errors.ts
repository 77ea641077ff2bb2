// AppError and the one catalogue of error codes. Services throw AppError; the error handler renders the
// API's error array `[{"error_key", "error_message"}]` with the catalogue's status.

export const ERRORS = {
  VALIDATION: [400, 'contacts.api.validation.error', 'The request is not valid'],
  INVALID_CURSOR: [400, 'contacts.api.validation.error', 'The cursor is not valid for this request'],
  UNSUPPORTED_PARAMETER: [400, 'contacts.api.validation.error', 'The request carries a parameter Listgate does not serve'],
  // The dialect answers 401 with one object, not an array (the SDK's AuthorizationErrorSchema).
  UNAUTHORIZED: [401, 'unauthorized', 'The access token used is invalid'],
  INVALID_API_KEY: [401, 'unauthorized', 'The API key does not match the access token'],
  FORBIDDEN: [403, 'forbidden', 'The access token lacks the scope this request needs'],
  NOT_FOUND: [404, 'contacts.api.not_found', 'Resource not found'],
  METHOD_NOT_ALLOWED: [405, 'contacts.api.method_not_allowed', 'Method not allowed'],
  NOT_ACCEPTABLE: [406, 'contacts.api.not_acceptable', 'Only application/json responses are available'],
  CONFLICT: [409, 'contacts.api.conflict', 'The resource conflicts with an existing one'],
  EMAIL_CONFLICT: [409, 'contacts.api.conflict', 'The email address is already in use by a contact of this account'],
  GONE: [410, 'contacts.api.gone', 'The resource is gone'],
  PAYLOAD_TOO_LARGE: [413, 'contacts.api.payload_too_large', 'The request body is too large'],
  UNSUPPORTED_MEDIA_TYPE: [415, 'contacts.api.unsupported_media_type', 'The request body must be application/json'],
  THROTTLED: [429, 'throttled', 'Too many requests per second; retry after the time in Retry-After'],
  QUOTA_EXCEEDED: [429, 'quota_exceeded', 'The daily request quota is used up; retry after the time in Retry-After'],
  // The legacy v2 API answers rate limits with 403 and these keys (its clients know no 429).
  OVER_QPS: [403, 'mashery.not.authorized.over.qps', 'Too many requests per second for this API key'],
  OVER_RATE_LIMIT: [403, 'mashery.not.authorized.over.ratelimit', 'The daily request quota of this API key is used up'],
  INTERNAL: [500, 'server_error', 'Internal server error'],
  UNAVAILABLE: [503, 'service_unavailable', 'Service temporarily unavailable'],
  DATABASE_UNAVAILABLE: [503, 'service_unavailable', 'The database is not answering; retry after the time in Retry-After'],
  STORAGE_FULL: [507, 'insufficient_storage', 'The server cannot store this change: its disk is full; retry after the time in Retry-After'],
} as const satisfies Record<string, readonly [number, string, string]>;

export type ErrorCode = keyof typeof ERRORS;

/** The keys the legacy v2 API answers with where they differ from v3's (rendered for /v2 requests). */
export const V2_ERROR_KEYS: Partial<Record<ErrorCode, string>> = {
  VALIDATION: 'http.status.bad_request',
  INVALID_CURSOR: 'http.status.bad_request.cursor',
  UNSUPPORTED_PARAMETER: 'http.status.bad_request',
  UNAUTHORIZED: 'http.status.authentication.invalid_token',
  INVALID_API_KEY: 'http.status.authentication.invalid_api_key',
  FORBIDDEN: 'http.status.forbidden',
  NOT_FOUND: 'http.status.not_found',
  METHOD_NOT_ALLOWED: 'http.status.method_not_allowed',
  NOT_ACCEPTABLE: 'http.status.not_acceptable',
  CONFLICT: 'http.status.conflict',
  EMAIL_CONFLICT: 'http.status.email_address.conflict',
  GONE: 'http.status.gone',
  PAYLOAD_TOO_LARGE: 'http.status.payload_too_large',
  UNSUPPORTED_MEDIA_TYPE: 'http.status.unsupported_media_type',
  INTERNAL: 'http.status.internal_server_error',
  UNAVAILABLE: 'http.status.service_unavailable',
  DATABASE_UNAVAILABLE: 'http.status.service_unavailable',
  STORAGE_FULL: 'http.status.insufficient_storage',
};

export type ErrorItem = { error_key: string; error_message: string };

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly key: string;
  readonly headers: Record<string, string>;
  readonly items: ErrorItem[];
  /** Per-field messages for forms (field name → message); the API renders them as error items. */
  readonly fields: Record<string, string>;

  constructor(
    code: ErrorCode,
    message?: string,
    options: {
      headers?: Record<string, string>;
      items?: ErrorItem[];
      fields?: Record<string, string>;
      cause?: unknown;
    } = {},
  ) {
    const [status, key, defaultMessage] = ERRORS[code];
    super(message ?? defaultMessage, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = status;
    this.key = key;
    this.headers = options.headers ?? {};
    this.fields = options.fields ?? {};
    const fieldItems = Object.values(this.fields).map((m) => ({ error_key: key, error_message: m }));
    this.items = options.items ?? (fieldItems.length ? fieldItems : [{ error_key: key, error_message: this.message }]);
  }
}

/** A 400 naming each invalid field; pages show the messages next to the fields, the API as error items. */
export function invalidFields(fields: Record<string, string>): AppError {
  return new AppError('VALIDATION', Object.values(fields)[0], { fields });
}
