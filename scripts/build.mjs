// Builds everything with esbuild:
//  dist/extension.js  the extension (Node, CommonJS, `vscode` external)
//  dist/receiver.js   the shared receiver process the extension forks (and the CLI's `receive`)
//  dist/cli.js        the `trace-explorer` command line
//  dist/fixtureWorker.js  the worker thread that generates fixtures off the extension host's thread
//  dist/webview.js    the waterfall webview (browser, React) + dist/webview.css
//  dist/compare.js    the compare webview (Compare Traces, Compare Runs) + dist/compare.css
//  dist/explore.js    the trace search page and service map webviews (browser, React, dagre) + dist/explore.css
//  dist/instrument/   the runtime preloaded into traced Node programs (register.js, register.mjs, iitm/)
//  out/**             every src file transpiled one-to-one, for the plain-Node unit tests
// `--production` minifies the bundles; `--watch` (npm run watch) rebuilds what changed until Ctrl-C (a new
// src file needs a restart: the one-to-one list is read once). Type checking is separate: `npm run typecheck`.
import { build, context } from 'esbuild';
import { readdirSync, statSync, existsSync, mkdirSync, copyFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..');
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

function walk(dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.tsx?$/.test(name) && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'warning', absWorkingDir: root };
const node = { ...common, platform: 'node', format: 'cjs', target: 'node20' };
// The runtime runs inside the user's program (Node 18+). One copy of each OpenTelemetry core package however
// many nested versions the instrumentations pin; import-in-the-middle stays a file of its own (iitm/) because
// the ESM hook's generated shims import its register module by URL: hook and instrumentations must share it.
const ONE_COPY = /^(@opentelemetry\/(api|core|instrumentation|semantic-conventions)|require-in-the-middle)$/;
const oneCopy = {
  name: 'one-copy',
  setup(b) {
    b.onResolve({ filter: /^import-in-the-middle$/ }, () => ({ path: './iitm/index.js', external: true }));
    b.onResolve({ filter: ONE_COPY }, (a) => (a.pluginData === 'root' ? undefined : b.resolve(a.path, { kind: a.kind, resolveDir: root, pluginData: 'root' })));
  },
};
function instrumentEntries() {
  const iitm = 'node_modules/import-in-the-middle';
  if (!existsSync(join(root, iitm))) return [];
  const rt = { ...node, target: 'node18' };
  return [
    { ...rt, entryPoints: ['src/instrument/register.ts'], outfile: 'dist/instrument/register.js', plugins: [oneCopy] },
    {
      ...rt, entryPoints: [`${iitm}/index.js`], outfile: 'dist/instrument/iitm/index.js',
      plugins: [{ name: 'iitm-register', setup: (b) => b.onResolve({ filter: /^\.\/lib\/register(\.js)?$/ }, () => ({ path: './lib/register.js', external: true })) }],
    },
    {
      ...rt, format: 'esm', entryPoints: [`${iitm}/hook.mjs`], outfile: 'dist/instrument/iitm/hook.mjs',
      banner: { js: "import { createRequire as __teCreateRequire } from 'node:module'; const require = __teCreateRequire(import.meta.url);" },
    },
  ];
}
function copyInstrumentFiles() {
  // the Python runtime (a sitecustomize for debugpy launches) ships as source
  mkdirSync(join(root, 'dist/instrument/python'), { recursive: true });
  for (const f of ['sitecustomize.py', 'trace_explorer_code.py']) {
    copyFileSync(join(root, 'src/instrument/python', f), join(root, 'dist/instrument/python', f));
  }
  const iitm = join(root, 'node_modules/import-in-the-middle');
  if (!existsSync(iitm)) return;
  mkdirSync(join(root, 'dist/instrument/iitm/lib'), { recursive: true });
  copyFileSync(join(iitm, 'lib/register.js'), join(root, 'dist/instrument/iitm/lib/register.js'));
  // for `node --import`: loads the CommonJS runtime beside it, so both preload styles share one instance
  writeFileSync(join(root, 'dist/instrument/register.mjs'),
    "import { createRequire } from 'node:module';\ncreateRequire(import.meta.url)('./register.js');\n");
}

// `trace-explorer mcp` gives the MCP SDK's server a validator of its own (it never asks the user questions, the
// one thing the SDK validates with Ajv), so the SDK's Ajv provider is replaced by a stub and Ajv stays out of
// dist/cli.js (~130 KB minified). The stub throws if anything ever constructs it.
const mcpNoAjv = {
  name: 'mcp-no-ajv',
  setup(b) {
    b.onResolve({ filter: /\/validation\/ajv-provider\.js$/ }, (a) =>
      a.importer.includes('@modelcontextprotocol') ? { path: 'ajv-provider', namespace: 'mcp-no-ajv' } : undefined);
    b.onLoad({ filter: /.*/, namespace: 'mcp-no-ajv' }, () => ({
      contents: 'exports.AjvJsonSchemaValidator = class { constructor() { throw new Error("Ajv is left out of this bundle: pass jsonSchemaValidator"); } };',
      loader: 'js',
    }));
  },
};

const entries = [
  { ...node, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  { ...node, entryPoints: ['src/receiver/main.ts'], outfile: 'dist/receiver.js' },
  { ...node, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', plugins: [mcpNoAjv] },
  { ...node, entryPoints: ['src/fixtures/fixtureWorker.ts'], outfile: 'dist/fixtureWorker.js' },
  {
    ...common, platform: 'browser', format: 'iife', target: 'chrome120',
    entryPoints: { webview: 'webview/main.tsx' }, outdir: 'dist',
    define: { 'process.env.NODE_ENV': production ? '"production"' : '"development"' },
    loader: { '.css': 'css' },
  },
  {
    // the compare panel (Compare Traces, Compare Runs): dist/compare.js + dist/compare.css
    ...common, platform: 'browser', format: 'iife', target: 'chrome120',
    entryPoints: { compare: 'webview/compare/main.tsx' }, outdir: 'dist',
    define: { 'process.env.NODE_ENV': production ? '"production"' : '"development"' },
    loader: { '.css': 'css' },
  },
  {
    // the trace search page and the service map (webview/explore) + dist/explore.css
    ...common, platform: 'browser', format: 'iife', target: 'chrome120',
    entryPoints: { explore: 'webview/explore/main.tsx' }, outdir: 'dist',
    define: { 'process.env.NODE_ENV': production ? '"production"' : '"development"' },
    loader: { '.css': 'css' },
  },
  ...instrumentEntries(),
].filter((e) => {
  const ep = Array.isArray(e.entryPoints) ? e.entryPoints[0] : Object.values(e.entryPoints)[0];
  return existsSync(join(root, ep));
});

const t0 = Date.now();
copyInstrumentFiles();
// out/ is not wiped: several builds may run at once while tests read it.
const srcFiles = [...walk(join(root, 'src')), ...walk(join(root, 'webview'))].map((f) => relative(root, f));
const configs = [
  ...entries,
  // one-to-one transpile (no bundling) so unit tests can load any module on its own
  {
    entryPoints: srcFiles, outdir: 'out', outbase: '.', absWorkingDir: root, bundle: false,
    platform: 'node', format: 'cjs', target: 'node20', sourcemap: 'inline', logLevel: 'warning',
    jsx: 'automatic',
  },
];
if (watch) {
  // esbuild reports each rebuild's errors itself (logLevel 'info' also says when a rebuild finished)
  for (const c of configs) await (await context({ ...c, logLevel: 'info' })).watch();
  console.log(`build: watching ${entries.length} bundles + ${srcFiles.length} modules (Ctrl-C stops)`);
} else {
  await Promise.all(configs.map((c) => build(c)));
  console.log(`build: ${entries.length} bundles + ${srcFiles.length} modules in ${Date.now() - t0} ms${production ? ' (production)' : ''}`);
}
