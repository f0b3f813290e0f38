// The packer of the last trace whose head was asked for alone (`/packed?head=N&rest=0`). A panel opening a
// trace asks for its head first and for the whole trace once the head is painted, so that packing the whole
// trace does not compete with the panel's start for the CPU; ordering the trace (most of a head's cost) is
// then not done twice. One trace, for a few seconds: a panel that never asks again costs no memory for long.
import type { Span } from '../model/span';
import type { TracePacker } from '../protocol/packedTrace';

/** how long a head's packer waits for the whole trace to be asked for */
const KEEP_MS = 15_000;

interface Kept {
  traceId: string;
  /** the store's own array (spans are only ever appended to it) and its length then */
  spans: readonly Span[];
  count: number;
  /** how many spans linked logs placed then (logs only ever add to them) */
  placedByLogs: number;
  packer: TracePacker;
  timer: ReturnType<typeof setTimeout>;
}

export class RecentPacker {
  private kept: Kept | undefined;

  /**
   * The kept packer when it was made from the trace as it is now (same spans, none added, no more placed by
   * logs), else a new one from `make`. `keep`: hold the answer for the next ask (a head sent alone); otherwise
   * a kept packer is used once and let go.
   */
  packer(traceId: string, spans: readonly Span[], placedByLogs: number, keep: boolean, make: () => TracePacker): TracePacker {
    const k = this.kept;
    const hit = k && k.traceId === traceId && k.spans === spans && k.count === spans.length && k.placedByLogs === placedByLogs ? k.packer : undefined;
    this.clear();
    const packer = hit ?? make();
    if (keep) {
      const timer = setTimeout(() => this.clear(), KEEP_MS);
      timer.unref?.();
      this.kept = { traceId, spans, count: spans.length, placedByLogs, packer, timer };
    }
    return packer;
  }

  clear(): void {
    if (this.kept) clearTimeout(this.kept.timer);
    this.kept = undefined;
  }
}
