#!/usr/bin/env bash
# Installs the coding-agent CLIs the agent tests run, at pinned versions, outside the repository
# (LOUPE_AGENTS_HOME, default ~/.cache/loupe-agents). Prints each one's install time and size.
set -eu
HOME_DIR=${LOUPE_AGENTS_HOME:-$HOME/.cache/loupe-agents}
install_one() { # dir package@version
  mkdir -p "$HOME_DIR/$1"
  cd "$HOME_DIR/$1"
  [ -f package.json ] || npm init -y >/dev/null
  local start=$(date +%s)
  npm install --no-audit --no-fund "$2" >/dev/null
  echo "$2: $(( $(date +%s) - start )) s, $(du -sh "$HOME_DIR/$1/node_modules" | cut -f1)"
}
install_one claude @anthropic-ai/claude-code@2.1.332
install_one codex @openai/codex@0.171.0
install_one gemini @google/gemini-cli@0.61.0
install_one copilot @github/copilot@1.0.102
