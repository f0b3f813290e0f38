// The waterfall's bundle written into its page (src/host/panel/inlineBundle.ts): nothing in it can end its
// <script> or <style> element early, and a rebuilt bundle is read again.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { mkdtempSync, writeFileSync, utimesSync, readFileSync, existsSync } = require('node:fs');
const { join } = require('node:path');
const { tmpdir } = require('node:os');
const { inlineBundleText, inlineSafe } = require('../../out/src/host/panel/inlineBundle.js');

test('a script cannot close its element or open an HTML comment in it; the same text still reads the same in JavaScript', () => {
  const js = 'var a="</script><!-- x",b=/<\\/SCRIPT>/i,c=`</ScRiPt>`;';
  const safe = inlineSafe(js, 'script');
  assert.doesNotMatch(safe, /<\/script|<!--/i);
  // eslint-disable-next-line no-new-func
  const run = (src) => new Function(`${src}; return [a, b.source, c];`)();
  assert.deepEqual(run(safe), run(js));
});

test('a stylesheet cannot close its element', () => {
  const css = '.a::after{content:"</style>"}';
  const safe = inlineSafe(css, 'style');
  assert.doesNotMatch(safe, /<\/style/i);
  assert.equal(safe, '.a::after{content:"\\3c /style>"}');
});

test('the bundle is read again when the file changed, not on every page', () => {
  const dir = mkdtempSync(join(tmpdir(), 'te-inline-'));
  const f = join(dir, 'b.js');
  writeFileSync(f, 'one()');
  assert.equal(inlineBundleText(f, 'script'), 'one()');
  writeFileSync(f, 'two()');
  utimesSync(f, new Date(), new Date(Date.now() + 5000));
  assert.equal(inlineBundleText(f, 'script'), 'two()');
});

test('the built waterfall bundle survives being written into the page', { skip: !existsSync(join(__dirname, '../../dist/webview.js')) && 'no dist/webview.js' }, () => {
  const text = inlineBundleText(join(__dirname, '../../dist/webview.js'), 'script');
  assert.doesNotMatch(text, /<\/script|<!--/i);
  assert.equal(text.length >= readFileSync(join(__dirname, '../../dist/webview.js'), 'utf8').length, true);
});
