// What the receiver's events do not say about it — memory in use, connected windows — fetched from its
// health endpoint now and then while things change, so the status bar's tooltip does not go on showing the
// figures of the moment the window connected ("0 windows connected", "about 0 B" with 190k spans held).
// No editor API here: the status bar wires it to the receiver connection.
import type { HealthInfo } from '../protocol/api';

/** at most one health request per this long; a change within it is fetched when it ends */
export const HEALTH_POLL_MS = 5_000;

export class HealthPoller {
  private fetched: HealthInfo | undefined;
  private lastFetch = -Infinity;
  private inFlight = false;
  private again = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;

  /**
   * `fetch`: the running receiver's health, or undefined while none runs. `onFresh`: a newer answer arrived
   * (redraw). `now` and `intervalMs` are for tests.
   */
  constructor(
    private readonly fetch: () => Promise<HealthInfo> | undefined,
    private readonly onFresh: () => void,
    private readonly now: () => number = Date.now,
    private readonly intervalMs = HEALTH_POLL_MS,
  ) {}

  /** Something changed at the receiver (spans arrived, a clear, a reconnect): fetch now or once the interval ends. */
  poke(): void {
    if (this.disposed) return;
    if (this.inFlight) {
      this.again = true;
      return;
    }
    const wait = this.lastFetch + this.intervalMs - this.now();
    if (wait > 0) {
      if (!this.timer) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.poke();
        }, wait);
        this.timer.unref?.();
      }
      return;
    }
    const p = this.fetch();
    if (!p) return;
    this.inFlight = true;
    this.lastFetch = this.now();
    p.then(
      (h) => {
        if (this.disposed) return;
        this.fetched = h;
        this.onFresh();
      },
      () => undefined, // the connection reports a receiver that went away; the tooltip keeps the live counts
    ).finally(() => {
      this.inFlight = false;
      if (this.again) {
        this.again = false;
        this.poke();
      }
    });
  }

  /**
   * The live health (counts kept current by the event stream) with what only a fetch knows, when the fetch
   * was answered by the same receiver process.
   */
  merge(live: HealthInfo): HealthInfo {
    const f = this.fetched;
    if (!f || f.pid !== live.pid || f.startedAt !== live.startedAt) return live;
    return { ...live, approxBytes: f.approxBytes, clients: f.clients, maxBytes: f.maxBytes, maxSpans: f.maxSpans };
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
  }
}
