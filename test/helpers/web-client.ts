// A browser stand-in for page tests: keeps cookies, follows redirects on request, and submits the HTML
// forms it is served (hidden fields such as the CSRF token included), the way a person's browser would.
export type WebResponse = { status: number; url: string; headers: Headers; body: string; location: string | null };

type ParsedForm = { action: string; method: string; fields: Record<string, string> };

const decode = (s: string) =>
  s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

function attr(tag: string, name: string): string | null {
  const m = tag.match(new RegExp(`\\s${name}="([^"]*)"`, 'i'));
  return m ? decode(m[1]!) : null;
}

/** Every form of the page with its action, method and the values of its named inputs. */
export function parseForms(html: string): ParsedForm[] {
  const forms: ParsedForm[] = [];
  for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const open = m[1]!;
    const inner = m[2]!;
    const fields: Record<string, string> = {};
    for (const input of inner.matchAll(/<input\b[^>]*>/gi)) {
      const tag = input[0];
      const name = attr(tag, 'name');
      const type = (attr(tag, 'type') ?? 'text').toLowerCase();
      if (!name || ((type === 'checkbox' || type === 'radio') && !/\schecked\b/i.test(tag))) continue;
      fields[name] = attr(tag, 'value') ?? '';
    }
    for (const button of inner.matchAll(/<button\b[^>]*>/gi)) {
      const name = attr(button[0], 'name');
      if (name && !(name in fields)) fields[`button:${name}`] = attr(button[0], 'value') ?? '';
    }
    forms.push({ action: attr(` ${open}`, 'action') ?? '', method: (attr(` ${open}`, 'method') ?? 'get').toLowerCase(), fields });
  }
  return forms;
}

export class WebClient {
  readonly cookies = new Map<string, string>();

  readonly baseUrl: string;

  constructor(baseUrl: string) {
    this.baseUrl = baseUrl;
  }

  private absolute(url: string): string {
    return new URL(url, this.baseUrl).toString();
  }

  async request(method: string, url: string, body?: URLSearchParams): Promise<WebResponse> {
    const target = this.absolute(url);
    const headers: Record<string, string> = { accept: 'text/html' };
    const host = new URL(target).host;
    if (host === new URL(this.baseUrl).host && this.cookies.size) {
      headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    }
    if (body) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await fetch(target, { method, headers, body, redirect: 'manual' });
    if (host === new URL(this.baseUrl).host) {
      for (const line of res.headers.getSetCookie()) {
        const [pair] = line.split(';');
        const eq = pair!.indexOf('=');
        const name = pair!.slice(0, eq).trim();
        const value = pair!.slice(eq + 1).trim();
        if (!value || /expires=Thu, 01 Jan 1970/i.test(line) || /max-age=0/i.test(line)) this.cookies.delete(name);
        else this.cookies.set(name, value);
      }
    }
    const location = res.headers.get('location');
    return {
      status: res.status,
      url: target,
      headers: res.headers,
      body: await res.text(),
      location: location ? new URL(location, target).toString() : null,
    };
  }

  get(url: string): Promise<WebResponse> {
    return this.request('GET', url);
  }

  /** GETs and follows same-server redirects; stops at the first redirect to another origin. */
  async follow(url: string, max = 10): Promise<WebResponse> {
    let res = await this.get(url);
    for (let i = 0; i < max && res.location && res.status >= 300 && res.status < 400; i++) {
      if (new URL(res.location).origin !== new URL(this.baseUrl).origin) return res;
      res = await this.get(res.location);
    }
    return res;
  }

  /** A form that answers with post/redirect/get: submits it, checks the 303 and loads the result page. */
  async submitThenGet(page: WebResponse, actionPart: string, values: Record<string, string> = {}): Promise<WebResponse> {
    const posted = await this.submit(page, actionPart, values);
    if (posted.status !== 303 || !posted.location) return posted;
    return this.follow(posted.location);
  }

  /**
   * Submits the form of `page` whose action contains `actionPart` with the given field values, keeping
   * its hidden fields. `button` names a submit button (`name=value`) to press.
   */
  async submit(
    page: WebResponse,
    actionPart: string,
    values: Record<string, string> = {},
    button?: { name: string; value: string },
  ): Promise<WebResponse> {
    const form = parseForms(page.body).find((f) => f.action.includes(actionPart));
    if (!form) throw new Error(`no form with action containing "${actionPart}" on ${page.url}`);
    const fields = Object.fromEntries(Object.entries(form.fields).filter(([k]) => !k.startsWith('button:')));
    const body = new URLSearchParams({ ...fields, ...values });
    if (button) body.set(button.name, button.value);
    return this.request('POST', new URL(form.action || page.url, page.url).toString(), body);
  }
}
