// Runs the extension-host suite (test/suite/index.js) through @vscode/test-electron's runTests API,
// unchanged, pointed at the code-server stand-in executable. On a desktop with VS Code, drop
// vscodeExecutablePath and the same call downloads VS Code and runs the same suite.
//   node test/e2e/run-test-electron.mjs        (needs `npm run build`; E2E_TEST_RESULTS=<file> to get counts)
import { createRequire } from 'node:module';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { copySampleApp, RUN_ROOT, ROOT } from './lib.mjs';

const require = createRequire(import.meta.url);
const { runTests } = require('@vscode/test-electron');

const base = join(RUN_ROOT, 'test-electron');
rmSync(base, { recursive: true, force: true }); // a fresh user-data dir: no receiver state from an earlier run
const workspace = copySampleApp(join(base, 'ws', 'sample-app'));
try {
  await runTests({
    vscodeExecutablePath: resolve(ROOT, 'test/e2e/code-server-test-shim.mjs'),
    extensionDevelopmentPath: ROOT,
    extensionTestsPath: resolve(process.env.E2E_SUITE_INDEX || resolve(ROOT, 'test/suite/index.js')),
    launchArgs: [workspace, `--user-data-dir=${join(base, 'user-data')}`, `--extensions-dir=${join(base, 'extensions')}`],
    extensionTestsEnv: { E2E_TEST_RESULTS: process.env.E2E_TEST_RESULTS || '' },
  });
  console.log('test-electron runTests: suite passed');
} catch (err) {
  console.error(`test-electron runTests: ${err.message}`);
  process.exit(1);
}
