// The one map from a static asset's logical name (`app.css`) to the URL pages use for it, fingerprinted with
// its content (`/static/app.3f9c0a1b2d4e.css`), so that a browser may cache it for a year and a changed file
// is fetched again under its new name. Hashed once per process, on first use (start-up registers the routes).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const STATIC_DIR = path.join(import.meta.dirname, 'static');
export const STATIC_PREFIX = '/static/';

/** Every file in src/web/static; a page names one of these, never a path. */
export const ASSET_NAMES = ['app.css', 'favicon.svg', 'docs-init.js', 'explorer.js', 'explorer-callback.js', 'rich-text.js'] as const;
export type AssetName = (typeof ASSET_NAMES)[number];

export type AssetManifest = {
  /** Logical name → fingerprinted file name (`app.3f9c0a1b2d4e.css`). */
  readonly fingerprinted: ReadonlyMap<string, string>;
};

/** `name.ext` → `name.<first 12 hex digits of the SHA-256 of the content>.ext`. */
export function fingerprint(name: string, content: Buffer): string {
  const hash = createHash('sha256').update(content).digest('hex').slice(0, 12);
  const dot = name.lastIndexOf('.');
  return `${name.slice(0, dot)}.${hash}${name.slice(dot)}`;
}

export function createAssetManifest(dir: string, names: readonly string[]): AssetManifest {
  return { fingerprinted: new Map(names.map((name) => [name, fingerprint(name, readFileSync(path.join(dir, name)))])) };
}

let manifest: AssetManifest | null = null;

export function assetManifest(): AssetManifest {
  manifest ??= createAssetManifest(STATIC_DIR, ASSET_NAMES);
  return manifest;
}

/** The URL a page links to for an asset: content-addressed, served with `immutable` caching. */
export function assetUrl(name: AssetName): string {
  return `${STATIC_PREFIX}${assetManifest().fingerprinted.get(name)}`;
}
