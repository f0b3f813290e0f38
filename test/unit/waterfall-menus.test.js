// The waterfall's context menu on a span: VS Code's webview/context menu shows the span's actions (and not the
// browser's Cut/Copy/Paste: the row's data-vscode-context asks for that, see test/webview).
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { Commands } = require('../../out/src/host/commandIds.js');

const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'));
const { commands, menus } = manifest.contributes;

const SPAN_ACTIONS = {
  [Commands.goToSource]: 'Go to Source',
  [Commands.copySpanId]: 'Copy Span ID',
  [Commands.copySpanJson]: 'Copy Span as JSON',
  [Commands.copySubtreeAsFixture]: 'Copy Span Subtree as Test Fixture…',
  [Commands.focusSubtree]: 'Focus Subtree',
};

test("a span's context menu in the waterfall and in a trace file offers its five actions", () => {
  const spanItems = menus['webview/context'].filter((m) => /webviewSection == 'span'/.test(m.when));
  for (const [id, title] of Object.entries(SPAN_ACTIONS)) {
    const item = spanItems.find((m) => m.command === id);
    assert.ok(item, `${title} is in the span's menu`);
    assert.match(item.when, /webviewId == 'traceExplorer\.waterfall'/);
    assert.match(item.when, /webviewId == 'traceExplorer\.traceFile'/);
    assert.equal(commands.find((c) => c.command === id)?.title, title);
  }
  // navigation first, then copying, then the fixtures
  const order = spanItems.map((m) => m.group);
  assert.deepEqual([...order].sort(), order, `menu groups in order: ${order}`);
});

test('the commands that need a span are not in the command palette', () => {
  const hidden = new Set(menus.commandPalette.filter((m) => m.when === 'false').map((m) => m.command));
  for (const id of Object.keys(SPAN_ACTIONS)) assert.ok(hidden.has(id), id);
});
