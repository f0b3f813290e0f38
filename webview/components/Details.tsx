// The span details pane: what the packed trace knows right away (name, service, timing, tree flags), then
// the full SpanDetail fetched from the host: attributes by span/resource/scope with a filter, events
// (exception stack traces with frames as links), links to other traces, and the span's logs.
import { useEffect, useMemo, useState } from 'react';
import type { SpanDetail } from '../../src/protocol/api';
import type { KeyValue, OtlpEvent, OtlpLogRecord, OtlpLink } from '../../src/protocol/waterfall';
import { MAX_FRAMES, SpanKindName } from '../../src/protocol/waterfall';
import { SpanBit } from '../../src/protocol/packedTrace';
import { TreeFlag } from '../../src/protocol/packedTrace';
import { formatCount, formatDuration } from '../model/timeScale';
import { anyValueText, attrsJson, findAttr, offsetFromTraceStart } from '../model/anyValue';
import { stackLines } from '../../src/protocol/stackFrames';
import type { FrameRef } from '../../src/protocol/stackFrames';
import { EXCEPTION_KEYS, codeSite, hasException } from '../model/codeSite';
import type { TraceView } from '../traceView';
import { serviceColor } from '../traceView';
import { CopyButtons, Folded, KeyValues, useCapped } from './Values';

export interface DetailActions {
  copy(text: string, what: string): void;
  goToSource(row: number): void;
  openFrame(row: number, f: FrameRef): void;
  /** which frames resolve to a file of the workspace (only those are links) */
  resolveFrames(frames: FrameRef[]): Promise<boolean[]>;
  openLink(traceId: string, spanId: string): void;
  toggleSubtree(row: number, collapse: boolean): void;
  /** show only this span's subtree, zoomed to it */
  focusSubtree(row: number): void;
  close(): void;
}

export type DetailState = { spanId: string; detail?: SpanDetail; error?: string };

const STATUS = ['Unset', 'Ok', 'Error'];

export function Details({ view, row, width, state, onCritical, actions }: { view: TraceView; row: number; width: number | null; state: DetailState | null; onCritical: boolean; actions: DetailActions }) {
  const t = view.t;
  const [filter, setFilter] = useState('');
  useEffect(() => setFilter(''), [row]);
  const d = state?.detail;
  const f = filter.trim().toLowerCase();
  const name = t.str(t.name[row]);
  const spanId = t.spanId(row);
  const flags = t.tree[row];
  const status = t.status[row];
  const statusMessage = d?.span.status?.message ?? '';
  const offset = (ns: string) => offsetFromTraceStart(ns, t.epochSec, t.startOffsetNs);
  return (
    <aside className="details" aria-label="Span details" data-testid="details" style={width === null ? undefined : { flexBasis: `${width}px` }}>
      <header className="details-head">
        <span className="swatch" style={{ background: serviceColor(view, row) }} aria-hidden="true" />
        <h2 className="details-title" title={name}>{name}</h2>
        <CopyButtons value={name} what="span name" copy={actions.copy} />
        {d && <CopyButtons json={d.span} what="span" copy={actions.copy} />}
        <button className="icon-btn" title="Close details (Escape)" aria-label="Close details" onClick={actions.close}>
          ✕
        </button>
      </header>
      <div className="details-body">
        <dl className="facts">
          <dt>Service</dt>
          <dd>
            {t.str(t.service[row])} <CopyButtons value={t.str(t.service[row])} what="service" copy={actions.copy} />
          </dd>
          <dt>Kind</dt>
          <dd>
            {SpanKindName[t.kind[row]] ?? String(t.kind[row])} <CopyButtons value={SpanKindName[t.kind[row]] ?? String(t.kind[row])} what="kind" copy={actions.copy} />
          </dd>
          <dt>Status</dt>
          <dd className={status === 2 ? 'status-error' : ''}>
            {STATUS[status] ?? String(status)}
            {statusMessage && (
              <>
                {': '}
                <Folded text={statusMessage} />
              </>
            )}{' '}
            <CopyButtons value={statusMessage ? `${STATUS[status] ?? status}: ${statusMessage}` : (STATUS[status] ?? String(status))} json={d?.span.status ?? { code: status }} what="status" copy={actions.copy} />
          </dd>
          <dt>Start</dt>
          <dd>
            {`+${formatDuration(t.start[row])}`} <CopyButtons value={d?.span.startTimeUnixNano ?? `+${formatDuration(t.start[row])}`} what="start time (Unix ns)" copy={actions.copy} />
          </dd>
          <dt>Duration</dt>
          <dd>
            {formatDuration(t.end[row] - t.start[row])} <CopyButtons value={String(t.end[row] - t.start[row])} what="duration (ns)" copy={actions.copy} />
          </dd>
          <dt>Span ID</dt>
          <dd className="mono">
            {spanId} <CopyButtons value={spanId} what="span id" copy={actions.copy} />
          </dd>
          {t.parentId(row) !== '' && (
            <>
              <dt>Parent ID</dt>
              <dd className="mono">
                {t.parentId(row)} <CopyButtons value={t.parentId(row)} what="parent id" copy={actions.copy} />
              </dd>
            </>
          )}
          {onCritical && (
            <>
              <dt>Critical path</dt>
              <dd>on the critical path</dd>
            </>
          )}
        </dl>
        {flags !== 0 && (
          <ul className="flag-notes">
            {flags & TreeFlag.Orphan ? <li>Orphan: the parent span was never received, so this span is shown as a root.</li> : null}
            {flags & TreeFlag.SelfParent ? <li>Self-parent: the span names itself as its parent.</li> : null}
            {flags & TreeFlag.Cycle ? <li>Cycle: the parent links form a loop; it was cut at its earliest span.</li> : null}
            {flags & TreeFlag.Duplicate ? <li>Duplicate id: another span with this id was received first.</li> : null}
            {flags & TreeFlag.StartsBeforeParent ? <li>Clock skew: starts before its parent, which another host recorded. Times are shown as received.</li> : null}
            {flags & TreeFlag.EndsAfterParent ? <li>Clock skew: ends after its parent, which another host recorded. Times are shown as received.</li> : null}
            {flags & TreeFlag.EarlyStart ? <li className="note">Starts before its parent on the same host: one clock, so not skew — the parent's start was recorded after this span began.</li> : null}
            {flags & TreeFlag.AsyncChild ? <li className="note">Ends after its parent on the same host: one clock, so not skew — the parent did not wait for it (an async child, or a server that finished its answer after the client had it).</li> : null}
          </ul>
        )}
        <div className="details-actions">
          {/* on every span: one with no code.* attributes, stack trace or placing log can still be found by its
              name among the workspace's symbols, and otherwise the host says why it cannot be placed */}
          {(t.bits[row] & SpanBit.HasLocation) !== 0 ? (
            <button className="btn" onClick={() => actions.goToSource(row)}>
              Go to source
            </button>
          ) : (
            <button
              className="btn secondary"
              title="This span carries no code.* attributes or stack trace: its name is looked up among the workspace's symbols"
              onClick={() => actions.goToSource(row)}
            >
              Go to source (by name)
            </button>
          )}
          {t.childCount[row] > 0 && (
            <>
              <button className="btn secondary" onClick={() => actions.toggleSubtree(row, true)}>Collapse subtree</button>
              <button className="btn secondary" onClick={() => actions.toggleSubtree(row, false)}>Expand subtree</button>
              <button className="btn secondary" onClick={() => actions.focusSubtree(row)} title="Show only this span and the spans under it, zoomed to it">
                Focus subtree
              </button>
            </>
          )}
          {d && (
            <button className="btn secondary" onClick={() => actions.copy(JSON.stringify(d.span, null, 2), 'span as JSON')}>
              Copy span as JSON
            </button>
          )}
        </div>
        {!d && !state?.error && <div className="muted">Loading details…</div>}
        {state?.error && <div className="error-text" role="alert">{`Could not load the span's details: ${state.error}`}</div>}
        {d && (
          <>
            <section className="section">
              <h3>Attributes</h3>
              <input
                className="input filter"
                placeholder="Filter attributes"
                aria-label="Filter attributes"
                value={filter}
                onChange={(e) => setFilter(e.target.value)}
              />
              <h4>{`Span (${formatCount(d.span.attributes?.length ?? 0)})`}</h4>
              <KeyValues kvs={d.span.attributes ?? []} filter={f} copy={actions.copy} />
              <h4>{`Resource (${formatCount(d.resource.attributes?.length ?? 0)})`}</h4>
              <KeyValues kvs={d.resource.attributes ?? []} filter={f} copy={actions.copy} />
              <h4>{`Scope ${d.scope.name}${d.scope.version ? ` ${d.scope.version}` : ''}`}</h4>
              <KeyValues kvs={d.scope.attributes ?? []} filter={f} copy={actions.copy} empty="No scope attributes" />
            </section>
            <CodeStack stack={findAttr(d.span.attributes, 'code.stacktrace')} row={row} actions={actions} />
            <Events events={d.span.events ?? []} offset={offset} spanStart={t.start[row]} row={row} actions={actions} />
            <Links links={d.span.links ?? []} actions={actions} />
            <Logs logs={d.logs ?? []} offset={offset} row={row} actions={actions} />
          </>
        )}
      </div>
    </aside>
  );
}

function Events({ events, offset, spanStart, row, actions }: { events: OtlpEvent[]; offset(ns: string): number; spanStart: number; row: number; actions: DetailActions }) {
  const { shown, more } = useCapped(events);
  return (
    <section className="section">
      <h3>{`Events (${formatCount(events.length)})`}</h3>
      {!events.length && <div className="muted">No events</div>}
      {shown.map((e, i) => {
        const exc = e.name === 'exception';
        const at = offset(e.timeUnixNano);
        return (
          <div key={i} className={`event${exc ? ' exception' : ''}`}>
            <div className="event-head">
              <span className="offset" title="from the trace start">{`+${formatDuration(at)}`}</span>
              <span className="event-name">{e.name}</span>
              <span className="muted">{`+${formatDuration(at - spanStart)} in span`}</span>
              <CopyButtons json={{ name: e.name, timeUnixNano: e.timeUnixNano, attributes: attrsJson(e.attributes ?? []) }} what="event" copy={actions.copy} />
            </div>
            {exc ? <Exception attributes={e.attributes ?? []} row={row} actions={actions} /> : <KeyValues kvs={e.attributes ?? []} filter="" copy={actions.copy} empty="No attributes" />}
          </div>
        );
      })}
      {more}
    </section>
  );
}

/** exception.* attributes (of an exception event, or of a log record that reports one) */
function Exception({ attributes, row, actions }: { attributes: KeyValue[]; row: number; actions: DetailActions }) {
  const type = findAttr(attributes, 'exception.type');
  const message = findAttr(attributes, 'exception.message');
  const stack = findAttr(attributes, 'exception.stacktrace');
  const rest = attributes.filter((a) => !EXCEPTION_KEYS.includes(a.key));
  return (
    <div className="exception-body" data-testid="exception">
      {(type || message) && (
        <div className="exc-title">
          {type && <span className="exc-type">{type}</span>}
          {type && message && ': '}
          {message && <Folded text={message} />}
        </div>
      )}
      {stack && (
        <div className="stack">
          <div className="stack-head">
            <span className="muted">Stack trace</span>
            <CopyButtons value={stack} what="stack trace" copy={actions.copy} />
          </div>
          <StackLines stack={stack} row={row} actions={actions} />
        </div>
      )}
      {rest.length > 0 && <KeyValues kvs={rest} filter="" copy={actions.copy} />}
    </div>
  );
}

/** code.stacktrace: where the span was made, frames as links like an exception's */
function CodeStack({ stack, row, actions }: { stack: string | undefined; row: number; actions: DetailActions }) {
  if (!stack) return null;
  return (
    <section className="section">
      <h3>Stack at the span</h3>
      <div className="stack">
        <div className="stack-head">
          <span className="muted">code.stacktrace</span>
          <CopyButtons value={stack} what="stack trace" copy={actions.copy} />
        </div>
        <StackLines stack={stack} row={row} actions={actions} />
      </div>
    </section>
  );
}

/** A stack trace's lines; a frame is a link once the host says its file is in the workspace. */
function StackLines({ stack, row, actions }: { stack: string; row: number; actions: DetailActions }) {
  const lines = useMemo(() => stackLines(stack), [stack]);
  const frames = useMemo(() => lines.flatMap((l) => (l.frame ? [l.frame] : [])).slice(0, MAX_FRAMES), [lines]);
  const placed = usePlaced(frames, actions);
  let k = 0;
  return (
    <pre className="stack-lines">
      {lines.map((l, i) => {
        if (!l.frame) return <div key={i}>{l.text}</div>;
        const at = k++;
        if (placed?.[at] !== true) {
          return (
            <div key={i} className="frame" title={placed ? `${l.frame.file} is not a file of this workspace` : undefined}>
              {l.text}
            </div>
          );
        }
        return (
          <div key={i} className="frame">
            <button className="link frame-link" title={`Open ${l.frame.file}:${l.frame.line}`} onClick={() => actions.openFrame(row, l.frame!)}>
              {l.text}
            </button>
          </div>
        );
      })}
    </pre>
  );
}

/** by frame (in order): whether the host places its file in the workspace; undefined until it answers */
function usePlaced(frames: FrameRef[], actions: DetailActions): boolean[] | undefined {
  const [placed, setPlaced] = useState<boolean[] | undefined>(undefined);
  useEffect(() => {
    let live = true;
    setPlaced(undefined);
    if (frames.length) actions.resolveFrames(frames).then((ok) => live && setPlaced(ok), () => live && setPlaced([]));
    return () => {
      live = false;
    };
  }, [frames, actions]);
  return placed;
}

/** where a log record was written (its code.* attributes): a link once the host places the file */
function LogSite({ site, row, actions }: { site: FrameRef; row: number; actions: DetailActions }) {
  const { file, line, column } = site;
  const frames = useMemo(() => [site], [file, line, column]); // eslint-disable-line react-hooks/exhaustive-deps
  const placed = usePlaced(frames, actions)?.[0];
  const where = `${site.function ? `${site.function} (` : ''}${file}:${line}${column ? `:${column}` : ''}${site.function ? ')' : ''}`;
  return (
    <div className="log-site">
      <span className="muted">Logged at </span>
      {placed === true ? (
        <button className="link frame-link" title={`Open ${file}:${line}`} onClick={() => actions.openFrame(row, site)}>
          {where}
        </button>
      ) : (
        <span className="mono" title={placed === false ? `${file} is not a file of this workspace` : undefined}>
          {where}
        </span>
      )}
    </div>
  );
}

function Links({ links, actions }: { links: OtlpLink[]; actions: DetailActions }) {
  const { shown, more } = useCapped(links);
  return (
    <section className="section">
      <h3>{`Links (${formatCount(links.length)})`}</h3>
      {!links.length && <div className="muted">No links</div>}
      {shown.map((l, i) => (
        <div key={i} className="link-item">
          <div>
            <button className="link mono" title="Open the linked trace" onClick={() => actions.openLink(l.traceId, l.spanId)}>
              {`${l.traceId} / ${l.spanId}`}
            </button>
            <CopyButtons value={l.traceId} json={{ traceId: l.traceId, spanId: l.spanId, attributes: attrsJson(l.attributes ?? []) }} what="link" copy={actions.copy} />
          </div>
          <KeyValues kvs={l.attributes ?? []} filter="" copy={actions.copy} empty="No attributes" />
        </div>
      ))}
      {more}
    </section>
  );
}

function Logs({ logs, offset, row, actions }: { logs: OtlpLogRecord[]; offset(ns: string): number; row: number; actions: DetailActions }) {
  const { shown, more } = useCapped(logs);
  return (
    <section className="section">
      <h3>{`Logs (${formatCount(logs.length)})`}</h3>
      {!logs.length && <div className="muted">No logs were received for this span</div>}
      {shown.map((l, i) => {
        const ts = l.timeUnixNano && l.timeUnixNano !== '0' ? l.timeUnixNano : l.observedTimeUnixNano ?? '';
        const body = anyValueText(l.body);
        const sev = l.severityText || (l.severityNumber ? `SEV${l.severityNumber}` : '');
        const site = codeSite(l.attributes);
        return (
          <div key={i} className={`log${(l.severityNumber ?? 0) >= 17 ? ' log-error' : ''}`}>
            <div className="event-head">
              <span className="offset">{ts ? `+${formatDuration(offset(ts))}` : ''}</span>
              {sev && <span className="badge">{sev}</span>}
              <CopyButtons value={body} json={l} what="log record" copy={actions.copy} />
            </div>
            <Folded text={body} />
            {site && <LogSite site={site} row={row} actions={actions} />}
            {hasException(l.attributes) ? (
              <Exception attributes={l.attributes ?? []} row={row} actions={actions} />
            ) : (
              (l.attributes?.length ?? 0) > 0 && <KeyValues kvs={l.attributes ?? []} filter="" copy={actions.copy} />
            )}
          </div>
        );
      })}
      {more}
    </section>
  );
}
