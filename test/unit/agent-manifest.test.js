// The editor's language model tools are declared in package.json (VS Code reads the schema a model fills in
// from there) and registered from src/agent/tools.ts: the two must name the same tools with the same input
// schema, or a model's call would be checked against one schema and run against another.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { TOOLS, LM_TOOL_PREFIX, toolDescription } = require('../../out/src/agent/tools.js');

const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'));

test('package.json declares each agent tool with the catalogue\'s schema and description', () => {
  const declared = manifest.contributes.languageModelTools;
  assert.deepEqual(declared.map((t) => t.name), TOOLS.map((t) => LM_TOOL_PREFIX + t.name));
  for (const t of TOOLS) {
    const d = declared.find((x) => x.name === LM_TOOL_PREFIX + t.name);
    assert.deepEqual(d.inputSchema, t.inputSchema, `${t.name}: inputSchema`);
    assert.equal(d.modelDescription, toolDescription(t, LM_TOOL_PREFIX), `${t.name}: modelDescription`);
    assert.ok(d.canBeReferencedInPrompt && /^[A-Za-z]+$/.test(d.toolReferenceName), `${t.name}: referable as #name`);
    assert.ok(d.displayName && d.userDescription, `${t.name}: shown to the user`);
  }
  assert.equal(declared.find((x) => x.name === `${LM_TOOL_PREFIX}list_traces`).toolReferenceName, 'traces');
  assert.ok(!JSON.stringify(declared.map((d) => d.modelDescription)).match(/(?<!traceExplorer_)\b(get_trace|get_span|find_spans)\b/), 'descriptions name the editor\'s tool names');
});

test('the engine the manifest asks for has language model tools (1.95+ for lm.registerTool and invokeTool)', () => {
  const [, major, minor] = /^\^(\d+)\.(\d+)/.exec(manifest.engines.vscode).map(Number);
  assert.ok(major > 1 || minor >= 95, manifest.engines.vscode);
});
