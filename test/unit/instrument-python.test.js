// The Python runtime (src/instrument/python/): run with the machine's python3. The OpenTelemetry distro is
// not installable here (no Python package index), so these check what needs no distro: the first application
// frame a span gets, that a program without the distro runs untraced with one line why, and that the user's
// own sitecustomize still runs.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync, spawnSync } = require('node:child_process');
const { mkdtempSync, mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { tmpdir } = require('node:os');
const { traceLaunchConfig } = require('../../out/src/instrument/launchConfig');

const RUNTIME = join(__dirname, '..', '..', 'src', 'instrument', 'python');
const python = spawnSync('python3', ['--version']).status === 0 ? 'python3' : undefined;

test('python3 is on this machine (these tests need it)', () => assert.ok(python, 'python3 not found'));

test('a span started in a library gets the application line that called it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'te-py-'));
  mkdirSync(join(dir, 'venv', 'lib', 'site-packages', 'fakelib'), { recursive: true });
  writeFileSync(join(dir, 'venv', 'lib', 'site-packages', 'fakelib', '__init__.py'),
    'def start_span(processor, span):\n    processor.on_start(span)\n');
  writeFileSync(join(dir, 'app.py'), [
    'import json, sys',
    `sys.path[:0] = [${JSON.stringify(join(dir, 'venv', 'lib', 'site-packages'))}, ${JSON.stringify(RUNTIME)}]`,
    'import fakelib',
    'from trace_explorer_code import CodeLocationProcessor',
    'class Span:',
    '    def __init__(self): self.attributes = {}',
    '    def set_attributes(self, a): self.attributes.update(a)',
    'def handle_order():',
    '    s = Span()',
    '    fakelib.start_span(CodeLocationProcessor(), s)  # line 10',
    '    return s',
    'print(json.dumps(handle_order().attributes))',
  ].join('\n'));
  const attrs = JSON.parse(execFileSync(python, [join(dir, 'app.py')], { encoding: 'utf8' }));
  assert.equal(attrs['code.file.path'], join(dir, 'app.py'));
  assert.equal(attrs['code.line.number'], 10);
  assert.equal(attrs['code.function.name'], 'handle_order');
});

test('without the distro the program runs untraced, says why once, and the user sitecustomize still runs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'te-py-'));
  mkdirSync(join(dir, 'own'));
  writeFileSync(join(dir, 'own', 'sitecustomize.py'), 'import builtins\nbuiltins.USER_SITECUSTOMIZE = True\n');
  const r = spawnSync(python, ['-c', 'import builtins; print(getattr(builtins, "USER_SITECUSTOMIZE", False))'], {
    encoding: 'utf8', env: { ...process.env, PYTHONPATH: `${RUNTIME}:${join(dir, 'own')}` },
  });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'True');
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], /^trace-explorer: tracing is off: the OpenTelemetry distro is not importable/);
});

test('a debugpy launch whose interpreter has the distro gets the runtime first on PYTHONPATH, named by pyproject.toml', () => {
  const dir = mkdtempSync(join(tmpdir(), 'te-py-'));
  writeFileSync(join(dir, 'pyproject.toml'), '[project]\nname = "billing"\nversion = "1.0"\n');
  const r = traceLaunchConfig({ type: 'debugpy', request: 'launch', program: join(dir, 'app.py'), env: { PYTHONPATH: '/opt/mine' } },
    { registerPath: '/ext/dist/instrument/register.js', endpoint: 'http://127.0.0.1:4318', defaultPorts: true, processEnv: {}, pythonRuntimeDir: '/ext/dist/instrument/python' });
  assert.equal(r.traced, true);
  assert.equal(r.what, 'python');
  assert.equal(r.config.env.PYTHONPATH, '/ext/dist/instrument/python:/opt/mine');
  assert.equal(r.config.env.OTEL_SERVICE_NAME, 'billing');
});
