// The agent tools as language model tools in a real extension host: all seven are registered from the
// manifest, each invoked through vscode.lm.invokeTool (no chat model needed) answers exactly what the
// operation itself answers over the same receiver and workspace, `trace-explorer mcp` finds this window's
// receiver through its state file and answers alike, and bad input is an error a model reads.
const assert = require('node:assert/strict');
const path = require('node:path');
const vscode = require('vscode');
const { context, trace, SpanKind, SpanStatusCode } = require('@opentelemetry/api');
const { TracerProvider, BatchSpanProcessor } = require('@opentelemetry/sdk-trace');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto');

const ROOT = path.join(__dirname, '..', '..');
const { AgentTools, TOOLS, LM_TOOL_PREFIX } = require(path.join(ROOT, 'out/src/agent/tools.js'));
const { render } = require(path.join(ROOT, 'out/src/agent/answer.js'));
const { resolverPlace } = require(path.join(ROOT, 'out/src/agent/placeResolved.js'));
const { SourceResolver } = require(path.join(ROOT, 'out/src/source/resolver.js'));
const { nodeWorkspace } = require(path.join(ROOT, 'out/src/source/workspace.js'));

const EXTENSION_ID = 'trace-explorer.trace-explorer';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function until(what, fn, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** a checkout with a failing child placed in a workspace file, through the SDK's own exporter */
async function sendTrace(url, file) {
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'suite-agent' }),
    spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url }), scheduledDelayMillis: 60_000 })],
  });
  const tracer = provider.getTracer('suite-agent');
  const root = tracer.startSpan('GET', { kind: SpanKind.SERVER, attributes: { 'http.request.method': 'GET', 'http.route': '/agent' } });
  const ctx = trace.setSpan(context.active(), root);
  const child = tracer.startSpan('placeOrder', { attributes: { 'code.file.path': file, 'code.line.number': 3, 'code.function.name': 'placeOrder' } }, ctx);
  child.recordException(new RangeError('quantity out of range'));
  child.setStatus({ code: SpanStatusCode.ERROR, message: 'quantity out of range' });
  child.end();
  root.end();
  await provider.forceFlush();
  await provider.shutdown();
  return { traceId: root.spanContext().traceId, spanId: child.spanContext().spanId };
}

/** the text of a tool result */
const text = (r) => r.content.map((p) => (p instanceof vscode.LanguageModelTextPart ? p.value : '')).join('');
const steady = (t) => t.replace(/"agoS":\d+/g, '"agoS":0');

suite('Agent tools (language model tools, extension host)', function () {
  this.timeout(90_000);
  let api;
  let ids;
  let file;
  let local;

  suiteSetup(async () => {
    api = await vscode.extensions.getExtension(EXTENSION_ID).activate();
    await api.receiver.ready();
    let s = api.receiver.status;
    if (s.kind === 'running' && !s.health.http.listening) {
      // 4318 belongs to another receiver on this machine: use free ports (as the receiver suite does)
      const old = s.health.pid;
      const cfg = vscode.workspace.getConfiguration('traceExplorer');
      await cfg.update('receiver.httpPort', 0, vscode.ConfigurationTarget.Global);
      await cfg.update('receiver.grpcPort', 0, vscode.ConfigurationTarget.Global);
      await until('the receiver on free ports', () => api.receiver.status.kind === 'running' && api.receiver.status.health.pid !== old && api.receiver.status.health.http.listening);
      s = api.receiver.status;
    }
    const folder = vscode.workspace.workspaceFolders[0].uri.fsPath;
    const [uri] = await vscode.workspace.findFiles('**/*.{js,ts,mjs}', '**/node_modules/**', 1);
    file = uri.fsPath;
    ids = await sendTrace(`http://127.0.0.1:${s.health.http.port}/v1/traces`, file);
    const client = await api.receiver.ready();
    await until('the trace stored', async () => (await client.summary(ids.traceId))?.spanCount === 2);
    local = new AgentTools({ source: client, place: resolverPlace(new SourceResolver(nodeWorkspace([folder])), () => false) });
  });

  test('the seven tools are registered with their manifest schemas', () => {
    const mine = vscode.lm.tools.filter((t) => t.name.startsWith(LM_TOOL_PREFIX));
    assert.deepEqual(mine.map((t) => t.name).sort(), TOOLS.map((t) => LM_TOOL_PREFIX + t.name).sort());
    for (const t of mine) assert.deepEqual(t.inputSchema, TOOLS.find((x) => LM_TOOL_PREFIX + x.name === t.name).inputSchema);
  });

  test('each tool invoked through vscode.lm.invokeTool answers what the operation answers', async () => {
    const inputs = {
      list_traces: { service: 'suite-agent' },
      get_trace: { traceId: ids.traceId },
      get_span: { traceId: ids.traceId, spanId: ids.spanId },
      find_spans: { function: 'placeOrder' },
      code_stats: { function: 'placeOrder' },
      compare_traces: { traceIdA: ids.traceId, traceIdB: ids.traceId },
      recent_errors: { service: 'suite-agent' },
    };
    for (const t of TOOLS) {
      const r = await vscode.lm.invokeTool(LM_TOOL_PREFIX + t.name, { input: inputs[t.name], toolInvocationToken: undefined });
      const expected = render(await local.call(t.name, inputs[t.name]));
      assert.equal(steady(text(r)), steady(expected), `${t.name} through the editor = the operation`);
    }
    const r = await vscode.lm.invokeTool(`${LM_TOOL_PREFIX}get_trace`, { input: { traceId: ids.traceId }, toolInvocationToken: undefined });
    const rel = path.relative(vscode.workspace.workspaceFolders[0].uri.fsPath, file).split(path.sep).join('/');
    assert.ok(text(r).includes(`"at":"${rel}:3"`), `the span is placed at ${rel}:3 in the workspace`);
    assert.ok(text(r).includes('"type":"RangeError"'));
  });

  test('trace-explorer mcp finds this window\'s receiver through the state file it writes', async () => {
    const { Client } = require(path.join(ROOT, 'node_modules/@modelcontextprotocol/sdk/dist/cjs/client/index.js'));
    const { StdioClientTransport } = require(path.join(ROOT, 'node_modules/@modelcontextprotocol/sdk/dist/cjs/client/stdio.js'));
    const folder = vscode.workspace.workspaceFolders[0].uri.fsPath;
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [path.join(ROOT, 'dist/cli.js'), 'mcp', '--state-file', api.files.state, '--workspace', folder],
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      stderr: 'pipe',
    });
    const client = new Client({ name: 'suite', version: '1.0.0' });
    await client.connect(transport);
    try {
      const r = await client.callTool({ name: 'get_trace', arguments: { traceId: ids.traceId } });
      assert.equal(r.isError, undefined, r.content?.[0]?.text);
      const viaEditor = await vscode.lm.invokeTool(`${LM_TOOL_PREFIX}get_trace`, { input: { traceId: ids.traceId }, toolInvocationToken: undefined });
      assert.equal(r.content[0].text, text(viaEditor), 'the MCP door and the editor door answer alike');
    } finally {
      await client.close();
    }
  });

  test('bad input is an error the model can read', async () => {
    await assert.rejects(
      Promise.resolve(vscode.lm.invokeTool(`${LM_TOOL_PREFIX}get_trace`, { input: { traceId: 'ab'.repeat(16) }, toolInvocationToken: undefined })),
      /no trace abab/,
    );
  });
});
