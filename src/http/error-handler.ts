// The one error handler: AppError → its status and the API's error array; Fastify's validation and body
// errors → 400/413/415 in the same shape; anything else → 500 with nothing internal in the body.
import type { ErrorObject } from 'ajv';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { html } from '../shared/html.ts';
import { notice, sendPage } from '../web/layout.ts';
import { classifyDatabaseError, type DatabaseHealth } from '../db/database-health.ts';
import { AppError, ERRORS, type ErrorCode, type ErrorItem, V2_ERROR_KEYS } from '../errors.ts';
import { fieldErrors } from './schema-check.ts';

/** Seconds a client waits before retrying while the database is down, or its disk full. */
const RETRY_UNAVAILABLE = '5';
const RETRY_STORAGE_FULL = '30';

function fromFastifyError(error: FastifyError): AppError | null {
  if (error.validation) {
    // Body fields are named bare (`phone_numbers[0].kind`), as the services name them; others by their part.
    const context = error.validationContext === 'body' ? undefined : error.validationContext;
    const items: ErrorItem[] = Object.values(fieldErrors(error.validation as ErrorObject[], context)).map((message) => ({
      error_key: ERRORS.VALIDATION[1],
      error_message: message,
    }));
    return new AppError('VALIDATION', items[0]?.error_message, { items });
  }
  const byCode: Record<string, ErrorCode> = {
    FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
    FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
    FST_ERR_CTP_EMPTY_JSON_BODY: 'VALIDATION',
    FST_ERR_CTP_INVALID_JSON_BODY: 'VALIDATION',
    FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'VALIDATION',
    FST_ERR_CTP_INVALID_TYPE: 'VALIDATION',
  };
  const code = byCode[error.code];
  if (code) return new AppError(code, code === 'VALIDATION' ? `The request body is not valid: ${error.message}` : undefined);
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    if (error.statusCode === 413) return new AppError('PAYLOAD_TOO_LARGE');
    if (error.statusCode === 415) return new AppError('UNSUPPORTED_MEDIA_TYPE');
    if (error.statusCode === 404) return new AppError('NOT_FOUND');
    if (error.statusCode === 429) return new AppError('THROTTLED');
    return new AppError('VALIDATION', error.message);
  }
  return null;
}

/** A database that cannot be reached, or cannot store more: a condition to wait out, not a bug. */
function fromDatabaseError(error: unknown): AppError | null {
  const fault = classifyDatabaseError(error);
  if (fault === 'unavailable') return new AppError('DATABASE_UNAVAILABLE', undefined, { headers: { 'retry-after': RETRY_UNAVAILABLE }, cause: error });
  if (fault === 'storage_full') return new AppError('STORAGE_FULL', undefined, { headers: { 'retry-after': RETRY_STORAGE_FULL }, cause: error });
  return null;
}

export function toAppError(error: unknown): AppError | null {
  if (error instanceof AppError) return error;
  const database = fromDatabaseError(error);
  if (database) return database;
  if (error && typeof error === 'object' && 'code' in error) return fromFastifyError(error as FastifyError);
  return null;
}

const API_PATHS = /^\/(v2|v3|oauth2|openapi\.json|health|ready|metrics)(\/|\?|$)/;

/** Browsers on page routes get an error page in the site's layout; API clients get the error array. */
function wantsPage(request: FastifyRequest): boolean {
  return !API_PATHS.test(request.url) && (request.headers.accept ?? '').includes('text/html');
}

function sendErrorPage(reply: FastifyReply, status: number, message: string): FastifyReply {
  const title = status === 404 ? 'Page not found' : status === 403 ? 'Not allowed' : status >= 500 ? 'Something went wrong' : 'Request refused';
  return sendPage(reply, {
    title,
    status,
    narrow: true,
    body: html`<h1>${title}</h1>${notice('error', message)}<p><a href="/">Back to the start page</a></p>`,
  });
}

/**
 * The body in the request's dialect: /v2 answers with the legacy keys (V2_ERROR_KEYS); /v3 answers a 401
 * with one error object (the SDK's AuthorizationErrorSchema); everything else is the error array.
 */
function errorBody(request: FastifyRequest, error: AppError): ErrorItem | ErrorItem[] {
  if (request.url.startsWith('/v2')) {
    const legacy = V2_ERROR_KEYS[error.code];
    return legacy ? error.items.map((i) => (i.error_key === error.key ? { ...i, error_key: legacy } : i)) : error.items;
  }
  return error.status === 401 && request.url.startsWith('/v3') ? error.items[0]! : error.items;
}

export function registerErrorHandler(app: FastifyInstance, database?: DatabaseHealth): void {
  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const appError = toAppError(error);
    if (appError?.code === 'DATABASE_UNAVAILABLE' || appError?.code === 'STORAGE_FULL') {
      // Logged once per episode by the database health, not once per request.
      database?.failed(appError.code === 'STORAGE_FULL' ? 'storage_full' : 'unavailable', error);
      request.log.debug({ err: error }, appError.message);
      reply.headers(appError.headers);
      if (wantsPage(request)) return sendErrorPage(reply, appError.status, appError.message);
      return reply.status(appError.status).type('application/json').send(errorBody(request, appError));
    }
    if (!appError) {
      request.log.error({ err: error }, 'unhandled error');
      const internal = new AppError('INTERNAL');
      if (wantsPage(request)) return sendErrorPage(reply, 500, internal.message);
      return reply.status(500).type('application/json').send(errorBody(request, internal));
    }
    if (appError.status >= 500) request.log.error({ err: error }, appError.message);
    reply.headers(appError.headers);
    if (wantsPage(request)) return sendErrorPage(reply, appError.status, appError.message);
    return reply.status(appError.status).type('application/json').send(errorBody(request, appError));
  });

  app.setNotFoundHandler((request, reply) => {
    if (wantsPage(request)) return sendErrorPage(reply, 404, 'There is no page at this address.');
    reply.status(404).type('application/json').send(errorBody(request, new AppError('NOT_FOUND', `No route for ${request.method} ${request.url.split('?')[0]}`)));
  });
}
