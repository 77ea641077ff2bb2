// A bar chart as inline SVG, rendered on the server: no script (the pages' CSP allows none inline), no
// style attribute (presentation attributes and app.css classes only). Accessible: role="img" named by its
// <title> and <desc>, and each bar carries its own <title>; pages pair it with a data table.
import { html, type SafeHtml } from '../shared/html.ts';

export type ChartBar = { label: string; value: number };

const WIDTH = 720;
const HEIGHT = 220;
const PAD = { top: 12, right: 8, bottom: 28, left: 48 };

/** A round number at or above `max` for the top of the axis (1, 2, 2.5 or 5 × 10^n). */
export function axisTop(max: number): number {
  if (max <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * power >= max) return step * power;
  return 10 * power;
}

export function barChart(opts: { id: string; title: string; description: string; bars: readonly ChartBar[]; unit: string }): SafeHtml {
  const { id, bars } = opts;
  const top = axisTop(Math.max(0, ...bars.map((b) => b.value)));
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const slot = plotW / Math.max(1, bars.length);
  const barW = Math.max(1, slot * 0.7);
  const y = (v: number) => PAD.top + plotH - (v / top) * plotH;
  const fmt = (n: number) => Math.round(n * 10) / 10;
  // Labels under the first, middle and last bars: enough to read the period without crowding.
  const labelled = new Set([0, Math.floor((bars.length - 1) / 2), bars.length - 1]);
  return html`<svg class="usage-chart" id="${id}" role="img" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="100%" preserveAspectRatio="xMidYMid meet" aria-labelledby="${id}-title ${id}-desc">
  <title id="${id}-title">${opts.title}</title>
  <desc id="${id}-desc">${opts.description}</desc>
  ${[0, 0.5, 1].map((f) => html`<line class="grid" x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${fmt(y(top * f))}" y2="${fmt(y(top * f))}"></line>
  <text class="axis" x="${PAD.left - 6}" y="${fmt(y(top * f) + 4)}" text-anchor="end">${String(top * f)}</text>`)}
  ${bars.map((b, i) => {
    const x = PAD.left + i * slot + (slot - barW) / 2;
    return html`<rect class="bar" x="${fmt(x)}" y="${fmt(y(b.value))}" width="${fmt(barW)}" height="${fmt(PAD.top + plotH - y(b.value))}" data-value="${b.value}"><title>${b.label}: ${b.value} ${opts.unit}</title></rect>${
      labelled.has(i) ? html`<text class="axis" x="${fmt(i === 0 ? x : i === bars.length - 1 ? x + barW : x + barW / 2)}" y="${HEIGHT - 8}" text-anchor="${i === 0 ? 'start' : i === bars.length - 1 ? 'end' : 'middle'}">${b.label}</text>` : ''
    }`;
  })}
</svg>`;
}
