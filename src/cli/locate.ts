// `trace-explorer locate <trace-file> --workspace <dir> [--workspace <dir>…] [--map FROM=TO]…`
// Prints one JSON object per span: where its code is in the workspace, which layer answered and how sure
// we are — or why it cannot be placed. How users check their path mappings, and how we test the resolver
// on real traces. Exit code: 0 done (even when spans are unplaced), 2 bad arguments or unreadable input.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LogRecord, Span } from '../model/span';
import { EpochNs } from '../model/time';
import { decodeLogsJson, decodeTracesObject } from '../otlp/jsonDecode';
import { type Resolution, SourceResolver } from '../source/resolver';
import { locationSignal } from '../source/signal';
import { nodeWorkspace } from '../source/workspace';

export const LOCATE_USAGE = `usage: trace-explorer locate <trace-file> --workspace <dir> [--workspace <dir>…] [--map FROM=TO]…

Reads an OTLP JSON trace file (one export request, an array of them, or JSON lines as the collector's
file exporter writes) and prints, per span, one JSON line:
  {"traceId","spanId","name","file","line","column","layer","confidence"}
"file" is relative to the workspace (null when the span cannot be placed, with "reason" and "message").
  --workspace DIR   a workspace folder (repeat for a multi-root workspace)
  --map FROM=TO     path mapping: a path prefix as the telemetry reports it = a folder in the workspace
`;

export interface LocateIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

interface Args {
  file: string;
  workspaces: string[];
  maps: { from: string; to: string }[];
}

function parseArgs(argv: string[]): Args | string {
  const a: Args = { file: '', workspaces: [], maps: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string | undefined => {
      const eq = arg.indexOf('=');
      if (arg.startsWith('--') && eq > 0) return arg.slice(eq + 1);
      return argv[++i];
    };
    const name = arg.startsWith('--') && arg.includes('=') ? arg.slice(0, arg.indexOf('=')) : arg;
    if (name === '--workspace' || name === '-w') {
      const v = value();
      if (!v) return '--workspace needs a directory';
      a.workspaces.push(v);
    } else if (name === '--map' || name === '-m') {
      const v = arg.startsWith('--map=') ? arg.slice(6) : argv[++i];
      const eq = v?.lastIndexOf('=') ?? -1;
      if (!v || eq <= 0 || eq === v.length - 1) return `--map needs FROM=TO (got ${JSON.stringify(v ?? '')})`;
      a.maps.push({ from: v.slice(0, eq), to: v.slice(eq + 1) });
    } else if (arg.startsWith('-') && arg !== '-') {
      return `unknown option ${arg}`;
    } else if (!a.file) {
      a.file = arg;
    } else {
      return `unexpected argument ${arg}`;
    }
  }
  if (!a.file) return 'missing <trace-file>';
  if (a.workspaces.length === 0) return 'missing --workspace <dir>';
  return a;
}

/** Split a trace file into OTLP JSON objects: one object, an array of them, or JSON lines. */
export function otlpObjects(text: string): unknown[] {
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  if (trimmed === '') throw new Error('the file is empty');
  try {
    const v = JSON.parse(trimmed);
    return Array.isArray(v) ? v : [v];
  } catch (whole) {
    const out: unknown[] = [];
    const lines = trimmed.split(/\r?\n/);
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i].trim();
      if (!line) continue;
      try {
        out.push(JSON.parse(line));
      } catch (e) {
        if (i === 0) throw new Error(`not JSON: ${(whole as Error).message}`);
        throw new Error(`line ${i + 1} is not JSON: ${(e as Error).message}`);
      }
    }
    return out;
  }
}

export function readTraceFile(text: string, epoch: EpochNs): { spans: Span[]; logs: LogRecord[]; problems: string[] } {
  const spans: Span[] = [];
  const logs: LogRecord[] = [];
  const problems: string[] = [];
  let recognised = 0;
  for (const o of otlpObjects(text)) {
    if (!o || typeof o !== 'object') continue;
    const rec = o as Record<string, unknown>;
    if ('resourceSpans' in rec || 'resource_spans' in rec) {
      recognised++;
      const b = decodeTracesObject(o, epoch);
      spans.push(...b.spans);
      problems.push(...b.rejectReasons);
    }
    if ('resourceLogs' in rec || 'resource_logs' in rec) {
      recognised++;
      const b = decodeLogsJson(JSON.stringify(o), epoch);
      logs.push(...b.logs);
      problems.push(...b.rejectReasons);
    }
  }
  if (recognised === 0) throw new Error('no OTLP JSON found (expected objects with "resourceSpans")');
  return { spans, logs, problems };
}

export interface LocateLine {
  traceId: string;
  spanId: string;
  name: string;
  file: string | null;
  line: number | null;
  column: number | null;
  layer: string | null;
  confidence: number;
  via?: string;
  sourceMapped?: boolean;
  note?: string;
  reason?: string;
  message?: string;
  candidates?: string[];
}

export function locateLine(span: Span, r: Resolution, multiRoot: boolean): LocateLine {
  const base = { traceId: span.traceId, spanId: span.spanId, name: span.name };
  if (r.ok) {
    const o: LocateLine = {
      ...base,
      file: multiRoot ? `${r.folder.name}/${r.rel}` : r.rel,
      line: r.line ?? null,
      column: r.column ?? null,
      layer: r.layer,
      confidence: r.confidence,
      via: r.via,
    };
    if (r.sourceMapped) o.sourceMapped = true;
    if (r.note) o.note = r.note;
    return o;
  }
  const o: LocateLine = { ...base, file: null, line: null, column: null, layer: r.layer ?? null, confidence: 0, reason: r.reason, message: r.message };
  if (r.candidates) o.candidates = r.candidates.map((c) => (multiRoot ? `${c.folder}/${c.rel}` : c.rel) + (c.line ? `:${c.line}` : ''));
  return o;
}

export async function runLocate(argv: string[], io: LocateIo = { out: (l) => process.stdout.write(l + '\n'), err: (l) => process.stderr.write(l + '\n') }): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.out(LOCATE_USAGE.trimEnd());
    return 0;
  }
  const args = parseArgs(argv);
  if (typeof args === 'string') {
    io.err(`locate: ${args}\n\n${LOCATE_USAGE.trimEnd()}`);
    return 2;
  }
  for (const w of args.workspaces) {
    if (!fs.existsSync(w) || !fs.statSync(w).isDirectory()) {
      io.err(`locate: workspace ${w} is not a directory`);
      return 2;
    }
  }
  let text: string;
  try {
    text = fs.readFileSync(args.file, 'utf8');
  } catch (e) {
    io.err(`locate: cannot read ${args.file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    return 2;
  }
  const epoch = EpochNs.now();
  let data;
  try {
    data = readTraceFile(text, epoch);
  } catch (e) {
    io.err(`locate: ${path.basename(args.file)}: ${(e as Error).message}`);
    return 2;
  }
  for (const p of data.problems) io.err(`locate: skipped ${p}`);
  const resolver = new SourceResolver(nodeWorkspace(args.workspaces), args.maps);
  for (const m of resolver.mappingErrors) io.err(`locate: ${m}`);
  const logsBySpan = new Map<string, LogRecord[]>();
  for (const l of data.logs) {
    if (!l.spanId) continue;
    const k = `${l.traceId}/${l.spanId}`;
    const list = logsBySpan.get(k);
    if (list) list.push(l);
    else logsBySpan.set(k, [l]);
  }
  const multiRoot = args.workspaces.length > 1;
  for (const span of data.spans) {
    const loc = locationSignal(span, logsBySpan.get(`${span.traceId}/${span.spanId}`));
    const r = await resolver.resolve(loc);
    io.out(JSON.stringify(locateLine(span, r, multiRoot)));
  }
  return 0;
}

/** the dispatcher's entry point (src/cli/main.ts) */
export function run(args: string[]): Promise<number> {
  return runLocate(args);
}
