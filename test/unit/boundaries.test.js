// Architecture boundaries, checked: only the editor-facing folders may import `vscode`, and the webview
// (a browser frame) imports nothing but React, the shared protocol types and itself.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { readdirSync, readFileSync, statSync } = require('node:fs');
const { join, relative, sep } = require('node:path');

const root = join(__dirname, '..', '..');

function sources(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sources(p));
    else if (/\.(ts|tsx)$/.test(name)) out.push(p);
  }
  return out;
}

function imports(file) {
  const text = readFileSync(file, 'utf8');
  const found = [];
  const re = /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\s+['"]([^'"]+)['"]|require\(\s*['"]([^'"]+)['"]\s*\)|import\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const m of text.matchAll(re)) found.push(m[1] || m[2] || m[3] || m[4]);
  return found;
}

const rel = (f) => relative(root, f).split(sep).join('/');

test('only src/host and src/extension.ts import vscode', () => {
  const offenders = [];
  for (const f of sources(join(root, 'src'))) {
    const r = rel(f);
    if (r.startsWith('src/host/') || r === 'src/extension.ts') continue;
    if (imports(f).includes('vscode')) offenders.push(r);
  }
  assert.deepEqual(offenders, [], 'these files need the editor but live outside src/host');
});

test('the webview imports only React, src/protocol and itself', () => {
  const offenders = [];
  for (const f of sources(join(root, 'webview'))) {
    for (const spec of imports(f)) {
      const target = rel(join(f, '..', spec)) + '/';
      // the explore bundle (search page, service map) also runs the pure filter and format code of the trace
      // list and src/explore, and lays the map out with dagre
      const explore = rel(f).startsWith('webview/explore/')
        && (spec === '@dagrejs/dagre' || (spec.startsWith('.') && /^src\/(explore|tracelist)\//.test(target)));
      const ok = spec === 'react' || spec.startsWith('react/') || spec === 'react-dom' || spec.startsWith('react-dom/')
        || (spec.startsWith('.') && /(^|\/)(src\/protocol|webview)\//.test(target)) || explore;
      if (!ok) offenders.push(`${rel(f)} → ${spec}`);
    }
  }
  assert.deepEqual(offenders, []);
});

test('src/protocol stays free of Node and vscode (the webview loads it)', () => {
  const offenders = [];
  for (const f of sources(join(root, 'src', 'protocol'))) {
    for (const spec of imports(f)) {
      if (spec === 'vscode' || spec.startsWith('node:') || ['fs', 'path', 'http', 'crypto', 'zlib', 'os'].includes(spec)) offenders.push(`${rel(f)} → ${spec}`);
    }
  }
  assert.deepEqual(offenders, []);
});

test('what the explore webview runs from src/explore, src/tracelist and src/source stays free of Node and vscode', () => {
  // the modules those folders' webview-facing files reach (followed through relative imports)
  const seen = new Set();
  const offenders = [];
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const spec of imports(file)) {
      if (spec === 'vscode' || spec.startsWith('node:') || ['fs', 'path', 'http', 'crypto', 'zlib', 'os', 'worker_threads'].includes(spec)) offenders.push(`${rel(file)} → ${spec}`);
      if (spec.startsWith('.')) {
        const base = join(file, '..', spec);
        for (const cand of [`${base}.ts`, `${base}.tsx`, join(base, 'index.ts')]) {
          try {
            if (statSync(cand).isFile()) visit(cand);
          } catch {
            // not this candidate
          }
        }
      }
    }
  };
  for (const f of sources(join(root, 'webview', 'explore'))) visit(f);
  assert.ok(seen.size > 5);
  assert.deepEqual(offenders, []);
});
