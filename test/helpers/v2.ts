// A client for /v2 tests that calls as the legacy SDKs do: `?api_key=` on every URL, `Authorization: Bearer`,
// and `Content-Type: application/json` on every call (GET and DELETE too, with an empty body).
import type { ApiResponse } from './api.ts';
import type { TestToken } from './tokens.ts';

export type V2Call = <T = unknown>(
  method: string,
  path: string,
  body?: unknown,
  options?: { headers?: Record<string, string>; apiKey?: string | null; raw?: string },
) => Promise<ApiResponse<T>>;

export function v2Client(baseUrl: string, token: Pick<TestToken, 'accessToken' | 'clientId'>): V2Call {
  return async (method, path, body, options = {}) => {
    const url = new URL(path, baseUrl);
    const key = options.apiKey === undefined ? token.clientId : options.apiKey;
    if (key !== null) url.searchParams.set('api_key', key);
    const headers = {
      authorization: `Bearer ${token.accessToken}`,
      'content-type': 'application/json',
      accept: 'application/json',
      ...options.headers,
    };
    const payload = options.raw ?? (body === undefined ? undefined : JSON.stringify(body));
    const res = await fetch(url, { method, headers, body: payload });
    const text = await res.text();
    const parsed = text && (res.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text;
    return { status: res.status, headers: res.headers, body: parsed, text };
  };
}

/**
 * A multipart POST as the SDKs send the file forms of the bulk activities (PHP: `data` a file part; RB's
 * RestClient: `data` a plain field), through undici's FormData and fetch: the boundary is the client's own.
 */
export function v2Upload(baseUrl: string, token: Pick<TestToken, 'accessToken' | 'clientId'>) {
  return async <T = unknown>(path: string, form: FormData, headers: Record<string, string> = {}): Promise<ApiResponse<T>> => {
    const url = new URL(path, baseUrl);
    url.searchParams.set('api_key', token.clientId);
    const res = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token.accessToken}`, accept: 'application/json', ...headers }, body: form });
    const text = await res.text();
    const parsed = text && (res.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text;
    return { status: res.status, headers: res.headers, body: parsed, text };
  };
}
