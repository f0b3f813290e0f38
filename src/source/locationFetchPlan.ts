// Which location statistics a window asks the receiver for next. A live `locations` event names the keys
// that changed; fetching only those keeps a busy app with thousands of locations from making every window
// refetch (and re-merge) all of them several times a second. Anything that can change figures without a
// key being named — a new connection, the window sliding, a setting, a failed fetch — asks for everything.

/** a query for more keys than this is a full fetch (one GET; the keys go in its URL) */
export const MAX_KEYS_PER_FETCH = 200;
/** …as is one whose keys add up to more characters than this (request lines stay far below 16 KiB) */
export const MAX_KEY_CHARS_PER_FETCH = 6000;

export type LocationFetch = { full: true } | { full: false; keys: string[] };

export class LocationFetchPlan {
  private full = true;
  private keys = new Set<string>();
  private chars = 0;

  /** everything, next time (start, reconnect, window moved, settings, after an error) */
  needAll(): void {
    this.full = true;
    this.keys.clear();
    this.chars = 0;
  }

  /** these keys changed (`undefined`: an event that did not say which) */
  changed(keys: readonly string[] | undefined): void {
    if (this.full) return;
    if (!Array.isArray(keys)) return this.needAll();
    for (const k of keys) {
      if (typeof k !== 'string' || this.keys.has(k)) continue;
      this.keys.add(k);
      this.chars += k.length;
    }
    if (this.keys.size > MAX_KEYS_PER_FETCH || this.chars > MAX_KEY_CHARS_PER_FETCH) this.needAll();
  }

  /** is there anything to fetch? */
  get pending(): boolean {
    return this.full || this.keys.size > 0;
  }

  /** what to fetch now; the plan starts empty again (call needAll if that fetch fails) */
  take(): LocationFetch {
    const out: LocationFetch = this.full ? { full: true } : { full: false, keys: [...this.keys] };
    this.full = false;
    this.keys.clear();
    this.chars = 0;
    return out;
  }
}
