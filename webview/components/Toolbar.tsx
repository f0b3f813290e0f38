// Find, navigation and view controls above the waterfall.
import type { ReactNode, Ref } from 'react';
import { formatCount, plural } from '../model/timeScale';

/** "2 of 1,031" on a match; "1,031 matches" when the selection moved off them; "No results" */
export function findCount(query: string, index: number, count: number): string {
  if (!query.trim()) return '';
  if (!count) return 'No results';
  return index ? `${formatCount(index)} of ${formatCount(count)}` : plural(count, 'match', 'matches');
}

/** the panel's views of the trace */
export type PanelTab = 'waterfall' | 'stats' | 'flame';

interface Props {
  query: string;
  onQuery(q: string): void;
  matchCount: number;
  matchIndex: number; // 1-based position of the selection among matches, 0 when not on a match
  hide: boolean;
  onHide(b: boolean): void;
  onStep(dir: 1 | -1): void;
  errorCount: number;
  onError(dir: 1 | -1): void;
  critical: boolean;
  onCritical(b: boolean): void;
  onCollapseAll(): void;
  onExpandAll(): void;
  onLevel(n: number): void;
  tab: PanelTab;
  onTab(t: PanelTab): void;
  inputRef: Ref<HTMLInputElement>;
  onFindKey(e: React.KeyboardEvent<HTMLInputElement>): void;
  /** shown first (the preview panel's mark) */
  lead?: ReactNode;
  /** opens the map of the services this trace touched */
  onServiceMap(): void;
}

export function Toolbar(p: Props) {
  return (
    <div className="toolbar" role="toolbar" aria-label="Waterfall tools">
      {p.lead}
      <div className="find">
        <input
          ref={p.inputRef}
          className="input"
          type="search"
          placeholder="Find (/): name, service, attribute, key=value"
          aria-label="Find in trace"
          value={p.query}
          onChange={(e) => p.onQuery(e.target.value)}
          onKeyDown={p.onFindKey}
          data-testid="find"
        />
        <span className="find-count" aria-live="polite" data-testid="find-count">
          {findCount(p.query, p.matchIndex, p.matchCount)}
        </span>
        <button className="icon-btn" disabled={!p.matchCount} onClick={() => p.onStep(-1)} title="Previous match (Shift+N)" aria-label="Previous match">
          ↑
        </button>
        <button className="icon-btn" disabled={!p.matchCount} onClick={() => p.onStep(1)} title="Next match (N)" aria-label="Next match">
          ↓
        </button>
        <label className="check" title="Show only matching spans and their ancestors">
          <input type="checkbox" checked={p.hide} onChange={(e) => p.onHide(e.target.checked)} />
          Only matches
        </label>
      </div>
      <div className="group">
        <button className="btn secondary" disabled={!p.errorCount} onClick={() => p.onError(-1)} title="Previous error (Shift+E)">
          ◂ Error
        </button>
        <button className="btn secondary" disabled={!p.errorCount} onClick={() => p.onError(1)} title="Next error (E)">
          Error ▸
        </button>
        <label className="check" title="Highlight the chain of spans that determines the trace's duration (C)">
          <input type="checkbox" checked={p.critical} onChange={(e) => p.onCritical(e.target.checked)} data-testid="critical" />
          Critical path
        </label>
      </div>
      <div className="group">
        <button className="btn secondary" onClick={p.onCollapseAll} title="Collapse all">
          Collapse all
        </button>
        <button className="btn secondary" onClick={p.onExpandAll} title="Expand all">
          Expand all
        </button>
        <select
          className="select"
          aria-label="Expand to level"
          value=""
          onChange={(e) => {
            if (e.target.value) p.onLevel(Number(e.target.value));
          }}
        >
          <option value="">Levels…</option>
          {[1, 2, 3, 4, 5, 6, 8, 10].map((n) => (
            <option key={n} value={n}>{`Show ${n} level${n > 1 ? 's' : ''}`}</option>
          ))}
        </select>
      </div>
      <div className="group tabs" role="tablist">
        <button role="tab" aria-selected={p.tab === 'waterfall'} className={`tab${p.tab === 'waterfall' ? ' active' : ''}`} onClick={() => p.onTab('waterfall')}>
          Waterfall
        </button>
        <button role="tab" aria-selected={p.tab === 'stats'} className={`tab${p.tab === 'stats' ? ' active' : ''}`} onClick={() => p.onTab('stats')}>
          Statistics
        </button>
        <button role="tab" aria-selected={p.tab === 'flame'} className={`tab${p.tab === 'flame' ? ' active' : ''}`} onClick={() => p.onTab('flame')} title="Flame graph: where the trace's time went, by span or merged by operation">
          Flame graph
        </button>
      </div>
      <button className="btn secondary" onClick={p.onServiceMap} title="The services this trace touched and the calls between them, in a panel of its own">
        Service map
      </button>
    </div>
  );
}
