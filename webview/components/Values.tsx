// Small building blocks of the details pane: long values folded, key/value lists with copy actions.
import { Fragment, useState } from 'react';
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
        {open ? 'Show less' : `Show all (${formatCount(text.length)} chars${lines.length > 1 ? `, ${lines.length} lines` : ''})`}
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

/** a key/value list; `filter` (lowercase) keeps entries whose key or value contains it */
export function KeyValues({ kvs, filter, copy, empty }: { kvs: KeyValue[]; filter: string; copy(text: string, what: string): void; empty?: string }) {
  const shown = filter ? kvs.filter((kv) => kv.key.toLowerCase().includes(filter) || anyValueText(kv.value).toLowerCase().includes(filter)) : kvs;
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
    </dl>
  );
}
