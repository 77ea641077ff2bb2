// The API Tester in the browser: "Get Access Token" opens the authorization window and receives the token
// from it; the operations of /openapi.json are listed by resource, each with a "Try it" form that sends
// the API key (x-api-key) and the token (Authorization: Bearer). Same-origin file: the CSP forbids inline scripts.
(() => {
  const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
  const SKIPPED_HEADERS = new Set(['authorization', 'x-api-key']);
  const byId = (id) => document.getElementById(id);
  const keyInput = byId('api-key');
  const tokenInput = byId('access-token');
  const status = byId('token-status');
  if (!keyInput || !tokenInput || !status) return;

  // Descriptions may hold `code` spans (rich-text.js, loaded first); without it they stay plain text.
  const rich = (text) => globalThis.listgateRichText?.richText(text) ?? [String(text)];

  function say(message) {
    status.textContent = message;
  }

  /** "10 years", "1 hour": how long a token lasts, in words. */
  function inWords(seconds) {
    const units = [
      [31_536_000, 'year'],
      [86_400, 'day'],
      [3_600, 'hour'],
      [60, 'minute'],
    ];
    for (const [size, name] of units) {
      const n = Math.round(seconds / size);
      if (seconds >= size * 0.99) return `${n} ${name}${n === 1 ? '' : 's'}`;
    }
    return `${seconds} seconds`;
  }

  function el(tag, attrs = {}, children = []) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs)) {
      if (value === undefined || value === null || value === false) continue;
      if (name === 'text') node.textContent = value;
      else node.setAttribute(name, value === true ? '' : String(value));
    }
    for (const child of children) if (child) node.append(child);
    return node;
  }

  // --- Get Access Token -------------------------------------------------------------------------------
  byId('get-token').addEventListener('click', () => {
    const key = keyInput.value.trim();
    if (!key) {
      say('Choose or paste an API key first, or sign in to see your keys.');
      keyInput.focus();
      return;
    }
    const url = `/explorer/authorize?client_id=${encodeURIComponent(key)}`;
    const popup = window.open(url, 'listgate-token', 'popup,width=560,height=780');
    if (!popup) {
      // A blocked popup: do the same in this tab; the callback page shows the token and links back.
      window.location.assign(url);
      return;
    }
    say('A window opened: sign in to your Listgate customer account there and click Allow.');
  });

  window.addEventListener('message', (event) => {
    const data = event.data;
    if (event.origin !== window.location.origin || !data || data.type !== 'listgate:token') return;
    tokenInput.value = data.token;
    if (keyInput.value !== data.clientId) keyInput.value = data.clientId;
    say(`Access token received for ${data.clientId}. It lasts ${inWords(data.expiresIn)} (${data.expiresIn} seconds). Every Try it now sends it.`);
    tokenInput.focus();
    tokenInput.select();
  });

  byId('copy-token').addEventListener('click', async () => {
    if (!tokenInput.value) return say('There is no token to copy yet: click Get Access Token.');
    try {
      await navigator.clipboard.writeText(tokenInput.value);
      say('The access token is copied.');
    } catch {
      tokenInput.focus();
      tokenInput.select();
      say('The token is selected: press Ctrl+C (or ⌘C) to copy it.');
    }
  });

  byId('token-info').addEventListener('click', async () => {
    const out = byId('token-info-result');
    if (!tokenInput.value) return say('There is no token yet: click Get Access Token.');
    const res = await fetch('/oauth2/tokeninfo.htm', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ access_token: tokenInput.value.trim() }),
    });
    out.hidden = false;
    out.textContent = `${res.status} ${res.statusText}\n${pretty(await res.text())}`;
    say(res.ok ? 'Token info below.' : 'This token is not valid (expired or revoked?).');
  });

  // --- Operations -------------------------------------------------------------------------------------
  function pretty(text) {
    try {
      return JSON.stringify(JSON.parse(text), null, 2);
    } catch {
      return text;
    }
  }

  function resolve(spec, value) {
    let node = value;
    for (let guard = 0; node && typeof node.$ref === 'string' && guard < 20; guard++) {
      const parts = node.$ref.replace(/^#\//, '').split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
      node = parts.reduce((acc, key) => (acc ? acc[key] : undefined), spec);
    }
    return node;
  }

  /** A plausible example for a JSON schema, for the request-body text area. */
  function example(spec, raw, depth = 0) {
    const schema = resolve(spec, raw);
    if (!schema || depth > 5) return null;
    if (schema.example !== undefined) return schema.example;
    if (Array.isArray(schema.examples) && schema.examples.length) return schema.examples[0];
    if (schema.default !== undefined) return schema.default;
    if (Array.isArray(schema.enum)) return schema.enum[0];
    if (schema.const !== undefined) return schema.const;
    const variants = schema.anyOf ?? schema.oneOf;
    if (Array.isArray(variants)) {
      const first = variants.map((v) => resolve(spec, v)).find((v) => v && v.type !== 'null');
      return example(spec, first, depth + 1);
    }
    if (Array.isArray(schema.allOf)) return Object.assign({}, ...schema.allOf.map((s) => example(spec, s, depth + 1)));
    const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
    if (type === 'object' || schema.properties) {
      const out = {};
      const required = new Set(schema.required ?? []);
      for (const [name, prop] of Object.entries(schema.properties ?? {})) {
        if (required.size && !required.has(name) && depth > 0) continue;
        out[name] = example(spec, prop, depth + 1);
      }
      return out;
    }
    if (type === 'array') return [example(spec, schema.items, depth + 1)].filter((v) => v !== null);
    if (type === 'integer' || type === 'number') return schema.minimum ?? 0;
    if (type === 'boolean') return true;
    if (schema.format === 'email') return 'someone@example.com';
    if (schema.format === 'date-time') return new Date().toISOString();
    if (schema.format === 'uuid') return '00000000-0000-4000-8000-000000000000';
    return type === 'string' ? 'string' : null;
  }

  function paramControl(spec, param, id) {
    const schema = resolve(spec, param.schema) ?? {};
    const describedBy = param.description ? `${id}-hint` : undefined;
    if (Array.isArray(schema.enum)) {
      const select = el('select', { id, name: param.name, 'aria-describedby': describedBy }, [el('option', { value: '', text: '' })]);
      for (const v of schema.enum) select.append(el('option', { value: v, text: v }));
      return select;
    }
    return el('input', {
      id,
      name: param.name,
      type: 'text',
      autocomplete: 'off',
      required: param.required || undefined,
      placeholder: schema.default !== undefined ? String(schema.default) : undefined,
      'aria-describedby': describedBy,
    });
  }

  function operationNode(spec, entry, index) {
    const { method, path, op, params } = entry;
    const prefix = `op${index}`;
    const form = el('form', { novalidate: true });
    const grid = el('div', { class: 'params' });
    const fields = [];
    params.forEach((param, i) => {
      if (param.in === 'header' && SKIPPED_HEADERS.has(param.name.toLowerCase())) return;
      const id = `${prefix}-p${i}`;
      const label = el('label', { for: id, text: `${param.name}${param.required ? ' (required)' : ''} · ${param.in}` });
      const hint = param.description ? el('p', { class: 'hint', id: `${id}-hint` }, rich(param.description)) : null;
      const control = paramControl(spec, param, id);
      fields.push({ param, control });
      grid.append(el('div', { class: 'field' }, [label, hint, control]));
    });
    if (fields.length) form.append(grid);
    const body = resolve(spec, op.requestBody);
    const bodySchema = body?.content?.['application/json']?.schema;
    let bodyInput = null;
    if (bodySchema) {
      bodyInput = el('textarea', { id: `${prefix}-body`, rows: 8, spellcheck: 'false' });
      bodyInput.value = JSON.stringify(example(spec, bodySchema), null, 2);
      form.append(el('div', { class: 'field' }, [el('label', { for: `${prefix}-body`, text: 'Request body (JSON)' }), bodyInput]));
    }
    const statusLine = el('p', { class: 'status-line', role: 'status' });
    const output = el('pre', { class: 'response', hidden: true, tabindex: '0', 'aria-label': `Response of ${method.toUpperCase()} ${path}` });
    form.append(el('div', { class: 'actions' }, [el('button', { type: 'submit', text: 'Try it' })]), statusLine, output);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      tryIt({ method, path, fields, bodyInput, statusLine, output });
    });
    const summary = el('summary', {}, [
      el('span', { class: `method ${method}`, text: method.toUpperCase() }),
      el('span', { class: 'op-path', text: path }),
      el('span', { class: 'muted', text: op.summary ?? '' }),
    ]);
    const description = op.description ? el('p', { class: 'muted' }, rich(op.description)) : null;
    return el('details', { class: 'op', id: op.operationId ? `op-${op.operationId}` : prefix }, [summary, el('div', {}, [description, form])]);
  }

  async function tryIt({ method, path, fields, bodyInput, statusLine, output }) {
    let url = path;
    const query = new URLSearchParams();
    const headers = { accept: 'application/json' };
    for (const { param, control } of fields) {
      const value = control.value.trim();
      if (!value) continue;
      if (param.in === 'path') url = url.replace(`{${param.name}}`, encodeURIComponent(value));
      else if (param.in === 'query') query.append(param.name, value);
      else if (param.in === 'header') headers[param.name] = value;
    }
    if (/\{[^}]+\}/.test(url)) {
      statusLine.textContent = 'Fill in the required path parameters first.';
      return;
    }
    const key = keyInput.value.trim();
    const token = tokenInput.value.trim();
    if (key) headers['x-api-key'] = key;
    // The legacy v2 calls take the key as v2 clients send it, in the query string.
    if (key && path.startsWith('/v2/') && !query.has('api_key')) query.append('api_key', key);
    if (token) headers.authorization = `Bearer ${token}`;
    const init = { method: method.toUpperCase(), headers };
    if (bodyInput?.value.trim()) {
      init.body = bodyInput.value;
      headers['content-type'] = 'application/json';
    }
    const target = query.size ? `${url}?${query}` : url;
    statusLine.textContent = `${init.method} ${target} …`;
    const started = performance.now();
    try {
      const res = await fetch(target, init);
      const text = await res.text();
      const ms = Math.round(performance.now() - started);
      const auth = res.headers.get('www-authenticate');
      statusLine.textContent = `${init.method} ${target} → ${res.status} ${res.statusText} (${ms} ms)`;
      statusLine.dataset.status = String(res.status);
      output.hidden = false;
      output.textContent = `${auth ? `WWW-Authenticate: ${auth}\n\n` : ''}${pretty(text)}`;
    } catch (error) {
      statusLine.textContent = `The request failed: ${error.message}`;
    }
  }

  async function renderOperations() {
    const root = byId('operations');
    if (!root) return;
    let spec;
    try {
      const res = await fetch(root.dataset.specUrl, { headers: { accept: 'application/json' } });
      spec = await res.json();
    } catch {
      root.textContent = 'The operations could not be loaded from /openapi.json.';
      return;
    }
    const groups = new Map((spec.tags ?? []).map((t) => [t.name, { description: t.description, entries: [] }]));
    for (const [path, item] of Object.entries(spec.paths ?? {})) {
      for (const method of METHODS) {
        const op = item[method];
        if (!op) continue;
        const tag = op.tags?.[0] ?? path.split('/')[2] ?? 'Other';
        if (!groups.has(tag)) groups.set(tag, { entries: [] });
        const params = [...(item.parameters ?? []), ...(op.parameters ?? [])].map((p) => resolve(spec, p)).filter(Boolean);
        groups.get(tag).entries.push({ method, path, op, params });
      }
    }
    root.textContent = '';
    let index = 0;
    for (const [tag, group] of groups) {
      if (!group.entries.length) continue;
      const section = el('section', { class: 'ops-group', 'aria-label': tag }, [el('h3', { text: tag })]);
      if (group.description) section.append(el('p', { class: 'muted' }, rich(group.description)));
      for (const entry of group.entries) section.append(operationNode(spec, entry, index++));
      root.append(section);
    }
    if (!index) root.textContent = 'The API document lists no operations.';
  }

  renderOperations();
})();
