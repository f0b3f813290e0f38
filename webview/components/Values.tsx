// Small building blocks of the details pane: long values folded, key/value lists with copy actions.
import { Fragment, useMemo, useState } from 'react';
import type { ReactElement } from 'react';
import type { KeyValue } from '../../src/protocol/waterfall';
import { anyValueJson, anyValueText } from '../model/anyValue';
import { formatCount } from '../model/timeScale';

const FOLD_CHARS = 240;
const FOLD_LINES = 4;
/** longer text wraps where the browser likes (one node per part would be too many) */
const BREAKABLE_CHARS = 4096;
// after a dot, slash, backslash, colon, @, ?, &, = or comma: where keys, paths and URLs can wrap (hyphens
// already are; an underscore joins a word: node_modules)
const BREAK_AFTER = /(?<=[./\\:@?&=,])(?=[^./\\:@?&=,\s])/;

/** text that may wrap after the separators in keys, paths and URLs, not inside a word (the text is unchanged) */
export function Breakable({ text }: { text: string }) {
  if (text.length > BREAKABLE_CHARS) return <>{text}</>;
  const parts = text.split(BREAK_AFTER);
  if (parts.length === 1) return <>{text}</>;
  return (
    <>
      {parts.map((p, i) => (
        <Fragment key={i}>
          {i > 0 && <wbr />}
          {p}
        </Fragment>
      ))}
    </>
  );
}

/** text that folds when long (LLM prompts, SQL), expandable; always rendered as text */
export function Folded({ text, className }: { text: string; className?: string }) {
  const [open, setOpen] = useState(false);
  const lines = text.split('\n');
  const long = text.length > FOLD_CHARS || lines.length > FOLD_LINES;
  if (!long)
    return (
      <span className={`value ${className ?? ''}`}>
        <Breakable text={text} />
      </span>
    );
  const shown = open ? text : lines.slice(0, FOLD_LINES).join('\n').slice(0, FOLD_CHARS);
  return (
    <span className={`value folded ${open ? 'open' : ''} ${className ?? ''}`}>
      <Breakable text={shown} />
      {!open && '…'}
      <button className="link fold" onClick={() => setOpen(!open)} aria-expanded={open}>
        {open ? 'Show less' : `Show all (${formatCount(text.length)} chars${lines.length > 1 ? `, ${formatCount(lines.length)} lines` : ''})`}
      </button>
    </span>
  );
}

export function CopyButtons({ value, json, what, copy }: { value?: string; json?: unknown; what: string; copy(text: string, what: string): void }) {
  return (
    <span className="copy-btns">
      {value !== undefined && (
        <button className="icon-btn" title={`Copy ${what} value`} aria-label={`Copy ${what} value`} onClick={() => copy(value, `${what} value`)}>
          Copy
        </button>
      )}
      {json !== undefined && (
        <button className="icon-btn" title={`Copy ${what} as JSON`} aria-label={`Copy ${what} as JSON`} onClick={() => copy(JSON.stringify(json, null, 2), `${what} as JSON`)}>
          JSON
        </button>
      )}
    </span>
  );
}

/** entries of a list shown at first (a span can carry 100,000 attributes or events) */
export const LIST_CAP = 200;
/** entries one "show more" adds at most: beyond this, the rest comes in steps */
export const LIST_STEP = 2000;

/**
 * the first `limit` entries of a list and the button that shows more; the limit starts over for another list
 * (one with another length or first entry: callers may filter the same entries into a new array each render)
 */
export function useCapped<T>(items: T[]): { shown: T[]; more: ReactElement | null } {
  const [state, setState] = useState({ length: items.length, first: items[0], limit: LIST_CAP });
  const limit = state.length === items.length && state.first === items[0] ? state.limit : LIST_CAP;
  const rest = items.length - limit;
  const more =
    rest > 0 ? (
      <button
        className="link show-more"
        data-testid="show-more"
        onClick={() => setState({ length: items.length, first: items[0], limit: limit + Math.min(rest, LIST_STEP) })}
      >
        {rest <= LIST_STEP ? `Show all ${formatCount(items.length)}` : `Show ${formatCount(LIST_STEP)} more (${formatCount(rest)} not shown of ${formatCount(items.length)})`}
      </button>
    ) : null;
  return { shown: rest > 0 ? items.slice(0, limit) : items, more };
}

/** a key/value list; `filter` (lowercase) keeps entries whose key or value contains it */
export function KeyValues({ kvs, filter, copy, empty }: { kvs: KeyValue[]; filter: string; copy(text: string, what: string): void; empty?: string }) {
  const matching = useMemo(
    () => (filter ? kvs.filter((kv) => kv.key.toLowerCase().includes(filter) || anyValueText(kv.value).toLowerCase().includes(filter)) : kvs),
    [kvs, filter],
  );
  const { shown, more } = useCapped(matching);
  if (!shown.length) return <div className="muted">{filter && kvs.length ? 'No attribute matches' : (empty ?? 'None')}</div>;
  return (
    <dl className="kv">
      {shown.map((kv, i) => {
        const text = anyValueText(kv.value);
        return (
          <div className="kv-item" key={`${kv.key}\u0000${i}`}>
            <dt title={kv.key}>
              <Breakable text={kv.key} />
            </dt>
            <dd>
              <Folded text={text} className={kv.value?.stringValue === undefined ? 'nonstring' : ''} />
              <CopyButtons value={text} json={{ [kv.key]: anyValueJson(kv.value) }} what="attribute" copy={copy} />
            </dd>
          </div>
        );
      })}
      {more}
    </dl>
  );
}
