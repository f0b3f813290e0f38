// The agent tools as VS Code language model tools (declared in package.json `languageModelTools`): the same
// read-only operations as `trace-explorer mcp` (src/agent), over this window's receiver connection, with
// source locations resolved by the resolver the code lenses use, against this window's workspace folders
// and path mappings. Nothing here asks for confirmation because no tool changes anything.
import * as vscode from 'vscode';
import * as config from '../config';
import { componentLog, errorText } from '../log';
import type { HostServices } from '../services';
import { AgentInputError, render } from '../../agent/answer';
import { resolverPlace } from '../../agent/placeResolved';
import type { PlaceFn, TraceSource } from '../../agent/source';
import { AgentTools, LM_TOOL_PREFIX, TOOLS, type ToolInfo } from '../../agent/tools';
import { SourceResolver } from '../../source/resolver';
import { oneLine } from '../../source/untrustedText';
import { EditorWorkspace } from '../source/workspaceAdapter';

/** characters per token, roughly, for turning a model's token budget into an answer size */
const CHARS_PER_TOKEN = 3;

export function activateAgentTools(services: HostServices): vscode.Disposable {
  const log = componentLog(services.log, 'agent');
  const disposables: vscode.Disposable[] = [];

  const api = () => {
    const a = services.receiver.api;
    if (!a) {
      const s = services.receiver.status;
      throw new AgentInputError(`the Trace Explorer receiver is not running (${s.kind === 'failed' ? oneLine(s.message, 200) : s.kind}); it starts with the window unless traceExplorer.receiver.enabled is off`);
    }
    return a;
  };
  const source: TraceSource = {
    traces: (o) => api().traces(o),
    summary: (id) => api().summary(id),
    trace: (id) => api().trace(id),
    packedTrace: (id) => api().packedTrace(id),
    spanDetail: (id, spanId) => api().spanDetail(id, spanId),
    locations: <T>(sinceMs?: number) => api().locations<T>(sinceMs),
  };

  // the workspace's files are listed on the first tool call, not at startup: most windows never need them
  let placer: (PlaceFn & { clear(): void }) | undefined;
  let ready: Promise<void> | undefined;
  const workspaceReady = (): Promise<void> => {
    if (ready) return ready;
    const ws = new EditorWorkspace();
    let resolver: SourceResolver | undefined;
    // the resolver takes the workspace's folders when it is made: made again when they change
    const rebuild = (): void => {
      resolver = new SourceResolver(ws, config.get('pathMappings'));
      placer = resolverPlace(resolver, () => ws.folders.length > 1);
    };
    disposables.push(
      ws,
      ws.onDidChange((what) => {
        if (what === 'folders' || !resolver) return rebuild();
        resolver.invalidateFiles();
        placer?.clear();
      }),
      config.onDidChange(['pathMappings'], () => {
        resolver?.setMappings(config.get('pathMappings'));
        placer?.clear();
      }),
    );
    ready = ws.load().then(rebuild, (e) => log.error(`cannot list the workspace's files; tool answers give span locations as recorded: ${errorText(e)}`));
    return ready;
  };
  const tools = new AgentTools({ source, place: (loc) => placer?.(loc) });

  for (const info of TOOLS) {
    disposables.push(vscode.lm.registerTool<Record<string, unknown>>(LM_TOOL_PREFIX + info.name, {
      prepareInvocation: (o) => ({ invocationMessage: invocationMessage(info, o.input) }),
      invoke: async (o, token) => {
        await workspaceReady();
        if (token.isCancellationRequested) throw new vscode.CancellationError();
        const budget = o.tokenizationOptions ? o.tokenizationOptions.tokenBudget * CHARS_PER_TOKEN : undefined;
        try {
          const answer = await tools.call(info.name, o.input, budget);
          return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(render(answer))]);
        } catch (e) {
          if (e instanceof AgentInputError) throw new Error(e.message);
          log.warn(`${info.name} failed: ${errorText(e)}`);
          throw new Error(`the receiver could not answer ${info.name}: ${(e as Error)?.message ?? String(e)}`);
        }
      },
    }));
  }
  // (the workspace's disposables join the list on the first call, after this returns)
  return new vscode.Disposable(() => {
    for (const d of disposables.reverse()) d.dispose();
    disposables.length = 0;
  });
}

/** What the chat shows while a tool runs ("Reading trace 4bf92f35…"). Ids only: span text never goes here. */
function invocationMessage(info: ToolInfo, input: Record<string, unknown> | undefined): string {
  const id = (v: unknown) => (typeof v === 'string' && /^[0-9a-fA-F]{1,64}$/.test(v) ? v.slice(0, 12) : '…');
  switch (info.name) {
    case 'get_trace':
      return `Reading trace ${id(input?.traceId)}`;
    case 'get_span':
      return `Reading span ${id(input?.spanId)}`;
    case 'compare_traces':
      return `Comparing traces ${id(input?.traceIdA)} and ${id(input?.traceIdB)}`;
    default:
      return `Trace Explorer: ${info.title.toLowerCase()}`;
  }
}
