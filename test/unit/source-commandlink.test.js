// Hover links: built only from hex ids and a plain command id, the label escaped — span data never becomes
// a link target.
const test = require('node:test');
const assert = require('node:assert/strict');
const { commandLink, markdownEscape } = require('../../out/src/source/untrustedText.js');

const T = '4bf92f3577b34da6a3ce929d0e0e4736';
const S = '00f067aa0ba902b7';

test('commandLink: hex ids give a command link whose arguments are exactly [traceId, spanId]', () => {
  const link = commandLink('4bf92f3577b3…', 'traceExplorer.openTrace', T, S, 'Open this trace');
  const m = /^\[(.*)\]\(command:traceExplorer\.openTrace\?([^ )]*) "Open this trace"\)$/.exec(link);
  assert.ok(m, link);
  assert.equal(m[1], '4bf92f3577b3…');
  assert.deepEqual(JSON.parse(decodeURIComponent(m[2])), [T, S]);
  // a trace without a span to focus
  const noSpan = /\?([^ )]*)\)$/.exec(commandLink('open', 'traceExplorer.openTrace', T, ''));
  assert.deepEqual(JSON.parse(decodeURIComponent(noSpan[1])), [T]);
});

test('commandLink: anything but lowercase hex ids of the right length answers the escaped label, no link', () => {
  const bad = [
    [T.toUpperCase(), S], [T.slice(1), S], [`${T}0`, S], [T.replace('4', ')'), S], [T.replace('4', '"'), S],
    [T, S.toUpperCase()], [T, `${S}0`], [T, 'x](command:evil)'], ['', S], [`${T.slice(0, 31)}\n`, S],
  ];
  for (const [t, s] of bad) {
    const out = commandLink('label', 'traceExplorer.openTrace', t, s);
    assert.equal(out, 'label', `${JSON.stringify(t)} / ${JSON.stringify(s)}`);
  }
  // a command id that is not a plain identifier
  assert.equal(commandLink('label', 'evil) [x](command:workbench.action.terminal.new', T, S), 'label');
});

test('commandLink: a hostile label stays text inside the link, and a tooltip cannot close the link early', () => {
  const hostile = '[click](command:workbench.action.terminal.new) <img src=x onerror=alert(1)> $(alert)';
  const link = commandLink(hostile, 'traceExplorer.openTrace', T, S, 'a "quoted"\n tip');
  assert.ok(link.startsWith(`[${markdownEscape(hostile, 200)}](command:traceExplorer.openTrace?`), link);
  // every bracket and parenthesis of the label is escaped: the only link is ours
  const unescaped = link.replace(/\\./g, '');
  assert.equal((unescaped.match(/\]\(/g) ?? []).length, 1, unescaped);
  assert.ok(link.endsWith(' "a quoted tip")'), link);
});
