// A small in-memory cache with a time-to-live and a size bound, for hot lookups (apps, validated tokens)
// whose staleness is bounded by the TTL. Concurrent misses for one key share a single load.
export type TtlCache<V> = {
  get(key: string): V | undefined;
  set(key: string, value: V): void;
  getOrLoad(key: string, load: () => Promise<V>): Promise<V>;
  delete(key: string): void;
  clear(): void;
};

export function createTtlCache<V>(ttlMs: number, now: () => number = Date.now, maxSize = 10_000): TtlCache<V> {
  const entries = new Map<string, { value: V; expiresAt: number }>();
  const loading = new Map<string, Promise<V>>();

  function get(key: string): V | undefined {
    const entry = entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= now()) {
      entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  function set(key: string, value: V): void {
    if (ttlMs <= 0) return;
    if (entries.size >= maxSize) {
      // Map keeps insertion order: drop the oldest tenth
      let drop = Math.ceil(maxSize / 10);
      for (const k of entries.keys()) {
        entries.delete(k);
        if (--drop === 0) break;
      }
    }
    entries.set(key, { value, expiresAt: now() + ttlMs });
  }

  async function getOrLoad(key: string, load: () => Promise<V>): Promise<V> {
    if (entries.has(key)) {
      const hit = get(key);
      if (hit !== undefined || entries.has(key)) return hit as V;
    }
    const pending = loading.get(key);
    if (pending) return pending;
    const promise = load().then(
      (value) => {
        loading.delete(key);
        set(key, value);
        return value;
      },
      (error: unknown) => {
        loading.delete(key);
        throw error;
      },
    );
    loading.set(key, promise);
    return promise;
  }

  return { get, set, getOrLoad, delete: (key) => void entries.delete(key), clear: () => entries.clear() };
}
