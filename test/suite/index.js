// Extension-host test runner (the @vscode/test-electron `extensionTestsPath` contract): VS Code loads this
// module inside the extension host, with the extension under development active, and awaits run().
// Runs every test/suite/*.test.js with mocha's TDD interface (suite/test/setup/teardown).
//
// Works unchanged in desktop VS Code (runTests downloads it) and here through the code-server stand-in
// (test/e2e/code-server-test-shim.mjs). When E2E_TEST_RESULTS names a file, the outcome is written there as
// JSON {passed: [title], failed: [{title, error}], pending: [title]} so the runner can count it.
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const Mocha = require('mocha');

function run() {
  const mocha = new Mocha({
    ui: 'tdd',
    color: false,
    reporter: 'spec',
    timeout: Number(process.env.E2E_SUITE_TIMEOUT_MS || 60000),
    grep: process.env.E2E_SUITE_GREP || undefined,
  });
  const files = fs.readdirSync(__dirname).filter((f) => f.endsWith('.test.js')).sort();
  for (const f of files) mocha.addFile(path.join(__dirname, f));
  const resultsFile = process.env.E2E_TEST_RESULTS;
  const results = { files, passed: [], failed: [], pending: [] };
  const save = () => {
    if (resultsFile) fs.writeFileSync(resultsFile, JSON.stringify(results, null, 2));
  };
  return new Promise((resolve, reject) => {
    let runner;
    try {
      runner = mocha.run((failures) => {
        save();
        if (failures > 0) reject(new Error(`${failures} extension-host test(s) failed`));
        else resolve();
      });
    } catch (err) {
      // a test file that throws while loading fails the run visibly instead of counting as "0 tests"
      results.failed.push({ title: 'loading test/suite', error: String((err && err.stack) || err) });
      save();
      reject(err);
      return;
    }
    runner.on('pass', (t) => results.passed.push(t.fullTitle()));
    runner.on('fail', (t, err) => results.failed.push({ title: t.fullTitle(), error: String(err && err.message) }));
    runner.on('pending', (t) => results.pending.push(t.fullTitle()));
  });
}

module.exports = { run };
