// Plays the person at the browser in OAuth journeys: from an authorization or device-verification URL,
// walks the server's pages (device confirmation, "I already have an account", sign-in, consent "Allow")
// until the server redirects to another origin (the app's redirect URI) or shows its success page.
import { parseForms, type WebClient, type WebResponse } from './web-client.ts';

export type Approval = { final: WebResponse; redirect: string | null };

export async function approveInBrowser(
  browser: WebClient,
  startUrl: string,
  credentials: { email: string; password: string },
): Promise<Approval> {
  let page = await browser.get(startUrl);
  const origin = new URL(browser.baseUrl).origin;
  for (let step = 0; step < 15; step++) {
    if (page.location) {
      if (new URL(page.location).origin !== origin) return { final: page, redirect: page.location };
      page = await browser.get(page.location);
      continue;
    }
    const forms = parseForms(page.body);
    const action = (part: string) => forms.find((f) => f.action.includes(part));
    const signInLink = page.body.match(/href="([^"]*\/account\/sign-in[^"]*)"/);
    if (action('/oauth2/device') && !page.body.includes('name="user_code" type="text"')) {
      page = await browser.submit(page, '/oauth2/device');
    } else if (action('/account/sign-in')) {
      page = await browser.submit(page, '/account/sign-in', credentials);
    } else if (action('/confirm')) {
      page = await browser.submit(page, '/confirm');
    } else if (signInLink) {
      page = await browser.get(signInLink[1]!.replace(/&amp;/g, '&'));
    } else {
      return { final: page, redirect: null };
    }
  }
  throw new Error(`the approval did not finish; last page ${page.url}`);
}
