#!/usr/bin/env bash
# Reproduce the real-agent OTLP captures.
#   bash run.sh [claude|codex|gemini|copilot|all]  (default all)
# Env: CAP   = scratch root holding the installed agents (CAP/<agent>/node_modules), default /var/cap
#      DEST  = where captures go, default test/fixtures/agents in this repository
#      INSTALL=1 installs the agents first (npm install --no-audit --no-fund PKG@VERSION into CAP/<agent>)
#      DECODE=1 also writes decoded.json and summary.md (needs otlp-transformer-old, see decode.js)
# The recorder's gRPC side uses the repository's own @grpc/grpc-js.
# Everything listens on 127.0.0.1 only; every process started is stopped by PID; loops are bounded.
set -u
TOOLS=$(cd "$(dirname "$0")" && pwd)
CAP=${CAP:-$HOME/.cache/loupe-agents}
DEST=${DEST:-$(cd "$TOOLS/../../fixtures" && pwd)/agents}
export NODE_PATH="$(cd "$TOOLS/../../.." && pwd)/node_modules"
WHICH=${1:-all}
. "$TOOLS/lib.sh"
trap stop_all EXIT
decode() { [ "${DECODE:-0}" = 1 ] && node "$TOOLS/decode.js" "$1"; return 0; }

install_agent() { # dir pkg
  mkdir -p "$CAP/$1"
  (cd "$CAP/$1" && [ -f package.json ] || npm init -y >/dev/null; cd "$CAP/$1" && npm install --no-audit --no-fund "$2")
}
if [ "${INSTALL:-0}" = 1 ]; then
  install_agent claude @anthropic-ai/claude-code@2.1.332
  install_agent codex @openai/codex@0.171.0
  install_agent gemini @google/gemini-cli@0.61.0
  install_agent copilot @github/copilot@1.0.102
fi

PROMPT_TOOL='Read the file notes.txt in the current directory and tell me what it says.'
PROMPT_PLAIN='What is the capital of France? Answer in one sentence.'
BASE_PATH=/usr/local/bin:/usr/bin:/bin

# run_agent OUT WS TIMEOUT ENV... -- CMD... : run the agent in WS with a clean env, record run-info.json
run_agent() {
  local out=$1 ws=$2 to=$3; shift 3
  local envs=()
  while [ "$1" != "--" ]; do envs+=("$1"); shift; done; shift
  node -e 'const [o,ws,to,...rest]=process.argv.slice(1);const i=rest.indexOf("--");
    require("fs").writeFileSync(o+"/run-info.json",JSON.stringify({cwd:ws,timeoutSeconds:+to,env:rest.slice(0,i),argv:rest.slice(i+1)},null,2))' \
    "$out" "$ws" "$to" "${envs[@]}" -- "$@"
  local t0=$(date +%s.%N)
  (cd "$ws" && env -i PATH="$BASE_PATH" "${envs[@]}" timeout -k 5 "$to" "$@" </dev/null >"$out/agent-stdout.txt" 2>"$out/agent-stderr.txt")
  local rc=$?
  echo "agent exit=$rc after $(awk -v a="$t0" -v b="$(date +%s.%N)" "BEGIN{printf \"%.1f\", b-a}") s"
  node -e 'const f=process.argv[1]+"/run-info.json";const j=JSON.parse(require("fs").readFileSync(f));j.exitCode=+process.argv[2];require("fs").writeFileSync(f,JSON.stringify(j,null,2))' "$out" "$rc"
}

# ---------------------------------------------------------------- Claude Code
claude_one() { # scenario protocol prompt
  local sc=$1 proto=$2 prompt=$3
  local out=$DEST/claude-code/$sc ws=$CAP/ws/claude-$sc home=$CAP/home/claude-$sc
  rm -rf "$out" "$home"; mkdir -p "$out" "$home"; prepare_ws "$ws"
  start_servers "$out" fake-anthropic.js "$ws" || { finish "$out"; return 1; }
  local bin=$CAP/claude/node_modules/@anthropic-ai/claude-code/bin/claude.exe
  run_agent "$out" "$ws" 180 \
    HOME="$home" TERM=dumb \
    ANTHROPIC_BASE_URL="http://127.0.0.1:$FAKE_PORT" ANTHROPIC_API_KEY=test \
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1 DISABLE_AUTOUPDATER=1 \
    CLAUDE_CODE_ENABLE_TELEMETRY=1 CLAUDE_CODE_ENHANCED_TELEMETRY_BETA=1 \
    OTEL_TRACES_EXPORTER=otlp OTEL_METRICS_EXPORTER=otlp OTEL_LOGS_EXPORTER=otlp \
    OTEL_EXPORTER_OTLP_PROTOCOL="$proto" OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$REC_PORT" \
    OTEL_METRIC_EXPORT_INTERVAL=1000 OTEL_LOGS_EXPORT_INTERVAL=1000 OTEL_TRACES_EXPORT_INTERVAL=1000 \
    OTEL_LOG_USER_PROMPTS=1 OTEL_LOG_TOOL_DETAILS=1 OTEL_LOG_TOOL_CONTENT=1 OTEL_LOG_ASSISTANT_RESPONSES=1 \
    -- "$bin" -p "$prompt" --output-format json --allowedTools Read
  sleep 3  # late exports
  finish "$out"
  node "$TOOLS/make-manifest.js" "$out" anthropic "@anthropic-ai/claude-code" "$CAP/claude/node_modules/@anthropic-ai/claude-code/package.json" "$prompt"
  decode "$out"; node "$TOOLS/compact.js" "$out"
}
run_claude() {
  claude_one tool-roundtrip http/protobuf "$PROMPT_TOOL"
  claude_one plain http/protobuf "$PROMPT_PLAIN"
  claude_one tool-roundtrip-http-json http/json "$PROMPT_TOOL"
}

# ---------------------------------------------------------------- Codex CLI
codex_one() { # scenario transport(http-binary|http-json|grpc) prompt
  local sc=$1 tr=$2 prompt=$3
  local out=$DEST/codex/$sc ws=$CAP/ws/codex-$sc home=$CAP/home/codex-$sc
  rm -rf "$out" "$home"; mkdir -p "$out" "$home/codex"; prepare_ws "$ws"
  start_servers "$out" fake-openai.js "$ws" $([ "$tr" = grpc ] && echo grpc) || { finish "$out"; return 1; }
  local ex tx mx
  case "$tr" in
    http-binary|http-json)
      local pr=binary; [ "$tr" = http-json ] && pr=json
      ex="{ otlp-http = { endpoint = \"http://127.0.0.1:$REC_PORT/v1/logs\", protocol = \"$pr\" } }"
      tx="{ otlp-http = { endpoint = \"http://127.0.0.1:$REC_PORT/v1/traces\", protocol = \"$pr\" } }"
      mx="{ otlp-http = { endpoint = \"http://127.0.0.1:$REC_PORT/v1/metrics\", protocol = \"$pr\" } }" ;;
    grpc)
      ex="{ otlp-grpc = { endpoint = \"http://127.0.0.1:$GRPC_PORT\" } }"; tx=$ex; mx=$ex ;;
  esac
  cat >"$home/codex/config.toml" <<EOT
model_provider = "fake"
approval_policy = "never"
sandbox_mode = "danger-full-access"
check_for_update_on_startup = false

[model_providers.fake]
name = "Fake OpenAI (127.0.0.1)"
base_url = "http://127.0.0.1:$FAKE_PORT/v1"
env_key = "FAKE_OPENAI_API_KEY"
wire_api = "responses"
request_max_retries = 0
stream_max_retries = 0

[analytics]
enabled = false

[otel]
environment = "loupe-capture"
log_user_prompt = true
log_agent_responses = true
exporter = $ex
trace_exporter = $tx
metrics_exporter = $mx
EOT
  cp "$home/codex/config.toml" "$out/codex-config.toml"
  local bin=$CAP/codex/node_modules/@openai/codex-linux-x64/vendor/x86_64-unknown-linux-musl/bin/codex
  run_agent "$out" "$ws" 180 \
    HOME="$home" CODEX_HOME="$home/codex" TERM=dumb FAKE_OPENAI_API_KEY=test RUST_LOG=warn \
    -- "$bin" exec --skip-git-repo-check --json ${CODEX_MODEL:+-m "$CODEX_MODEL"} "$prompt"
  sleep 3
  finish "$out"
  node "$TOOLS/make-manifest.js" "$out" openai-responses "@openai/codex" "$CAP/codex/node_modules/@openai/codex/package.json" "$prompt" \
    "{\"configFile\":\"codex-config.toml\",\"otelTransport\":\"$tr\"}"
  decode "$out"; node "$TOOLS/compact.js" "$out"
}
run_codex() {
  codex_one tool-roundtrip http-binary "$PROMPT_TOOL"
  codex_one plain http-binary "$PROMPT_PLAIN"
  [ -n "${QUICK:-}" ] && return; codex_one tool-roundtrip-http-json http-json "$PROMPT_TOOL"
  codex_one tool-roundtrip-grpc grpc "$PROMPT_TOOL"
  CODEX_MODEL=gpt-5.5 codex_one tool-roundtrip-gpt-5.5-function-tools http-binary "$PROMPT_TOOL"
}

# ---------------------------------------------------------------- Gemini CLI
gemini_one() { # scenario protocol(http|grpc) prompt
  local sc=$1 proto=$2 prompt=$3
  local out=$DEST/gemini-cli/$sc ws=$CAP/ws/gemini-$sc home=$CAP/home/gemini-$sc
  rm -rf "$out" "$home"; mkdir -p "$out" "$home/.gemini"; prepare_ws "$ws"
  start_servers "$out" fake-gemini.js "$ws" $([ "$proto" = grpc ] && echo grpc) || { finish "$out"; return 1; }
  local ep="http://127.0.0.1:$REC_PORT"; [ "$proto" = grpc ] && ep="http://127.0.0.1:$GRPC_PORT"
  cat >"$home/.gemini/settings.json" <<EOT
{
  "security": { "auth": { "selectedType": "gemini-api-key" }, "folderTrust": { "enabled": false } },
  "general": { "disableAutoUpdate": true, "disableUpdateNag": true },
  "privacy": { "usageStatisticsEnabled": false },
  "telemetry": { "enabled": true, "target": "local", "otlpEndpoint": "$ep", "otlpProtocol": "$proto",
                 "logPrompts": true, "traces": true, "useCollector": true }
}
EOT
  cp "$home/.gemini/settings.json" "$out/gemini-settings.json"
  run_agent "$out" "$ws" 180 \
    HOME="$home" TERM=dumb NO_COLOR=1 GEMINI_API_KEY=test GOOGLE_GEMINI_BASE_URL="http://127.0.0.1:$FAKE_PORT" \
    GEMINI_CLI_TRUST_WORKSPACE=true GEMINI_CLI_NO_RELAUNCH=true OTEL_METRIC_EXPORT_INTERVAL=1000 \
    -- node "$CAP/gemini/node_modules/@google/gemini-cli/bundle/gemini.js" -p "$prompt" --output-format json ${GEMINI_EXTRA:-}
  sleep 3
  finish "$out"
  node "$TOOLS/make-manifest.js" "$out" gemini "@google/gemini-cli" "$CAP/gemini/node_modules/@google/gemini-cli/package.json" "$prompt" \
    "{\"settingsFile\":\"gemini-settings.json\",\"otelProtocol\":\"$proto\"}"
  decode "$out"; node "$TOOLS/compact.js" "$out"
}
run_gemini() {
  gemini_one tool-roundtrip http "$PROMPT_TOOL"
  gemini_one plain http "$PROMPT_PLAIN"
  [ -n "${QUICK:-}" ] && return; gemini_one tool-roundtrip-grpc grpc "$PROMPT_TOOL"
}

# ---------------------------------------------------------------- GitHub Copilot CLI (BYOK, offline)
copilot_one() { # scenario wire_api(completions|responses) protocol(http/json|http/protobuf) prompt
  local sc=$1 wire=$2 proto=$3 prompt=$4
  local out=$DEST/copilot-cli/$sc ws=$CAP/ws/copilot-$sc home=$CAP/home/copilot-$sc
  rm -rf "$out" "$home"; mkdir -p "$out" "$home"; prepare_ws "$ws"
  start_servers "$out" fake-openai.js "$ws" || { finish "$out"; return 1; }
  local bin=$CAP/copilot/node_modules/@github/copilot-linux-x64/copilot
  run_agent "$out" "$ws" 180 \
    HOME="$home" COPILOT_HOME="$home/.copilot" COPILOT_CACHE_HOME="$CAP/copilot/cache" TERM=dumb NO_COLOR=1 \
    COPILOT_OFFLINE=true COPILOT_AUTO_UPDATE=false \
    COPILOT_PROVIDER_BASE_URL="http://127.0.0.1:$FAKE_PORT/v1" COPILOT_PROVIDER_TYPE=openai COPILOT_PROVIDER_API_KEY=test \
    COPILOT_PROVIDER_WIRE_API="$wire" COPILOT_MODEL="${COPILOT_MODEL_NAME:-gpt-5.5}" \
    COPILOT_OTEL_ENABLED=true OTEL_EXPORTER_OTLP_ENDPOINT="${COPILOT_OTLP_SCHEME:-http}://127.0.0.1:$REC_PORT" \
    OTEL_EXPORTER_OTLP_PROTOCOL="$proto" OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true \
    OTEL_METRIC_EXPORT_INTERVAL=1000 ${COPILOT_EXTRA_ENV:-} \
    -- "$bin" -p "$prompt" --allow-all-tools --no-auto-update --no-color --log-dir "$out/copilot-logs" --log-level debug --output-format json
  sleep 3
  finish "$out"
  node "$TOOLS/make-manifest.js" "$out" "openai-$wire" "@github/copilot" "$CAP/copilot/node_modules/@github/copilot/package.json" "$prompt" \
    "{\"otelProtocol\":\"$proto\",\"wireApi\":\"$wire\"}"
  decode "$out"; node "$TOOLS/compact.js" "$out"
}
run_copilot() {
  copilot_one tool-roundtrip completions http/json "$PROMPT_TOOL"
  copilot_one plain completions http/json "$PROMPT_PLAIN"
  [ -n "${QUICK:-}" ] && return; copilot_one tool-roundtrip-responses-protobuf responses http/protobuf "$PROMPT_TOOL"
}

case "$WHICH" in
  claude) run_claude ;;
  codex) run_codex ;;
  gemini) run_gemini ;;
  copilot) run_copilot ;;
  all) run_claude; run_codex; run_gemini; run_copilot ;;
  *) shift; "$WHICH" "$@" ;;   # e.g. bash run.sh codex_one tool-roundtrip http-binary "prompt"
esac
