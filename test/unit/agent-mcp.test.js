// `trace-explorer mcp` driven by the MCP SDK's own client over stdio: the built dist/cli.js is spawned against
// a receiver on free ports (--api + --token-file, and the editor's way: a state file), lists the seven tools,
// answers each call with what the operation itself answers, and turns bad input into a tool error.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Client } = require('@modelcontextprotocol/sdk/client/index.js');
const { StdioClientTransport } = require('@modelcontextprotocol/sdk/client/stdio.js');
const { AgentTools, TOOLS } = require('../../out/src/agent/tools.js');
const { render } = require('../../out/src/agent/answer.js');
const { resolverPlace } = require('../../out/src/agent/placeResolved.js');
const { SourceResolver } = require('../../out/src/source/resolver.js');
const { nodeWorkspace } = require('../../out/src/source/workspace.js');
const { REPO, THROW_LINE, startAgentReceiver } = require('./agent-helpers.js');

const CLI = path.join(REPO, 'dist', 'cli.js');
let rx;
let ids;
let dir;
let tokenFile;
let local;

before(async () => {
  ({ rx, ids } = await startAgentReceiver());
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'te-mcp-'));
  tokenFile = path.join(dir, 'token');
  fs.writeFileSync(tokenFile, `${rx.r.token}\n`, { mode: 0o600 });
  local = new AgentTools({ source: rx.api, place: resolverPlace(new SourceResolver(nodeWorkspace([REPO])), () => false) });
});
after(async () => {
  await rx?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function connect(args) {
  const stderr = [];
  const transport = new StdioClientTransport({ command: process.execPath, args: [CLI, 'mcp', ...args], cwd: REPO, stderr: 'pipe' });
  transport.stderr?.on('data', (c) => stderr.push(String(c)));
  const client = new Client({ name: 'agent-mcp-test', version: '1.0.0' });
  await client.connect(transport);
  return { client, stderr };
}

/** list_traces says how long ago each trace started: the one thing that moves between two calls */
const steady = (text) => text.replace(/"agoS":\d+/g, '"agoS":0');

test('lists the seven read-only tools with the catalogue\'s schemas, and each call answers what the operation answers', async () => {
  const { client } = await connect(['--api', `http://127.0.0.1:${rx.r.apiPort}`, '--token-file', tokenFile, '--workspace', REPO]);
  try {
    assert.equal(client.getServerVersion().name, 'trace-explorer');
    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((t) => t.name), TOOLS.map((t) => t.name));
    for (const t of tools) {
      const mine = TOOLS.find((x) => x.name === t.name);
      assert.deepEqual(t.inputSchema, mine.inputSchema);
      assert.equal(t.description, mine.description);
      assert.equal(t.annotations.readOnlyHint, true);
      assert.equal(t.annotations.destructiveHint, false);
    }
    const calls = {
      list_traces: { sort: 'slowest' },
      get_trace: { traceId: ids.pay.traceId },
      get_span: { traceId: ids.pay.traceId, spanId: ids.pay.charge },
      find_spans: { file: 'src/agent/answer.ts' },
      code_stats: { file: 'test/unit/agent-helpers.js' },
      compare_traces: { traceIdA: ids.checkout.traceId, traceIdB: ids.slowCheckout.traceId },
      recent_errors: { sinceMinutes: 60 },
    };
    assert.deepEqual(Object.keys(calls), TOOLS.map((t) => t.name), 'every tool is called');
    for (const [name, args] of Object.entries(calls)) {
      const r = await client.callTool({ name, arguments: args });
      assert.equal(r.isError, undefined, `${name}: ${r.content?.[0]?.text}`);
      assert.equal(r.content.length, 1);
      const expected = render(await local.call(name, args));
      assert.equal(steady(r.content[0].text), steady(expected), `${name} over MCP = the operation`);
    }
    const r = await client.callTool({ name: 'get_trace', arguments: { traceId: ids.pay.traceId } });
    assert.ok(r.content[0].text.includes(`"at":"test/unit/agent-helpers.js:${THROW_LINE}"`), 'paths relative to --workspace');
  } finally {
    await client.close();
  }
});

test('bad input and unknown traces are tool errors the model can read', async () => {
  const { client } = await connect(['--api', `http://127.0.0.1:${rx.r.apiPort}`, '--token-file', tokenFile]);
  try {
    let r = await client.callTool({ name: 'get_trace', arguments: { traceId: 'zz' } });
    assert.equal(r.isError, true);
    assert.match(r.content[0].text, /traceId must match/);
    r = await client.callTool({ name: 'get_trace', arguments: { traceId: 'ab'.repeat(16) } });
    assert.equal(r.isError, true);
    assert.match(r.content[0].text, /no trace abab/);
    r = await client.callTool({ name: 'list_traces', arguments: { limit: 'ten' } });
    assert.equal(r.isError, true);
    assert.match(r.content[0].text, /limit must be a number/);
    r = await client.callTool({ name: 'delete_everything', arguments: {} });
    assert.equal(r.isError, true);
    assert.match(r.content[0].text, /unknown tool/);
  } finally {
    await client.close();
  }
});

test('without --api it reads the editor\'s receiver from the state file, and says what to do when none runs', async () => {
  const state = path.join(dir, 'receiver.json');
  fs.writeFileSync(state, JSON.stringify({ pid: process.pid, apiPort: rx.r.apiPort, token: rx.r.token, host: '127.0.0.1' }), { mode: 0o600 });
  let { client } = await connect(['--state-file', state]);
  try {
    const r = await client.callTool({ name: 'list_traces', arguments: {} });
    assert.equal(r.isError, undefined, r.content?.[0]?.text);
    assert.ok(r.content[0].text.includes(ids.pay.traceId));
  } finally {
    await client.close();
  }
  // a state file whose receiver is gone (a pid that is not running)
  fs.writeFileSync(state, JSON.stringify({ pid: 2 ** 22 + 17, apiPort: rx.r.apiPort, token: rx.r.token }), { mode: 0o600 });
  ({ client } = await connect(['--state-file', state]));
  try {
    const r = await client.callTool({ name: 'list_traces', arguments: {} });
    assert.equal(r.isError, true);
    assert.match(r.content[0].text, /no Trace Explorer receiver is running/);
  } finally {
    await client.close();
  }
});

test('a wrong option is a usage error on stderr, exit 2', () => {
  const { spawnSync } = require('node:child_process');
  const r = spawnSync(process.execPath, [CLI, 'mcp', '--api', 'ftp://x'], { encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--api must be http/);
  assert.equal(r.stdout, '');
});
