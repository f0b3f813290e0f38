// The agent tools: one catalogue (name, title, a description written for a model, JSON Schema of the input)
// and one dispatcher over the operations. Both doors read it: the MCP server (src/cli/mcp.ts) lists and calls
// these; the editor's language model tools (src/host/agent/) are the same names in package.json, whose
// inputSchema a unit test keeps equal to INPUT_SCHEMAS here. All of them only read.
import { AgentInputError, ANSWER_BUDGET, render, type Answer } from './answer';
import { codeStats } from './codeStats';
import { compareTraces } from './compareTraces';
import { findSpans } from './findSpans';
import { getSpan } from './getSpan';
import { getTrace } from './getTrace';
import { listTraces } from './listTraces';
import { recentErrors } from './recentErrors';
import type { AgentContext } from './source';
import { TraceCache } from './traceData';

export type ToolName = 'list_traces' | 'get_trace' | 'get_span' | 'find_spans' | 'code_stats' | 'compare_traces' | 'recent_errors';

interface Schema {
  type: 'object';
  properties: Record<string, Record<string, unknown>>;
  required?: string[];
  additionalProperties: false;
}

export interface ToolInfo {
  name: ToolName;
  title: string;
  description: string;
  inputSchema: Schema;
}

const traceId = { type: 'string', pattern: '^[0-9a-fA-F]{1,64}$', description: 'Trace id (hex), as list_traces or find_spans give it.' };
const sinceMinutes = { type: 'number', minimum: 0, description: 'Only what started in the last N minutes.' };
const attributes = {
  type: 'array',
  items: { type: 'string', maxLength: 500 },
  maxItems: 10,
  description: 'Attribute terms key=value (value matched as a case-insensitive substring; key= or key=* for any value), e.g. "http.route=/cart".',
};

export const TOOLS: readonly ToolInfo[] = [
  {
    name: 'list_traces',
    title: 'List traces',
    description:
      'List the traces the Trace Explorer receiver has stored (the running app\'s OpenTelemetry traces), newest or slowest first: trace id, root operation, service, duration, span and error counts. ' +
      'Start here to find a trace to look at with get_trace. Filters combine (AND). `filter` takes the trace list\'s own syntax: free text, service:NAME, name:"GET /cart", is:error, min:250ms, max:2s, key=value, -term to negate.',
    inputSchema: {
      type: 'object',
      properties: {
        filter: { type: 'string', maxLength: 500, description: 'Trace list filter, e.g. `service:checkout is:error min:200ms http.route=/cart`.' },
        service: { type: 'string', maxLength: 200, description: 'Only traces a service with this name (substring) takes part in.' },
        operation: { type: 'string', maxLength: 200, description: 'Root operation name contains this (e.g. "GET /checkout").' },
        errorsOnly: { type: 'boolean', description: 'Only traces with at least one error span.' },
        minDurationMs: { type: 'number', minimum: 0, description: 'Only traces at least this long.' },
        sinceMinutes,
        attributes,
        sort: { type: 'string', enum: ['newest', 'slowest'], description: 'Order (default newest).' },
        limit: { type: 'integer', minimum: 1, maximum: 100, description: 'Most traces to answer (default 20; fewer when the answer would be too big).' },
        cursor: { type: 'string', maxLength: 40, description: 'nextCursor of an earlier answer, for the next page.' },
      },
      additionalProperties: false,
    },
  },
  {
    name: 'get_trace',
    title: 'Get a trace',
    description:
      'Summarise one trace: root, services, span count, duration, the critical path (what the request waited on), the spans with the most self time, the error spans with exception messages and the top frames of the application\'s code, ' +
      'and where each span\'s code is (`at`: file:line relative to the workspace). Then the spans as a table (spanColumns), depth-first, one page at a time: pass nextCursor to read on. Use get_span for one span in full.',
    inputSchema: {
      type: 'object',
      properties: {
        traceId,
        cursor: { type: 'string', maxLength: 12, description: 'nextCursor of an earlier get_trace answer: the span row to continue from.' },
        limit: { type: 'integer', minimum: 1, maximum: 2000, description: 'Most spans in this page (fewer when the answer would be too big).' },
      },
      required: ['traceId'],
      additionalProperties: false,
    },
  },
  {
    name: 'get_span',
    title: 'Get a span',
    description: 'One span in full: attributes, events (exceptions with their top application frames), linked log records, links, resource, status, and where its code is in the workspace.',
    inputSchema: {
      type: 'object',
      properties: {
        traceId,
        spanId: { type: 'string', pattern: '^[0-9a-fA-F]{1,32}$', description: 'Span id (hex), as get_trace or find_spans give it.' },
      },
      required: ['traceId', 'spanId'],
      additionalProperties: false,
    },
  },
  {
    name: 'find_spans',
    title: 'Find spans',
    description:
      'Search spans across the stored traces (newest trace first, or in one trace) by name, service, attributes, error status, minimum duration, or the source file / function their code is in. ' +
      'Answers trace id, span id, name, service, duration, error and code location per span. Each call reads a bounded number of traces; pass nextCursor to search further.',
    inputSchema: {
      type: 'object',
      properties: {
        name: { type: 'string', maxLength: 200, description: 'Span name contains this (case-insensitive).' },
        service: { type: 'string', maxLength: 200, description: 'Service name contains this.' },
        attributes,
        errorsOnly: { type: 'boolean', description: 'Only spans with error status or an exception.' },
        minDurationMs: { type: 'number', minimum: 0, description: 'Only spans at least this long.' },
        file: { type: 'string', maxLength: 500, description: 'Only spans whose code is in this file (workspace-relative path, e.g. src/orders.ts).' },
        function: { type: 'string', maxLength: 200, description: 'Only spans whose code is this function (name, or Namespace.name).' },
        traceId: { ...traceId, description: 'Search only this trace.' },
        sinceMinutes,
        limit: { type: 'integer', minimum: 1, maximum: 500, description: 'Most spans to answer (default 50; fewer when the answer would be too big).' },
        cursor: { type: 'string', maxLength: 40, description: 'nextCursor of an earlier find_spans answer.' },
      },
      additionalProperties: false,
    },
  },
  {
    name: 'code_stats',
    title: 'Runtime stats for code',
    description:
      'What the code did at run time, for a source file or a function (what Trace Explorer\'s code lenses show): per code location the calls, p50/p95/max latency, errors, the last error with where it was thrown, and the latest failing and slowest traces. ' +
      'Use it while reading or changing code to see how it behaves.',
    inputSchema: {
      type: 'object',
      properties: {
        file: { type: 'string', maxLength: 500, description: 'Workspace-relative path, e.g. src/orders.ts.' },
        function: { type: 'string', maxLength: 200, description: 'Function name (or Namespace.name).' },
        line: { type: 'integer', minimum: 1, description: 'Only the location at this line of the file.' },
        sinceMinutes,
      },
      additionalProperties: false,
    },
  },
  {
    name: 'compare_traces',
    title: 'Compare two traces',
    description: 'Two traces side by side (say a fast and a slow run of the same request): duration, span and error counts, services only in one, and each one\'s critical path, slowest spans and errors.',
    inputSchema: {
      type: 'object',
      properties: {
        traceIdA: { ...traceId, description: 'The first trace (the baseline).' },
        traceIdB: { ...traceId, description: 'The second trace (the one to explain).' },
      },
      required: ['traceIdA', 'traceIdB'],
      additionalProperties: false,
    },
  },
  {
    name: 'recent_errors',
    title: 'Recent errors',
    description:
      'The exceptions and error spans of the newest failing traces, grouped by exception type and the place in the code that threw (workspace file:line when it is there), with counts, the latest message, the services, and one example trace and span each.',
    inputSchema: {
      type: 'object',
      properties: {
        sinceMinutes,
        service: { type: 'string', maxLength: 200, description: 'Only errors in services whose name contains this.' },
        maxTraces: { type: 'integer', minimum: 1, maximum: 200, description: 'Most failing traces to read (default 50, newest first).' },
      },
      additionalProperties: false,
    },
  },
];

/** the editor's language model tools are these names with this prefix (package.json languageModelTools) */
export const LM_TOOL_PREFIX = 'traceExplorer_';

const NAME_IN_TEXT = /\b(list_traces|get_trace|get_span|find_spans|code_stats|compare_traces|recent_errors)\b/g;

/** A tool's description with the other tools named as a door names them (`prefix` + name). */
export function toolDescription(tool: ToolInfo, prefix = ''): string {
  return prefix ? tool.description.replace(NAME_IN_TEXT, `${prefix}$1`) : tool.description;
}

/** the smallest budget a caller may ask for: a summary and a few rows */
export const MIN_BUDGET = 2048;

export const TOOL_NAMES: readonly ToolName[] = TOOLS.map((t) => t.name);

/** Checks an input against a tool's schema (the subset the catalogue uses); throws AgentInputError. */
export function checkInput(tool: ToolInfo, input: unknown): Record<string, unknown> {
  if (input === undefined || input === null) input = {};
  if (typeof input !== 'object' || Array.isArray(input)) throw new AgentInputError(`${tool.name}: the input must be a JSON object`);
  const obj = input as Record<string, unknown>;
  const { properties, required = [] } = tool.inputSchema;
  for (const key of Object.keys(obj)) {
    if (!Object.prototype.hasOwnProperty.call(properties, key)) throw new AgentInputError(`${tool.name}: unknown input ${JSON.stringify(key.slice(0, 40))}; it takes ${Object.keys(properties).join(', ')}`);
  }
  for (const key of required) if (obj[key] === undefined) throw new AgentInputError(`${tool.name}: ${key} is required`);
  for (const [key, value] of Object.entries(obj)) {
    if (value === undefined) continue;
    const problem = checkValue(properties[key], value);
    if (problem) throw new AgentInputError(`${tool.name}: ${key} ${problem}`);
  }
  return obj;
}

function checkValue(s: Record<string, unknown>, v: unknown): string | undefined {
  switch (s.type) {
    case 'string':
      if (typeof v !== 'string') return 'must be a string';
      if (typeof s.maxLength === 'number' && v.length > s.maxLength) return `must be at most ${s.maxLength} characters`;
      if (typeof s.pattern === 'string' && !new RegExp(s.pattern).test(v)) return `must match ${s.pattern}`;
      if (Array.isArray(s.enum) && !s.enum.includes(v)) return `must be one of ${s.enum.join(', ')}`;
      return undefined;
    case 'boolean':
      return typeof v === 'boolean' ? undefined : 'must be true or false';
    case 'number':
    case 'integer':
      if (typeof v !== 'number' || !Number.isFinite(v)) return 'must be a number';
      if (s.type === 'integer' && !Number.isInteger(v)) return 'must be a whole number';
      if (typeof s.minimum === 'number' && v < s.minimum) return `must be at least ${s.minimum}`;
      if (typeof s.maximum === 'number' && v > s.maximum) return `must be at most ${s.maximum}`;
      return undefined;
    case 'array': {
      if (!Array.isArray(v)) return 'must be an array';
      if (typeof s.maxItems === 'number' && v.length > s.maxItems) return `must have at most ${s.maxItems} items`;
      for (const item of v) {
        const p = checkValue(s.items as Record<string, unknown>, item);
        if (p) return `items ${p}`;
      }
      return undefined;
    }
  }
  return undefined;
}

/** The operations over one receiver (one trace cache shared by the calls). */
export class AgentTools {
  private readonly cache: TraceCache;

  constructor(private readonly ctx: AgentContext) {
    this.cache = new TraceCache(ctx.source);
  }

  /**
   * Runs a tool; throws AgentInputError for a bad input or an unknown trace, anything else for a failure.
   * `budget`: a smaller answer size than the context's, for a caller that knows its room (never larger).
   */
  async call(name: string, rawInput: unknown, budget?: number): Promise<Answer> {
    const tool = TOOLS.find((t) => t.name === name);
    if (!tool) throw new AgentInputError(`unknown tool ${JSON.stringify(name.slice(0, 40))}; the tools are ${TOOL_NAMES.join(', ')}`);
    const input = checkInput(tool, rawInput) as never;
    const max = this.ctx.budget ?? ANSWER_BUDGET;
    const ctx = budget === undefined ? this.ctx : { ...this.ctx, budget: Math.max(MIN_BUDGET, Math.min(max, Math.floor(budget))) };
    switch (tool.name) {
      case 'list_traces':
        return listTraces(ctx, input);
      case 'get_trace':
        return getTrace(ctx, this.cache, input);
      case 'get_span':
        return getSpan(ctx, input);
      case 'find_spans':
        return findSpans(ctx, this.cache, input);
      case 'code_stats':
        return codeStats(ctx, input);
      case 'compare_traces':
        return compareTraces(ctx, this.cache, input);
      case 'recent_errors':
        return recentErrors(ctx, this.cache, input);
    }
  }

  /** The answer as the text a tool result carries. */
  async callText(name: string, input: unknown): Promise<string> {
    return render(await this.call(name, input));
  }
}
