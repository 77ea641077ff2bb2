// A real browser for journeys: Debian's Chromium driven by playwright-core, with an accessibility check
// (axe-core, run without relaxing the page's CSP), page weights, CSP-violation capture and screenshots.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/**
 * Screenshots of the journeys go to docs/images/ with UPDATE_SCREENSHOTS=1 (then committed); otherwise to a
 * temporary folder, so that a test run leaves the work tree clean while still taking every screenshot.
 */
export const IMAGES_DIR =
  process.env.UPDATE_SCREENSHOTS === '1'
    ? path.resolve(import.meta.dirname, '../../docs/images')
    : path.join(tmpdir(), 'listgate-screenshots');
export const WIDE = { width: 1280, height: 860 };
export const NARROW = { width: 390, height: 844 };

const LAUNCH_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Null (with a loud message) when Chromium is missing; under CI=true a missing browser is an error. */
export function browserUnavailable(): string | null {
  if (existsSync(CHROMIUM)) return null;
  const message = `${CHROMIUM} is missing: the browser journey cannot run. Install Debian's chromium (apt-get install chromium).`;
  if (process.env.CI === 'true') throw new Error(`CI=true and ${message}`);
  process.stderr.write(`\n!!! ${message}\n!!! The browser journey is SKIPPED.\n\n`);
  return message;
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS, headless: true });
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export type AxeIssue = { id: string; impact: string; help: string; targets: string[] };

/** Serious and critical axe findings on the page as it is now. */
export async function accessibilityIssues(page: Page): Promise<AxeIssue[]> {
  // DevTools evaluation is not subject to the page's CSP, so the check runs on the page as served.
  await page.evaluate(axeSource);
  const results = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document): Promise<{ violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[] }> }> }> } }).axe;
    return (await axe.run(document)).violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? 'minor',
      help: v.help,
      targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
    }));
  });
  return results.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/**
 * Counts the bytes of every response a page receives, per page (document, styles, scripts, data), and
 * the CSP violations Chromium reports on its console.
 */
export function watchPage(page: Page) {
  const state = { bytes: 0, files: [] as string[], cspViolations: [] as string[] };
  page.on('requestfinished', async (request) => {
    const sizes = await request.sizes().catch(() => null);
    if (!sizes) return;
    state.bytes += sizes.responseBodySize + sizes.responseHeadersSize;
    state.files.push(`${new URL(request.url()).pathname} ${sizes.responseBodySize}`);
  });
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) state.cspViolations.push(message.text());
  });
  return {
    state,
    reset() {
      state.bytes = 0;
      state.files = [];
    },
  };
}

export async function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  mkdirSync(IMAGES_DIR, { recursive: true });
  await page.screenshot({ path: path.join(IMAGES_DIR, `${name}.png`), fullPage: options.fullPage ?? true, animations: 'disabled' });
}
