// How pages show dates: one unambiguous form (UTC, to the minute) inside <time> for machines and readers.
import { html, type SafeHtml } from '../shared/html.ts';

export function formatDate(iso: string | null | undefined, empty = 'never'): SafeHtml | string {
  if (!iso) return empty;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return empty;
  return html`<time datetime="${date.toISOString()}">${date.toISOString().slice(0, 16).replace('T', ' ')} UTC</time>`;
}
