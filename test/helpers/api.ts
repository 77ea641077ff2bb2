// A small JSON client for /v3 tests: sends a token's headers and a JSON body (or a raw body with its own
// content type), and returns status, headers and the parsed body.
import type { TestServer } from './server.ts';
import { createAccountWithToken, type TestToken } from './tokens.ts';

export type ApiResponse<T> = { status: number; headers: Headers; body: T; text: string };

export type ApiCall = <T = unknown>(
  method: string,
  path: string,
  body?: unknown,
  options?: { headers?: Record<string, string>; raw?: string | Uint8Array },
) => Promise<ApiResponse<T>>;

export type ApiError = { error_key: string; error_message: string }[];

/** Calls with `token`'s Authorization and API key headers; `null` sends no credentials at all. */
export function apiClient(baseUrl: string, token: Pick<TestToken, 'headers'> | null): ApiCall {
  return async (method, path, body, options = {}) => {
    const headers: Record<string, string> = { accept: 'application/json', ...(token?.headers ?? {}) };
    let payload: string | Uint8Array | undefined;
    if (options.raw !== undefined) payload = options.raw;
    else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const res = await fetch(new URL(path, baseUrl), { method, headers: { ...headers, ...options.headers }, body: payload as BodyInit | undefined });
    const text = await res.text();
    const type = res.headers.get('content-type') ?? '';
    const parsed = text && type.includes('json') ? JSON.parse(text) : text;
    return { status: res.status, headers: res.headers, body: parsed, text };
  };
}

/** Two accounts with tokens: `api` calls as `owner`, `other` as a second account (for isolation checks). */
export async function createOwnerAndOther(
  server: TestServer,
): Promise<{ owner: TestToken; api: ApiCall; other: ApiCall }> {
  const owner = await createAccountWithToken(server);
  const other = await createAccountWithToken(server);
  return { owner, api: apiClient(server.url, owner), other: apiClient(server.url, other) };
}

/** Asserts nothing; returns the error messages of an error array for readable assertions. */
export function errorMessages(body: unknown): string {
  return Array.isArray(body) ? (body as ApiError).map((e) => `${e.error_key}: ${e.error_message}`).join(' | ') : String(body);
}
