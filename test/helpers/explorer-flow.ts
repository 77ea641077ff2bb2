// The API Tester's "Get Access Token" driven over HTTP with a cookie-keeping client: the same requests a
// browser window makes (authorize → "I already have an account" → customer sign-in → Allow → callback).
import type { WebClient, WebResponse } from './web-client.ts';

export type FlowResult = { callback: WebResponse; token: string | null };

/** Follows same-server redirects from `start` until a page (non-redirect) answers. */
async function followFrom(browser: WebClient, start: WebResponse): Promise<WebResponse> {
  let res = start;
  for (let i = 0; i < 15 && res.location && res.status >= 300 && res.status < 400; i++) res = await browser.get(res.location);
  return res;
}

export function tokenOnPage(page: WebResponse): string | null {
  return page.body.match(/data-token="([^"]+)"/)?.[1] ?? null;
}

export async function getTokenThroughExplorer(
  browser: WebClient,
  apiKey: string,
  customer: { email: string; password: string },
  choice: 'confirm' | 'deny' = 'confirm',
): Promise<FlowResult> {
  let page = await followFrom(browser, await browser.get(`/explorer/authorize?client_id=${encodeURIComponent(apiKey)}`));
  const link = page.body.match(/href="(\/account\/sign-in\?return_to=[^"]+)">I already have an account</)?.[1];
  if (link) {
    const signIn = await browser.get(link.replace(/&amp;/g, '&'));
    page = await followFrom(browser, await browser.submit(signIn, '/account/sign-in', customer));
  }
  if (!page.url.includes('/explorer/callback')) {
    const action = page.body.match(new RegExp(`action="(/interaction/[^"]+/${choice})"`))?.[1];
    if (!action) return { callback: page, token: null };
    page = await followFrom(browser, await browser.submit(page, action));
  }
  return { callback: page, token: tokenOnPage(page) };
}
