// Calls the Listgate REST API with `Authorization: Bearer` and the API key (`x-api-key`), renewing the
// token once on a 401, and turns refusals into CliErrors that name the problem and the fix.
import { CliError, EXIT } from '../exit-codes.ts';
import { type FileUpload, postFile } from './file-upload.ts';
import { fetchWithRetry, NetworkError, parseRetryAfter, type RetryPolicy } from './http-client.ts';
import { loginHint } from './profile-store.ts';
import type { TokenManager } from './token-manager.ts';

/** A 4xx answer the caller may want to explain in its own words (unknown list, expired sync token). */
export class ApiRefusal extends CliError {
  readonly status: number;
  readonly errorKey: string;

  constructor(message: string, status: number, errorKey: string) {
    super(message, EXIT.REJECTED);
    this.status = status;
    this.errorKey = errorKey;
    this.name = 'ApiRefusal';
  }
}

export type TokenInfo = { client_id: string; user_name: string | null; expires_in: number };

export type ApiClient = {
  /** GETs JSON; `signal` stops the request (a long poll) early. */
  get<T>(pathOrUrl: string, signal?: AbortSignal): Promise<T>;
  /** POSTs JSON text. */
  post<T>(path: string, body: string): Promise<T>;
  /** POSTs a file from disk as multipart/form-data, streamed (and read anew on a retry). */
  upload<T>(path: string, upload: FileUpload): Promise<T>;
  /** GETs a file (CSV): the checked response, for its body to be streamed. */
  download(pathOrUrl: string): Promise<Response>;
  tokenInfo(): Promise<TokenInfo>;
};

async function errorText(response: Response): Promise<{ key: string; message: string }> {
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text) as unknown;
    const first = Array.isArray(body)
      ? (body[0] as Record<string, unknown>)
      : (body as Record<string, unknown>);
    const message = first?.error_message ?? first?.error_description ?? first?.message ?? first?.error;
    const key = first?.error_key ?? first?.error;
    if (typeof message === 'string') return { key: typeof key === 'string' ? key : '', message };
  } catch {}
  return { key: '', message: text.slice(0, 200).trim() || `HTTP ${response.status}` };
}

export function createApiClient(tokens: TokenManager, policy: RetryPolicy): ApiClient {
  const server = () => tokens.profile().server;
  const hint = () => `sign in again: ${loginHint(tokens.profileName, tokens.profile())}`;

  async function send(url: string, init: (token: string) => RequestInit, transport?: (url: string, init: RequestInit) => Promise<Response>): Promise<Response> {
    let token = await tokens.accessToken();
    for (let renewed = false; ; renewed = true) {
      let response: Response;
      try {
        response = await fetchWithRetry(url, init(token), policy, transport);
      } catch (error) {
        if (error instanceof NetworkError) {
          throw new CliError(
            `${error.message}; check that the server is running (retry later, or fix the URL with: ${loginHint(tokens.profileName, tokens.profile())})`,
            EXIT.SERVER,
          );
        }
        throw error;
      }
      if (response.status !== 401 || renewed || !tokens.canRenew()) return response;
      await response.body?.cancel();
      token = await tokens.accessToken({ force: true });
    }
  }

  async function check(response: Response, what: string): Promise<Response> {
    if (response.ok) return response;
    const { key, message } = await errorText(response);
    if (response.status === 401) {
      throw new CliError(`${server()} refused the saved credentials (${message}); ${hint()}`, EXIT.AUTH);
    }
    if (response.status === 403) {
      throw new CliError(
        `${server()} refused ${what} (${message}); sign in with the needed scope: ${loginHint(tokens.profileName, tokens.profile())} --scope "contact_data offline_access"`,
        EXIT.AUTH,
      );
    }
    if (response.status === 429) {
      const wait = parseRetryAfter(response.headers.get('retry-after'));
      const when = wait === null ? 'later' : `in ${Math.ceil(wait / 1000)} s`;
      throw new CliError(
        `${server()} is rate limiting this API key (${message}); try again ${when}`,
        EXIT.SERVER,
      );
    }
    if (response.status >= 500) {
      throw new CliError(
        `${server()} kept failing on ${what} (HTTP ${response.status}) after retries; try again later`,
        EXIT.SERVER,
      );
    }
    throw new ApiRefusal(
      `${server()} refused ${what} (HTTP ${response.status}: ${message})`,
      response.status,
      key,
    );
  }

  const headers = (token: string, accept: string) => ({
    authorization: `Bearer ${token}`,
    'x-api-key': tokens.profile().api_key,
    accept,
  });

  return {
    async get<T>(pathOrUrl: string, signal?: AbortSignal): Promise<T> {
      const url = new URL(pathOrUrl, `${server()}/`).toString();
      const response = await send(url, (token) => ({ headers: headers(token, 'application/json'), ...(signal ? { signal } : {}) }));
      return (await (await check(response, `GET ${new URL(url).pathname}`)).json()) as T;
    },
    async post<T>(path: string, body: string): Promise<T> {
      const url = new URL(path, `${server()}/`).toString();
      const response = await send(url, (token) => ({ method: 'POST', headers: { ...headers(token, 'application/json'), 'content-type': 'application/json' }, body }));
      return (await (await check(response, `POST ${new URL(url).pathname}`)).json()) as T;
    },
    async upload<T>(path: string, upload: FileUpload): Promise<T> {
      const url = new URL(path, `${server()}/`).toString();
      const response = await send(
        url,
        (token) => ({ method: 'POST', headers: headers(token, 'application/json') }),
        (target, init) => postFile(target, { headers: init.headers as Record<string, string>, ...(init.signal ? { signal: init.signal } : {}) }, upload),
      );
      return (await (await check(response, `POST ${new URL(url).pathname}`)).json()) as T;
    },
    async download(pathOrUrl: string): Promise<Response> {
      const url = new URL(pathOrUrl, `${server()}/`).toString();
      const response = await send(url, (token) => ({ headers: headers(token, 'text/csv') }));
      return check(response, `GET ${new URL(url).pathname}`);
    },
    async tokenInfo(): Promise<TokenInfo> {
      const info = await fetchTokenInfo(server(), await tokens.accessToken(), policy);
      if (!info)
        throw new CliError(
          `${server()} says the saved access token is invalid, revoked or expired; ${hint()}`,
          EXIT.AUTH,
        );
      return info;
    },
  };
}

/** The legacy token-info endpoint: `{client_id, user_name, expires_in}`, or null for an unknown token (404). */
export async function fetchTokenInfo(
  server: string,
  token: string,
  policy: RetryPolicy,
): Promise<TokenInfo | null> {
  let response: Response;
  try {
    response = await fetchWithRetry(
      `${server}/oauth2/tokeninfo.htm`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({ access_token: token }).toString(),
      },
      policy,
    );
  } catch (error) {
    if (error instanceof NetworkError)
      throw new CliError(
        `${error.message}; check that the server is running and the URL is right`,
        EXIT.SERVER,
      );
    throw error;
  }
  if (response.status === 404) {
    await response.body?.cancel();
    return null;
  }
  if (!response.ok) {
    const { message } = await errorText(response);
    throw new CliError(
      `${server} failed to answer token info (HTTP ${response.status}: ${message})`,
      response.status >= 500 ? EXIT.SERVER : EXIT.REJECTED,
    );
  }
  const info = (await response.json()) as TokenInfo;
  return { ...info, expires_in: Number(info.expires_in) };
}
