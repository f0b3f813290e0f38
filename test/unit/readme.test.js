// The README is the manual: every setting and every command the manifest contributes must be in it, and the
// test command CI runs must be the one the README shows.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { readFileSync, existsSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

test('every setting is documented in the README', () => {
  const keys = Object.keys(manifest.contributes.configuration.properties);
  assert.ok(keys.length > 5);
  assert.deepEqual(keys.filter((k) => !readme.includes('`' + k + '`')), []);
});

test('every command is documented in the README', () => {
  const titles = manifest.contributes.commands.map((c) => c.title);
  assert.deepEqual(titles.filter((t) => !readme.includes(t)), []);
});

test('the README shows the test command .ci/run calls', () => {
  const ci = readFileSync(join(root, '.ci', 'run'), 'utf8');
  assert.match(ci, /npm test\b/);
  assert.match(readme, /npm test\b/);
});

test('every npm script the README names exists', () => {
  for (const m of readme.matchAll(/npm run ([a-z:-]+)/g)) assert.ok(manifest.scripts[m[1]], `npm run ${m[1]}`);
  assert.ok(existsSync(join(root, '.vscodeignore')));
});

test('the README has no relative links (vsce refuses to package them without a repository URL)', () => {
  const relative = [...readme.matchAll(/\]\(([^)#][^)]*)\)/g)].map((m) => m[1]).filter((u) => !/^[a-z]+:/i.test(u));
  assert.deepEqual(relative, []);
});
