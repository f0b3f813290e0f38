// The library function the application called, while it runs: every function an instrumentation patches
// (through its `_wrap`, i.e. shimmer) and the global fetch are wrapped once more, in a function that marks
// itself current for the length of the synchronous call. A span that starts inside then needs the stack
// only from that function down: its caller is usually the application's frame, so one frame is enough.
// Why it matters: V8 summarises every frame it walks past, not only those it records (~370 ns a frame on the
// 2-core benchmark machine, over ~1.4 µs for a capture at all), and from Tracer.startSpan down to the
// application it is 5 to 30 frames (Node's fetch: ~27). So once a function has shown that its calls start
// spans, the wrapper captures right away, where the walk is one frame long, and the span takes that capture.
import { STACK_LIMIT, captureStack, type CapturedStack } from './frames';

/** One marked library function, with how deep below it the application's frame has been found. */
export class Entry {
  /** deepest index of the application's frame below this function so far (-1: not learned yet) */
  private deepest = -1;
  private learned = false;
  /** calls, and spans started inside a call, since the last halving: whether capturing up front pays */
  calls = 0;
  spans = 0;
  constructor(readonly fn: Function) {}

  /** Capture at the call when at least half the recent calls started a span (a few calls to learn first). */
  get eager(): boolean {
    return this.spans >= EAGER_AFTER && this.spans * 2 >= this.calls;
  }

  called(): void {
    if (++this.calls > 1024) {
      // recent behaviour counts, not the program's whole history
      this.calls >>= 1;
      this.spans >>= 1;
    }
  }

  /**
   * Frames to capture below the function: all until a span has shown where the application's frame is,
   * then exactly that many. A deeper caller seen later (a library calling this one) finds nothing within
   * the limit: that span stays unplaced and the next capture is full depth again, which learns the new depth.
   */
  limit(): number {
    return this.learned ? Math.min(STACK_LIMIT, this.deepest + 1) : STACK_LIMIT;
  }

  learn(holder: CapturedStack, index: number | undefined): void {
    if (index !== undefined) {
      this.deepest = Math.max(this.deepest, index);
      this.learned = true;
    } else if ((holder.limit ?? STACK_LIMIT) < STACK_LIMIT) {
      this.learned = false;
    }
  }
}

const EAGER_AFTER = 4;

let current: Entry | undefined;
/** the stack captured when the current entry was called, until a span takes it */
let captured: CapturedStack | undefined;

/** The innermost marked library function running right now, if any. */
export function currentEntry(): Entry | undefined {
  return current;
}

/**
 * For a span starting now: the stack from the current entry down, captured at its call when it captures
 * eagerly (the first span of the call takes it), else captured here below the entry. undefined: no entry.
 */
export function entryStack(scope: string | undefined): CapturedStack | undefined {
  const e = current;
  if (!e) return undefined;
  e.spans++;
  const c = captured;
  if (c) {
    captured = undefined;
    c.scope = scope;
    return c;
  }
  return captureStack(e.fn, e.limit(), scope, e);
}

const MARKED = Symbol.for('trace-explorer.entry');

/**
 * A function that behaves as `fn` (this, new, arguments, result, own properties, prototype) and marks itself
 * current while it runs. Classes are left alone: calling one through a plain function changes what
 * `new.target` and subclassing see.
 */
export function markEntry<T>(fn: T): T {
  if (typeof fn !== 'function' || (fn as { [MARKED]?: boolean })[MARKED]) return fn;
  if (/^class\b/.test(Function.prototype.toString.call(fn))) return fn;
  const target = fn as unknown as (...args: unknown[]) => unknown;
  const entry = new Entry(wrapper);
  // `arguments` rather than a rest parameter: V8 passes it to apply without copying (this runs on every call)
  function wrapper(this: unknown): unknown {
    const saved = current;
    const savedCaptured = captured;
    current = entry;
    entry.called();
    captured = entry.eager ? captureStack(wrapper, entry.limit(), undefined, entry) : undefined;
    try {
      // eslint-disable-next-line prefer-rest-params
      return new.target ? Reflect.construct(target, arguments, new.target) : target.apply(this, arguments as unknown as unknown[]);
    } finally {
      current = saved;
      captured = savedCaptured;
    }
  }
  for (const key of Reflect.ownKeys(target)) {
    if (key === 'caller' || key === 'arguments') continue;
    const d = Object.getOwnPropertyDescriptor(target, key);
    if (!d) continue;
    try {
      Object.defineProperty(wrapper, key, d);
    } catch {
      // a non-configurable property of ours (none on a strict function): keep ours
    }
  }
  Object.setPrototypeOf(wrapper, Object.getPrototypeOf(target));
  Object.defineProperty(wrapper, MARKED, { value: true });
  return wrapper as unknown as T;
}

type WrapFn = (nodule: object, name: string, wrapper: (original: Function, name: string) => Function) => unknown;
type MassWrapFn = (nodules: object[], names: string[], wrapper: (original: Function, name: string) => Function) => unknown;

/**
 * Makes every function this instrumentation patches from now on an entry point. Instrumentations patch
 * through their own `_wrap` / `_massWrap` (instance fields), when the app requires the module.
 */
export function markInstrumentationEntries(inst: object): void {
  const i = inst as { _wrap?: WrapFn; _massWrap?: MassWrapFn };
  const wrap = i._wrap;
  if (typeof wrap === 'function') {
    i._wrap = (nodule, name, wrapper) => wrap(nodule, name, (original, n) => markEntry(wrapper(original, n)));
  }
  const massWrap = i._massWrap;
  if (typeof massWrap === 'function') {
    i._massWrap = (nodules, names, wrapper) => massWrap(nodules, names, (original, n) => markEntry(wrapper(original, n)));
  }
}
