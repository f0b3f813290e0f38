// The filter box: the trace list's filter language, with completion for services (`service:`), operations
// (`name:`) and attribute keys (`key=`) seen in the store, and the filter's own keywords. The filter applies
// as you type; what it could not read is said under the box.
import { useMemo, useState } from 'react';
import type { ExploreVocabulary } from '../../src/protocol/explore';

const KEYWORDS = ['service:', 'name:', 'is:error', 'is:pinned', 'min:', 'max:', '-service:'];
const MAX_SUGGESTIONS = 12;

interface Props {
  value: string;
  vocabulary: ExploreVocabulary;
  problem: string | undefined;
  onChange(text: string): void;
}

/** completions for the last token of `text` (the one being typed) */
export function suggestions(text: string, v: ExploreVocabulary): string[] {
  const m = /(^|\s)(-?)(\S*)$/.exec(text);
  const token = m ? m[3] : '';
  const neg = m ? m[2] : '';
  const lower = token.toLowerCase();
  const quote = (s: string) => (/[\s"]/.test(s) ? `"${s.replace(/"/g, '\\"')}"` : s);
  const pick = (prefix: string, values: string[]) => {
    const rest = lower.slice(prefix.length).replace(/^"/, '');
    return values.filter((x) => x.toLowerCase().includes(rest)).map((x) => `${neg}${prefix}${quote(x)}`);
  };
  let out: string[];
  if (/^(service|svc):/i.test(token)) out = pick(token.slice(0, token.indexOf(':') + 1).toLowerCase(), v.services);
  else if (/^(name|root):/i.test(token)) out = pick(token.slice(0, token.indexOf(':') + 1).toLowerCase(), v.operations);
  else if (token.includes('=') || token.includes(':')) out = [];
  else if (!token) out = [];
  else {
    out = [
      ...KEYWORDS.filter((k) => k.startsWith(lower) && k !== lower),
      ...v.attributeKeys.filter((k) => k.toLowerCase().startsWith(lower)).map((k) => `${k}=`),
      ...v.services.filter((s) => s.toLowerCase().includes(lower)).map((s) => `${neg}service:${quote(s)}`),
    ];
  }
  return out.slice(0, MAX_SUGGESTIONS);
}

export function FilterBox({ value, vocabulary, problem, onChange }: Props) {
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const list = useMemo(() => (open ? suggestions(value, vocabulary) : []), [open, value, vocabulary]);
  const accept = (s: string) => {
    const m = /(^|\s)(-?\S*)$/.exec(value);
    const head = m ? value.slice(0, value.length - m[2].length) : value;
    const done = !(s.endsWith(':') || s.endsWith('='));
    onChange(head + s + (done ? ' ' : ''));
    setActive(0);
  };
  return (
    <div className="filter">
      <input
        type="text"
        className="filter-input"
        aria-label="Filter traces"
        placeholder="Filter: text, service:orders, name:&quot;GET /checkout&quot;, is:error, min:250ms, http.route=/cart"
        spellCheck={false}
        value={value}
        aria-autocomplete="list"
        aria-expanded={list.length > 0}
        onChange={(e) => {
          setOpen(true);
          setActive(0);
          onChange(e.target.value);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        onKeyDown={(e) => {
          if (!list.length) return;
          if (e.key === 'ArrowDown') {
            setActive((active + 1) % list.length);
            e.preventDefault();
          } else if (e.key === 'ArrowUp') {
            setActive((active - 1 + list.length) % list.length);
            e.preventDefault();
          } else if (e.key === 'Tab' || (e.key === 'Enter' && list.length)) {
            accept(list[Math.min(active, list.length - 1)]);
            e.preventDefault();
          } else if (e.key === 'Escape') setOpen(false);
        }}
      />
      {list.length > 0 && (
        <ul className="suggest" role="listbox">
          {list.map((s, i) => (
            <li
              key={s}
              role="option"
              aria-selected={i === active}
              className={i === active ? 'active' : ''}
              onMouseDown={(e) => {
                e.preventDefault();
                accept(s);
              }}
            >
              {s}
            </li>
          ))}
        </ul>
      )}
      {problem && <div className="filter-problem" role="status">{problem}</div>}
    </div>
  );
}
