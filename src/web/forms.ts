// Form controls beyond layout.field (text areas, radio groups, selects, checkboxes), each with its label
// and its error next to it, and the one pattern pages use to run a service call and re-render on bad input.
import { AppError } from '../errors.ts';
import { html, type SafeHtml } from '../shared/html.ts';

/** A posted form: @fastify/formbody gives strings (arrays only when a name repeats). */
export type Form = Record<string, string | undefined>;

/** The posted body as strings; a repeated name keeps its last value. */
export function formOf(body: unknown): Form {
  const out: Form = {};
  if (!body || typeof body !== 'object') return out;
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    if (typeof value === 'string') out[key] = value;
    else if (Array.isArray(value) && typeof value.at(-1) === 'string') out[key] = value.at(-1) as string;
  }
  return out;
}

/**
 * Runs `action`; on an AppError (bad input, conflict, throttling) calls `onError` to show the form again
 * with the messages, so pages never answer bad input with a JSON error or a 500.
 */
export async function attempt<T>(
  action: () => Promise<T>,
  onOk: (value: T) => unknown,
  onError: (error: AppError) => unknown,
): Promise<unknown> {
  let value: T;
  try {
    value = await action();
  } catch (error) {
    if (error instanceof AppError) return onError(error);
    throw error;
  }
  return onOk(value);
}

function described(id: string, hint?: string, error?: string | null): SafeHtml {
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return html`${ids ? html` aria-describedby="${ids}"` : ''}${error ? html` aria-invalid="true"` : ''}`;
}

function errorLine(id: string, error?: string | null): SafeHtml | string {
  return error ? html`<p class="error" id="${id}-error" role="alert">${error}</p>` : '';
}

export function textareaField(o: { name: string; label: string; value?: string; error?: string | null; hint?: string; rows?: number }): SafeHtml {
  const id = `f-${o.name}`;
  return html`<div class="field${o.error ? ' has-error' : ''}">
  <label for="${id}">${o.label}</label>
  ${o.hint ? html`<p class="hint" id="${id}-hint">${o.hint}</p>` : ''}
  <textarea id="${id}" name="${o.name}" rows="${o.rows ?? 3}"${described(id, o.hint, o.error)}>${o.value ?? ''}</textarea>
  ${errorLine(id, o.error)}
</div>`;
}

export type Choice = { value: string; label: string; hint?: string };

/** Radio buttons in a fieldset whose legend is the question. */
export function radioField(o: { name: string; legend: string; choices: Choice[]; value?: string; error?: string | null }): SafeHtml {
  const id = `f-${o.name}`;
  return html`<fieldset class="field choices${o.error ? ' has-error' : ''}"${o.error ? html` aria-describedby="${id}-error"` : ''}>
  <legend>${o.legend}</legend>
  ${o.choices.map(
    (c, i) => html`<div class="check">
    <input type="radio" id="${id}-${i}" name="${o.name}" value="${c.value}"${c.value === o.value ? ' checked' : ''}${c.hint ? html` aria-describedby="${id}-${i}-hint"` : ''}>
    <label for="${id}-${i}">${c.label}${c.hint ? html` <span class="hint" id="${id}-${i}-hint">— ${c.hint}</span>` : ''}</label>
  </div>`,
  )}
  ${errorLine(id, o.error)}
</fieldset>`;
}

export function selectField(o: { name: string; label: string; choices: Choice[]; value?: string; error?: string | null; hint?: string }): SafeHtml {
  const id = `f-${o.name}`;
  return html`<div class="field${o.error ? ' has-error' : ''}">
  <label for="${id}">${o.label}</label>
  ${o.hint ? html`<p class="hint" id="${id}-hint">${o.hint}</p>` : ''}
  <select id="${id}" name="${o.name}"${described(id, o.hint, o.error)}>
    ${o.choices.map((c) => html`<option value="${c.value}"${c.value === o.value ? ' selected' : ''}>${c.label}</option>`)}
  </select>
  ${errorLine(id, o.error)}
</div>`;
}

/** A single checkbox (terms, confirmations) with its label on the right. */
export function checkboxField(o: {
  name: string;
  label: string | SafeHtml;
  checked?: boolean;
  error?: string | null;
  value?: string;
  /** Needed when the same name appears in several forms of one page. */
  id?: string;
}): SafeHtml {
  const id = o.id ?? `f-${o.name}`;
  return html`<div class="field${o.error ? ' has-error' : ''}">
  <div class="check">
    <input type="checkbox" id="${id}" name="${o.name}" value="${o.value ?? 'yes'}"${o.checked ? ' checked' : ''}${described(id, undefined, o.error)}>
    <label for="${id}">${o.label}</label>
  </div>
  ${errorLine(id, o.error)}
</div>`;
}
