// The usage section of an application's page (the developer portal and the console) and of the console's
// overall usage page: calls per day over the last 30 days as a chart, the totals (errors, 429s, p95
// latency), a data table of every day and a CSV download of the same numbers.
import { html, type SafeHtml } from '../../shared/html.ts';
import { barChart } from '../../web/usage-chart.ts';
import type { AppUsageTotals, UsageSeries } from './usage.service.ts';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const dayLabel = (iso: string) => `${MONTHS[Number(iso.slice(5, 7)) - 1]} ${Number(iso.slice(8, 10))}`;
const ms = (value: number | null) => (value === null ? '–' : `≤ ${value} ms`);

/** `csvHref`: where the same numbers download as CSV (`?granularity=hour` gives the last 24 hours). */
export function usageSection(series: UsageSeries, csvHref: string, subject = 'this app'): SafeHtml {
  const { totals, points } = series;
  const busiest = points.reduce((a, p) => Math.max(a, p.calls), 0);
  return html`<section class="card" id="usage" aria-labelledby="usage-heading">
  <h2 id="usage-heading">Usage</h2>
  ${barChart({
    id: 'calls-per-day',
    title: 'Calls per day, last 30 days',
    description: `${totals.calls} API calls from ${dayLabel(series.start)} to ${dayLabel(points.at(-1)?.start ?? series.start)} (UTC); the busiest day had ${busiest}.`,
    bars: points.map((p) => ({ label: dayLabel(p.start), value: p.calls })),
    unit: 'calls',
  })}
  <ul class="usage-figures">
    <li>Calls<strong>${totals.calls}</strong></li>
    <li>Errors (4xx / 5xx)<strong>${totals.status_4xx} / ${totals.status_5xx}</strong></li>
    <li>Rate-limited (429)<strong>${totals.status_429}</strong></li>
    <li>p95 latency<strong>${ms(totals.p95_ms)}</strong></li>
    <li>Tokens issued<strong>${totals.tokens_issued}</strong></li>
  </ul>
  <p class="hint">Counted by the server for every call made with a token of ${subject}, in UTC days; the last few seconds may not be counted yet.</p>
  <details>
    <summary>Calls per day as a table</summary>
    <div class="table-wrap"><table>
      <caption class="visually-hidden">Usage per day, last 30 days</caption>
      <thead><tr><th scope="col">Day (UTC)</th><th scope="col">Calls</th><th scope="col">2xx</th><th scope="col">4xx</th><th scope="col">5xx</th><th scope="col">429</th><th scope="col">p95</th><th scope="col">Tokens issued</th><th scope="col">Active grants</th></tr></thead>
      <tbody>${[...points].reverse().map(
        (p) => html`<tr><th scope="row">${p.start.slice(0, 10)}</th><td>${p.calls}</td><td>${p.status_2xx}</td><td>${p.status_4xx}</td><td>${p.status_5xx}</td><td>${p.status_429}</td><td>${ms(p.p95_ms)}</td><td>${p.tokens_issued}</td><td>${p.active_grants ?? '–'}</td></tr>`,
      )}</tbody>
    </table></div>
  </details>
  <p class="actions"><a href="${csvHref}" download>Download usage as CSV</a> <span class="muted">(last 30 days, one line per day; per hour: <a href="${csvHref}${csvHref.includes('?') ? '&' : '?'}granularity=hour">last 24 hours</a>)</span></p>
</section>`;
}

/** The apps with the most calls in the period, each linked to its console page. */
export function topAppsTable(rows: readonly AppUsageTotals[], appHref: (clientId: string) => string): SafeHtml {
  if (!rows.length) return html`<p class="muted">No API calls in the last 30 days.</p>`;
  return html`<div class="table-wrap"><table>
  <caption>Apps with the most calls, last 30 days</caption>
  <thead><tr><th scope="col">App</th><th scope="col">Calls</th><th scope="col">4xx</th><th scope="col">5xx</th><th scope="col">429</th></tr></thead>
  <tbody>${rows.map(
    (r) => html`<tr><th scope="row"><a href="${appHref(r.client_id)}">${r.name ?? r.client_id}</a> <span class="muted">${r.client_id}</span></th><td>${r.calls}</td><td>${r.status_4xx}</td><td>${r.status_5xx}</td><td>${r.status_429}</td></tr>`,
  )}</tbody>
</table></div>`;
}
